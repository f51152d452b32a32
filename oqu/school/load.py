"""The teaching load of a school's teachers for an academic year (SEC-27.13).

Per teacher: the weekly hours of their class-subjects against the teaching rate in force on the
first day of the year (an effective-dated rule: 18 h before 01.09.2021, 16 since — `rule_sources`),
with overload / underload by the pure `rules.teaching_load`; the hours for the year (weekly hours ×
the year's study weeks); the substitutions they held for others and the lessons others held for
them, counted apart (they are paid apart, not part of the load).

Study weeks are the working days of the year's quarters by the national calendar, five to a week
(half-years when the year has no quarters): holidays inside a quarter shorten it, vacations lie
outside. A query count that does not grow with teachers: assignments, staff, substitutions and
periods are each one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.audit.xlsx import workbook_bytes
from oqu.kernel.errors import NotFound
from oqu.people.models import Employment, Person

from .models import AcademicYear, Lesson, StudyPeriod, Substitution, TeachingAssignment
from .rule_sources import teaching_rate_as_of
from .rules import LoadStatus, TeachingLoad, teaching_load
from .selectors import STRUCTURE_VIEW, working_days

LOAD_VIEW = "profiles.load.view"  # declared by the profiles app (the school's HR tools)
TEACHING_POSITIONS = ("teacher",)
WORKING_DAYS_IN_WEEK = Decimal(5)
ONE_DECIMAL = Decimal("0.1")


@dataclass
class LoadLine:
    """One class-subject of a teacher."""

    assignment_id: Any
    class_name: str
    subject_code: str
    subject_name: str
    subgroup_name: str
    hours_per_week: Decimal
    hours_per_year: Decimal


@dataclass
class TeacherLoad:
    teacher: Person
    lines: list[LoadLine]
    load: TeachingLoad
    hours_per_year: Decimal
    substitutions_held: int = 0  # lessons this teacher taught for an absent colleague
    lessons_given_away: int = 0  # lessons of this teacher a colleague taught

    @property
    def status(self) -> str:
        return str(self.load.status.value)


@dataclass
class SchoolLoad:
    year: AcademicYear
    rate: Decimal
    study_weeks: Decimal
    as_of: dt.date
    rows: list[TeacherLoad] = field(default_factory=list)
    whole_school: bool = True

    @property
    def total_hours(self) -> Decimal:
        return sum((r.load.hours for r in self.rows), Decimal(0))

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.load.status == status)

    @property
    def overloaded(self) -> int:
        return self.count(LoadStatus.OVERLOAD)

    @property
    def underloaded(self) -> int:
        return self.count(LoadStatus.UNDERLOAD)


def load_year_get(actor: Actor, year_id: UUID | str) -> AcademicYear:
    """The year, if the actor sees the school's structure (404 otherwise)."""
    qs = scope.visible(actor, STRUCTURE_VIEW, AcademicYear.objects.select_related("organization"))
    return scope.get_in(qs, year_id, actor, STRUCTURE_VIEW)


def study_weeks(year: AcademicYear) -> Decimal:
    """The year's study weeks: working days of its quarters (or half-years) ÷ 5, to 0.1."""
    periods = list(StudyPeriod.objects.filter(year=year))
    quarters = [p for p in periods if p.kind == StudyPeriod.Kind.QUARTER]
    chosen = quarters or [p for p in periods if p.kind == StudyPeriod.Kind.HALF_YEAR]
    days = sum(working_days(p) for p in chosen)
    return (Decimal(days) / WORKING_DAYS_IN_WEEK).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _language_name(subject: Any, language: str) -> str:
    return subject.name(language)


def _whole_school(actor: Actor, year: AcademicYear, teacher_id: Any) -> bool:
    """True: the actor sees every teacher's load. A teacher without the capability sees their own
    (asked for explicitly or not); anyone else asking is refused."""
    if actor.can_at(LOAD_VIEW, year.organization.path):
        return True
    own = actor.person_id is not None and teacher_id in (None, actor.person_id)
    if own and actor.can_at(STRUCTURE_VIEW, year.organization.path):
        return False
    scope.require(actor, LOAD_VIEW, year.organization, target=year)
    return True  # not reached: require raised


def school_load(
    actor: Actor,
    year: AcademicYear,
    *,
    teacher_id: Any = None,
    language: str = "ru",
    as_of: dt.date | None = None,
) -> SchoolLoad:
    """Every teacher's load for the year (or one teacher's: `teacher_id`, or the actor's own)."""
    whole = _whole_school(actor, year, teacher_id)
    if not whole:
        teacher_id = actor.person_id
    as_of = as_of or timezone.localdate()
    rate = teaching_rate_as_of(year.start_date)
    weeks = study_weeks(year)

    assignments = TeachingAssignment.objects.filter(year=year).select_related(
        "teacher", "school_class", "subject", "subgroup"
    )
    staff = Employment.objects.filter(
        organization=year.organization,
        end_date__isnull=True,
        position__in=TEACHING_POSITIONS,
    ).select_related("person")
    substitutions = Substitution.objects.filter(
        lesson__assignment__year=year, lesson__date__lte=as_of
    ).exclude(lesson__status=Lesson.Status.CANCELLED)
    if teacher_id is not None:
        assignments = assignments.filter(teacher_id=teacher_id)
        staff = staff.filter(person_id=teacher_id)
        substitutions = substitutions.filter(
            Q(substitute_id=teacher_id) | Q(absent_teacher_id=teacher_id)
        )

    lines_by_teacher: dict[Any, list[LoadLine]] = {}
    teachers: dict[Any, Person] = {}
    for item in assignments.order_by(
        "school_class__grade", "school_class__letter", "subject__code"
    ):
        teachers[item.teacher_id] = item.teacher
        lines_by_teacher.setdefault(item.teacher_id, []).append(
            LoadLine(
                assignment_id=item.pk,
                class_name=str(item.school_class),
                subject_code=item.subject.code,
                subject_name=_language_name(item.subject, language),
                subgroup_name=item.subgroup.name if item.subgroup else "",
                hours_per_week=item.hours_per_week,
                hours_per_year=(item.hours_per_week * weeks).quantize(ONE_DECIMAL),
            )
        )
    for employment in staff:
        teachers.setdefault(employment.person_id, employment.person)
    held = dict(
        substitutions.values("substitute_id")
        .annotate(n=Count("pk"))
        .values_list("substitute_id", "n")
    )
    given = dict(
        substitutions.values("absent_teacher_id")
        .annotate(n=Count("pk"))
        .values_list("absent_teacher_id", "n")
    )
    missing = (set(held) | set(given)) - set(teachers)
    if missing:
        teachers.update({p.pk: p for p in Person.objects.filter(pk__in=missing)})
    if teacher_id is not None and not teachers:
        raise NotFound(_("This person has no teaching load in the year."), code="no_load")

    rows = []
    for pk, person in teachers.items():
        lines = lines_by_teacher.get(pk, [])
        load = teaching_load((line.hours_per_week for line in lines), rate)
        rows.append(
            TeacherLoad(
                teacher=person,
                lines=lines,
                load=load,
                hours_per_year=(load.hours * weeks).quantize(ONE_DECIMAL),
                substitutions_held=held.get(pk, 0),
                lessons_given_away=given.get(pk, 0),
            )
        )
    rows.sort(key=lambda r: (r.teacher.full_name(language), str(r.teacher.pk)))
    return SchoolLoad(
        year=year, rate=rate, study_weeks=weeks, as_of=as_of, rows=rows, whole_school=whole
    )


# -- export ------------------------------------------------------------------------------------


def _header() -> list[str]:
    return [
        _("Teacher"),
        _("Class"),
        _("Subject"),
        _("Subgroup"),
        _("Hours a week"),
        _("Hours a year"),
        _("Rate"),
        _("Difference"),
        _("Load"),
        _("Substitutions held"),
        _("Lessons held by others"),
    ]


STATUS_LABELS = {
    LoadStatus.OVERLOAD: gettext_lazy("Overload"),
    LoadStatus.UNDERLOAD: gettext_lazy("Underload"),
    LoadStatus.NORMAL: gettext_lazy("At the rate"),
}


def status_label(status: Any) -> str:
    return str(STATUS_LABELS[LoadStatus(status)])


def _rows(result: SchoolLoad, language: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for row in result.rows:
        name = row.teacher.full_name(language)
        for line in row.lines:
            rows.append(
                [
                    name,
                    line.class_name,
                    line.subject_name,
                    line.subgroup_name,
                    float(line.hours_per_week),
                    float(line.hours_per_year),
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
        rows.append(
            [
                name,
                _("Total"),
                "",
                "",
                float(row.load.hours),
                float(row.hours_per_year),
                float(row.load.rate),
                float(row.load.difference),
                status_label(row.load.status),
                row.substitutions_held,
                row.lessons_given_away,
            ]
        )
    return rows


def load_export(actor: Actor, year: AcademicYear, *, language: str = "ru") -> bytes:
    """The whole school's load as XLSX (an export of staff data: journaled)."""
    scope.require(actor, LOAD_VIEW, year.organization, target=year)
    result = school_load(actor, year, language=language)
    content = workbook_bytes(_("Teaching load"), _header(), _rows(result, language))
    with transaction.atomic():
        journal.record(
            actor=actor,
            action="school.load.export",
            target=year,
            after={"teachers": len(result.rows), "format": "xlsx", "rate": result.rate},
        )
    return content
