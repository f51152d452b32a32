"""Changes to the e-journal (SEC-27.12) and marks computed by rule (SEC-27.8).

Each change: validate → the access gate → change → `journal.record` with before/after, in one
transaction; events (`MarksRecorded`, `AbsencesRecorded`) are published for after the commit.
A whole class's attendance is one multi-row upsert and one journal record carrying the changed rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import ValidationError
from oqu.kernel.events import publish
from oqu.kernel.rules import rule_value
from oqu.school import rules as grading
from oqu.school.models import Lesson, SchoolClass, StudyPeriod, TeachingAssignment
from oqu.school.rule_sources import grading_rules_as_of

from . import attendance_sql, gates
from .events import AbsencesRecorded, MarksRecorded
from .models import (
    ABSENT_STATUSES,
    Assessment,
    AssessmentKind,
    Attendance,
    AttendanceStatus,
    Mark,
    PeriodMark,
    Reopening,
)

WRITE = gates.WRITE
MANAGE = gates.MANAGE
MAX_SUMMATIVE_POINTS = 100
MAX_REOPENING_DAYS = 30
ONE_HOUR_SUBJECT_HOURS = Decimal(1)  # 1 hour a week or less: marked per half-year (DOMAIN.md §2)
NOTIFIED_STATUSES = ABSENT_STATUSES | {AttendanceStatus.LATE}
TENTH = Decimal("0.1")


# -- attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    learner_id: Any
    status: str
    note: str = ""


def _check_status(status: str) -> None:
    if status not in AttendanceStatus.values:
        raise ValidationError(
            _("Choose an attendance status from the list."),
            code="attendance_status",
            fields={"status": [status]},
        )


def _lesson_roster(lesson: Lesson) -> list[Any]:
    return gates.roster_ids(lesson.assignment, lesson.date, lesson.date)


def _not_in_lesson(learner_ids: Iterable[Any]) -> ValidationError:
    return ValidationError(
        _("These learners are not in the class at this lesson."),
        code="learner_not_in_lesson",
        fields={"learner_id": [str(pk) for pk in learner_ids]},
    )


def _prepare_attendance_write(actor: Actor, lesson: Lesson) -> None:
    gates.require_lesson(actor, WRITE, lesson)
    gates.require_held(lesson)
    gates.require_open(lesson)


def _write_attendance(
    actor: Actor,
    lesson: Lesson,
    wanted: Mapping[Any, AttendanceEntry],
    stored: Mapping[Any, tuple[str, str]] | None = None,
) -> list[Attendance]:
    """Upsert the rows that differ from what is stored, in one statement, and journal them.
    `stored`: the lesson's stored (status, note) by learner, at least for the `wanted` ones."""
    if stored is None:
        stored = {
            learner_id: (status, note)
            for learner_id, status, note in Attendance.objects.filter(lesson=lesson).values_list(
                "learner_id", "status", "note"
            )
        }
    changed = [
        entry
        for learner_id, entry in wanted.items()
        if stored.get(learner_id) != (entry.status, entry.note)
    ]
    if not changed:
        return []
    rows = [
        Attendance(
            organization_id=lesson.organization_id,
            lesson=lesson,
            learner_id=entry.learner_id,
            status=entry.status,
            note=entry.note,
        )
        for entry in changed
    ]
    attendance_sql.upsert(rows)
    journal.record(
        actor=actor,
        action="journal.attendance.record",
        target=lesson,
        before={
            str(e.learner_id): _attendance_value(*stored[e.learner_id])
            for e in changed
            if e.learner_id in stored
        },
        after={str(e.learner_id): _attendance_value(e.status, e.note) for e in changed},
    )
    absent = tuple(e.learner_id for e in changed if e.status in NOTIFIED_STATUSES)
    if absent:
        publish(AbsencesRecorded(lesson.organization_id, lesson.pk, absent))
    return rows


def _attendance_value(status: str, note: str) -> dict[str, str]:
    return {"status": status, "note": note} if note else {"status": status}


@transaction.atomic
def attendance_record_class(
    *,
    actor: Actor,
    lesson: Lesson,
    exceptions: Iterable[AttendanceEntry] = (),
    default_status: str = AttendanceStatus.PRESENT,
) -> list[Attendance]:
    """The whole class's attendance at a lesson in one action: everyone `default_status` (present)
    but the listed exceptions. Returns the rows that changed (one multi-row write)."""
    _prepare_attendance_write(actor, lesson)
    _check_status(default_status)
    exceptions = list(exceptions)
    for entry in exceptions:
        _check_status(entry.status)
    roster = attendance_sql.roster_with_stored(lesson)
    outside = {e.learner_id for e in exceptions} - set(roster)
    if outside:
        raise _not_in_lesson(outside)
    wanted = {pk: AttendanceEntry(pk, default_status) for pk in roster}
    wanted.update(
        {e.learner_id: AttendanceEntry(e.learner_id, e.status, e.note) for e in exceptions}
    )
    stored = {pk: value for pk, value in roster.items() if value is not None}
    return _write_attendance(actor, lesson, wanted, stored)


@transaction.atomic
def attendance_set(*, actor: Actor, lesson: Lesson, entry: AttendanceEntry) -> Attendance:
    """Change one learner's attendance at a lesson (one cell of the grid)."""
    _prepare_attendance_write(actor, lesson)
    _check_status(entry.status)
    if entry.learner_id not in set(_lesson_roster(lesson)):
        raise _not_in_lesson([entry.learner_id])
    _write_attendance(actor, lesson, {entry.learner_id: entry})
    return Attendance.objects.get(lesson=lesson, learner_id=entry.learner_id)


# -- assessments and marks --------------------------------------------------------------------------


def _rules_for(period: StudyPeriod) -> grading.GradingRules:
    return grading_rules_as_of(period.start_date)


def _require_graded(school_class: SchoolClass, rules: grading.GradingRules) -> None:
    if not grading.is_graded(school_class.grade, rules):
        raise ValidationError(
            _("Learners of this grade get feedback only, no marks."), code="grade_not_marked"
        )


_SCHEDULE_MESSAGES = {
    "soch_too_many_per_day": lambda rules: (
        _(
            "The class already has %(count)s summative assessments for the quarter (SOCh) on this "
            "day; no more are allowed."
        )
        % {"count": rules.max_soch_per_class_day}
    ),
    "soch_on_last_day_of_quarter": lambda rules: _(
        "A summative assessment for the quarter (SOCh) may not be held on the last day of the "
        "quarter."
    ),
    "soch_same_day_as_sor": lambda rules: _(
        "A summative assessment for the quarter (SOCh) and one for a section (SOR) in the same "
        "subject may not be held on the same day."
    ),
}


def _check_summative_schedule(lesson: Lesson, kind: str, rules: grading.GradingRules) -> None:
    """Refuse a СОР/СОЧ that would break the rules on when a СОЧ may be held."""
    school_class = lesson.assignment.school_class
    # Serialize summative planning per class, so two teachers cannot both add the 4th СОЧ.
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
    same_day = Assessment.objects.filter(
        lesson__assignment__school_class_id=school_class.pk,
        lesson__date=lesson.date,
        kind__in=[AssessmentKind.SECTION, AssessmentKind.QUARTER],
    ).values_list("pk", "kind", "lesson__assignment__subject_id")
    existing = [
        grading.SummativeEvent(grading.Group(k), school_class.pk, subject, lesson.date, pk)
        for pk, k, subject in same_day
    ]
    new = grading.SummativeEvent(
        grading.Group(kind), school_class.pk, lesson.assignment.subject_id, lesson.date, "new"
    )
    last_days = set(
        StudyPeriod.objects.filter(
            year_id=school_class.year_id, kind=StudyPeriod.Kind.QUARTER
        ).values_list("end_date", flat=True)
    )
    before = set(
        grading.summative_schedule_violations(existing, quarter_last_days=last_days, rules=rules)
    )
    after = grading.summative_schedule_violations(
        [*existing, new], quarter_last_days=last_days, rules=rules
    )
    for violation in after:
        if violation not in before:
            raise ValidationError(
                _SCHEDULE_MESSAGES[violation.code](rules),
                code=violation.code,
                fields={"kind": [violation.code]},
            )


@transaction.atomic
def assessment_create(
    *, actor: Actor, lesson: Lesson, kind: str, title: str = "", max_points: int | None = None
) -> Assessment:
    """A ФО, СОР or СОЧ held at a lesson. ФО is marked on the scale in force (its maximum is the
    scale's); СОР/СОЧ carry their maximum points, and a СОЧ must respect the scheduling rules."""
    gates.require_lesson(actor, WRITE, lesson)
    gates.require_open(lesson)
    if kind not in AssessmentKind.values:
        raise ValidationError(code="assessment_kind", fields={"kind": [kind]})
    if lesson.period is None:
        raise ValidationError(
            _("The lesson belongs to no study period: marks cannot be given at it."),
            code="lesson_without_period",
        )
    rules = _rules_for(lesson.period)
    _require_graded(lesson.assignment.school_class, rules)
    if kind == AssessmentKind.FORMATIVE:
        max_points = rules.fo_scale_max
    elif max_points is None or not 1 <= max_points <= MAX_SUMMATIVE_POINTS:
        raise ValidationError(
            _("The maximum points of a summative assessment must be from 1 to %(max)s.")
            % {"max": MAX_SUMMATIVE_POINTS},
            code="max_points_range",
            fields={"max_points": ["range"]},
        )
    else:
        _check_summative_schedule(lesson, kind, rules)
    assessment = Assessment.objects.create(
        organization_id=lesson.organization_id,
        lesson=lesson,
        period=lesson.period,
        kind=kind,
        title=title.strip()[:200],
        max_points=max_points,
    )
    journal.record(
        actor=actor,
        action="journal.assessment.create",
        target=assessment,
        after=journal.snapshot(
            assessment, ["lesson_id", "period_id", "kind", "title", "max_points"]
        ),
    )
    return assessment


@transaction.atomic
def assessment_delete(*, actor: Actor, assessment: Assessment) -> None:
    """Remove an assessment entered by mistake, with its marks (journaled with what they were)."""
    lesson = assessment.lesson
    gates.require_lesson(actor, WRITE, lesson)
    gates.require_open(lesson)
    marks = {
        str(learner_id): str(points)
        for learner_id, points in assessment.marks.values_list("learner_id", "points")
    }
    before = journal.snapshot(assessment, ["lesson_id", "period_id", "kind", "title", "max_points"])
    journal.record(
        actor=actor,
        action="journal.assessment.delete",
        target=assessment,
        before={**before, "marks": marks},
    )
    assessment.delete()


@dataclass(frozen=True)
class MarkEntry:
    learner_id: Any
    points: Decimal | None  # None removes the mark
    comment: str = ""


def _valid_points(value: Any, assessment: Assessment, rules: grading.GradingRules) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("Points must be whole or decimal numbers."), code="points_not_a_number"
        ) from None
    if not points.is_finite() or points != points.quantize(TENTH):
        raise ValidationError(
            _("Points are given in steps of a tenth at most."), code="points_precision"
        )
    if assessment.kind == AssessmentKind.FORMATIVE:
        if points != points.to_integral_value():
            raise ValidationError(
                _("A formative mark must be a whole number on the scale in force."),
                code="mark_out_of_scale",
            )
        grading.validate_formative_mark(int(points), rules)
    else:
        grading.validate_work(grading.Work(points, Decimal(assessment.max_points)))
    return points.quantize(TENTH)


@transaction.atomic
def marks_record(
    *, actor: Actor, assessment: Assessment, entries: Iterable[MarkEntry]
) -> list[Mark]:
    """Set, change or remove learners' marks for one assessment, validated against its maximum."""
    lesson = assessment.lesson
    gates.require_lesson(actor, WRITE, lesson)
    gates.require_held(lesson)
    gates.require_open(lesson)
    rules = _rules_for(assessment.period)
    _require_graded(lesson.assignment.school_class, rules)
    entries = list(entries)
    outside = {e.learner_id for e in entries} - set(_lesson_roster(lesson))
    if outside:
        raise _not_in_lesson(outside)
    wanted: dict[Any, tuple[Decimal | None, str]] = {}
    for entry in entries:
        points = None if entry.points is None else _valid_points(entry.points, assessment, rules)
        wanted[entry.learner_id] = (points, entry.comment.strip()[:300])
    stored = {
        learner_id: (points, comment)
        for learner_id, points, comment in Mark.objects.filter(
            assessment=assessment, learner_id__in=list(wanted)
        ).values_list("learner_id", "points", "comment")
    }
    upserts = [
        Mark(
            organization_id=assessment.organization_id,
            assessment=assessment,
            learner_id=learner_id,
            points=points,
            comment=comment,
        )
        for learner_id, (points, comment) in wanted.items()
        if points is not None and stored.get(learner_id) != (points, comment)
    ]
    removed = [pk for pk, (points, _c) in wanted.items() if points is None and pk in stored]
    if upserts:
        Mark.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["assessment", "learner"],
            update_fields=["points", "comment", "updated_at"],
        )
    if removed:
        Mark.objects.filter(assessment=assessment, learner_id__in=removed).delete()
    touched = [m.learner_id for m in upserts] + removed
    if touched:
        journal.record(
            actor=actor,
            action="journal.marks.record",
            target=assessment,
            before={str(pk): _mark_value(*stored[pk]) for pk in touched if pk in stored},
            after={str(m.learner_id): _mark_value(m.points, m.comment) for m in upserts},
        )
    if upserts:
        publish(
            MarksRecorded(
                assessment.organization_id, assessment.pk, tuple(m.learner_id for m in upserts)
            )
        )
    return upserts


def _mark_value(points: Decimal, comment: str) -> dict[str, str]:
    value = {"points": str(points)}
    if comment:
        value["comment"] = comment
    return value


# -- reopening ----------------------------------------------------------------------------------------


@transaction.atomic
def lesson_reopen(*, actor: Actor, lesson: Lesson, reason: str, until: dt.datetime) -> Reopening:
    """The deputy director lets a closed lesson be edited again until `until`, with a reason."""
    scope.require(actor, MANAGE, lesson.organization, target=lesson)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for reopening the lesson."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    now = timezone.now()
    if not now < until <= now + dt.timedelta(days=MAX_REOPENING_DAYS):
        raise ValidationError(
            _("A lesson may be reopened for up to %(days)s days from now.")
            % {"days": MAX_REOPENING_DAYS},
            code="reopening_until",
            fields={"until": ["range"]},
        )
    if actor.person_id is None:
        raise ValidationError(
            _("Only a person on the school's staff can reopen a lesson."),
            code="actor_without_person",
        )
    reopening = Reopening.objects.create(
        organization_id=lesson.organization_id,
        lesson=lesson,
        granted_by_id=actor.person_id,
        reason=reason[:300],
        until=until,
    )
    journal.record(
        actor=actor,
        action="journal.lesson.reopen",
        target=lesson,
        after=journal.snapshot(reopening, ["lesson_id", "granted_by_id", "reason", "until"]),
    )
    return reopening


# -- period marks computed by rule ---------------------------------------------------------------------


def is_half_year_subject(assignment: TeachingAssignment) -> bool:
    return assignment.hours_per_week <= ONE_HOUR_SUBJECT_HOURS


def marked_period_kind(assignment: TeachingAssignment) -> str:
    if is_half_year_subject(assignment):
        return StudyPeriod.Kind.HALF_YEAR
    return StudyPeriod.Kind.QUARTER


@dataclass
class _LearnerWorks:
    fo: list[int]
    sor: list[grading.Work]
    soch: list[grading.Work]


def _works_by_learner(
    assignment: TeachingAssignment, period: StudyPeriod
) -> dict[Any, _LearnerWorks]:
    """Each learner's marked works of the class-subject held within the period's dates.

    A work a learner has no mark for (missed) does not count against them: the rules give an
    individual schedule for a missed summative work (DOMAIN.md §2).
    """
    rows = Mark.objects.filter(
        assessment__lesson__assignment=assignment,
        assessment__lesson__date__range=(period.start_date, period.end_date),
    ).values_list("learner_id", "assessment__kind", "assessment__max_points", "points")
    works: dict[Any, _LearnerWorks] = defaultdict(lambda: _LearnerWorks([], [], []))
    for learner_id, kind, max_points, points in rows:
        bucket = works[learner_id]
        if kind == AssessmentKind.FORMATIVE:
            bucket.fo.append(int(points))
        elif kind == AssessmentKind.SECTION:
            bucket.sor.append(grading.Work(points, Decimal(max_points)))
        else:
            bucket.soch.append(grading.Work(points, Decimal(max_points)))
    return works


def _period_value(
    assignment: TeachingAssignment, works: _LearnerWorks | None, rules: grading.GradingRules
) -> tuple[Decimal | None, int | None]:
    if works is None or not (works.fo or works.sor or works.soch):
        return None, None
    grade = assignment.school_class.grade
    if is_half_year_subject(assignment):
        result = grading.half_year_result(
            grade=grade, fo_marks=works.fo, sor_works=works.sor, rules=rules
        )
    else:
        result = grading.quarter_result(
            grade=grade, fo_marks=works.fo, sor_works=works.sor, soch_works=works.soch, rules=rules
        )
    if result is None:
        return None, None
    return result.percent, result.mark


def _year_values(
    assignment: TeachingAssignment, learners: list[Any], rules: grading.GradingRules
) -> dict[Any, tuple[Decimal | None, int | None]]:
    period_marks: dict[Any, list[int]] = defaultdict(list)
    rows = PeriodMark.objects.filter(
        assignment=assignment,
        period__isnull=False,
        period__kind=marked_period_kind(assignment),
    ).values_list("learner_id", "final_mark", "computed_mark")
    for learner_id, final_mark, computed_mark in rows:
        mark = final_mark if final_mark is not None else computed_mark
        if mark is not None:
            period_marks[learner_id].append(mark)
    grade = assignment.school_class.grade
    return {
        pk: (
            None,
            grading.year_mark(grade=grade, period_marks=period_marks[pk], rules=rules)
            if period_marks.get(pk)
            else None,
        )
        for pk in learners
    }


@transaction.atomic
def period_marks_recompute(
    *, actor: Actor, assignment: TeachingAssignment, period: StudyPeriod | None
) -> list[PeriodMark]:
    """Compute and store every learner's mark of the class-subject for a period (a quarter, or a
    half-year for a 1-hour subject) or, with no period, for the year, by the rules in force on the
    period's (year's) first day. A confirmed mark whose computed value changes loses its
    confirmation: the final mark is always a confirmed computed one."""
    gates.require_assignment(actor, WRITE, assignment)
    year = assignment.year
    if period is not None and period.year_id != assignment.year_id:
        raise ValidationError(code="period_of_other_year", fields={"period": ["year"]})
    if period is not None and period.kind != marked_period_kind(assignment):
        raise ValidationError(
            _("This subject is marked per half-year.")
            if is_half_year_subject(assignment)
            else _("This subject is marked per quarter."),
            code="period_kind_mismatch",
            fields={"period": [period.kind]},
        )
    rules = grading_rules_as_of(period.start_date if period else year.start_date)
    _require_graded(assignment.school_class, rules)
    start, end = (
        (period.start_date, period.end_date) if period else (year.start_date, year.end_date)
    )
    learners = gates.roster_ids(assignment, start, end)
    if period is None:
        values = _year_values(assignment, learners, rules)
    else:
        works = _works_by_learner(assignment, period)
        values = {pk: _period_value(assignment, works.get(pk), rules) for pk in learners}
    return _store_period_marks(actor, assignment, period, values)


def _store_period_marks(
    actor: Actor,
    assignment: TeachingAssignment,
    period: StudyPeriod | None,
    values: Mapping[Any, tuple[Decimal | None, int | None]],
) -> list[PeriodMark]:
    now = timezone.now()
    stored = {
        row.learner_id: row
        for row in PeriodMark.objects.select_for_update().filter(
            assignment=assignment, period=period
        )
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    result = []
    for learner_id, (percent, mark) in values.items():
        row = stored.get(learner_id)
        if row is None:
            row = PeriodMark(
                organization_id=assignment.organization_id,
                assignment=assignment,
                learner_id=learner_id,
                period=period,
            )
        elif row.percent == percent and row.computed_mark == mark:
            result.append(row)
            continue
        else:
            before[str(learner_id)] = _period_mark_value(row)
        row.percent, row.computed_mark, row.computed_at = percent, mark, now
        if row.final_mark is not None and row.final_mark != mark:
            row.final_mark, row.confirmed_by_id, row.confirmed_at = None, None, None
        row.save()
        after[str(learner_id)] = _period_mark_value(row)
        result.append(row)
    if after:
        journal.record(
            actor=actor,
            action="journal.period_marks.compute",
            target=assignment,
            before=before,
            after={"period_id": str(period.pk) if period else None, "marks": after},
        )
    return result


def _period_mark_value(row: PeriodMark) -> dict[str, Any]:
    return {
        "percent": None if row.percent is None else str(row.percent),
        "computed_mark": row.computed_mark,
        "final_mark": row.final_mark,
    }


def confirmation_opens(period_mark: PeriodMark) -> dt.date:
    """The first day the teacher may confirm the mark, by the rule in force."""
    period = period_mark.period
    start = period.start_date if period else period_mark.assignment.year.start_date
    end = period.end_date if period else period_mark.assignment.year.end_date
    days = int(rule_value(gates.CONFIRMATION, start)["days_before_period_end"])
    return end - dt.timedelta(days=days)


@transaction.atomic
def period_mark_confirm(*, actor: Actor, period_mark: PeriodMark) -> PeriodMark:
    """The teacher confirms the computed mark as the final one (never a typed value)."""
    gates.require_assignment(actor, WRITE, period_mark.assignment)
    if period_mark.computed_mark is None:
        raise ValidationError(
            _("There is no computed mark to confirm: recompute the marks first."),
            code="nothing_to_confirm",
        )
    opens = confirmation_opens(period_mark)
    if timezone.localdate() < opens:
        raise ValidationError(
            _("The final mark can be confirmed from %(date)s.")
            % {"date": opens.strftime("%d.%m.%Y")},
            code="confirmation_too_early",
        )
    if actor.person_id is None:
        raise ValidationError(
            _("Only a person on the school's staff can confirm a mark."),
            code="actor_without_person",
        )
    before = _period_mark_value(period_mark)
    period_mark.final_mark = period_mark.computed_mark
    period_mark.confirmed_by_id = actor.person_id
    period_mark.confirmed_at = timezone.now()
    period_mark.save(update_fields=["final_mark", "confirmed_by", "confirmed_at", "updated_at"])
    journal.record(
        actor=actor,
        action="journal.period_mark.confirm",
        target=period_mark,
        before=before,
        after={**_period_mark_value(period_mark), "confirmed_by_id": str(actor.person_id)},
    )
    return period_mark


def period_mark_refuse_typing() -> ValidationError:
    """The answer to any attempt to type a period mark: it is computed by rule."""
    return ValidationError(
        _(
            "A period mark is computed by rule from the marks of the period and cannot be typed. "
            "Recompute the marks, and confirm the final mark when the rules allow."
        ),
        code="period_mark_computed",
        fields={"final_mark": ["computed"]},
    )
