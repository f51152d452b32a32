"""Changes to the timetable (SEC-27.8): rooms, bells, the weekly grid of a class, the automatic
draft, lessons generated for dates and substitutions. validate → `scope.require` → change →
journal, in one transaction.

The grid being edited is the set of *open* entries (no `valid_to`). A change takes effect on a date
(`on`, by default today, kept inside the academic year): an entry that already produced lessons
before that date is closed the day before, so those lessons keep the grid they were made from;
an entry that produced none is simply removed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.journal.models import Assessment, Attendance
from oqu.kernel.errors import Conflict, NotFound, ValidationError
from oqu.kernel.models import CalendarDay
from oqu.kernel.rules import rule_value
from oqu.lms.models import Homework
from oqu.people.models import Employment

from . import timetable_plan as plan
from .models import (
    AcademicYear,
    BellSlot,
    CurriculumLine,
    Lesson,
    Room,
    RoomKind,
    SchoolClass,
    StudyPeriod,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
    Vacation,
)

TIMETABLE_VIEW = "school.timetable.view"
TIMETABLE_MANAGE = "school.timetable.manage"
DAY_LIMIT_RULE = "school.timetable.max_lessons_per_day"
WEEKDAYS = range(1, 7)
MAX_LESSON_NUMBER = 12
MAX_GENERATION_DAYS = 400

PROBLEM_MESSAGES = {
    "class_busy": gettext_lazy("The class (or this subgroup) already has a lesson at this time."),
    "teacher_busy": gettext_lazy("The teacher already teaches another lesson at this time."),
    "room_busy": gettext_lazy("The room is already taken at this time."),
    "hours_not_covered": gettext_lazy("Fewer lessons in the grid than the assignment's hours."),
    "hours_exceeded": gettext_lazy("More lessons in the grid than the assignment's hours."),
    "curriculum_not_covered": gettext_lazy("Fewer lessons in the grid than the curriculum hours."),
    "curriculum_exceeded": gettext_lazy("More lessons in the grid than the curriculum hours."),
    "day_limit_exceeded": gettext_lazy("More lessons in a day than allowed for the grade."),
    "class_full": gettext_lazy("The class has no free lesson left in the week."),
    "day_limit": gettext_lazy("Every free slot is on a day already at the grade's limit."),
    "no_assignment": gettext_lazy("No teacher is assigned to this subject of the curriculum."),
    "room_kind_wrong": gettext_lazy("The subject needs a room of another type."),
    "room_kind_unset": gettext_lazy("The subject needs a room of its type; none is chosen."),
    "no_room_of_kind": gettext_lazy("The school has no room of the type this subject needs."),
    "room_kind_busy": gettext_lazy(
        "Every room of the type this subject needs is taken at the free slots."
    ),
}


def problem_message(code: str) -> str:
    return str(PROBLEM_MESSAGES.get(code, code))


# -- reading the grid as plain values ------------------------------------------------------------


def day_limits(as_of: dt.date) -> dict[int, int]:
    """Lessons a day allowed per grade by the rule set in force (empty when none is)."""
    try:
        value = rule_value(DAY_LIMIT_RULE, as_of)
    except NotFound:
        return {}
    return {int(grade): int(limit) for grade, limit in value["by_grade"].items()}


def teaching_of(assignment: TeachingAssignment) -> plan.Teaching:
    school_class = assignment.school_class
    return plan.Teaching(
        assignment_id=assignment.pk,
        class_id=school_class.pk,
        class_name=f"{school_class.grade:02d}{school_class.letter}",
        grade=school_class.grade,
        shift=school_class.shift,
        subject_id=assignment.subject_id,
        subject_code=assignment.subject.code,
        teacher_id=assignment.teacher_id,
        subgroup_id=assignment.subgroup_id,
        hours=Decimal(assignment.hours_per_week),
        room_kind=assignment.subject.room_kind,
    )


@dataclass
class YearGrid:
    """The open grid of a whole year with what the checks need, in a fixed number of queries."""

    year: AcademicYear
    teachings: dict[Any, plan.Teaching]
    entries: dict[Any, TimetableEntry]
    cells: list[plan.Cell]
    times: plan.Times
    curriculum: dict[tuple[int, Any], Decimal]
    limits: dict[int, int] = field(default_factory=dict)
    room_kinds: plan.RoomKinds = field(default_factory=dict)

    def class_cells(self, class_id: Any) -> list[plan.Cell]:
        return [c for c in self.cells if c.teaching.class_id == class_id]

    def class_teachings(self, class_id: Any) -> list[plan.Teaching]:
        return [t for t in self.teachings.values() if t.class_id == class_id]


def open_entries(year: AcademicYear) -> QuerySet[TimetableEntry]:
    return TimetableEntry.objects.filter(assignment__year=year, valid_to__isnull=True)


def load_grid(year: AcademicYear, *, lock: bool = False) -> YearGrid:
    assignments = TeachingAssignment.objects.filter(year=year).select_related(
        "school_class", "subject"
    )
    teachings = {a.pk: teaching_of(a) for a in assignments}
    entries_qs = open_entries(year).select_related("room")
    if lock:
        entries_qs = entries_qs.select_for_update(of=("self",))
    entries = {e.pk: e for e in entries_qs}
    cells = [
        plan.Cell(teachings[e.assignment_id], e.weekday, e.lesson_number, e.room_id, e.pk)
        for e in entries.values()
        if e.assignment_id in teachings
    ]
    times = {
        (b.shift, b.number): (b.starts_at, b.ends_at) for b in BellSlot.objects.filter(year=year)
    }
    curriculum: dict[tuple[int, Any], Decimal] = defaultdict(Decimal)
    for line in CurriculumLine.objects.filter(year=year):
        curriculum[(line.grade, line.subject_id)] += line.hours_per_week
    return YearGrid(
        year=year,
        teachings=teachings,
        entries=entries,
        cells=cells,
        times=times,
        curriculum=dict(curriculum),
        limits=day_limits(year.start_date),
        room_kinds=dict(
            Room.objects.filter(organization=year.organization_id).values_list("pk", "kind")
        ),
    )


def class_warnings(
    grid: YearGrid, class_id: Any, cells: list[plan.Cell] | None = None
) -> list[plan.Problem]:
    cells = cells if cells is not None else grid.class_cells(class_id)
    return plan.warnings(
        cells, grid.class_teachings(class_id), grid.curriculum, grid.limits
    ) + plan.room_kind_warnings(cells, grid.room_kinds)


@dataclass
class Check:
    conflicts: list[plan.Problem]
    warnings: list[plan.Problem]

    @property
    def ok(self) -> bool:
        return not self.conflicts


def _validate_slot(weekday: int, number: int) -> None:
    if weekday not in WEEKDAYS:
        raise ValidationError(
            _("The weekday must be from 1 (Monday) to 6 (Saturday)."),
            code="weekday_invalid",
            fields={"weekday": [str(weekday)]},
        )
    if not 1 <= number <= MAX_LESSON_NUMBER:
        raise ValidationError(
            _("The lesson number must be from 1 to %(max)s.") % {"max": MAX_LESSON_NUMBER},
            code="lesson_number_invalid",
            fields={"lesson_number": [str(number)]},
        )


def _check_room(room: Room | None, organization: Any) -> None:
    if room is not None and room.organization_id != organization.pk:
        raise ValidationError(code="room_other_school", fields={"room_id": ["other_school"]})


def check_cell(
    grid: YearGrid,
    assignment: TeachingAssignment,
    weekday: int,
    number: int,
    room: Room | None,
    *,
    replacing: TimetableEntry | None = None,
) -> Check:
    """What placing the assignment in this slot would do: hard conflicts and the class's warnings."""
    _validate_slot(weekday, number)
    teaching = grid.teachings.get(assignment.pk) or teaching_of(assignment)
    replaced = replacing.pk if replacing is not None else None
    cell = plan.Cell(teaching, weekday, number, room.pk if room else None, replaced)
    others = [c for c in grid.cells if c.entry_id != replaced]
    found = plan.conflicts(cell, others, grid.times)
    wrong_room = plan.room_kind_problem(cell, grid.room_kinds)
    if wrong_room is not None and wrong_room.hard:
        found.append(wrong_room)
    class_cells = [c for c in others if c.teaching.class_id == teaching.class_id] + [cell]
    hard_codes = {p.code for p in found}
    soft = [
        w
        for w in class_warnings(grid, teaching.class_id, class_cells)
        if not (w.code in hard_codes and (w.weekday, w.number) == (weekday, number))
    ]
    return Check(conflicts=found, warnings=soft)


def _refuse(check: Check) -> None:
    first = check.conflicts[0]
    raise Conflict(
        problem_message(first.code),
        code=first.code,
        fields={"slot": sorted({p.code for p in check.conflicts})},
    )


# -- effective dates -------------------------------------------------------------------------------


def effective_date(year: AcademicYear, on: dt.date | None) -> dt.date:
    """When a grid change takes effect: the date given, or today, kept inside the year."""
    day = on or timezone.localdate()
    if on is not None and not year.start_date <= on <= year.end_date:
        raise ValidationError(
            _("The date must lie inside the academic year."),
            code="outside_year",
            fields={"valid_from": ["outside_year"]},
        )
    return min(max(day, year.start_date), year.end_date)


def _retire(entry: TimetableEntry, on: dt.date) -> None:
    """Close an entry the day before `on` when it already made lessons before then, else remove it."""
    if entry.lessons.filter(date__lt=on).exists():
        entry.valid_to = on - dt.timedelta(days=1)
        entry.save(update_fields=["valid_to", "updated_at"])
    else:
        entry.delete()


def _entry_snapshot(entry: TimetableEntry) -> dict[str, Any]:
    return journal.snapshot(
        entry,
        ["assignment_id", "weekday", "lesson_number", "room_id", "valid_from", "valid_to"],
    )


# -- rooms ---------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(code="name_required", fields={"name": ["required"]})
    return name


def _check_room_kind(kind: str) -> str:
    if kind not in RoomKind.values:
        raise ValidationError(
            _("Choose a room type from the list."),
            code="room_kind_unknown",
            fields={"kind": [str(kind)]},
        )
    return kind


@transaction.atomic
def room_create(
    *,
    actor: Actor,
    organization: Any,
    name: str,
    capacity: int | None = None,
    kind: str = RoomKind.CLASSROOM,
) -> Room:
    scope.require(actor, TIMETABLE_MANAGE, organization)
    _check_room_kind(kind)
    if organization.kind != "organization":
        raise ValidationError(code="not_organization", fields={"organization": ["kind"]})
    name = _clean_name(name)
    if Room.objects.filter(organization=organization, name=name).exists():
        raise Conflict(_("The school already has a room with this name."), code="room_exists")
    room = Room.objects.create(organization=organization, name=name, capacity=capacity, kind=kind)
    journal.record(
        actor=actor, action="school.room.create", target=room, after=journal.snapshot(room)
    )
    return room


@transaction.atomic
def room_change(
    *,
    actor: Actor,
    room: Room,
    name: str | None = None,
    capacity: int | None = None,
    kind: str | None = None,
) -> Room:
    scope.require(actor, TIMETABLE_MANAGE, room.organization, target=room)
    before = journal.snapshot(room)
    if name is not None:
        name = _clean_name(name)
        if (
            Room.objects.filter(organization=room.organization_id, name=name)
            .exclude(pk=room.pk)
            .exists()
        ):
            raise Conflict(_("The school already has a room with this name."), code="room_exists")
        room.name = name
    if capacity is not None:
        room.capacity = capacity
    if kind is not None:
        room.kind = _check_room_kind(kind)
    room.save()
    changed_before, after = journal.changed(before, journal.snapshot(room))
    if after:
        journal.record(
            actor=actor,
            action="school.room.change",
            target=room,
            before=changed_before,
            after=after,
        )
    return room


@transaction.atomic
def room_delete(*, actor: Actor, room: Room) -> None:
    scope.require(actor, TIMETABLE_MANAGE, room.organization, target=room)
    in_use = (
        TimetableEntry.objects.filter(room=room).exists()
        or Lesson.objects.filter(room=room).exists()
    )
    if in_use:
        raise Conflict(
            _("The room is used by the timetable or by lessons; take it out of them first."),
            code="room_in_use",
        )
    journal.record(
        actor=actor, action="school.room.delete", target=room, before=journal.snapshot(room)
    )
    room.delete()


@transaction.atomic
def subject_room_kind_set(*, actor: Actor, subject: Subject, room_kind: str) -> Subject:
    """Say which room type the subject's lessons need ("" — any room); journaled. Lessons already
    in the grid are not moved: the grid page warns about those in rooms of another type."""
    scope.require(actor, TIMETABLE_MANAGE, subject.organization, target=subject)
    if room_kind:
        _check_room_kind(room_kind)
    before = {"room_kind": subject.room_kind}
    if before["room_kind"] == room_kind:
        return subject
    subject.room_kind = room_kind
    subject.save(update_fields=["room_kind", "updated_at"])
    journal.record(
        actor=actor,
        action="school.subject.room_kind",
        target=subject,
        before=before,
        after={"room_kind": room_kind},
    )
    return subject


# -- bells -----------------------------------------------------------------------------------------


def _bell_snapshot(bell: BellSlot) -> dict[str, Any]:
    """The journal's snapshot knows dates, not times of day: times go in as HH:MM text."""
    return {
        "year_id": str(bell.year_id),
        "shift": bell.shift,
        "number": bell.number,
        "starts_at": bell.starts_at.strftime("%H:%M"),
        "ends_at": bell.ends_at.strftime("%H:%M"),
    }


@transaction.atomic
def bell_set(
    *,
    actor: Actor,
    year: AcademicYear,
    shift: int,
    number: int,
    starts_at: dt.time,
    ends_at: dt.time,
) -> BellSlot:
    """Set when lesson `number` of a shift begins and ends (creates or changes the slot)."""
    scope.require(actor, TIMETABLE_MANAGE, year.organization, target=year)
    if not 1 <= shift <= 3:
        raise ValidationError(code="shift_invalid", fields={"shift": [str(shift)]})
    _validate_slot(1, number)
    if ends_at <= starts_at:
        raise ValidationError(
            _("A lesson must end after it begins."),
            code="bell_order",
            fields={"ends_at": ["before_start"]},
        )
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    same_shift = BellSlot.objects.filter(year=year, shift=shift).exclude(number=number)
    if same_shift.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError(
            _("The lesson overlaps another lesson of the shift."),
            code="bell_overlap",
            fields={"starts_at": ["overlap"]},
        )
    out_of_order = same_shift.filter(
        Q(number__lt=number, ends_at__gt=starts_at) | Q(number__gt=number, starts_at__lt=ends_at)
    ).exists()
    if out_of_order:
        raise ValidationError(
            _("Lessons must follow each other in the order of their numbers."),
            code="bell_order",
            fields={"number": ["order"]},
        )
    bell = BellSlot.objects.filter(year=year, shift=shift, number=number).first()
    before = _bell_snapshot(bell) if bell else None
    if bell is None:
        bell = BellSlot(organization=year.organization, year=year, shift=shift, number=number)
    bell.starts_at, bell.ends_at = starts_at, ends_at
    bell.save()
    journal.record(
        actor=actor,
        action="school.bell.set",
        target=bell,
        before=before,
        after=_bell_snapshot(bell),
    )
    return bell


@transaction.atomic
def bell_delete(*, actor: Actor, bell: BellSlot) -> None:
    scope.require(actor, TIMETABLE_MANAGE, bell.organization, target=bell)
    journal.record(
        actor=actor, action="school.bell.delete", target=bell, before=_bell_snapshot(bell)
    )
    bell.delete()


# -- the weekly grid -------------------------------------------------------------------------------


@dataclass
class Placed:
    entry: TimetableEntry
    warnings: list[plan.Problem]


@transaction.atomic
def entry_place(
    *,
    actor: Actor,
    assignment: TeachingAssignment,
    weekday: int,
    lesson_number: int,
    room: Room | None = None,
    on: dt.date | None = None,
) -> Placed:
    """Put an assignment into a cell of its class's grid; a double booking is refused (409),
    the hours and day-limit warnings come back with the entry."""
    year = assignment.year
    scope.require(actor, TIMETABLE_MANAGE, assignment.organization, target=assignment)
    _check_room(room, assignment.organization)
    start = effective_date(year, on)
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    grid = load_grid(year)
    check = check_cell(grid, assignment, weekday, lesson_number, room)
    if not check.ok:
        _refuse(check)
    entry = TimetableEntry.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        weekday=weekday,
        lesson_number=lesson_number,
        room=room,
        valid_from=start,
    )
    journal.record(
        actor=actor, action="school.timetable.place", target=entry, after=_entry_snapshot(entry)
    )
    return Placed(entry=entry, warnings=check.warnings)


@transaction.atomic
def entry_move(
    *,
    actor: Actor,
    entry: TimetableEntry,
    weekday: int,
    lesson_number: int,
    room: Room | None,
    on: dt.date | None = None,
) -> Placed:
    """Move a cell (another slot or room) from `on`: the old entry is retired, a new one placed."""
    assignment = entry.assignment
    scope.require(actor, TIMETABLE_MANAGE, entry.organization, target=entry)
    if entry.valid_to is not None:
        raise Conflict(_("This entry is no longer part of the grid."), code="entry_closed")
    _check_room(room, entry.organization)
    start = effective_date(assignment.year, on)
    AcademicYear.objects.select_for_update().filter(pk=assignment.year_id).first()
    grid = load_grid(assignment.year)
    check = check_cell(grid, assignment, weekday, lesson_number, room, replacing=entry)
    if not check.ok:
        _refuse(check)
    before = _entry_snapshot(entry)
    _retire(entry, start)
    moved = TimetableEntry.objects.create(
        organization=entry.organization,
        assignment=assignment,
        weekday=weekday,
        lesson_number=lesson_number,
        room=room,
        valid_from=start,
    )
    journal.record(
        actor=actor,
        action="school.timetable.move",
        target=moved,
        before=before,
        after=_entry_snapshot(moved),
    )
    return Placed(entry=moved, warnings=check.warnings)


@transaction.atomic
def entry_remove(*, actor: Actor, entry: TimetableEntry, on: dt.date | None = None) -> None:
    scope.require(actor, TIMETABLE_MANAGE, entry.organization, target=entry)
    if entry.valid_to is not None:
        raise Conflict(_("This entry is no longer part of the grid."), code="entry_closed")
    before = _entry_snapshot(entry)
    journal.record(actor=actor, action="school.timetable.remove", target=entry, before=before)
    _retire(entry, effective_date(entry.assignment.year, on))


# -- the automatic draft ---------------------------------------------------------------------------


@dataclass
class DraftReport:
    draft: plan.Draft
    grid: YearGrid
    classes: list[SchoolClass]
    missing_assignments: list[
        tuple[SchoolClass, Any, Decimal]
    ]  # curriculum subjects nobody teaches
    warnings: dict[Any, list[plan.Problem]]


def _school_weekdays(days: int) -> list[int]:
    if days not in (5, 6):
        raise ValidationError(
            _("A school week has 5 or 6 days."),
            code="week_days_invalid",
            fields={"days": [str(days)]},
        )
    return list(range(1, days + 1))


def draft_build(
    *, actor: Actor, year: AcademicYear, classes: list[SchoolClass] | None = None, days: int = 5
) -> DraftReport:
    """A proposal for the grids of `classes` (every class of the year when none are given),
    placed around the other classes' grids. Nothing is saved."""
    scope.require(actor, TIMETABLE_MANAGE, year.organization, target=year)
    weekdays = _school_weekdays(days)
    chosen = classes if classes else list(SchoolClass.objects.filter(year=year))
    chosen = sorted(chosen, key=lambda c: (c.grade, c.letter))
    if any(c.year_id != year.pk for c in chosen):
        raise ValidationError(code="class_other_year", fields={"class_ids": ["other_year"]})
    return compose_draft(year, chosen, weekdays, load_grid(year))


def compose_draft(
    year: AcademicYear, chosen: list[SchoolClass], weekdays: list[int], grid: YearGrid
) -> DraftReport:
    """The draft of the `chosen` classes around the rest of `grid` (no access check: callers
    check, or are the demo set-up)."""
    ids = {c.pk for c in chosen}
    teachings = [t for t in grid.teachings.values() if t.class_id in ids]
    fixed = [c for c in grid.cells if c.teaching.class_id not in ids]
    teacher_rooms: dict[Any, list[Any]] = defaultdict(list)
    for cell in sorted(grid.cells, key=lambda c: (c.weekday, c.number, str(c.entry_id))):
        if cell.room_id is not None and cell.room_id not in teacher_rooms[cell.teaching.teacher_id]:
            teacher_rooms[cell.teaching.teacher_id].append(cell.room_id)
    rooms = list(
        Room.objects.filter(organization=year.organization_id).values_list("pk", flat=True)
    )
    draft = plan.build_draft(
        teachings=teachings,
        fixed=fixed,
        times=grid.times,
        rooms=rooms,
        weekdays=weekdays,
        day_limit=grid.limits,
        teacher_rooms=teacher_rooms,
        room_kinds=grid.room_kinds,
    )
    taught = {(t.class_id, t.subject_id) for t in teachings}
    missing = [
        (c, subject_id, hours)
        for c in chosen
        for (grade, subject_id), hours in sorted(
            grid.curriculum.items(), key=lambda i: str(i[0][1])
        )
        if grade == c.grade and hours > 0 and (c.pk, subject_id) not in taught
    ]
    warnings = {
        c.pk: class_warnings(
            grid, c.pk, [cell for cell in draft.cells if cell.teaching.class_id == c.pk]
        )
        for c in chosen
    }
    return DraftReport(
        draft=draft, grid=grid, classes=chosen, missing_assignments=missing, warnings=warnings
    )


@transaction.atomic
def draft_apply(
    *,
    actor: Actor,
    year: AcademicYear,
    fingerprint: str,
    classes: list[SchoolClass] | None = None,
    days: int = 5,
    on: dt.date | None = None,
) -> DraftReport:
    """Replace the grids of the classes by the draft the deputy reviewed, in one transaction.

    The draft is built again from the data as it is now; if it no longer matches the reviewed
    one (someone changed a grid meanwhile), nothing is applied (409 `draft_stale`)."""
    scope.require(actor, TIMETABLE_MANAGE, year.organization, target=year)
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    weekdays = _school_weekdays(days)
    chosen = classes if classes else list(SchoolClass.objects.filter(year=year))
    chosen = sorted(chosen, key=lambda c: (c.grade, c.letter))
    report = compose_draft(year, chosen, weekdays, load_grid(year, lock=True))
    if report.draft.fingerprint() != fingerprint:
        raise Conflict(
            _("The timetable changed since the draft was made; make the draft again."),
            code="draft_stale",
        )
    start = effective_date(year, on)
    ids = {c.pk for c in chosen}
    replaced = [
        e
        for e in report.grid.entries.values()
        if report.grid.teachings[e.assignment_id].class_id in ids
    ]
    before = [_entry_snapshot(e) for e in replaced]
    for entry in replaced:
        _retire(entry, start)
    created = TimetableEntry.objects.bulk_create(
        TimetableEntry(
            organization=year.organization,
            assignment_id=cell.teaching.assignment_id,
            weekday=cell.weekday,
            lesson_number=cell.number,
            room_id=cell.room_id,
            valid_from=start,
        )
        for cell in report.draft.cells
    )
    journal.record(
        actor=actor,
        action="school.timetable.draft_apply",
        target=year,
        before={"entries": before},
        after={
            "classes": [str(c.pk) for c in chosen],
            "entries": [_entry_snapshot(e) for e in created],
            "unplaced": [
                {
                    "assignment_id": str(u.teaching.assignment_id),
                    "missing": u.missing,
                    "reason": u.reason,
                }
                for u in report.draft.unplaced
            ],
        },
    )
    return report


# -- lessons for dates -----------------------------------------------------------------------------


@dataclass
class Generation:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # lessons the grid no longer has, kept because they hold journal data or are past
    days: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "kept": self.kept,
            "days": self.days,
        }


def school_days(year: AcademicYear, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days lessons are held: inside a quarter, outside vacations, not a holiday or a moved day
    off by the national calendar, not a Sunday. Saturday counts (six-day schools have Saturday
    lessons in their grid; five-day ones simply have none)."""
    exceptions = dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    )
    quarters = list(StudyPeriod.objects.filter(year=year, kind=StudyPeriod.Kind.QUARTER))
    vacations = list(Vacation.objects.filter(year=year))
    days = []
    day = start
    while day <= end:
        kind = exceptions.get(day)
        off = kind in (CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.TRANSFER_OFF)
        working = kind == CalendarDay.Kind.WORKING_DAY or (not off and day.isoweekday() != 7)
        studying = any(q.start_date <= day <= q.end_date for q in quarters)
        resting = any(v.start_date <= day <= v.end_date for v in vacations)
        if working and studying and not resting:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _period_for(periods: list[StudyPeriod], day: dt.date, hours: Decimal) -> StudyPeriod | None:
    """The study period a lesson belongs to: a half-year for a subject of one hour a week or less
    (its marks are per half-year), else the quarter; a quarter when the year has no half-years."""
    kinds = (
        [StudyPeriod.Kind.HALF_YEAR, StudyPeriod.Kind.QUARTER]
        if hours <= 1
        else [StudyPeriod.Kind.QUARTER]
    )
    for kind in kinds:
        for period in periods:
            if period.kind == kind and period.start_date <= day <= period.end_date:
                return period
    return None


def lessons_with_data() -> Q:
    """Lessons holding journal data (attendance, assessments, homework): never changed by the grid."""
    return Q(
        Exists(Attendance.objects.filter(lesson=OuterRef("pk")))
        | Exists(Assessment.objects.filter(lesson=OuterRef("pk")))
        | Exists(Homework.objects.filter(lesson=OuterRef("pk")))
    )


@transaction.atomic
def lessons_generate(
    *,
    actor: Actor | None,
    year: AcademicYear,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
) -> Generation:
    """Make the lessons of each school day in the range from the grid valid that day.

    Idempotent: a lesson that exists is not made again. Lessons from `today` on follow a changed
    grid (moved room, removed cell) unless they hold journal data, are no longer planned or have a
    substitute; past lessons are never changed. `actor` None is the scheduled job."""
    if actor is not None:
        scope.require(actor, TIMETABLE_MANAGE, year.organization, target=year)
    if date_to < date_from:
        raise ValidationError(
            _("The end date must be after the start date."),
            code="dates_order",
            fields={"date_to": ["before_start"]},
        )
    start, end = max(date_from, year.start_date), min(date_to, year.end_date)
    if (end - start).days > MAX_GENERATION_DAYS:
        raise ValidationError(code="range_too_long", fields={"date_to": ["too_long"]})
    today = today or timezone.localdate()
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    result = Generation()
    if start > end:
        return result
    days = school_days(year, start, end)
    result.days = len(days)
    periods = list(StudyPeriod.objects.filter(year=year))
    entries = list(
        TimetableEntry.objects.filter(assignment__year=year, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .select_related("assignment")
    )
    by_weekday: dict[int, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_weekday[entry.weekday].append(entry)
    wanted: dict[tuple[Any, dt.date, int], tuple[TimetableEntry, StudyPeriod | None]] = {}
    for day in days:
        for entry in by_weekday.get(day.isoweekday(), []):
            if entry.valid_from <= day and (entry.valid_to is None or day <= entry.valid_to):
                period = _period_for(periods, day, entry.assignment.hours_per_week)
                wanted[(entry.assignment_id, day, entry.lesson_number)] = (entry, period)
    existing = {
        (lesson.assignment_id, lesson.date, lesson.lesson_number): lesson
        for lesson in Lesson.objects.filter(assignment__year=year, date__gte=start, date__lte=end)
        .annotate(has_data=lessons_with_data())
        .annotate(substituted=Exists(Substitution.objects.filter(lesson=OuterRef("pk"))))
    }
    new = []
    for key, (entry, period) in sorted(
        wanted.items(), key=lambda i: (i[0][1], i[0][2], str(i[0][0]))
    ):
        lesson = existing.get(key)
        if lesson is None:
            new.append(
                Lesson(
                    organization=year.organization,
                    assignment=entry.assignment,
                    period=period,
                    date=key[1],
                    lesson_number=key[2],
                    teacher_id=entry.assignment.teacher_id,
                    room_id=entry.room_id,
                    timetable_entry=entry,
                )
            )
        elif _may_follow_grid(lesson, today) and (
            lesson.room_id != entry.room_id
            or lesson.timetable_entry_id != entry.pk
            or lesson.period_id != (period.pk if period else None)
        ):
            lesson.room_id, lesson.timetable_entry_id = entry.room_id, entry.pk
            lesson.period = period
            lesson.save(update_fields=["room", "timetable_entry", "period", "updated_at"])
            result.updated += 1
    Lesson.objects.bulk_create(new)
    result.created = len(new)
    stale = [lesson for key, lesson in existing.items() if key not in wanted]
    removable = [lesson.pk for lesson in stale if _may_follow_grid(lesson, today)]
    Lesson.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    result.kept = len(stale) - len(removable)
    if result.created or result.updated or result.removed:
        journal.record(
            actor=actor,
            action="school.lessons.generate",
            target=year,
            after={"from": start.isoformat(), "to": end.isoformat(), **result.as_dict()},
        )
    return result


def _may_follow_grid(lesson: Lesson, today: dt.date) -> bool:
    return (
        lesson.date >= today
        and lesson.status == Lesson.Status.PLANNED
        and not lesson.has_data  # type: ignore[attr-defined]
        and not lesson.substituted  # type: ignore[attr-defined]
    )


def generate_coming_weeks(*, today: dt.date | None = None, weeks: int = 3) -> dict[str, int]:
    """The scheduled job's work: lessons of every school's current year for the coming weeks."""
    today = today or timezone.localdate()
    until = today + dt.timedelta(weeks=weeks)
    totals: dict[str, int] = defaultdict(int)
    years = AcademicYear.objects.filter(start_date__lte=until, end_date__gte=today).select_related(
        "organization"
    )
    for year in years.order_by("organization__path", "start_date"):
        if not TimetableEntry.objects.filter(assignment__year=year).exists():
            continue
        for key, value in (
            lessons_generate(actor=None, year=year, date_from=today, date_to=until, today=today)
            .as_dict()
            .items()
        ):
            totals[key] += value
    return dict(totals)


# -- substitutions ---------------------------------------------------------------------------------


def _lesson_times(lesson: Lesson, bells: dict[tuple[int, int], tuple[dt.time, dt.time]]) -> Any:
    return bells.get((lesson.assignment.school_class.shift, lesson.lesson_number))


def busy_teachers(lesson: Lesson) -> set[Any]:
    """Teachers with a lesson of the school at the same time as `lesson` (by the bells)."""
    year_id = lesson.assignment.year_id
    bells = {
        (b.shift, b.number): (b.starts_at, b.ends_at)
        for b in BellSlot.objects.filter(year_id=year_id)
    }
    mine = _lesson_times(lesson, bells)
    busy = set()
    same_day = (
        Lesson.objects.filter(organization=lesson.organization_id, date=lesson.date)
        .exclude(pk=lesson.pk)
        .exclude(status=Lesson.Status.CANCELLED)
        .select_related("assignment__school_class")
    )
    for other in same_day:
        theirs = _lesson_times(other, bells)
        if mine and theirs:
            clash = mine[0] < theirs[1] and theirs[0] < mine[1]
        else:
            clash = (
                other.lesson_number == lesson.lesson_number
                and other.assignment.school_class.shift == lesson.assignment.school_class.shift
            )
        if clash:
            busy.add(other.teacher_id)
    return busy


def free_teachers(lesson: Lesson) -> list[Any]:
    """Staff of the school now employed, other than the lesson's teacher, free at its time."""
    busy = busy_teachers(lesson) | {lesson.teacher_id}
    staff = (
        Employment.objects.filter(organization=lesson.organization_id, end_date__isnull=True)
        .select_related("person")
        .order_by("person__last_name_ru", "person__first_name_ru", "person_id")
    )
    seen: dict[Any, Any] = {}
    for row in staff:
        if row.person_id not in busy:
            seen.setdefault(row.person_id, row.person)
    return list(seen.values())


@transaction.atomic
def substitution_create(
    *, actor: Actor, lesson: Lesson, substitute: Any, reason: str
) -> Substitution:
    """A substitute teaches this one lesson: they must work at the school and be free then."""
    scope.require(actor, TIMETABLE_MANAGE, lesson.organization, target=lesson)
    lesson = (
        Lesson.objects.select_for_update()
        .select_related("assignment__school_class")
        .get(pk=lesson.pk)
    )
    if Substitution.objects.filter(lesson=lesson).exists():
        raise Conflict(
            _("This lesson already has a substitute; undo it first."), code="already_substituted"
        )
    if lesson.status != Lesson.Status.PLANNED:
        raise Conflict(
            _("Only a planned lesson can be given to a substitute."), code="lesson_not_planned"
        )
    if substitute.pk == lesson.teacher_id:
        raise ValidationError(code="substitute_is_teacher", fields={"substitute_id": ["same"]})
    employed = Employment.objects.filter(
        organization=lesson.organization_id, person=substitute, end_date__isnull=True
    ).exists()
    if not employed:
        raise ValidationError(
            _("The substitute must work at this school."),
            code="substitute_not_staff",
            fields={"substitute_id": ["not_staff"]},
        )
    if substitute.pk in busy_teachers(lesson):
        raise Conflict(
            _("The substitute teaches another lesson at this time."), code="substitute_busy"
        )
    substitution = Substitution.objects.create(
        organization=lesson.organization,
        lesson=lesson,
        absent_teacher_id=lesson.teacher_id,
        substitute=substitute,
        reason=(reason or "").strip()[:200],
    )
    lesson.teacher = substitute
    lesson.save(update_fields=["teacher", "updated_at"])
    journal.record(
        actor=actor,
        action="school.substitution.create",
        target=lesson,
        before={"teacher_id": str(substitution.absent_teacher_id)},
        after={"teacher_id": str(substitute.pk), "reason": substitution.reason},
    )
    return substitution


@transaction.atomic
def substitution_undo(*, actor: Actor, lesson: Lesson) -> Lesson:
    """Give the lesson back to the teacher who was absent."""
    scope.require(actor, TIMETABLE_MANAGE, lesson.organization, target=lesson)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    substitution = Substitution.objects.filter(lesson=lesson).first()
    if substitution is None:
        raise Conflict(_("This lesson has no substitute."), code="not_substituted")
    before = {"teacher_id": str(lesson.teacher_id), "reason": substitution.reason}
    lesson.teacher_id = substitution.absent_teacher_id
    lesson.save(update_fields=["teacher", "updated_at"])
    substitution.delete()
    journal.record(
        actor=actor,
        action="school.substitution.undo",
        target=lesson,
        before=before,
        after={"teacher_id": str(lesson.teacher_id)},
    )
    return lesson
