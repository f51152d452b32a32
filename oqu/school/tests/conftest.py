"""A school year of school A1 with quarters, subjects, two classes, a teacher and learners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.school.models import (
    AcademicYear,
    ClassMembership,
    SchoolClass,
    StudyPeriod,
    Subject,
)
from oqu.tests import factories as f

D = dt.date
QUARTERS = [
    (D(2025, 9, 1), D(2025, 10, 24)),
    (D(2025, 11, 3), D(2025, 12, 26)),
    (D(2026, 1, 8), D(2026, 3, 18)),
    (D(2026, 3, 30), D(2026, 5, 25)),
]


@dataclass
class SchoolWorld:
    year: AcademicYear
    math: Subject
    kazakh: Subject
    class_5a: SchoolClass
    class_5b: SchoolClass
    teacher: Any
    teacher_user: Any
    learner: Any
    membership: ClassMembership


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


def make_year(org: Any, name: str = "2025-2026") -> AcademicYear:
    year = AcademicYear.objects.create(
        organization=org, name=name, start_date=D(2025, 9, 1), end_date=D(2026, 5, 31)
    )
    for number, (start, end) in enumerate(QUARTERS, start=1):
        StudyPeriod.objects.create(
            organization=org,
            year=year,
            kind="quarter",
            number=number,
            start_date=start,
            end_date=end,
        )
    return year


def make_class(year: AcademicYear, grade: int, letter: str, **extra: Any) -> SchoolClass:
    return SchoolClass.objects.create(
        organization=year.organization,
        year=year,
        grade=grade,
        letter=letter,
        language="kk",
        **extra,
    )


def put_in_class(person: Any, school_class: SchoolClass) -> ClassMembership:
    enrolment = f.enrol(person, school_class.organization, grade=school_class.grade)
    return ClassMembership.objects.create(
        organization=school_class.organization,
        person=person,
        school_class=school_class,
        enrolment=enrolment,
        start_date=school_class.year.start_date,
        start_move="enrolled",
    )


@pytest.fixture
def school(org_tree: Any) -> SchoolWorld:
    org = org_tree.school_a1
    year = make_year(org)
    teacher = f.make_person("Ахметова", "Сәуле", D(1980, 2, 3), "F")
    f.employ(teacher, org)
    teacher_user = f.make_user("teacher-s", person=teacher)
    f.grant(teacher_user, "school_teacher", org)
    learner = f.make_person("Бекұлы", "Ерлан", D(2014, 4, 5), "M")
    class_5a = make_class(year, 5, "А", homeroom_teacher=teacher)
    return SchoolWorld(
        year=year,
        math=Subject.objects.create(
            organization=org, code="MATH", name_kk="Математика", name_ru="Математика"
        ),
        kazakh=Subject.objects.create(
            organization=org, code="KAZ", name_kk="Қазақ тілі", name_ru="Казахский язык"
        ),
        class_5a=class_5a,
        class_5b=make_class(year, 5, "Ә"),
        teacher=teacher,
        teacher_user=teacher_user,
        learner=learner,
        membership=put_in_class(learner, class_5a),
    )
