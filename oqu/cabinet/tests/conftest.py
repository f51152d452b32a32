"""A school of A1 with two classes, lessons of one day, a parent of two learners and a classmate.

Lessons, marks, attendance and homework are made with the ORM here: the services that will make
them in production belong to other parts (timetable, journal, lms).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from oqu.journal.models import Assessment, Attendance, Mark
from oqu.lms.models import Homework
from oqu.school.models import BellSlot, Lesson, Room, Subject, TeachingAssignment
from oqu.school.tests.conftest import make_class, make_year, put_in_class
from oqu.tests import factories as f

D = dt.date
DAY = D(2025, 10, 6)  # a Monday of the first quarter


@dataclass
class Cabinet:
    org: Any
    year: Any
    class_5a: Any
    class_5b: Any
    math: Any
    kazakh: Any
    teacher: Any
    substitute: Any
    room: Any
    child: Any
    second_child: Any
    classmate: Any
    parent: Any
    parent_user: Any
    child_user: Any
    classmate_user: Any
    teacher_user: Any
    assignments: dict[str, Any] = field(default_factory=dict)


def person(last: str, first: str, born: dt.date | None = None, sex: str = "M") -> Any:
    return f.make_person(last, first, born or D(2014, 1, 1), sex)


def assign(org: Any, year: Any, school_class: Any, subject: Any, teacher: Any) -> Any:
    return TeachingAssignment.objects.create(
        organization=org,
        year=year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        hours_per_week=Decimal(2),
    )


def lesson(assignment: Any, on: dt.date, number: int, **extra: Any) -> Lesson:
    period = assignment.year.periods.filter(start_date__lte=on, end_date__gte=on).first()
    return Lesson.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        period=period,
        date=on,
        lesson_number=number,
        teacher=extra.pop("teacher", assignment.teacher),
        **extra,
    )


def mark(lesson: Lesson, learner: Any, points: str, kind: str = "fo", max_points: int = 10) -> Mark:
    assessment = Assessment.objects.create(
        organization=lesson.organization,
        lesson=lesson,
        period=lesson.period,
        kind=kind,
        title=f"{kind} {lesson.lesson_number}",
        max_points=max_points,
    )
    return Mark.objects.create(
        organization=lesson.organization,
        assessment=assessment,
        learner=learner,
        points=Decimal(points),
    )


def attend(lesson: Lesson, learner: Any, status: str) -> Attendance:
    return Attendance.objects.create(
        organization=lesson.organization, lesson=lesson, learner=learner, status=status
    )


def homework(lesson: Lesson, due: dt.date, text: str = "Exercise 5") -> Homework:
    return Homework.objects.create(
        organization=lesson.organization,
        lesson=lesson,
        assignment=lesson.assignment,
        text=text,
        due_date=due,
        max_points=10,
        set_by=lesson.teacher,
    )


@pytest.fixture
def cab(org_tree: Any) -> Cabinet:
    org = org_tree.school_a1
    year = make_year(org)
    for number in range(1, 9):
        start = dt.time(8 + number - 1, 0)
        BellSlot.objects.create(
            organization=org,
            year=year,
            shift=1,
            number=number,
            starts_at=start,
            ends_at=dt.time(start.hour, 45),
        )
    teacher = person("Ахметова", "Сәуле", D(1980, 2, 3), "F")
    substitute = person("Омаров", "Бауыржан", D(1979, 5, 6))
    f.employ(teacher, org)
    f.employ(substitute, org)
    teacher_user = f.make_user("cab-teacher", person=teacher)
    f.grant(teacher_user, "school_teacher", org)
    class_5a = make_class(year, 5, "А")
    class_5b = make_class(year, 5, "Ә")
    child = person("Серікұлы", "Арман")
    second_child = person("Серікқызы", "Дана", D(2015, 2, 2), "F")
    classmate = person("Жанұлы", "Тимур")
    put_in_class(child, class_5a)
    put_in_class(second_child, class_5b)
    put_in_class(classmate, class_5a)
    parent = person("Серікова", "Айгүл", D(1985, 6, 7), "F")
    f.guard(parent, child)
    f.guard(parent, second_child)
    math = Subject.objects.create(
        organization=org, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    kazakh = Subject.objects.create(
        organization=org, code="KAZ", name_kk="Қазақ тілі", name_ru="Казахский язык"
    )
    world = Cabinet(
        org=org,
        year=year,
        class_5a=class_5a,
        class_5b=class_5b,
        math=math,
        kazakh=kazakh,
        teacher=teacher,
        substitute=substitute,
        room=Room.objects.create(organization=org, name="204"),
        child=child,
        second_child=second_child,
        classmate=classmate,
        parent=parent,
        parent_user=f.make_user("cab-parent", person=parent, language="ru"),
        child_user=f.make_user("cab-child", person=child, language="ru"),
        classmate_user=f.make_user("cab-classmate", person=classmate),
        teacher_user=teacher_user,
    )
    world.assignments = {
        "math_5a": assign(org, year, class_5a, math, teacher),
        "kazakh_5a": assign(org, year, class_5a, kazakh, teacher),
        "math_5b": assign(org, year, class_5b, math, teacher),
    }
    return world


@pytest.fixture
def api(client: Any):  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Requests as a Russian-speaking parent leave Russian active in the thread: reset it, so a
    later test on the same worker reads translated fields in the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
