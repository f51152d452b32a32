"""School journals at scale: a year's structure, timetables, lessons, attendance and marks for every
school of the largest seeded districts (issue 5 figures: indexes must matter, ≥ 1 million rows).

Reads what `manage.py seed` wrote (schools, learners with grade and class name, teachers) and writes,
per school, in its own transaction: the academic year with quarters and vacations, the subject
catalogue and curriculum of `oqu.demo.school`, classes with their learners, a teacher for every
class-subject, a weekly grid, the lessons of the first `weeks` weeks, attendance for every learner of
every lesson held, and marks — formative (ФО) at about half the lessons for a third of the class, a
СОР per subject every third week and a СОЧ per subject near the end of the quarter for everyone.
Like the seed, a bulk load: COPY on PostgreSQL, bulk_create elsewhere, no journal entries. The same
seed gives the same rows; a school that already has the year is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from oqu.demo.school import QUARTERS, SUBJECTS, VACATIONS, _date, _hours, _working
from oqu.journal.models import Assessment, Attendance, AttendanceStatus, Mark
from oqu.kernel.calendar import is_working_day
from oqu.orgs.models import Unit
from oqu.people.models import Employment, Enrolment, Level
from oqu.school.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    Language,
    Lesson,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    TimetableEntry,
    Vacation,
)

SCHOOL_DAYS = 5
MAX_LESSONS_A_DAY = 8
ATTENDANCE_WEIGHTS = (
    (AttendanceStatus.PRESENT, 930),
    (AttendanceStatus.LATE, 20),
    (AttendanceStatus.ABSENT_EXCUSED, 20),
    (AttendanceStatus.SICK, 20),
    (AttendanceStatus.ABSENT_UNEXCUSED, 10),
)
FO_MAX, SOR_MAX, SOCH_MAX = 10, 20, 30


def largest_districts(count: int) -> list[Unit]:
    """The districts with the most active school learners (one query)."""
    rows = (
        Enrolment.objects.filter(level=Level.SCHOOL, is_main=True, end_date__isnull=True)
        .values("organization__parent_id")
        .annotate(learners=Count("id"))
        .order_by("-learners", "organization__parent_id")[:count]
    )
    ids = [row["organization__parent_id"] for row in rows]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def seed_districts(
    districts: Sequence[Unit], *, weeks: int, seed: int, today: dt.date | None = None
) -> Counter[str]:
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    schools = Unit.objects.filter(
        parent__in=districts, kind=Unit.Kind.ORGANIZATION, org_type__code="school"
    ).order_by("path")
    for school in schools:
        with transaction.atomic():
            counts.update(SchoolJournal(school, weeks=weeks, seed=seed, today=today).write())
    return counts


class SchoolJournal:
    def __init__(self, school: Unit, *, weeks: int, seed: int, today: dt.date) -> None:
        self.school = school
        self.org_id = school.pk
        self.weeks = weeks
        self.today = today
        self.rng = random.Random(f"{seed}:{school.pk}")  # noqa: S311 (synthetic data, reproducible)
        self.now = timezone.now()
        self.rows: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)

    # Each row starts with id, created_at, updated_at, organization_id (see `_write`).
    def _row(self, model: Any, *values: Any) -> uuid.UUID:
        pk = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        self.rows[model].append((pk, self.now, self.now, self.org_id, *values))
        return pk

    def write(self) -> Counter[str]:
        start_year = self.today.year if self.today.month >= 9 else self.today.year - 1
        name = f"{start_year}-{start_year + 1}"
        if AcademicYear.objects.filter(organization_id=self.org_id, name=name).exists():
            return Counter()
        year_id = self._row(
            AcademicYear, name, dt.date(start_year, 9, 1), dt.date(start_year + 1, 5, 31)
        )
        periods = self._periods(year_id, start_year)
        vacations = self._vacations(year_id, start_year)
        subjects = self._subjects(year_id)
        classes = self._classes(year_id)
        assignments = self._assignments(year_id, classes, subjects)
        grid = self._grid(classes, assignments, start_year)
        self._lessons(grid, classes, periods, vacations, start_year)
        return _write_all(self.rows)

    def _periods(
        self, year_id: uuid.UUID, start_year: int
    ) -> list[tuple[uuid.UUID, dt.date, dt.date]]:
        periods = []
        for number, (start, end) in enumerate(QUARTERS, start=1):
            first, last = _working(_date(start_year, start)), _date(start_year, end)
            pk = self._row(StudyPeriod, year_id, StudyPeriod.Kind.QUARTER, number, first, last)
            periods.append((pk, first, last))
        return periods

    def _vacations(self, year_id: uuid.UUID, start_year: int) -> list[tuple[dt.date, dt.date]]:
        spans = []
        for name_kk, name_ru, start, end in VACATIONS:
            first, last = _date(start_year, start), _date(start_year, end)
            self._row(Vacation, year_id, name_kk, name_ru, first, last)
            spans.append((first, last))
        return spans

    def _subjects(self, year_id: uuid.UUID) -> dict[str, tuple[uuid.UUID, tuple[str, ...]]]:
        existing = dict(
            Subject.objects.filter(organization_id=self.org_id).values_list("code", "id")
        )
        subjects = {}
        for row in SUBJECTS:
            pk = existing.get(row[0]) or self._row(
                Subject, row[0], row[1], row[2], row[0], "school"
            )
            subjects[row[0]] = (pk, row)
            for grade in range(1, 12):
                if _hours(grade, row) > 0:
                    self._row(CurriculumLine, year_id, pk, grade, "invariant", _hours(grade, row))
        return subjects

    def _classes(self, year_id: uuid.UUID) -> dict[uuid.UUID, tuple[int, list[uuid.UUID]]]:
        """One class per seeded class name, with its learners: {class id: (grade, learner ids)}."""
        enrolments = (
            Enrolment.objects.filter(
                organization_id=self.org_id, level=Level.SCHOOL, is_main=True, end_date__isnull=True
            )
            .exclude(group_name="")
            .exclude(
                person_id__in=ClassMembership.objects.filter(end_date__isnull=True).values(
                    "person_id"
                )
            )
            .order_by("grade", "group_name", "person_id")
            .values_list("id", "person_id", "grade", "group_name", "start_date")
        )
        language = (self.school.languages or [Language.KAZAKH])[0]
        language = language if language in Language.values else Language.KAZAKH
        by_name: dict[str, uuid.UUID] = {}
        classes: dict[uuid.UUID, tuple[int, list[uuid.UUID]]] = {}
        year_start = self.rows[AcademicYear][0][5]
        for enrolment_id, person_id, grade, group, start in enrolments:
            grade = grade or 1
            class_id = by_name.get(group)
            if class_id is None:
                letter = (group[len(str(grade)) :] or "А")[:4]
                class_id = by_name[group] = self._row(
                    SchoolClass, year_id, grade, letter, language, 1, None, 40
                )
                classes[class_id] = (grade, [])
            classes[class_id][1].append(person_id)
            self._row(
                ClassMembership,
                person_id,
                class_id,
                enrolment_id,
                max(year_start, start),
                "enrolled",
                None,
                "",
                "",
            )
        return classes

    def _assignments(
        self,
        year_id: uuid.UUID,
        classes: dict[uuid.UUID, tuple[int, list[uuid.UUID]]],
        subjects: dict[str, tuple[uuid.UUID, tuple[str, ...]]],
    ) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, int]]:
        """A teacher for every class-subject, taken in turn: [(assignment, class, teacher, hours)]."""
        teachers = list(
            Employment.objects.filter(
                organization_id=self.org_id, position="teacher", end_date__isnull=True
            )
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
        if not teachers:
            return []
        assignments = []
        turn = 0
        for class_id, (grade, _) in classes.items():
            for subject_id, row in subjects.values():
                hours = _hours(grade, row)
                if hours <= 0:
                    continue
                teacher = teachers[turn % len(teachers)]
                turn += 1
                pk = self._row(
                    TeachingAssignment, year_id, teacher, class_id, subject_id, None, hours
                )
                assignments.append((pk, class_id, teacher, int(hours)))
        return assignments

    def _grid(
        self,
        classes: dict[uuid.UUID, Any],
        assignments: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, int]],
        start_year: int,
    ) -> dict[int, list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, int, uuid.UUID]]]:
        """Each class's weekly lessons dealt over the days in turn, at the first lesson number
        where neither the class nor the teacher is busy:
        {weekday: [(assignment, class, teacher, lesson number, entry)]}."""
        grid: dict[int, list[Any]] = defaultdict(list)
        per_class: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, int]]] = defaultdict(list)
        for assignment_id, class_id, teacher, hours in assignments:
            per_class[class_id].extend([(assignment_id, teacher, hours)] * hours)
        valid_from = dt.date(start_year, 9, 1)
        busy: set[tuple[uuid.UUID, int, int]] = set()  # (class or teacher, weekday, number)
        for class_id, lessons in per_class.items():
            lessons.sort(key=lambda item: (-item[2], item[0]))
            for index, (assignment_id, teacher, _) in enumerate(lessons):
                slot = _free_slot(busy, class_id, teacher, index)
                if slot is None:
                    continue  # the week is full for this class or teacher
                weekday, number = slot
                busy.update({(class_id, weekday, number), (teacher, weekday, number)})
                entry = self._row(
                    TimetableEntry, assignment_id, weekday, number, None, valid_from, None
                )
                grid[weekday].append((assignment_id, class_id, teacher, number, entry))
        return grid

    def _lessons(
        self,
        grid: dict[int, list[Any]],
        classes: dict[uuid.UUID, tuple[int, list[uuid.UUID]]],
        periods: list[tuple[uuid.UUID, dt.date, dt.date]],
        vacations: list[tuple[dt.date, dt.date]],
        start_year: int,
        taken: set[tuple[Any, dt.date, int]] | None = None,
    ) -> None:
        """Lessons of every working day of the first `weeks` weeks, except the (assignment, date,
        number) slots in `taken` (lessons that exist already)."""
        taken = taken or set()
        first = periods[0][1]
        last_day = first + dt.timedelta(weeks=self.weeks) - dt.timedelta(days=1)
        day = first
        while day <= last_day:
            period = _period_of(day, periods)
            if period and is_working_day(day) and not _in(day, vacations):
                week = (day - first).days // 7
                last_week = day + dt.timedelta(days=7) > period[2]
                for assignment_id, class_id, teacher, number, entry in grid.get(
                    day.isoweekday(), []
                ):
                    if (assignment_id, day, number) in taken:
                        continue
                    held = day < self.today
                    lesson = self._row(
                        Lesson,
                        assignment_id,
                        period[0],
                        day,
                        number,
                        teacher,
                        None,
                        entry,
                        "",
                        Lesson.Status.HELD if held else Lesson.Status.PLANNED,
                    )
                    if held:
                        grade, learners = classes[class_id]
                        self._journal(lesson, period, learners, grade, week, last_week, day)
            day += dt.timedelta(days=1)

    def _journal(
        self,
        lesson: uuid.UUID,
        period: tuple[uuid.UUID, dt.date, dt.date],
        learners: list[uuid.UUID],
        grade: int,
        week: int,
        last_week: bool,
        day: dt.date,
    ) -> None:
        rng = self.rng
        statuses = [s for s, _ in ATTENDANCE_WEIGHTS]
        weights = [w for _, w in ATTENDANCE_WEIGHTS]
        drawn = rng.choices(statuses, weights, k=len(learners))
        for learner, status in zip(learners, drawn, strict=True):
            self._row(Attendance, lesson, learner, status, "")
        if grade == 1:
            return  # grade 1 is not marked
        kind, max_points, who = self._assessment_kind(week, last_week, day, period, learners)
        if kind is None:
            return
        assessment = self._row(Assessment, lesson, period[0], kind, "", max_points)
        for learner in who:
            points = Decimal(min(max_points, max(0, round(rng.gauss(0.72, 0.18) * max_points))))
            self._row(Mark, assessment, learner, points, "")

    def _assessment_kind(
        self,
        week: int,
        last_week: bool,
        day: dt.date,
        period: tuple[uuid.UUID, dt.date, dt.date],
        learners: list[uuid.UUID],
    ) -> tuple[str | None, int, Iterable[uuid.UUID]]:
        rng = self.rng
        roll = rng.random()
        if last_week and day < period[2] and roll < 0.3:
            return "soch", SOCH_MAX, learners
        if week % 3 == 2 and roll < 0.2:
            return "sor", SOR_MAX, learners
        if roll < 0.5:
            return "fo", FO_MAX, rng.sample(learners, k=max(1, len(learners) // 3))
        return None, 0, ()


def _free_slot(
    busy: set[tuple[uuid.UUID, int, int]], class_id: uuid.UUID, teacher: uuid.UUID, index: int
) -> tuple[int, int] | None:
    for shift in range(SCHOOL_DAYS):
        weekday = (index + shift) % SCHOOL_DAYS + 1
        for number in range(1, MAX_LESSONS_A_DAY + 1):
            if (class_id, weekday, number) not in busy and (teacher, weekday, number) not in busy:
                return weekday, number
    return None


def _period_of(day: dt.date, periods: list[tuple[uuid.UUID, dt.date, dt.date]]) -> Any:
    return next((p for p in periods if p[1] <= day <= p[2]), None)


def _in(day: dt.date, spans: list[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in spans)


# The order foreign keys need, and the columns each row tuple fills after the common four.
COLUMNS: dict[Any, tuple[str, ...]] = {
    AcademicYear: ("name", "start_date", "end_date"),
    StudyPeriod: ("year_id", "kind", "number", "start_date", "end_date"),
    Vacation: ("year_id", "name_kk", "name_ru", "start_date", "end_date"),
    Subject: ("code", "name_kk", "name_ru", "standard_code", "level"),
    CurriculumLine: ("year_id", "subject_id", "grade", "part", "hours_per_week"),
    SchoolClass: (
        "year_id",
        "grade",
        "letter",
        "language",
        "shift",
        "homeroom_teacher_id",
        "capacity",
    ),
    ClassMembership: (
        "person_id",
        "school_class_id",
        "enrolment_id",
        "start_date",
        "start_move",
        "end_date",
        "end_move",
        "end_reason",
    ),
    TeachingAssignment: (
        "year_id",
        "teacher_id",
        "school_class_id",
        "subject_id",
        "subgroup_id",
        "hours_per_week",
    ),
    TimetableEntry: (
        "assignment_id",
        "weekday",
        "lesson_number",
        "room_id",
        "valid_from",
        "valid_to",
    ),
    Lesson: (
        "assignment_id",
        "period_id",
        "date",
        "lesson_number",
        "teacher_id",
        "room_id",
        "timetable_entry_id",
        "topic",
        "status",
    ),
    Attendance: ("lesson_id", "learner_id", "status", "note"),
    Assessment: ("lesson_id", "period_id", "kind", "title", "max_points"),
    Mark: ("assessment_id", "learner_id", "points", "comment"),
}
COMMON = ("id", "created_at", "updated_at", "organization_id")


def _write_all(rows: dict[Any, list[tuple[Any, ...]]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for model, columns in COLUMNS.items():
        batch = rows.get(model)
        if batch:
            _write(model, (*COMMON, *columns), batch)
            counts[model._meta.model_name] += len(batch)
    return counts


def _write(model: Any, attnames: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """COPY (or bulk_create) the rows; a field the seed leaves out gets its Python default."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    left_out = [f for name, f in fields.items() if name not in attnames]
    missing = [f.attname for f in left_out if not f.null and not f.has_default()]
    if missing:  # a field added to the model later must be filled here, or have a default
        raise LookupError(f"{model.__name__}: the journal seed does not fill {missing}")
    attnames = (*attnames, *(f.attname for f in left_out))
    extras = tuple(f.get_default() for f in left_out)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(attnames, row + extras, strict=True))) for row in rows],
            batch_size=500,
        )
        return
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(fields[name].column) for name in attnames),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row + extras if extras else row)


def analyze() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in COLUMNS:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')  # noqa: S608 (table names from models)


def add_lessons(
    year: AcademicYear, *, until: dt.date, seed: int = 1, today: dt.date | None = None
) -> Counter[str]:
    """Lessons up to `until` — attendance and marks for those already held — for a year whose
    classes and assignments exist (the demo school): from its timetable when it has one (only
    the dates that have no lessons yet), else from a grid made here."""
    today = today or timezone.localdate()
    journal = SchoolJournal(year.organization, weeks=1, seed=seed, today=today)
    members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for class_id, person_id in (
        ClassMembership.objects.filter(school_class__year=year, end_date__isnull=True)
        .order_by("person_id")
        .values_list("school_class_id", "person_id")
    ):
        members[class_id].append(person_id)
    classes = {
        pk: (grade, members[pk])
        for pk, grade in SchoolClass.objects.filter(year=year).values_list("pk", "grade")
    }
    quarters = StudyPeriod.objects.filter(year=year, kind=StudyPeriod.Kind.QUARTER)
    periods = [(p.pk, p.start_date, p.end_date) for p in quarters.order_by("number")]
    if not periods:
        return Counter()
    vacations = list(Vacation.objects.filter(year=year).values_list("start_date", "end_date"))
    journal.weeks = max(1, (until - periods[0][1]).days // 7 + 1)
    entries = TimetableEntry.objects.filter(assignment__year=year, valid_to__isnull=True)
    if entries.exists():
        grid: dict[int, list[Any]] = defaultdict(list)
        for entry, assignment, class_id, teacher, weekday, number in entries.values_list(
            "pk",
            "assignment_id",
            "assignment__school_class_id",
            "assignment__teacher_id",
            "weekday",
            "lesson_number",
        ):
            grid[weekday].append((assignment, class_id, teacher, number, entry))
        taken = set(
            Lesson.objects.filter(assignment__year=year).values_list(
                "assignment_id", "date", "lesson_number"
            )
        )
    else:
        assignments = [
            (pk, class_id, teacher, int(hours))
            for pk, class_id, teacher, hours in TeachingAssignment.objects.filter(
                year=year, subgroup__isnull=True
            )
            .order_by("pk")
            .values_list("pk", "school_class_id", "teacher_id", "hours_per_week")
        ]
        grid = journal._grid(classes, assignments, year.start_date.year)
        taken = set()
    journal._lessons(grid, classes, periods, vacations, year.start_date.year, taken)
    return _write_all(journal.rows)
