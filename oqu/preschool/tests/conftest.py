"""A kindergarten of district A1 with its head, two educators, a methodologist, two groups, children
and their parents; and a kindergarten of district B1 (another organization)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.preschool import services
from oqu.preschool.models import AgeGroup
from oqu.tests import factories as f

ON = dt.date(2026, 9, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Kindergarten:
    org: Any
    other_org: Any
    head: Any
    educator: Any
    other_educator: Any
    methodologist: Any
    parent: Any
    other_parent: Any
    group: Any
    other_group: Any
    child: Any
    sibling_group_child: Any
    foreign_group: Any
    foreign_child: Any
    foreign_head: Any

    def actor(self, user: Any) -> Any:
        return actor_for(user)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(username: str, role: str, org: Any, last: str) -> Any:
    person = f.make_person(last, "Әсел", dt.date(1985, 1, 2), "F")
    f.employ(person, org, "educator")
    user = f.make_user(username, person=person)
    f.grant(user, role, org)
    return user


def make_group(org: Any, name: str, kind: str = "middle", capacity: int = 20, **extra: Any) -> Any:
    return AgeGroup.objects.create(
        organization=org,
        school_year=extra.pop("school_year", "2026-2027"),
        name=name,
        kind=kind,
        capacity=capacity,
        **extra,
    )


def enrol_child(head: Any, group: Any, name: str, on: dt.date = ON) -> Any:
    child = f.make_person("Балаев", name, dt.date(2022, 5, 1))
    services.child_enrol(actor=actor_for(head), group=group, child=child, on=on)
    return child


@pytest.fixture
def kg(org_tree: Any) -> Kindergarten:
    org = org_tree.preschool_a1
    other_org = f.make_unit(org_tree.district_b1, "organization", "Ақбота", "preschool")
    head = staff("kg-head", "preschool_head", org, "Меңгерушіева")
    educator = staff("kg-educator", "preschool_educator", org, "Тәрбиешіева")
    other_educator = staff("kg-educator-2", "preschool_educator", org, "Екіншіева")
    methodologist = staff("kg-method", "preschool_methodologist", org, "Әдіскерова")
    group = make_group(org, "Күншуақ", educator=educator.person)
    other_group = make_group(org, "Балапан", educator=other_educator.person)
    child = enrol_child(head, group, "Айша")
    sibling_group_child = enrol_child(head, other_group, "Нұр")
    parent_person = f.make_person("Анасы", "Гүл", dt.date(1990, 3, 3), "F")
    f.guard(parent_person, child, "mother")
    parent = f.make_user("kg-parent", person=parent_person)
    other_parent_person = f.make_person("Әкесі", "Бек", dt.date(1988, 3, 3), "M")
    f.guard(other_parent_person, sibling_group_child, "father")
    other_parent = f.make_user("kg-other-parent", person=other_parent_person)
    foreign_head = staff("kg-foreign-head", "preschool_head", other_org, "Бөгдеева")
    foreign_group = make_group(other_org, "Ақ бота")
    foreign_child = enrol_child(foreign_head, foreign_group, "Дана")
    return Kindergarten(
        org=org,
        other_org=other_org,
        head=head,
        educator=educator,
        other_educator=other_educator,
        methodologist=methodologist,
        parent=parent,
        other_parent=other_parent,
        group=group,
        other_group=other_group,
        child=child,
        sibling_group_child=sibling_group_child,
        foreign_group=foreign_group,
        foreign_child=foreign_child,
        foreign_head=foreign_head,
    )
