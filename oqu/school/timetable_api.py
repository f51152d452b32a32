"""The timetable over HTTP (SEC-27.8), under /api/v1/school/: rooms, bells, the weekly grid with
its conflict check, the automatic draft, lessons of dates and substitutions. Thin: selectors
read, `timetable` services change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import person_to_relate

from . import selectors
from . import timetable as services
from . import timetable_plan as plan
from . import timetable_selectors as tt
from .models import RoomKind

router = Router(tags=["timetable"])


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _name(person: Any) -> str:
    return person.full_name(_language()) if person is not None else ""


# -- schemas ---------------------------------------------------------------------------------------


class RoomIn(Schema):
    organization_id: UUID
    name: str = Field(..., min_length=1, max_length=60, examples=["204"])
    capacity: int | None = Field(None, ge=1, le=500)
    kind: str = Field("classroom", description="A code of /school/room-kinds.")


class RoomPatch(Schema):
    name: str = Field(None, min_length=1, max_length=60)
    capacity: int = Field(None, ge=1, le=500)
    kind: str = Field(None, description="A code of /school/room-kinds.")


class RoomOut(Schema):
    id: UUID
    organization_id: UUID
    name: str
    capacity: int | None
    kind: str


class RoomKindOut(Schema):
    code: str
    label: str


class SubjectRoomKindIn(Schema):
    room_kind: str = Field(..., description='A code of /school/room-kinds, or "" for any room.')


class SubjectRoomKindOut(Schema):
    id: UUID
    code: str
    room_kind: str


class BellIn(Schema):
    shift: int = Field(1, ge=1, le=3)
    number: int = Field(..., ge=1, le=12)
    starts_at: dt.time
    ends_at: dt.time


class BellOut(Schema):
    id: UUID
    year_id: UUID
    shift: int
    number: int
    starts_at: dt.time
    ends_at: dt.time


class ProblemOut(Schema):
    code: str
    hard: bool
    message: str
    weekday: int | None = None
    lesson_number: int | None = None
    class_id: UUID | None = None
    subject_id: UUID | None = None
    assignment_id: UUID | None = None
    other_entry_id: UUID | None = None
    placed: int | None = None
    required: Decimal | None = None


def _problem(p: plan.Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "hard": p.hard,
        "message": services.problem_message(p.code),
        "weekday": p.weekday,
        "lesson_number": p.number,
        "class_id": p.class_id,
        "subject_id": p.subject_id,
        "assignment_id": p.assignment_id,
        "other_entry_id": p.other_entry_id,
        "placed": p.placed,
        "required": p.required,
    }


class EntryIn(Schema):
    assignment_id: UUID
    weekday: int = Field(..., ge=1, le=6, description="1 = Monday … 6 = Saturday")
    lesson_number: int = Field(..., ge=1, le=12)
    room_id: UUID | None = None
    valid_from: dt.date | None = Field(
        None, description="When the change takes effect (default today, kept inside the year)."
    )


class EntryMoveIn(Schema):
    weekday: int = Field(..., ge=1, le=6)
    lesson_number: int = Field(..., ge=1, le=12)
    room_id: UUID | None = None
    valid_from: dt.date | None = None


class EntryOut(Schema):
    id: UUID
    assignment_id: UUID
    class_id: UUID
    subject_id: UUID
    subject_code: str
    subgroup_id: UUID | None
    teacher_id: UUID
    teacher_name: str
    weekday: int
    lesson_number: int
    room_id: UUID | None
    room_name: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_class_id(obj: Any) -> UUID:
        return obj.assignment.school_class_id

    @staticmethod
    def resolve_subject_id(obj: Any) -> UUID:
        return obj.assignment.subject_id

    @staticmethod
    def resolve_subject_code(obj: Any) -> str:
        return obj.assignment.subject.code

    @staticmethod
    def resolve_subgroup_id(obj: Any) -> UUID | None:
        return obj.assignment.subgroup_id

    @staticmethod
    def resolve_teacher_id(obj: Any) -> UUID:
        return obj.assignment.teacher_id

    @staticmethod
    def resolve_teacher_name(obj: Any) -> str:
        return _name(obj.assignment.teacher)

    @staticmethod
    def resolve_room_name(obj: Any) -> str:
        return obj.room.name if obj.room_id else ""


class PlacedOut(Schema):
    entry: EntryOut
    warnings: list[ProblemOut]


class CheckOut(Schema):
    ok: bool
    conflicts: list[ProblemOut]
    warnings: list[ProblemOut]


class GridOut(Schema):
    class_id: UUID
    entries: list[EntryOut]
    warnings: list[ProblemOut]


class DraftIn(Schema):
    class_ids: list[UUID] = Field(
        default_factory=list, max_length=200, description="Empty: every class of the year."
    )
    days: int = Field(5, ge=5, le=6)


class DraftApplyIn(DraftIn):
    fingerprint: str = Field(..., min_length=1, max_length=64)
    valid_from: dt.date | None = None


class DraftCellOut(Schema):
    assignment_id: UUID
    class_id: UUID
    subject_id: UUID
    teacher_id: UUID
    subgroup_id: UUID | None
    weekday: int
    lesson_number: int
    room_id: UUID | None


class UnplacedOut(Schema):
    class_id: UUID
    subject_id: UUID
    assignment_id: UUID | None
    missing: Decimal
    reason: str
    message: str


class DraftOut(Schema):
    fingerprint: str
    placed: list[DraftCellOut]
    unplaced: list[UnplacedOut]
    warnings: list[ProblemOut]


class GenerateIn(Schema):
    date_from: dt.date
    date_to: dt.date


class GenerationOut(Schema):
    created: int
    updated: int
    removed: int
    kept: int
    days: int


class LessonOut(Schema):
    id: UUID
    organization_id: UUID
    assignment_id: UUID
    class_id: UUID
    class_name: str
    subject_id: UUID
    subject_code: str
    subgroup_id: UUID | None
    period_id: UUID | None
    date: dt.date
    lesson_number: int
    teacher_id: UUID
    teacher_name: str
    room_id: UUID | None
    status: str
    substitute_for_id: UUID | None = Field(
        None, description="The absent teacher, when substituted."
    )
    substitution_reason: str = ""

    @staticmethod
    def resolve_class_id(obj: Any) -> UUID:
        return obj.assignment.school_class_id

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return str(obj.assignment.school_class)

    @staticmethod
    def resolve_subject_id(obj: Any) -> UUID:
        return obj.assignment.subject_id

    @staticmethod
    def resolve_subject_code(obj: Any) -> str:
        return obj.assignment.subject.code

    @staticmethod
    def resolve_subgroup_id(obj: Any) -> UUID | None:
        return obj.assignment.subgroup_id

    @staticmethod
    def resolve_teacher_name(obj: Any) -> str:
        return _name(obj.teacher)

    @staticmethod
    def resolve_substitute_for_id(obj: Any) -> UUID | None:
        sub = getattr(obj, "substitution", None)
        return sub.absent_teacher_id if sub else None

    @staticmethod
    def resolve_substitution_reason(obj: Any) -> str:
        sub = getattr(obj, "substitution", None)
        return sub.reason if sub else ""


class LessonFilter(Schema):
    organization: UUID
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    class_id: UUID | None = Field(None, alias="class")
    teacher: UUID | None = None


class TeacherOut(Schema):
    id: UUID
    name: str


class SubstitutionIn(Schema):
    substitute_id: UUID
    reason: str = Field("", max_length=200)


class RoomFilter(Schema):
    organization: UUID | None = None


# -- rooms -----------------------------------------------------------------------------------------


@router.get("/school/rooms", response={200: page_of(RoomOut), **LIST_ERRORS})
def room_list(request: HttpRequest, filters: Query[RoomFilter], page: Query[PageQuery]) -> Any:
    who = actor(request)
    organization = unit_get(who, filters.organization) if filters.organization else None
    qs = tt.room_list(who, organization=organization)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="name")


@router.post("/school/rooms", response={201: RoomOut, **WRITE_ERRORS})
def room_create(request: HttpRequest, payload: RoomIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    return 201, services.room_create(
        actor=who,
        organization=organization,
        name=payload.name,
        capacity=payload.capacity,
        kind=payload.kind,
    )


@router.get("/school/rooms/{room_id}", response={200: RoomOut, **READ_ERRORS})
def room_get(request: HttpRequest, room_id: UUID) -> Any:
    return tt.room_get(actor(request), room_id)


@router.patch("/school/rooms/{room_id}", response={200: RoomOut, **WRITE_ERRORS})
def room_change(request: HttpRequest, room_id: UUID, payload: RoomPatch) -> Any:
    who = actor(request)
    room = tt.room_get(who, room_id)
    return services.room_change(actor=who, room=room, **payload.model_dump(exclude_unset=True))


@router.delete("/school/rooms/{room_id}", response={204: None, **WRITE_ERRORS})
def room_delete(request: HttpRequest, room_id: UUID) -> Any:
    who = actor(request)
    services.room_delete(actor=who, room=tt.room_get(who, room_id))
    return 204, None


@router.get("/school/room-kinds", response={200: list[RoomKindOut], **READ_ERRORS})
def room_kinds(request: HttpRequest) -> Any:
    """The reference list of room types (classroom, laboratory, computer class, gym, …)."""
    return [{"code": code, "label": str(label)} for code, label in RoomKind.choices]


@router.put(
    "/school/subjects/{subject_id}/room-kind",
    response={200: SubjectRoomKindOut, **WRITE_ERRORS},
)
def subject_room_kind(request: HttpRequest, subject_id: UUID, payload: SubjectRoomKindIn) -> Any:
    """The room type the subject's lessons need ("" — any room): the grid refuses a room of
    another type (409 `room_kind_wrong`) and the draft places them only in such rooms."""
    who = actor(request)
    subject = selectors.subject_get(who, subject_id)
    return services.subject_room_kind_set(actor=who, subject=subject, room_kind=payload.room_kind)


# -- bells -----------------------------------------------------------------------------------------


@router.get("/school/years/{year_id}/bells", response={200: list[BellOut], **READ_ERRORS})
def bell_list(request: HttpRequest, year_id: UUID) -> Any:
    """The bell schedule of the year: lesson number → start and end, per shift."""
    return tt.bell_list(selectors.year_get(actor(request), year_id))


@router.put("/school/years/{year_id}/bells", response={200: BellOut, **WRITE_ERRORS})
def bell_set(request: HttpRequest, year_id: UUID, payload: BellIn) -> Any:
    """Set one lesson's times (creates or changes it); lessons of a shift may not overlap."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    return services.bell_set(actor=who, year=year, **payload.model_dump())


@router.delete("/school/bells/{bell_id}", response={204: None, **WRITE_ERRORS})
def bell_delete(request: HttpRequest, bell_id: UUID) -> Any:
    who = actor(request)
    services.bell_delete(actor=who, bell=tt.bell_get(who, bell_id))
    return 204, None


# -- the grid --------------------------------------------------------------------------------------


def _room(request: HttpRequest, room_id: UUID | None) -> Any:
    return tt.room_get(actor(request), room_id) if room_id else None


@router.get("/school/classes/{class_id}/timetable", response={200: GridOut, **READ_ERRORS})
def class_grid(request: HttpRequest, class_id: UUID) -> Any:
    """The class's weekly grid as it stands, with its warnings (hours, lessons a day)."""
    who = actor(request)
    school_class = selectors.class_get(who, class_id)
    rows = tt.class_entries(who, school_class)
    grid = services.load_grid(school_class.year)
    return {
        "class_id": school_class.pk,
        "entries": rows,
        "warnings": [_problem(p) for p in services.class_warnings(grid, school_class.pk)],
    }


@router.post("/school/timetable/check", response={200: CheckOut, **WRITE_ERRORS})
def entry_check(request: HttpRequest, payload: EntryIn) -> Any:
    """What placing would do, without placing: conflicts (would be refused) and warnings."""
    who = actor(request)
    assignment = selectors.assignment_get(who, payload.assignment_id)
    room = _room(request, payload.room_id)
    grid = services.load_grid(assignment.year)
    check = services.check_cell(grid, assignment, payload.weekday, payload.lesson_number, room)
    return {
        "ok": check.ok,
        "conflicts": [_problem(p) for p in check.conflicts],
        "warnings": [_problem(p) for p in check.warnings],
    }


@router.post("/school/timetable/entries", response={201: PlacedOut, **WRITE_ERRORS})
def entry_place(request: HttpRequest, payload: EntryIn) -> Any:
    """Place an assignment in a cell. A teacher, room or class already busy then → 409 with the
    conflict's code (`teacher_busy`, `room_busy`, `class_busy`); warnings come back with it."""
    who = actor(request)
    assignment = selectors.assignment_get(who, payload.assignment_id)
    placed = services.entry_place(
        actor=who,
        assignment=assignment,
        weekday=payload.weekday,
        lesson_number=payload.lesson_number,
        room=_room(request, payload.room_id),
        on=payload.valid_from,
    )
    entry = tt.entry_get(who, placed.entry.pk)
    return 201, {"entry": entry, "warnings": [_problem(p) for p in placed.warnings]}


@router.get("/school/timetable/entries/{entry_id}", response={200: EntryOut, **READ_ERRORS})
def entry_get(request: HttpRequest, entry_id: UUID) -> Any:
    return tt.entry_get(actor(request), entry_id)


@router.post("/school/timetable/entries/{entry_id}/check", response={200: CheckOut, **WRITE_ERRORS})
def entry_move_check(request: HttpRequest, entry_id: UUID, payload: EntryMoveIn) -> Any:
    """What moving the cell would do, without moving it: the same live checks as placing."""
    who = actor(request)
    entry = tt.entry_get(who, entry_id)
    grid = services.load_grid(entry.assignment.year)
    check = services.check_cell(
        grid,
        entry.assignment,
        payload.weekday,
        payload.lesson_number,
        _room(request, payload.room_id),
        replacing=entry,
    )
    return {
        "ok": check.ok,
        "conflicts": [_problem(p) for p in check.conflicts],
        "warnings": [_problem(p) for p in check.warnings],
    }


@router.put("/school/timetable/entries/{entry_id}", response={200: PlacedOut, **WRITE_ERRORS})
def entry_move(request: HttpRequest, entry_id: UUID, payload: EntryMoveIn) -> Any:
    """Move a cell to another slot or room (from `valid_from`); the answer is the new entry."""
    who = actor(request)
    entry = tt.entry_get(who, entry_id)
    placed = services.entry_move(
        actor=who,
        entry=entry,
        weekday=payload.weekday,
        lesson_number=payload.lesson_number,
        room=_room(request, payload.room_id),
        on=payload.valid_from,
    )
    return {
        "entry": tt.entry_get(who, placed.entry.pk),
        "warnings": [_problem(p) for p in placed.warnings],
    }


@router.delete("/school/timetable/entries/{entry_id}", response={204: None, **WRITE_ERRORS})
def entry_remove(request: HttpRequest, entry_id: UUID) -> Any:
    who = actor(request)
    services.entry_remove(actor=who, entry=tt.entry_get(who, entry_id))
    return 204, None


# -- the draft -------------------------------------------------------------------------------------


def _classes(request: HttpRequest, ids: list[UUID]) -> list[Any]:
    who = actor(request)
    return [selectors.class_get(who, class_id) for class_id in ids]


def _draft_out(report: services.DraftReport) -> dict[str, Any]:
    draft = report.draft
    unplaced = [
        {
            "class_id": u.teaching.class_id,
            "subject_id": u.teaching.subject_id,
            "assignment_id": u.teaching.assignment_id,
            "missing": Decimal(u.missing),
            "reason": u.reason,
            "message": services.problem_message(u.reason),
        }
        for u in draft.unplaced
    ] + [
        {
            "class_id": c.pk,
            "subject_id": subject_id,
            "assignment_id": None,
            "missing": hours,
            "reason": "no_assignment",
            "message": services.problem_message("no_assignment"),
        }
        for c, subject_id, hours in report.missing_assignments
    ]
    return {
        "fingerprint": draft.fingerprint(),
        "placed": [
            {
                "assignment_id": c.teaching.assignment_id,
                "class_id": c.teaching.class_id,
                "subject_id": c.teaching.subject_id,
                "teacher_id": c.teaching.teacher_id,
                "subgroup_id": c.teaching.subgroup_id,
                "weekday": c.weekday,
                "lesson_number": c.number,
                "room_id": c.room_id,
            }
            for c in draft.cells
        ],
        "unplaced": unplaced,
        "warnings": [_problem(p) for problems in report.warnings.values() for p in problems],
    }


@router.post("/school/years/{year_id}/timetable/draft", response={200: DraftOut, **WRITE_ERRORS})
def draft_build(request: HttpRequest, year_id: UUID, payload: DraftIn) -> Any:
    """An automatic draft of the classes' grids (all classes when none are named), not saved:
    what was placed, what could not be and why, and a fingerprint to apply exactly this draft."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    report = services.draft_build(
        actor=who, year=year, classes=_classes(request, payload.class_ids), days=payload.days
    )
    return _draft_out(report)


@router.post(
    "/school/years/{year_id}/timetable/draft/apply", response={200: DraftOut, **WRITE_ERRORS}
)
def draft_apply(request: HttpRequest, year_id: UUID, payload: DraftApplyIn) -> Any:
    """Replace the classes' grids by the reviewed draft in one transaction (409 `draft_stale`
    when the data changed since it was made)."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    report = services.draft_apply(
        actor=who,
        year=year,
        classes=_classes(request, payload.class_ids),
        days=payload.days,
        fingerprint=payload.fingerprint,
        on=payload.valid_from,
    )
    return _draft_out(report)


# -- lessons ---------------------------------------------------------------------------------------


@router.post(
    "/school/years/{year_id}/lessons/generate", response={200: GenerationOut, **WRITE_ERRORS}
)
def lessons_generate(request: HttpRequest, year_id: UUID, payload: GenerateIn) -> Any:
    """Make the lessons of the school days in the range from the grid (idempotent)."""
    who = actor(request)
    year = selectors.year_get(who, year_id)
    return services.lessons_generate(
        actor=who, year=year, date_from=payload.date_from, date_to=payload.date_to
    ).as_dict()


@router.get("/school/lessons", response={200: page_of(LessonOut), **LIST_ERRORS})
def lesson_list(request: HttpRequest, filters: Query[LessonFilter], page: Query[PageQuery]) -> Any:
    """Lessons of a school: of a date, or a date range, of a class or a teacher."""
    who = actor(request)
    organization = unit_get(who, filters.organization)
    qs = tt.lessons(who).filter(organization=organization)
    if filters.date:
        qs = qs.filter(date=filters.date)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.class_id:
        qs = qs.filter(assignment__school_class=selectors.class_get(who, filters.class_id))
    if filters.teacher:
        qs = qs.filter(teacher_id=filters.teacher)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="date")


@router.get("/school/lessons/{lesson_id}", response={200: LessonOut, **READ_ERRORS})
def lesson_get(request: HttpRequest, lesson_id: UUID) -> Any:
    return tt.lesson_get(actor(request), lesson_id)


@router.get(
    "/school/lessons/{lesson_id}/free-teachers", response={200: list[TeacherOut], **READ_ERRORS}
)
def lesson_free_teachers(request: HttpRequest, lesson_id: UUID) -> Any:
    """Staff of the school free at the lesson's time: the candidates to substitute."""
    lesson = tt.lesson_get(actor(request), lesson_id)
    return [{"id": p.pk, "name": _name(p)} for p in services.free_teachers(lesson)]


@router.post("/school/lessons/{lesson_id}/substitution", response={201: LessonOut, **WRITE_ERRORS})
def substitution_create(request: HttpRequest, lesson_id: UUID, payload: SubstitutionIn) -> Any:
    who = actor(request)
    lesson = tt.lesson_get(who, lesson_id)
    substitute = person_to_relate(
        who, services.TIMETABLE_MANAGE, unit=lesson.organization, person_id=payload.substitute_id
    )
    services.substitution_create(
        actor=who, lesson=lesson, substitute=substitute, reason=payload.reason
    )
    return 201, tt.lesson_get(who, lesson_id)


@router.delete(
    "/school/lessons/{lesson_id}/substitution", response={200: LessonOut, **WRITE_ERRORS}
)
def substitution_undo(request: HttpRequest, lesson_id: UUID) -> Any:
    who = actor(request)
    services.substitution_undo(actor=who, lesson=tt.lesson_get(who, lesson_id))
    return tt.lesson_get(who, lesson_id)
