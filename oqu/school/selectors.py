"""Reads of the school structure and contingent, scoped by the actor (start from `scope.visible`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.calendar import working_days_between

from .models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    CurriculumPart,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    Subject,
    TeachingAssignment,
    Vacation,
)

STRUCTURE_VIEW = "school.structure.view"
CLASS_VIEW = "school.class.view"


def year_list(actor: Actor, *, organization: Any = None) -> QuerySet[AcademicYear]:
    qs = scope.visible(actor, STRUCTURE_VIEW, AcademicYear.objects.select_related("organization"))
    return qs.filter(organization=organization) if organization is not None else qs


def year_get(actor: Actor, year_id: UUID | str) -> AcademicYear:
    return scope.get_in(year_list(actor), year_id, actor, STRUCTURE_VIEW)


def period_list(year: AcademicYear) -> list[StudyPeriod]:
    """The year's periods (the caller has the year through `year_get`)."""
    return list(StudyPeriod.objects.filter(year=year).order_by("kind", "number"))


def vacation_list(year: AcademicYear) -> list[Vacation]:
    return list(Vacation.objects.filter(year=year).order_by("start_date"))


def working_days(period: Any) -> int:
    """Working days of a period by the national calendar (the first day counts too)."""
    return working_days_between(period.start_date, period.end_date) + (
        1 if period.start_date.weekday() < 5 else 0
    )


def subject_list(actor: Actor, *, organization: Any = None) -> QuerySet[Subject]:
    qs = scope.visible(actor, STRUCTURE_VIEW, Subject.objects.all())
    return qs.filter(organization=organization) if organization is not None else qs


def subject_get(actor: Actor, subject_id: UUID | str) -> Subject:
    return scope.get_in(subject_list(actor), subject_id, actor, STRUCTURE_VIEW)


def curriculum_grid(year: AcademicYear, language: str = "ru") -> dict[str, Any]:
    """The curriculum as rows (subject × part) and columns (grades), with totals per grade.

    Totals per grade are given for the invariant part, the variant part and both (SEC-27.6/7).
    Two queries whatever the size of the plan.
    """
    lines = list(
        CurriculumLine.objects.filter(year=year).select_related("subject").order_by("subject__code")
    )
    grades = sorted({line.grade for line in lines})
    rows: dict[tuple[Any, str], dict[str, Any]] = {}
    totals: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        key = (line.subject_id, line.part)
        row = rows.setdefault(
            key,
            {
                "subject": line.subject,
                "subject_name": line.subject.name(language),
                "part": line.part,
                "hours": {},
            },
        )
        row["hours"][line.grade] = line.hours_per_week
        totals[line.part][line.grade] += line.hours_per_week
        totals["all"][line.grade] += line.hours_per_week
    ordered = sorted(rows.values(), key=lambda r: (r["part"] != "invariant", r["subject"].code))
    for row in ordered:
        row["cells"] = [row["hours"].get(grade) for grade in grades]
    return {
        "grades": grades,
        "rows": ordered,
        "totals": {
            part: [totals[part].get(grade, Decimal(0)) for grade in grades]
            for part in (CurriculumPart.INVARIANT, CurriculumPart.VARIANT, "all")
        },
    }


def class_list(
    actor: Actor, *, organization: Any = None, year: Any = None
) -> QuerySet[SchoolClass]:
    qs = scope.visible(
        actor,
        CLASS_VIEW,
        SchoolClass.objects.select_related("year", "homeroom_teacher").annotate(
            learner_count=Count("members", filter=Q(members__end_date__isnull=True))
        ),
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def class_get(actor: Actor, class_id: UUID | str) -> SchoolClass:
    return scope.get_in(class_list(actor), class_id, actor, CLASS_VIEW)


def class_members(school_class: SchoolClass, *, active: bool = True) -> QuerySet[ClassMembership]:
    qs = ClassMembership.objects.filter(school_class=school_class).select_related("person")
    if active:
        qs = qs.filter(end_date__isnull=True)
    return qs.order_by("person__last_name_ru", "person__first_name_ru", "pk")


def membership_list(actor: Actor, *, person: Any = None) -> QuerySet[ClassMembership]:
    qs = scope.visible(
        actor,
        CLASS_VIEW,
        ClassMembership.objects.select_related("person", "school_class", "school_class__year"),
    )
    return qs.filter(person=person) if person is not None else qs


def membership_get(actor: Actor, membership_id: UUID | str) -> ClassMembership:
    return scope.get_in(membership_list(actor), membership_id, actor, CLASS_VIEW)


def class_history(school_class: SchoolClass) -> QuerySet[ClassMembership]:
    """Every stay in the class, current and past, newest first."""
    return (
        ClassMembership.objects.filter(school_class=school_class)
        .select_related("person")
        .order_by("-start_date", "-created_at")
    )


def subgroup_list(school_class: SchoolClass) -> list[Subgroup]:
    return list(
        Subgroup.objects.filter(school_class=school_class)
        .prefetch_related("learners")
        .order_by("name")
    )


def subgroup_get(actor: Actor, subgroup_id: UUID | str) -> Subgroup:
    qs = scope.visible(actor, CLASS_VIEW, Subgroup.objects.select_related("school_class"))
    return scope.get_in(qs, subgroup_id, actor, CLASS_VIEW)


def assignment_list(
    actor: Actor, *, organization: Any = None, school_class: Any = None, teacher: Any = None
) -> QuerySet[TeachingAssignment]:
    qs = scope.visible(
        actor,
        CLASS_VIEW,
        TeachingAssignment.objects.select_related("teacher", "school_class", "subject", "subgroup"),
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    if school_class is not None:
        qs = qs.filter(school_class=school_class)
    if teacher is not None:
        qs = qs.filter(teacher=teacher)
    return qs


def assignment_get(actor: Actor, assignment_id: UUID | str) -> TeachingAssignment:
    return scope.get_in(assignment_list(actor), assignment_id, actor, CLASS_VIEW)
