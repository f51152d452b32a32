"""A teacher and a learner of school A1 with the people who keep and see their profiles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.access import scope
from oqu.tests import factories as f

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class ProfilesWorld:
    teacher: Any
    teacher_user: Any
    director_user: Any
    colleague_user: Any  # a plain teacher of the same school
    learner: Any
    learner_user: Any
    parent_user: Any
    other_learner: Any  # a learner of school B1
    other_director_user: Any  # the director of school B1

    def actor(self, user: Any) -> Any:
        return scope.actor_for(user)


@pytest.fixture
def world(org_tree: Any, family: Any, user_with_role: Any) -> ProfilesWorld:
    a1 = org_tree.school_a1
    teacher = f.make_person("Ахметова", "Сәуле", D(1980, 2, 3), "F")
    f.employ(teacher, a1)  # since 01.09.2020
    teacher_user = f.make_user("prof-teacher", person=teacher)
    f.grant(teacher_user, "school_teacher", a1)
    director = f.make_person("Қасымов", "Бауыржан", D(1970, 1, 1), "M")
    f.employ(director, a1, position="director")
    director_user = f.make_user("prof-director", person=director)
    f.grant(director_user, "school_director", a1)
    return ProfilesWorld(
        teacher=teacher,
        teacher_user=teacher_user,
        director_user=director_user,
        colleague_user=user_with_role("school_teacher", a1),
        learner=family.learner,
        learner_user=family.learner_user,
        parent_user=family.parent_user,
        other_learner=family.other_learner,
        other_director_user=user_with_role("school_director", org_tree.school_b1),
    )


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user
