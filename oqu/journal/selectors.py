"""Reads of the e-journal, starting from what the actor may reach (`gates`).

The class journal is read in one query whatever the number of learners or lessons (`journal_sql`),
as flat rows the API encodes without building model instances.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import get_language

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import NotFound
from oqu.people.models import Person
from oqu.school.models import ClassMembership, Lesson, StudyPeriod, TeachingAssignment

from . import gates, journal_sql
from .models import Assessment, PeriodMark, Reopening

VIEW = gates.VIEW
TENTH = Decimal("0.1")


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def assignment_list(actor: Actor) -> QuerySet[TeachingAssignment]:
    """The class-subjects whose journals the actor reaches (own ones; all of managed schools)."""
    return gates.visible_assignments(actor, VIEW).select_related(
        "school_class", "subject", "teacher", "subgroup", "year"
    )


def assignment_get(actor: Actor, assignment_id: Any) -> TeachingAssignment:
    qs = gates.visible_assignments(actor, VIEW).select_related(
        "organization", "school_class", "subject", "teacher", "subgroup", "year"
    )
    return scope.get_in(qs, assignment_id, actor, VIEW)


def assignment_for_reading(actor: Actor, assignment_id: Any) -> TeachingAssignment:
    """An assignment with just what the class journal page shows about it: fewer joins than
    `assignment_get`, because planning a seven-table join cost more than running it."""
    qs = gates.visible_assignments(actor, VIEW).select_related(
        "school_class", "subject", "teacher", "subgroup"
    )
    return scope.get_in(qs, assignment_id, actor, VIEW)


def lesson_get(actor: Actor, lesson_id: Any) -> Lesson:
    qs = gates.visible_lessons(actor, VIEW).select_related(
        "organization",
        "period",
        "assignment__school_class",
        "assignment__subject",
        "assignment__subgroup",
        "assignment__year",
        "teacher",
    )
    return scope.get_in(qs, lesson_id, actor, VIEW)


def lesson_for_attendance(actor: Actor, lesson_id: Any) -> Lesson:
    """A lesson with what an attendance write checks (its school and class-subject) and no more:
    the class's attendance is saved often, and a wide join costs more to plan than to run. The
    edit-window rule in force on the lesson's date comes with it (`gates.with_edit_window`)."""
    qs = gates.with_edit_window(
        gates.visible_lessons(actor, VIEW)
        .select_related("organization", "assignment")
        .only(*ATTENDANCE_LESSON_FIELDS)
    )
    return scope.get_in(qs, lesson_id, actor, VIEW)


# What the attendance write reads of a lesson, its school and its class-subject (the checks, the
# roster, the journal entry); anything else would be fetched on access.
ATTENDANCE_LESSON_FIELDS = (
    "organization_id",
    "assignment_id",
    "period_id",
    "date",
    "lesson_number",
    "teacher_id",
    "status",
    "organization__path",
    "organization__name",
    "assignment__teacher_id",
    "assignment__school_class_id",
    "assignment__subgroup_id",
    "assignment__subject_id",
    "assignment__year_id",
    "assignment__organization_id",
)


def assessment_get(actor: Actor, assessment_id: Any) -> Assessment:
    lessons = gates.visible_lessons(actor, VIEW)
    qs = Assessment.objects.filter(lesson__in=lessons).select_related(
        "period",
        "lesson__organization",
        "lesson__assignment__school_class",
        "lesson__assignment__subject",
    )
    return scope.get_in(qs, assessment_id, actor, VIEW)


def period_mark_get(actor: Actor, period_mark_id: Any) -> PeriodMark:
    assignments = gates.visible_assignments(actor, VIEW)
    qs = PeriodMark.objects.filter(assignment__in=assignments).select_related(
        "period", "assignment__organization", "assignment__school_class", "assignment__year"
    )
    return scope.get_in(qs, period_mark_id, actor, VIEW)


def periods_of(assignment: TeachingAssignment, kind: str | None = None) -> list[StudyPeriod]:
    qs = StudyPeriod.objects.filter(year_id=assignment.year_id).order_by("start_date")
    return list(qs.filter(kind=kind) if kind else qs)


def period_get(assignment: TeachingAssignment, period_id: Any) -> StudyPeriod:
    """A period of the assignment's year; any other id answers 404."""
    period = StudyPeriod.objects.filter(pk=period_id, year_id=assignment.year_id).first()
    if period is None:
        raise NotFound(code="period_not_found", fields={"period": [str(period_id)]})
    return period


def current_period(assignment: TeachingAssignment, kind: str) -> StudyPeriod | None:
    """The period of `kind` containing today, else the latest begun, else the first."""
    periods = periods_of(assignment, kind)
    today = timezone.localdate()
    begun = [p for p in periods if p.start_date <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


def _name_fields(language: str) -> tuple[str, str, str]:
    if language == "kk":
        return "last_name_kk", "first_name_kk", "middle_name_kk"
    return "last_name_ru", "first_name_ru", "middle_name_ru"


def _names(rows: Any) -> str:
    return " ".join(part for part in rows if part)


def roster(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The learners of the class-subject in [start, end], in alphabetical order (one query)."""
    last, first, middle = _name_fields(_language())
    persons = ClassMembership.objects.filter(gates.roster_filter(assignment, start, end)).values(
        "person_id"
    )
    rows = (
        Person.objects.filter(pk__in=persons)
        .order_by(last, first, "pk")
        .values_list("pk", last, first, middle)
    )
    return [{"id": pk, "name": _names((ln, fn, mn))} for pk, ln, fn, mn in rows]


def class_journal(
    assignment: TeachingAssignment, start: dt.date, end: dt.date
) -> dict[str, list[Any]]:
    """Learners × lessons of a class-subject between two dates, with attendance, assessments and
    marks, as flat rows: ONE query (a UNION ALL of the five kinds of rows, `journal_sql`) whatever
    the size of the class or the period — the page teachers open most."""
    return _journal_body(journal_sql.journal_rows(assignment, start, end, _language()))


def _tenths(points: Any) -> Decimal | None:
    """Points with one decimal place, as the column holds them (SQLite returns a union's
    decimals without their scale)."""
    return None if points is None else Decimal(str(points)).quantize(TENTH)


def _journal_body(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    body: dict[str, list[Any]] = {key: [] for key in ("learners", "lessons", "attendance")}
    body |= {"assessments": [], "marks": []}
    learner_keys, assessment_keys = [], []
    for kind, c_id, c_ref, c_date, c_int, text1, text2, text3, points, at in rows:
        if kind == journal_sql.LEARNER:
            learner_keys.append(
                ((text1, text2, str(c_id)), {"id": c_id, "name": _names((text1, text2, text3))})
            )
        elif kind == journal_sql.LESSON:
            body["lessons"].append(
                {
                    "id": c_id,
                    "date": c_date,
                    "lesson_number": c_int,
                    "topic": text1,
                    "status": text2,
                    "teacher_id": c_ref,
                }
            )
        elif kind == journal_sql.ATTENDANCE:
            body["attendance"].append({"lesson_id": c_id, "learner_id": c_ref, "status": text1})
        elif kind == journal_sql.ASSESSMENT:
            assessment_keys.append(
                (
                    c_ref,
                    at,
                    {
                        "id": c_id,
                        "lesson_id": c_ref,
                        "kind": text1,
                        "title": text2,
                        "max_points": c_int,
                    },
                )
            )
        else:
            body["marks"].append(
                {"assessment_id": c_id, "learner_id": c_ref, "points": _tenths(points)}
            )
    body["learners"] = [row for _, row in sorted(learner_keys, key=lambda item: item[0])]
    body["lessons"].sort(key=lambda row: (row["date"], row["lesson_number"]))
    position = {row["id"]: index for index, row in enumerate(body["lessons"])}
    assessment_keys.sort(key=lambda item: (position.get(item[0], 0), item[1]))
    body["assessments"] = [row for _, _, row in assessment_keys]
    return body


def lesson_sheet(lesson: Lesson) -> dict[str, Any]:
    """One lesson: its learners, attendance, assessments and marks, and whether it is open."""
    data = class_journal(lesson.assignment, lesson.date, lesson.date)
    data["lessons"] = [row for row in data["lessons"] if row["id"] == lesson.pk]
    lesson_ids = {lesson.pk}
    data["attendance"] = [row for row in data["attendance"] if row["lesson_id"] in lesson_ids]
    data["assessments"] = [row for row in data["assessments"] if row["lesson_id"] in lesson_ids]
    kept = {row["id"] for row in data["assessments"]}
    data["marks"] = [row for row in data["marks"] if row["assessment_id"] in kept]
    return data


def reopenings_of(lesson: Lesson) -> list[Reopening]:
    return list(
        Reopening.objects.filter(lesson=lesson).select_related("granted_by").order_by("-until")
    )


def period_marks(
    assignment: TeachingAssignment, period: StudyPeriod | None
) -> QuerySet[PeriodMark]:
    last, first, _middle = _name_fields(_language())
    return (
        PeriodMark.objects.filter(assignment=assignment, period=period)
        .select_related("learner", "confirmed_by")
        .order_by(f"learner__{last}", f"learner__{first}", "pk")
    )
