"""The demo school's academic year: quarters, vacations, subjects, a curriculum, classes formed from
the seeded enrolments and a few teacher assignments (issue 5, SEC-27.3/4, SEC-27.6/7).

Set-up of a demonstration like the demo accounts: rows are created directly, not journaled, and an
existing year is left as it is (idempotent).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from oqu.demo.timetable import ensure_demo_timetable
from oqu.kernel.calendar import is_working_day
from oqu.people.models import Employment, Enrolment, Level
from oqu.school.models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    Language,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    Vacation,
)

# (month, day) of the start and the end of each quarter, and the vacations between them.
QUARTERS = [((9, 1), (10, 24)), ((11, 3), (12, 26)), ((1, 8), (3, 18)), ((3, 30), (5, 25))]
VACATIONS = [
    ("Күзгі демалыс", "Осенние каникулы", (10, 27), (11, 2)),
    ("Қысқы демалыс", "Зимние каникулы", (12, 29), (1, 7)),
    ("Көктемгі демалыс", "Весенние каникулы", (3, 19), (3, 29)),
]
# code, Kazakh, Russian, hours a week in grades 1-4, 5-9, 10-11 (invariant part)
SUBJECTS = [
    ("KAZ", "Қазақ тілі", "Казахский язык", "5", "3", "2"),
    ("RUS", "Орыс тілі", "Русский язык", "2", "2", "2"),
    ("ENG", "Ағылшын тілі", "Английский язык", "2", "3", "3"),
    ("MATH", "Математика", "Математика", "4", "5", "4"),
    ("HIST", "Қазақстан тарихы", "История Казахстана", "0", "2", "2"),
    ("PE", "Дене шынықтыру", "Физическая культура", "3", "3", "3"),
]


def _date(start_year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    return dt.date(start_year if month >= 9 else start_year + 1, month, day)


def _working(day: dt.date) -> dt.date:
    for _ in range(10):  # a run of days off is never longer than this
        if is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return day


def _hours(grade: int, row: tuple[str, ...]) -> Decimal:
    return Decimal(row[3] if grade <= 4 else row[4] if grade <= 9 else row[5])


@transaction.atomic
def ensure_demo_school(organization: Any, teacher: Any = None, learner: Any = None) -> AcademicYear:
    today = timezone.localdate()
    start_year = today.year if today.month >= 9 else today.year - 1
    name = f"{start_year}-{start_year + 1}"
    existing = AcademicYear.objects.filter(organization=organization, name=name).first()
    if existing is not None:
        return existing
    year = AcademicYear.objects.create(
        organization=organization,
        name=name,
        start_date=dt.date(start_year, 9, 1),
        end_date=dt.date(start_year + 1, 5, 31),
    )
    for number, (start, end) in enumerate(QUARTERS, start=1):
        StudyPeriod.objects.create(
            organization=organization,
            year=year,
            kind=StudyPeriod.Kind.QUARTER,
            number=number,
            start_date=_working(_date(start_year, start)),
            end_date=_date(start_year, end),
        )
    for name_kk, name_ru, start, end in VACATIONS:
        Vacation.objects.create(
            organization=organization,
            year=year,
            name_kk=name_kk,
            name_ru=name_ru,
            start_date=_date(start_year, start),
            end_date=_date(start_year, end),
        )
    subjects = {}
    for row in SUBJECTS:
        subjects[row[0]], _ = Subject.objects.get_or_create(
            organization=organization,
            code=row[0],
            defaults={"name_kk": row[1], "name_ru": row[2], "standard_code": row[0]},
        )
        CurriculumLine.objects.bulk_create(
            CurriculumLine(
                organization=organization,
                year=year,
                subject=subjects[row[0]],
                grade=grade,
                part="invariant",
                hours_per_week=_hours(grade, row),
            )
            for grade in range(1, 12)
            if _hours(grade, row) > 0
        )
    _form_classes(year, subjects, teacher)
    if learner is not None:
        ensure_class_taught(year, learner, teacher)
    ensure_demo_timetable(year)
    return year


def _form_classes(year: AcademicYear, subjects: dict[str, Subject], teacher: Any) -> None:
    """One class per seeded group name ("5А"), with the group's learners in it."""
    organization = year.organization
    language = (organization.languages or [Language.KAZAKH])[0]
    language = language if language in Language.values else Language.KAZAKH
    enrolments = Enrolment.objects.filter(
        organization=organization, level=Level.SCHOOL, is_main=True, end_date__isnull=True
    ).exclude(group_name="")
    classes: dict[str, SchoolClass] = {}
    members = []
    for enrolment in enrolments.order_by("grade", "group_name"):
        grade = enrolment.grade or 0
        letter = enrolment.group_name[len(str(grade)) :] or "А"
        school_class = classes.get(enrolment.group_name)
        if school_class is None:
            school_class = classes[enrolment.group_name] = SchoolClass.objects.create(
                organization=organization,
                year=year,
                grade=grade,
                letter=letter[:4],
                language=language,
                capacity=40,
            )
        if ClassMembership.objects.filter(
            person_id=enrolment.person_id, end_date__isnull=True
        ).exists():
            continue
        members.append(
            ClassMembership(
                organization=organization,
                person_id=enrolment.person_id,
                school_class=school_class,
                enrolment=enrolment,
                start_date=max(year.start_date, enrolment.start_date),
                start_move="enrolled",
            )
        )
    ClassMembership.objects.bulk_create(members)
    employed = (
        teacher is not None
        and Employment.objects.filter(
            person=teacher, organization=organization, end_date__isnull=True
        ).exists()
    )
    if not employed:
        return
    taught = [c for c in classes.values() if c.grade >= 1][:3]
    for index, school_class in enumerate(taught):
        if index == 0:
            school_class.homeroom_teacher = teacher
            school_class.save(update_fields=["homeroom_teacher"])
        TeachingAssignment.objects.create(
            organization=organization,
            year=year,
            teacher=teacher,
            school_class=school_class,
            subject=subjects["MATH"],
            hours_per_week=_hours(school_class.grade, SUBJECTS[3]),
        )


@transaction.atomic
def ensure_class_taught(
    year: AcademicYear, learner: Any, teacher: Any = None
) -> SchoolClass | None:
    """The demo learner's class gets every subject of its grade's curriculum, taught by the
    school's teachers in turn — mathematics by the demo teacher — so the learner's and the
    parent's cabinets show a full week."""
    membership = (
        ClassMembership.objects.filter(
            person=learner, end_date__isnull=True, school_class__year=year
        )
        .select_related("school_class")
        .first()
    )
    if membership is None:
        return None
    school_class = membership.school_class
    teachers = list(
        Employment.objects.filter(
            organization=year.organization, position="teacher", end_date__isnull=True
        )
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    taught = set(
        TeachingAssignment.objects.filter(school_class=school_class).values_list(
            "subject_id", flat=True
        )
    )
    lines = CurriculumLine.objects.filter(year=year, grade=school_class.grade).select_related(
        "subject"
    )
    for turn, line in enumerate(lines.order_by("subject__code")):
        if line.subject_id in taught or not teachers:
            continue
        is_math = line.subject.code == "MATH" and teacher is not None
        TeachingAssignment.objects.create(
            organization=year.organization,
            year=year,
            teacher_id=teacher.pk if is_math else teachers[turn % len(teachers)],
            school_class=school_class,
            subject=line.subject,
            hours_per_week=line.hours_per_week,
        )
    return school_class
