"""School A1 with a math teacher of class 5А, a colleague, a deputy director, two learners of 5А
(one with a parent), a learner of 5Ә, lessons (today and ten days ago); and school B1 with its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from oqu.access.scope import actor_for
from oqu.school.models import Lesson, Subject, TeachingAssignment
from oqu.school.tests.conftest import login, make_class, make_year, put_in_class  # noqa: F401
from oqu.tests import factories as f

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Lms:
    org: Any
    year: Any
    class_5a: Any
    class_5b: Any
    math: Any
    assignment: Any
    lesson: Any
    old_lesson: Any
    lesson_5b: Any
    teacher: Any
    teacher_user: Any
    colleague_user: Any
    deputy_user: Any
    learner: Any
    learner_user: Any
    classmate: Any
    parent_user: Any
    other_learner_user: Any
    b_lesson: Any
    b_teacher_user: Any

    def actor(self, user: Any) -> Any:
        return actor_for(user)


def make_teacher(org: Any, name: str, username: str) -> tuple[Any, Any]:
    person = f.make_person(name, "Мұғалім", D(1982, 1, 2), "F")
    f.employ(person, org)
    user = f.make_user(username, person=person)
    f.grant(user, "school_teacher", org)
    return person, user


def make_learner(school_class: Any, name: str, username: str | None) -> tuple[Any, Any]:
    person = f.make_person(name, "Оқушы", D(2014, 3, 4), "M")
    put_in_class(person, school_class)
    return person, (f.make_user(username, person=person) if username else None)


def make_lesson(assignment: Any, date: dt.date, number: int = 1) -> Lesson:
    return Lesson.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        date=date,
        lesson_number=number,
        teacher=assignment.teacher,
        topic="Бөлшектер",
    )


def make_assignment(year: Any, teacher: Any, school_class: Any, subject: Any) -> Any:
    return TeachingAssignment.objects.create(
        organization=year.organization,
        year=year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        hours_per_week=4,
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lms(org_tree: Any) -> Lms:
    org = org_tree.school_a1
    today = timezone.localdate()
    year = make_year(org)
    class_5a, class_5b = make_class(year, 5, "А"), make_class(year, 5, "Ә")
    math = Subject.objects.create(
        organization=org, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    teacher, teacher_user = make_teacher(org, "Ахметова", "lms-teacher")
    colleague, colleague_user = make_teacher(org, "Омарова", "lms-colleague")
    deputy_user = f.make_user("lms-deputy")
    f.grant(deputy_user, "school_deputy_director", org)
    assignment = make_assignment(year, teacher, class_5a, math)
    learner, learner_user = make_learner(class_5a, "Бекұлы", "lms-learner")
    classmate, _ = make_learner(class_5a, "Арманұлы", None)
    other, other_user = make_learner(class_5b, "Қайратұлы", "lms-other-learner")
    parent = f.make_person("Бекова", "Ана", D(1985, 5, 6), "F")
    f.guard(parent, learner)
    parent_user = f.make_user("lms-parent", person=parent)
    lesson_5b = make_lesson(make_assignment(year, colleague, class_5b, math), today)

    b_org = org_tree.school_b1
    b_year = make_year(b_org)
    b_class = make_class(b_year, 5, "А")
    b_math = Subject.objects.create(
        organization=b_org, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    b_teacher, b_teacher_user = make_teacher(b_org, "Бекова", "lms-b-teacher")
    b_lesson = make_lesson(make_assignment(b_year, b_teacher, b_class, b_math), today)
    return Lms(
        org=org,
        year=year,
        class_5a=class_5a,
        class_5b=class_5b,
        math=math,
        assignment=assignment,
        lesson=make_lesson(assignment, today),
        old_lesson=make_lesson(assignment, today - dt.timedelta(days=10), 2),
        lesson_5b=lesson_5b,
        teacher=teacher,
        teacher_user=teacher_user,
        colleague_user=colleague_user,
        deputy_user=deputy_user,
        learner=learner,
        learner_user=learner_user,
        classmate=classmate,
        parent_user=parent_user,
        other_learner_user=other_user,
        b_lesson=b_lesson,
        b_teacher_user=b_teacher_user,
    )
