"""A school of A1 whose first quarter is running today: a class of learners, two teachers, lessons.

Lessons are normally generated from the timetable by the school app; here they are made with the
ORM, on dates relative to today so that the edit window can be tested both ways.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from oqu.access.scope import actor_for
from oqu.school.models import (
    AcademicYear,
    ClassMembership,
    Lesson,
    SchoolClass,
    StudyPeriod,
    Subject,
    TeachingAssignment,
)
from oqu.tests import factories as f

D = dt.date


@dataclass
class JournalWorld:
    org: Any
    year: AcademicYear
    q1: StudyPeriod
    q2: StudyPeriod
    class_5a: SchoolClass
    math: Subject
    teacher: Any
    teacher_user: Any
    other_teacher: Any
    other_user: Any
    deputy: Any
    deputy_user: Any
    parent_user: Any
    learner_user: Any
    learners: list[Any]
    assignment: TeachingAssignment
    other_assignment: TeachingAssignment
    today: dt.date
    lessons: dict[str, Lesson] = field(default_factory=dict)

    def actor(self, user: Any) -> Any:
        return actor_for(user)

    def lesson(
        self,
        on: dt.date,
        number: int = 1,
        assignment: TeachingAssignment | None = None,
        **extra: Any,
    ) -> Lesson:
        assignment = assignment or self.assignment
        period = StudyPeriod.objects.filter(
            year=self.year, kind="quarter", start_date__lte=on, end_date__gte=on
        ).first()
        return Lesson.objects.create(
            organization=self.org,
            assignment=assignment,
            period=period,
            date=on,
            lesson_number=number,
            teacher=extra.pop("teacher", assignment.teacher),
            **extra,
        )


def staff(org: Any, last: str, first: str, role: str, username: str) -> tuple[Any, Any]:
    person = f.make_person(last, first, D(1980, 2, 3), "F")
    f.employ(person, org)
    user = f.make_user(username, person=person)
    f.grant(user, role, org)
    return person, user


def put_in_class(person: Any, school_class: SchoolClass, start: dt.date) -> ClassMembership:
    enrolment = f.enrol(person, school_class.organization, grade=school_class.grade)
    return ClassMembership.objects.create(
        organization=school_class.organization,
        person=person,
        school_class=school_class,
        enrolment=enrolment,
        start_date=start,
        start_move="enrolled",
    )


def build_world(org: Any, learner_count: int = 3, grade: int = 5, tag: str = "") -> JournalWorld:
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    year = AcademicYear.objects.create(
        organization=org, name="Y", start_date=start, end_date=start + dt.timedelta(days=300)
    )
    q1 = StudyPeriod.objects.create(
        organization=org,
        year=year,
        kind="quarter",
        number=1,
        start_date=start,
        end_date=today + dt.timedelta(days=10),
    )
    q2 = StudyPeriod.objects.create(
        organization=org,
        year=year,
        kind="quarter",
        number=2,
        start_date=today + dt.timedelta(days=11),
        end_date=today + dt.timedelta(days=60),
    )
    teacher, teacher_user = staff(org, "Ахметова", "Сәуле", "school_teacher", f"j-teacher{tag}")
    other_teacher, other_user = staff(org, "Жұмабаева", "Гүл", "school_teacher", f"j-other{tag}")
    deputy, deputy_user = staff(org, "Омарова", "Дана", "school_deputy_director", f"j-deputy{tag}")
    school_class = SchoolClass.objects.create(
        organization=org, year=year, grade=grade, letter="А", language="kk"
    )
    math = Subject.objects.create(
        organization=org, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    kazakh = Subject.objects.create(
        organization=org, code="KAZ", name_kk="Қазақ тілі", name_ru="Казахский язык"
    )
    learners = []
    for n in range(learner_count):
        learner = f.make_person(f"Оқушы{n:02d}", "Ерлан", D(2014, 4, 5), "M")
        put_in_class(learner, school_class, start)
        learners.append(learner)
    parent = f.make_person("Ата-ана", "Айгүл", D(1985, 6, 7), "F")
    f.guard(parent, learners[0])
    assignment = TeachingAssignment.objects.create(
        organization=org,
        year=year,
        teacher=teacher,
        school_class=school_class,
        subject=math,
        hours_per_week=Decimal(5),
    )
    other_assignment = TeachingAssignment.objects.create(
        organization=org,
        year=year,
        teacher=other_teacher,
        school_class=school_class,
        subject=kazakh,
        hours_per_week=Decimal(3),
    )
    return JournalWorld(
        org=org,
        year=year,
        q1=q1,
        q2=q2,
        class_5a=school_class,
        math=math,
        teacher=teacher,
        teacher_user=teacher_user,
        other_teacher=other_teacher,
        other_user=other_user,
        deputy=deputy,
        deputy_user=deputy_user,
        parent_user=f.make_user(f"j-parent{tag}", person=parent),
        learner_user=f.make_user(f"j-learner{tag}", person=learners[0]),
        learners=learners,
        assignment=assignment,
        other_assignment=other_assignment,
        today=today,
    )


@pytest.fixture
def jw(org_tree: Any) -> JournalWorld:
    return build_world(org_tree.school_a1)


@pytest.fixture
def api(client: Any) -> Any:
    """A client signed in as `user`: `api(user).put(url, json)`."""

    class Api:
        def __init__(self, user: Any) -> None:
            client.force_login(user)

        def get(self, url: str, **params: Any) -> Any:
            return client.get(url, params)

        def put(self, url: str, data: Any) -> Any:
            return client.put(url, data, content_type="application/json")

        def post(self, url: str, data: Any = None) -> Any:
            return client.post(url, data or {}, content_type="application/json")

        def delete(self, url: str) -> Any:
            return client.delete(url)

        def patch(self, url: str, data: Any) -> Any:
            return client.patch(url, data, content_type="application/json")

    return Api
