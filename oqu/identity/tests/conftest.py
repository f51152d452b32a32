"""Fixtures of the account tests: a school with its director, a teacher and a learner's family."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from oqu.tests import factories as f

API = "/api/v1"


@dataclass
class School:
    director: Any
    teacher_person: Any
    teacher: Any
    learner: Any
    parent: Any
    other_director: Any
    other_teacher: Any


@pytest.fixture
def school(org_tree: Any, user_with_role: Any) -> School:
    """School A1 with a director (account admin), a teacher with an account, a learner and a
    parent without; school B1 (another region) with its own director and teacher."""
    teacher_person = f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F")
    f.employ(teacher_person, org_tree.school_a1)
    teacher = f.make_user("teacher-a1", person=teacher_person)
    learner = f.make_person("Серікұлы", "Нұрлан", dt.date(2012, 3, 4), "M")
    parent = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    f.enrol(learner, org_tree.school_a1, grade=8)
    f.guard(parent, learner, "mother")
    other_teacher_person = f.make_person("Иванов", "Пётр", dt.date(1979, 1, 2), "M")
    f.employ(other_teacher_person, org_tree.school_b1)
    return School(
        director=user_with_role("school_director", org_tree.school_a1),
        teacher_person=teacher_person,
        teacher=teacher,
        learner=learner,
        parent=parent,
        other_director=user_with_role("school_director", org_tree.school_b1),
        other_teacher=f.make_user("teacher-b1", person=other_teacher_person),
    )


@pytest.fixture
def login():  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return as_user


def post(client: Client, path: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", payload or {}, content_type="application/json")
