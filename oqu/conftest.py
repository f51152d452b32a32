"""Shared fixtures: a small tree (two regions, districts, schools), people and users with grants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.tests import factories as f


@dataclass
class OrgTree:
    republic: Any
    region_a: Any
    region_b: Any
    district_a1: Any
    district_a2: Any
    district_b1: Any
    school_a1: Any
    school_a1_other: Any
    school_a2: Any
    school_b1: Any
    preschool_a1: Any


@pytest.fixture
def org_tree(db: Any) -> OrgTree:
    """Republic → Almaty city (A) and Abai region (B) → districts → schools and a preschool."""
    republic = f.republic()
    region_a = f.region("75")
    region_b = f.region("10")
    district_a1 = f.make_unit(region_a, "district", "Алмалы ауданы")
    district_a2 = f.make_unit(region_a, "district", "Бостандық ауданы")
    district_b1 = f.make_unit(region_b, "district", "Абай ауданы")
    return OrgTree(
        republic=republic,
        region_a=region_a,
        region_b=region_b,
        district_a1=district_a1,
        district_a2=district_a2,
        district_b1=district_b1,
        school_a1=f.make_unit(
            district_a1, "organization", "№ 1 мектеп", "school", bin="940140000385"
        ),
        school_a1_other=f.make_unit(district_a1, "organization", "№ 2 мектеп", "school"),
        school_a2=f.make_unit(district_a2, "organization", "№ 3 мектеп", "school"),
        school_b1=f.make_unit(district_b1, "organization", "№ 4 мектеп", "school"),
        preschool_a1=f.make_unit(district_a1, "organization", "Балапан бөбекжайы", "preschool"),
    )


@dataclass
class Family:
    learner: Any
    parent: Any
    other_learner: Any
    parent_user: Any
    learner_user: Any


@pytest.fixture
def family(org_tree: OrgTree) -> Family:
    """A learner of school_a1 with a parent who has an account; a learner of school_b1 with none."""
    learner = f.make_person("Серікұлы", "Нұрлан", dt.date(2012, 3, 4), "M")
    parent = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    other = f.make_person("Иванов", "Пётр", dt.date(2011, 1, 2), "M")
    f.enrol(learner, org_tree.school_a1, grade=8)
    f.enrol(other, org_tree.school_b1, grade=9)
    f.guard(parent, learner, "mother")
    return Family(
        learner=learner,
        parent=parent,
        other_learner=other,
        parent_user=f.make_user("parent", person=parent),
        learner_user=f.make_user("learner", person=learner),
    )


@pytest.fixture
def user_with_role(db: Any):  # type: ignore[no-untyped-def]
    """Build a user holding `role_code` on `unit`: `user_with_role("school_teacher", tree.school_a1)`."""
    counter = iter(range(10_000))

    def build(role_code: str, unit: Any, **grant_extra: Any) -> Any:
        user = f.make_user(f"{role_code}-{next(counter)}")
        f.grant(user, role_code, unit, **grant_extra)
        return user

    return build


@pytest.fixture
def actor_of():  # type: ignore[no-untyped-def]
    return actor_for
