"""Learning analytics of a class or of any unit of the hierarchy (O456 p.27 sub.5 and 15, R503-5).

Quality of knowledge (share of learners whose period mark is 4 or 5), success (3 or above) and
attendance (present or late), by subject and by period, for a class, a school, a district, a region
or the Republic. Everything is counted in SQL (GROUP BY with conditional counts): the number of
queries is the same for one class and for a thousand schools. The rows come from the e-journal:
`journal.PeriodMark` (the final mark when the teacher confirmed it, otherwise the computed one;
learners of ungraded grades excluded, by the grading rules in force) and `journal.Attendance` of
lessons that were not cancelled.

Periods are matched across schools by kind and number (each school keeps its own dates), years by
name ("2025-2026"). Quarters, half-years and the year are codes: `q1`…`q4`, `h1`, `h2`, `year`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Min, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.journal.models import Attendance, AttendanceStatus, PeriodMark
from oqu.kernel.errors import ValidationError
from oqu.kernel.rules import rule_value
from oqu.orgs.models import Unit
from oqu.school.models import AcademicYear, Lesson, SchoolClass
from oqu.school.rule_sources import UNGRADED_GRADES

VIEW = "analytics.learning.view"
VIEW_OWN = "analytics.learning.view_own"

PERIODS = ("q1", "q2", "h1", "q3", "q4", "h2", "year")
PERIOD_LABELS = {
    "q1": _("Quarter 1"),
    "q2": _("Quarter 2"),
    "q3": _("Quarter 3"),
    "q4": _("Quarter 4"),
    "h1": _("Half-year 1"),
    "h2": _("Half-year 2"),
    "year": _("Year"),
}
# Which unit a row is counted under, one level below the unit looked at; from the e-journal row's
# assignment (`prefix`) or organization. A class is broken down by nothing below it.
BREAKDOWN_FIELD = {
    Unit.Kind.REPUBLIC: "organization__parent__parent_id",
    Unit.Kind.REGION: "organization__parent_id",
    Unit.Kind.DISTRICT: "organization_id",
    Unit.Kind.ORGANIZATION: "{prefix}school_class_id",
}
PERCENT_STEP = Decimal("0.1")
# Counts learners of an inner query grouped by (unit_key, kind, number, person) with their lowest
# mark and their number of missing marks.
PER_LEARNER_SQL = (
    "SELECT unit_key, kind, number, COUNT(*),"
    " SUM(CASE WHEN missing = 0 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN missing = 0 AND lowest >= 4 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN missing = 0 AND lowest >= 3 THEN 1 ELSE 0 END)"
    " FROM ({inner}) per_learner GROUP BY unit_key, kind, number"
)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent to one decimal, half up; nothing to show when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


@dataclass
class MarkRate:
    """Learners with a period mark row, of them assessed, with 4–5 (quality) and 3–5 (success)."""

    learners: int = 0
    assessed: int = 0
    quality: int = 0
    success: int = 0

    @property
    def not_assessed(self) -> int:
        return self.learners - self.assessed

    @property
    def quality_percent(self) -> Decimal | None:
        return percent(self.quality, self.learners)

    @property
    def success_percent(self) -> Decimal | None:
        return percent(self.success, self.learners)

    def add(self, other: MarkRate) -> None:
        self.learners += other.learners
        self.assessed += other.assessed
        self.quality += other.quality
        self.success += other.success


@dataclass
class AttendanceRate:
    """Attendance rows of held lessons; present and late count as attended."""

    recorded: int = 0
    present: int = 0
    late: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    sick: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def percent(self) -> Decimal | None:
        return percent(self.attended, self.recorded)

    def add(self, other: AttendanceRate) -> None:
        self.recorded += other.recorded
        self.present += other.present
        self.late += other.late
        self.absent_excused += other.absent_excused
        self.absent_unexcused += other.absent_unexcused
        self.sick += other.sick


@dataclass
class Line:
    """One row of a report: a subject, a unit below the one looked at, or the total."""

    key: str
    name: str = ""
    name_kk: str = ""
    marks: dict[str, MarkRate] = field(default_factory=dict)
    attendance: dict[str, AttendanceRate] = field(default_factory=dict)

    def mark(self, period: str) -> MarkRate:
        return self.marks.get(period) or MarkRate()

    def attendance_in(self, period: str) -> AttendanceRate:
        return self.attendance.get(period) or AttendanceRate()

    def has_data(self, period: str) -> bool:
        return period in self.marks or period in self.attendance


@dataclass(frozen=True)
class Target:
    """What a report is about, as the actor may see it.

    `own_only`: the actor holds only `view_own` (a teacher): rows are limited to the class-subjects
    they teach and the classes they lead as homeroom teacher.
    """

    unit: Unit
    school_class: SchoolClass | None = None
    own_only: bool = False

    @property
    def name(self) -> str:
        if self.school_class is not None:
            return f"{self.school_class} · {self.unit.name}"
        return self.unit.name

    @property
    def scoped_object(self) -> Any:
        return self.school_class if self.school_class is not None else self.unit


@dataclass
class LearningReport:
    target: Target
    years: list[str]
    year: str
    period: str
    subjects: list[Line]
    breakdown: list[Line]
    breakdown_kind: str
    total: Line
    ungraded_grades: list[int]

    @property
    def periods(self) -> list[tuple[str, Any]]:
        return [(code, PERIOD_LABELS[code]) for code in PERIODS]

    @property
    def periods_with_data(self) -> list[str]:
        return [code for code in PERIODS if self.total.has_data(code)]


# -- who may see what --------------------------------------------------------------------------


def target_for_unit(actor: Actor, unit_id: Any) -> Target:
    """The unit as a report target: 404 outside the actor's scope, 403 without the capability."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise scope.not_found(actor, VIEW, "orgs.unit", unit_id)
    if actor.can_at(VIEW, unit.path):
        return Target(unit=unit)
    if actor.person_id and actor.can_at(VIEW_OWN, unit.path):
        return Target(unit=unit, own_only=True)
    scope.require(actor, VIEW, unit)
    raise scope.not_found(actor, VIEW, "orgs.unit", unit_id)  # require always raises here


def target_for_class(actor: Actor, class_id: Any) -> Target:
    """A class as a report target; a teacher's own class only (another class they see → 403)."""
    school_class = (
        SchoolClass.objects.select_related("organization", "year").filter(pk=class_id).first()
    )
    if school_class is None:
        raise scope.not_found(actor, VIEW, "school.schoolclass", class_id)
    organization = school_class.organization
    if actor.can_at(VIEW, organization.path):
        return Target(unit=organization, school_class=school_class)
    if (
        actor.person_id
        and actor.can_at(VIEW_OWN, organization.path)
        and SchoolClass.objects.filter(_own_classes(actor.person_id), pk=school_class.pk).exists()
    ):
        return Target(unit=organization, school_class=school_class, own_only=True)
    scope.require(actor, VIEW, organization, target=school_class)
    raise scope.not_found(actor, VIEW, "school.schoolclass", class_id)


def _own_classes(person_id: Any) -> Q:
    return Q(homeroom_teacher_id=person_id) | Q(assignments__teacher_id=person_id)


def _own_rows(person_id: Any, prefix: str) -> Q:
    """Rows of the class-subjects a teacher teaches, and every row of the classes they lead."""
    return Q(**{f"{prefix}teacher_id": person_id}) | Q(
        **{f"{prefix}school_class__homeroom_teacher_id": person_id}
    )


def available_years(target: Target) -> list[tuple[str, Any]]:
    """Names of the academic years with their earliest start, newest first (one query)."""
    if target.school_class is not None:
        year = target.school_class.year
        return [(year.name, year.start_date)]
    rows = (
        AcademicYear.objects.filter(organization__path__startswith=target.unit.path)
        .values("name")
        .annotate(start=Min("start_date"))
        .order_by("-start")
    )
    return [(row["name"], row["start"]) for row in rows]


# -- the report --------------------------------------------------------------------------------


def learning_report(
    actor: Actor, target: Target, *, year: str | None = None, period: str | None = None
) -> LearningReport:
    """Quality, success and attendance of `target` by subject and period, and by the units below.

    A fixed number of queries whatever the number of classes, schools or rows.
    """
    years = available_years(target)
    chosen = next(((n, s) for n, s in years if n == year), None)
    if chosen is None and year and years:
        raise ValidationError(
            _("There is no academic year with this name here."),
            code="analytics_year_unknown",
            fields={"year": ["unknown"]},
        )
    chosen = chosen or (years[0] if years else None)
    ungraded = _ungraded_grades(chosen[1]) if chosen else []
    subjects: dict[str, Line] = {}
    breakdown: dict[str, Line] = {}
    total = Line(key="total")
    if chosen is not None:
        marks = _mark_rows(actor, target, chosen[0], ungraded)
        attendance = _attendance_rows(actor, target, chosen[0])
        _fill_subject_marks(subjects, marks)
        broken_down = target.school_class is None
        _fill_attendance(
            subjects,
            breakdown if broken_down else None,
            total,
            attendance,
            _breakdown_field(target, "lesson__") if broken_down else None,
        )
        if broken_down:
            _fill_breakdown_marks(breakdown, _per_learner_rates(marks, _breakdown_field(target)))
            _name_breakdown(breakdown, target)
        _fill_total_marks(total, _per_learner_rates(marks, None))
    report = LearningReport(
        target=target,
        years=[name for name, _start in years],
        year=chosen[0] if chosen else "",
        period="",
        subjects=sorted(subjects.values(), key=lambda line: (line.name, line.key)),
        breakdown=sorted(breakdown.values(), key=lambda line: (line.name, line.key)),
        breakdown_kind=_breakdown_kind(target),
        total=total,
        ungraded_grades=ungraded,
    )
    report.period = _chosen_period(report, period)
    return report


def _ungraded_grades(as_of: Any) -> list[int]:
    """Grades without marks by the grading rules in force when the year began (grade 1 now)."""
    return sorted(int(grade) for grade in rule_value(UNGRADED_GRADES, as_of))


def _chosen_period(report: LearningReport, asked: str | None) -> str:
    """The asked period, else the latest one holding data, else the first quarter."""
    if asked in PERIODS:
        return str(asked)
    with_data = report.periods_with_data
    return with_data[-1] if with_data else PERIODS[0]


def _breakdown_kind(target: Target) -> str:
    if target.school_class is not None:
        return ""
    return {
        Unit.Kind.REPUBLIC: "region",
        Unit.Kind.REGION: "district",
        Unit.Kind.DISTRICT: "organization",
        Unit.Kind.ORGANIZATION: "class",
    }[Unit.Kind(target.unit.kind)]


def _breakdown_field(target: Target, prefix: str = "") -> str:
    template = BREAKDOWN_FIELD[Unit.Kind(target.unit.kind)]
    return prefix + template.format(prefix="assignment__")


def _restricted(actor: Actor, target: Target, qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    """The rows of the target the actor may count: scoped by the access layer, then narrowed."""
    action = VIEW_OWN if target.own_only else VIEW
    qs = scope.visible(actor, action, qs).filter(organization__path__startswith=target.unit.path)
    if target.school_class is not None:
        qs = qs.filter(**{f"{prefix}school_class": target.school_class})
    if target.own_only:
        qs = qs.filter(_own_rows(actor.person_id, prefix))
    return qs


def _mark_rows(actor: Actor, target: Target, year: str, ungraded: list[int]) -> QuerySet[Any]:
    """Period marks of the year with `effective_mark`: final when confirmed, else computed."""
    qs = PeriodMark.objects.filter(assignment__year__name=year).exclude(
        assignment__school_class__grade__in=ungraded
    )
    return _restricted(actor, target, qs, "assignment__").alias(
        effective_mark=Case(
            When(confirmed_at__isnull=False, final_mark__isnull=False, then=F("final_mark")),
            default=F("computed_mark"),
        )
    )


def _attendance_rows(actor: Actor, target: Target, year: str) -> QuerySet[Any]:
    qs = Attendance.objects.filter(lesson__assignment__year__name=year).exclude(
        lesson__status=Lesson.Status.CANCELLED
    )
    return _restricted(actor, target, qs, "lesson__assignment__")


def period_code(kind: str | None, number: int | None) -> str:
    if kind is None:
        return "year"
    return f"{'q' if kind == 'quarter' else 'h'}{number}"


def _attendance_periods(kind: str | None, number: int | None) -> list[str]:
    """A quarter's lessons count in the quarter, its half-year and the year; a half-year's in
    the half-year and the year; lessons outside any period only in the year."""
    if kind == "quarter" and number:
        return [f"q{number}", f"h{(number + 1) // 2}", "year"]
    if kind == "half_year" and number:
        return [f"h{number}", "year"]
    return ["year"]


def _key(value: Any) -> str:
    """Ids as text, the same whether the database gave a UUID or its hex (SQLite)."""
    if value is None:
        return ""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def _fill_subject_marks(subjects: dict[str, Line], marks: QuerySet[Any]) -> None:
    rows = marks.values(
        code=F("assignment__subject__code"), kind=F("period__kind"), number=F("period__number")
    ).annotate(
        subject_ru=Min("assignment__subject__name_ru"),
        subject_kk=Min("assignment__subject__name_kk"),
        learners=Count("learner_id", distinct=True),
        assessed=Count("learner_id", distinct=True, filter=Q(effective_mark__isnull=False)),
        quality=Count("learner_id", distinct=True, filter=Q(effective_mark__gte=4)),
        success=Count("learner_id", distinct=True, filter=Q(effective_mark__gte=3)),
    )
    for row in rows:
        line = subjects.setdefault(row["code"], Line(key=row["code"]))
        line.name, line.name_kk = row["subject_ru"], row["subject_kk"]
        line.marks[period_code(row["kind"], row["number"])] = MarkRate(
            row["learners"], row["assessed"], row["quality"], row["success"]
        )


ATTENDANCE_COUNTS = {
    "recorded": Count("id"),
    "present": Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
    "late": Count("id", filter=Q(status=AttendanceStatus.LATE)),
    "absent_excused": Count("id", filter=Q(status=AttendanceStatus.ABSENT_EXCUSED)),
    "absent_unexcused": Count("id", filter=Q(status=AttendanceStatus.ABSENT_UNEXCUSED)),
    "sick": Count("id", filter=Q(status=AttendanceStatus.SICK)),
}


def _attendance_rate(row: dict[str, Any]) -> AttendanceRate:
    return AttendanceRate(**{name: row[name] for name in ATTENDANCE_COUNTS})


def _add_attendance(line: Line, row: dict[str, Any]) -> None:
    for code in _attendance_periods(row["kind"], row["number"]):
        line.attendance.setdefault(code, AttendanceRate()).add(_attendance_rate(row))


def _fill_attendance(
    subjects: dict[str, Line],
    breakdown: dict[str, Line] | None,
    total: Line,
    attendance: QuerySet[Any],
    unit_field: str | None,
) -> None:
    """Attendance by subject, by unit below and in total from ONE scan of the rows.

    Grouped by (unit below, subject, period) — a few hundred groups even for a region — and
    summed here: attendance rates are row counts, so the sums are exact.
    """
    unit = {"unit_key": F(unit_field)} if unit_field else {}
    rows = attendance.values(
        **unit,
        code=F("lesson__assignment__subject__code"),
        kind=F("lesson__period__kind"),
        number=F("lesson__period__number"),
    ).annotate(
        subject_ru=Min("lesson__assignment__subject__name_ru"),
        subject_kk=Min("lesson__assignment__subject__name_kk"),
        **ATTENDANCE_COUNTS,
    )
    for row in rows:
        line = subjects.setdefault(row["code"], Line(key=row["code"]))
        line.name, line.name_kk = row["subject_ru"], row["subject_kk"]
        _add_attendance(line, row)
        _add_attendance(total, row)
        if breakdown is not None:
            key = _key(row["unit_key"])
            _add_attendance(breakdown.setdefault(key, Line(key=key)), row)


def _per_learner_rates(marks: QuerySet[Any], unit_field: str | None) -> list[dict[str, Any]]:
    """Learner-level rates over all subjects, per unit below and period, in one SQL statement.

    A learner counts for quality when every period mark they have in the period is 4 or 5, for
    success when every one is 3 or above, as not assessed when any of them is missing (the school
    reports' "отличники и хорошисты / все учащиеся"). The inner query groups by learner, the outer
    one counts learners: aggregating an aggregate needs the subquery in FROM, which the ORM lacks.
    """
    unit = F(unit_field) if unit_field else F("organization__path")
    inner = marks.values(
        unit_key=unit, kind=F("period__kind"), number=F("period__number"), person=F("learner_id")
    ).annotate(
        lowest=Min("effective_mark"),
        missing=Count("id", filter=Q(effective_mark__isnull=True)),
    )
    inner_sql, params = inner.query.sql_with_params()
    sql = PER_LEARNER_SQL.format(inner=inner_sql)  # the ORM's SQL; values stay parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        {
            "unit": _key(unit_key) if unit_field else "",
            "period": period_code(kind, number),
            "rate": MarkRate(int(learners), int(assessed or 0), int(good or 0), int(passed or 0)),
        }
        for unit_key, kind, number, learners, assessed, good, passed in fetched
    ]


def _fill_breakdown_marks(breakdown: dict[str, Line], rows: list[dict[str, Any]]) -> None:
    for row in rows:
        line = breakdown.setdefault(row["unit"], Line(key=row["unit"]))
        line.marks.setdefault(row["period"], MarkRate()).add(row["rate"])


def _name_breakdown(breakdown: dict[str, Line], target: Target) -> None:
    """Names of the units (or classes) below, in one query."""
    if not breakdown:
        return
    if target.unit.kind == Unit.Kind.ORGANIZATION:
        for school_class in SchoolClass.objects.filter(pk__in=list(breakdown)):
            line = breakdown[_key(school_class.pk)]
            line.name = line.name_kk = str(school_class)
        return
    for unit in Unit.objects.filter(pk__in=list(breakdown)):
        line = breakdown[_key(unit.pk)]
        line.name = line.name_kk = unit.name


def _fill_total_marks(total: Line, learner_rows: list[dict[str, Any]]) -> None:
    for row in learner_rows:
        total.marks.setdefault(row["period"], MarkRate()).add(row["rate"])
