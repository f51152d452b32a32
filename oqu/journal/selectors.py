"""Reads of the e-journal, starting from what the actor may reach (`gates`).

The class journal is read with a fixed number of queries whatever the number of learners or
lessons: one per kind of row (learners, lessons, attendance, assessments, marks), each a flat
`values_list` over an index, so the API can encode it without building model instances.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import NotFound
from oqu.people.models import Person
from oqu.school.models import ClassMembership, Lesson, StudyPeriod, TeachingAssignment

from . import gates
from .models import Assessment, Attendance, Mark, PeriodMark, Reopening

VIEW = gates.VIEW


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
    marks, as flat rows: five queries whatever the size of the class or the period."""
    lessons_qs = Lesson.objects.filter(assignment=assignment, date__range=(start, end))
    lessons = [
        {
            "id": pk,
            "date": date,
            "lesson_number": number,
            "topic": topic,
            "status": status,
            "teacher_id": teacher_id,
        }
        for pk, date, number, topic, status, teacher_id in lessons_qs.order_by(
            "date", "lesson_number"
        ).values_list("pk", "date", "lesson_number", "topic", "status", "teacher_id")
    ]
    attendance = [
        {"lesson_id": lesson_id, "learner_id": learner_id, "status": status}
        for lesson_id, learner_id, status in Attendance.objects.filter(
            lesson__assignment=assignment, lesson__date__range=(start, end)
        ).values_list("lesson_id", "learner_id", "status")
    ]
    assessments = [
        {"id": pk, "lesson_id": lesson_id, "kind": kind, "title": title, "max_points": maximum}
        for pk, lesson_id, kind, title, maximum in Assessment.objects.filter(
            lesson__assignment=assignment, lesson__date__range=(start, end)
        )
        .order_by("lesson__date", "lesson__lesson_number", "created_at")
        .values_list("pk", "lesson_id", "kind", "title", "max_points")
    ]
    marks = [
        {"assessment_id": assessment_id, "learner_id": learner_id, "points": points}
        for assessment_id, learner_id, points in Mark.objects.filter(
            assessment__lesson__assignment=assignment,
            assessment__lesson__date__range=(start, end),
        ).values_list("assessment_id", "learner_id", "points")
    ]
    return {
        "learners": roster(assignment, start, end),
        "lessons": lessons,
        "attendance": attendance,
        "assessments": assessments,
        "marks": marks,
    }


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
