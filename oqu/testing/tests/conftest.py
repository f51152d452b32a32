"""A school year of school A1: class 5 А with a learner who has an account, class 5 Ә with another,
a maths teacher of 5 А, and a question bank for grade 5 maths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from oqu.access.scope import actor_for
from oqu.school.models import Subject, TeachingAssignment
from oqu.school.tests.conftest import make_class, make_year, put_in_class
from oqu.testing import services
from oqu.testing.models import Question, Test
from oqu.tests import factories as f

D = dt.date


@dataclass
class TestingWorld:
    __test__ = False

    org: Any
    math: Subject
    assignment: TeachingAssignment
    teacher_user: Any
    learner: Any
    learner_user: Any
    other_learner_user: Any
    questions: list[Question]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tw(org_tree: Any) -> TestingWorld:
    org = org_tree.school_a1
    year = make_year(org)
    math = Subject.objects.create(
        organization=org, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    teacher = f.make_person("Ахметова", "Сәуле", D(1980, 2, 3), "F")
    f.employ(teacher, org)
    teacher_user = f.make_user("t-teacher", person=teacher)
    f.grant(teacher_user, "school_teacher", org)
    class_a, class_b = make_class(year, 5, "А"), make_class(year, 5, "Ә")
    learner = f.make_person("Бекұлы", "Ерлан", D(2014, 4, 5), "M")
    put_in_class(learner, class_a)
    other = f.make_person("Сейіт", "Аружан", D(2014, 6, 7), "F")
    put_in_class(other, class_b)
    assignment = TeachingAssignment.objects.create(
        organization=org,
        year=year,
        teacher=teacher,
        school_class=class_a,
        subject=math,
        hours_per_week=5,
    )
    teacher_actor = actor_for(teacher_user)
    questions = []
    for n in range(3):
        questions.append(
            services.question_create(
                actor=teacher_actor,
                subject=math,
                grade=5,
                topic="Бөлшектер",
                kind="single",
                text=f"1/{n + 2} + 1/{n + 2} = ?",
                choices=[f"2/{n + 2}", f"1/{n + 4}", "1"],
                correct=[0],
                points=1,
            )
        )
    questions.append(
        services.question_create(
            actor=teacher_actor,
            subject=math,
            grade=5,
            topic="Теңдеулер",
            kind="short",
            text="x + 3 = 5, x = ?",
            choices=[],
            correct=["2", "екі"],
            points=2,
        )
    )
    questions.append(
        services.question_create(
            actor=teacher_actor,
            subject=math,
            grade=5,
            topic="Теңдеулер",
            kind="multiple",
            text="Which are even?",
            choices=["2", "3", "4"],
            correct=[0, 2],
            points=2,
        )
    )
    return TestingWorld(
        org=org,
        math=math,
        assignment=assignment,
        teacher_user=teacher_user,
        learner=learner,
        learner_user=f.make_user("t-learner", person=learner),
        other_learner_user=f.make_user("t-other", person=other),
        questions=questions,
    )


def open_test(tw: TestingWorld, **extra: Any) -> Test:
    now = timezone.now()
    values = {
        "title": "Бөлшектер: аралық бақылау",
        "mode": "fixed",
        "question_ids": [q.pk for q in tw.questions],
        "time_limit_minutes": 30,
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(hours=2),
    }
    values.update(extra)
    return services.control_test_create(
        actor=actor_for(tw.teacher_user), assignment=tw.assignment, **values
    )
