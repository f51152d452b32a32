"""The e-journal over HTTP under /api/v1/journal/ (SEC-27.12, SEC-27.8). Thin: selectors read,
services change; the class journal is encoded straight from flat rows (it is read most often)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate

from . import gates, selectors, services

router = Router(tags=["journal"])

AttendanceStatusIn = Literal["present", "absent_excused", "absent_unexcused", "late", "sick"]


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


# -- schemas ---------------------------------------------------------------------------------------


class JournalAssignmentOut(Schema):
    id: UUID
    class_id: UUID
    class_name: str
    grade: int
    subject_id: UUID
    subject_name: str
    subgroup_id: UUID | None
    subgroup_name: str
    teacher_id: UUID
    teacher_name: str
    hours_per_week: Decimal
    year_id: UUID


def _assignment_out(a: Any) -> dict[str, Any]:
    language = _language()
    return {
        "id": a.pk,
        "class_id": a.school_class_id,
        "class_name": str(a.school_class),
        "grade": a.school_class.grade,
        "subject_id": a.subject_id,
        "subject_name": a.subject.name(language),
        "subgroup_id": a.subgroup_id,
        "subgroup_name": a.subgroup.name if a.subgroup_id else "",
        "teacher_id": a.teacher_id,
        "teacher_name": a.teacher.full_name(language),
        "hours_per_week": a.hours_per_week,
        "year_id": a.year_id,
    }


class PeriodOut(Schema):
    id: UUID
    kind: str
    number: int
    start_date: dt.date
    end_date: dt.date


class LearnerOut(Schema):
    id: UUID
    name: str


class LessonOut(Schema):
    id: UUID
    date: dt.date
    lesson_number: int
    topic: str
    status: str
    teacher_id: UUID


class AttendanceOut(Schema):
    lesson_id: UUID
    learner_id: UUID
    status: str


class AssessmentOut(Schema):
    id: UUID
    lesson_id: UUID
    kind: str
    title: str
    max_points: int


class MarkOut(Schema):
    assessment_id: UUID
    learner_id: UUID
    points: Decimal


class ClassJournalOut(Schema):
    """Learners × lessons of a class-subject for a period, as flat rows to join on ids."""

    assignment: JournalAssignmentOut
    period: PeriodOut | None
    learners: list[LearnerOut]
    lessons: list[LessonOut]
    attendance: list[AttendanceOut]
    assessments: list[AssessmentOut]
    marks: list[MarkOut]


class LessonSheetOut(Schema):
    id: UUID
    assignment: JournalAssignmentOut
    date: dt.date
    lesson_number: int
    period_id: UUID | None
    open_until: dt.date = Field(..., description="The last day of the edit window.")
    reopened_until: dt.datetime | None
    editable: bool
    learners: list[LearnerOut]
    attendance: list[AttendanceOut]
    assessments: list[AssessmentOut]
    marks: list[MarkOut]


class AttendanceExceptionIn(Schema):
    learner_id: UUID
    status: AttendanceStatusIn
    note: str = Field("", max_length=200)


class ClassAttendanceIn(Schema):
    default_status: AttendanceStatusIn = Field(
        "present", description="The status of every learner not listed in `exceptions`."
    )
    exceptions: list[AttendanceExceptionIn] = Field(default_factory=list, max_length=60)


class AttendanceCellIn(Schema):
    status: AttendanceStatusIn
    note: str = Field("", max_length=200)


class AttendanceRowOut(Schema):
    learner_id: UUID
    status: str
    note: str


class AttendanceWriteOut(Schema):
    lesson_id: UUID
    changed: int = Field(..., description="How many rows were written (unchanged ones are not).")
    attendance: list[AttendanceRowOut]


class AssessmentIn(Schema):
    kind: Literal["fo", "sor", "soch"]
    title: str = Field("", max_length=200)
    max_points: int | None = Field(
        None, ge=1, le=100, description="Required for СОР/СОЧ; ФО uses the scale in force."
    )


class MarkIn(Schema):
    learner_id: UUID
    points: Decimal | None = Field(..., description="null removes the mark.")
    comment: str = Field("", max_length=300)


class MarksIn(Schema):
    marks: list[MarkIn] = Field(..., min_length=1, max_length=60)


class MarksWriteOut(Schema):
    assessment_id: UUID
    changed: int
    marks: list[MarkOut]


class ReopeningIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)
    until: dt.datetime


class ReopeningOut(Schema):
    id: UUID
    lesson_id: UUID
    granted_by_id: UUID
    reason: str
    until: dt.datetime


class PeriodMarkOut(Schema):
    id: UUID
    learner_id: UUID
    learner_name: str
    period_id: UUID | None
    percent: Decimal | None
    computed_mark: int | None
    final_mark: int | None
    computed_at: dt.datetime
    confirmed_by_id: UUID | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_learner_name(obj: Any) -> str:
        return obj.learner.full_name(_language())


class PeriodMarksOut(Schema):
    assignment_id: UUID
    period: PeriodOut | None
    marked_per: str = Field(..., description="quarter or half_year (1-hour subjects).")
    items: list[PeriodMarkOut]


class RecomputeIn(Schema):
    period_id: UUID | None = Field(None, description="Empty: the year marks.")


class PeriodQuery(Schema):
    period: UUID | None = Field(None, description="A study period of the year; default: current.")


class PeriodMarkPatch(Schema):
    final_mark: int | None = None
    computed_mark: int | None = None


# -- reads ---------------------------------------------------------------------------------------------


@router.get("/journal/assignments", response={200: page_of(JournalAssignmentOut), **LIST_ERRORS})
def journal_assignment_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """The class-subjects whose journals you reach: your own (teachers), all of the school
    (deputy directors, directors)."""
    qs = selectors.assignment_list(actor(request))
    return paginate(qs, cursor=page.cursor, limit=page.limit, serialize=_assignment_out)


def _period_for(assignment: Any, period_id: UUID | None) -> Any:
    if period_id:
        return selectors.period_get(assignment, period_id)
    return selectors.current_period(assignment, services.marked_period_kind(assignment))


@router.get("/journal/assignments/{assignment_id}", response={200: ClassJournalOut, **READ_ERRORS})
def class_journal(request: HttpRequest, assignment_id: UUID, query: Query[PeriodQuery]) -> Any:
    """The class journal of a class-subject for a period (default: the current quarter, or
    half-year for a 1-hour subject): learners, lessons, attendance, assessments and marks."""
    assignment = selectors.assignment_for_reading(actor(request), assignment_id)
    period = _period_for(assignment, query.period)
    data: dict[str, Any] = {"learners": [], "lessons": [], "attendance": []}
    data |= {"assessments": [], "marks": []}
    if period is not None:
        data = selectors.class_journal(assignment, period.start_date, period.end_date)
    body = {
        "assignment": _assignment_out(assignment),
        "period": _period_out(period),
        **data,
    }
    # Encoded here rather than validated through the schema: the rows come typed from the
    # database, and this page is read far more often than any other (benchmark: ≤ 3× raw SQL).
    return HttpResponse(
        json.dumps(body, default=str, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


def _period_out(period: Any) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "id": period.pk,
        "kind": period.kind,
        "number": period.number,
        "start_date": period.start_date,
        "end_date": period.end_date,
    }


def _sheet(lesson: Any) -> dict[str, Any]:
    reopening = gates.active_reopening(lesson)
    until = gates.open_until(lesson)
    return {
        "id": lesson.pk,
        "assignment": _assignment_out(lesson.assignment),
        "date": lesson.date,
        "lesson_number": lesson.lesson_number,
        "period_id": lesson.period_id,
        "open_until": until,
        "reopened_until": reopening.until if reopening else None,
        "editable": timezone.localdate() <= until or reopening is not None,
        **{k: v for k, v in selectors.lesson_sheet(lesson).items() if k != "lessons"},
    }


@router.get("/journal/lessons/{lesson_id}", response={200: LessonSheetOut, **READ_ERRORS})
def lesson_sheet(request: HttpRequest, lesson_id: UUID) -> Any:
    """One lesson's learners, attendance, assessments and marks, and its edit window."""
    lesson = selectors.lesson_get(actor(request), lesson_id)
    return _sheet(lesson)


# -- writes ---------------------------------------------------------------------------------------------


def _attendance_rows(lesson: Any) -> list[dict[str, Any]]:
    return list(lesson.attendance.values("learner_id", "status", "note"))


@router.put(
    "/journal/lessons/{lesson_id}/attendance",
    response={200: AttendanceWriteOut, **WRITE_ERRORS},
)
def attendance_record_class(
    request: HttpRequest, lesson_id: UUID, payload: ClassAttendanceIn
) -> Any:
    """The whole class's attendance in one action: everyone `default_status` (present) except the
    listed learners. One multi-row write and one journal record."""
    who = actor(request)
    lesson = selectors.lesson_for_attendance(who, lesson_id)
    changed = services.attendance_record_class(
        actor=who,
        lesson=lesson,
        default_status=payload.default_status,
        exceptions=[
            services.AttendanceEntry(e.learner_id, e.status, e.note) for e in payload.exceptions
        ],
    )
    return {"lesson_id": lesson.pk, "changed": len(changed), "attendance": _attendance_rows(lesson)}


@router.put(
    "/journal/lessons/{lesson_id}/attendance/{learner_id}",
    response={200: AttendanceRowOut, **WRITE_ERRORS},
)
def attendance_set(
    request: HttpRequest, lesson_id: UUID, learner_id: UUID, payload: AttendanceCellIn
) -> Any:
    """Change one learner's attendance at a lesson."""
    who = actor(request)
    lesson = selectors.lesson_get(who, lesson_id)
    return services.attendance_set(
        actor=who,
        lesson=lesson,
        entry=services.AttendanceEntry(learner_id, payload.status, payload.note),
    )


@router.post(
    "/journal/lessons/{lesson_id}/assessments", response={201: AssessmentOut, **WRITE_ERRORS}
)
def assessment_create(request: HttpRequest, lesson_id: UUID, payload: AssessmentIn) -> Any:
    """A ФО, СОР or СОЧ at a lesson; a СОЧ is refused on the days the rules forbid."""
    who = actor(request)
    lesson = selectors.lesson_get(who, lesson_id)
    return 201, services.assessment_create(actor=who, lesson=lesson, **payload.model_dump())


@router.delete("/journal/assessments/{assessment_id}", response={204: None, **WRITE_ERRORS})
def assessment_delete(request: HttpRequest, assessment_id: UUID) -> Any:
    """Remove an assessment entered by mistake, with its marks (within the edit window)."""
    who = actor(request)
    services.assessment_delete(actor=who, assessment=selectors.assessment_get(who, assessment_id))
    return 204, None


@router.put(
    "/journal/assessments/{assessment_id}/marks", response={200: MarksWriteOut, **WRITE_ERRORS}
)
def marks_record(request: HttpRequest, assessment_id: UUID, payload: MarksIn) -> Any:
    """Set, change (or, with `points: null`, remove) learners' marks for one assessment."""
    who = actor(request)
    assessment = selectors.assessment_get(who, assessment_id)
    changed = services.marks_record(
        actor=who,
        assessment=assessment,
        entries=[services.MarkEntry(m.learner_id, m.points, m.comment) for m in payload.marks],
    )
    marks = assessment.marks.values("assessment_id", "learner_id", "points")
    return {"assessment_id": assessment.pk, "changed": len(changed), "marks": list(marks)}


@router.post(
    "/journal/lessons/{lesson_id}/reopenings", response={201: ReopeningOut, **WRITE_ERRORS}
)
def lesson_reopen(request: HttpRequest, lesson_id: UUID, payload: ReopeningIn) -> Any:
    """The deputy director reopens a lesson's journal after the edit window, with a reason."""
    who = actor(request)
    lesson = selectors.lesson_get(who, lesson_id)
    return 201, services.lesson_reopen(actor=who, lesson=lesson, **payload.model_dump())


# -- period marks ----------------------------------------------------------------------------------------


def _period_marks(assignment: Any, period: Any) -> dict[str, Any]:
    return {
        "assignment_id": assignment.pk,
        "period": period,
        "marked_per": services.marked_period_kind(assignment),
        "items": list(selectors.period_marks(assignment, period)),
    }


@router.get(
    "/journal/assignments/{assignment_id}/period-marks",
    response={200: PeriodMarksOut, **READ_ERRORS},
)
def period_mark_list(request: HttpRequest, assignment_id: UUID, query: Query[PeriodQuery]) -> Any:
    """The stored period marks of a class-subject; without `period`, the year marks."""
    assignment = selectors.assignment_get(actor(request), assignment_id)
    period = selectors.period_get(assignment, query.period) if query.period else None
    return _period_marks(assignment, period)


@router.post(
    "/journal/assignments/{assignment_id}/period-marks/recompute",
    response={200: PeriodMarksOut, **WRITE_ERRORS},
)
def period_marks_recompute(request: HttpRequest, assignment_id: UUID, payload: RecomputeIn) -> Any:
    """Compute every learner's period (or, without `period_id`, year) mark by the rules in force."""
    who = actor(request)
    assignment = selectors.assignment_get(who, assignment_id)
    period = selectors.period_get(assignment, payload.period_id) if payload.period_id else None
    services.period_marks_recompute(actor=who, assignment=assignment, period=period)
    return _period_marks(assignment, period)


@router.post(
    "/journal/period-marks/{period_mark_id}/confirm",
    response={200: PeriodMarkOut, **WRITE_ERRORS},
)
def period_mark_confirm(request: HttpRequest, period_mark_id: UUID) -> Any:
    """Confirm the computed mark as the final mark (when the rules in force allow it)."""
    who = actor(request)
    period_mark = selectors.period_mark_get(who, period_mark_id)
    return services.period_mark_confirm(actor=who, period_mark=period_mark)


@router.patch(
    "/journal/period-marks/{period_mark_id}", response={200: PeriodMarkOut, **WRITE_ERRORS}
)
def period_mark_patch(request: HttpRequest, period_mark_id: UUID, payload: PeriodMarkPatch) -> Any:
    """Always refused (400 `period_mark_computed`): a period mark is computed, never typed."""
    selectors.period_mark_get(actor(request), period_mark_id)
    raise services.period_mark_refuse_typing()
