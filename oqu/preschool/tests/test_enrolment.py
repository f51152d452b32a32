"""Enrolling a child into an age group: the norm, one group at a time, the scope (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, NotFound
from oqu.people.models import Enrolment, Level
from oqu.preschool import selectors, services
from oqu.preschool.models import AgeGroup, AgeGroupKind
from oqu.tests import factories as f

ON = dt.date(2026, 9, 1)


@pytest.fixture
def head(org_tree: Any) -> Any:
    user = f.make_user("head", person=f.make_person("Бастық", "Әсел", dt.date(1980, 1, 2), "F"))
    f.grant(user, "preschool_head", org_tree.preschool_a1)
    return actor_for(user)


def _group(org: Any, capacity: int = 2) -> AgeGroup:
    return AgeGroup.objects.create(
        organization=org,
        school_year="2026-2027",
        name="Күншуақ",
        kind=AgeGroupKind.MIDDLE,
        capacity=capacity,
    )


def _child(name: str = "Бала") -> Any:
    return f.make_person("Тестов", name, dt.date(2022, 5, 1))


def test_pre25_3_enrolment_fills_the_norm_and_no_more(org_tree: Any, head: Any) -> None:
    group = _group(org_tree.preschool_a1, capacity=2)
    first, second, third = _child("А"), _child("Б"), _child("В")
    membership = services.child_enrol(actor=head, group=group, child=first, on=ON, source="test")
    services.child_enrol(actor=head, group=group, child=second, on=ON)
    with pytest.raises(Conflict) as refused:
        services.child_enrol(actor=head, group=group, child=third, on=ON)
    assert refused.value.code == "group_full"
    assert selectors.free_places(group) == 0
    listed = selectors.group_list(head).get(pk=group.pk)
    assert (listed.children, listed.free_places) == (2, 0)
    enrolment = Enrolment.objects.get(person=first)
    assert (enrolment.level, enrolment.group_name) == (Level.PRESCHOOL, "Күншуақ")
    assert ActionRecord.objects.filter(
        action="preschool.child.enrolled", target_id=str(membership.pk)
    ).exists()


def test_pre25_3_a_child_is_in_one_group_at_a_time(org_tree: Any, head: Any) -> None:
    child = _child()
    services.child_enrol(actor=head, group=_group(org_tree.preschool_a1), child=child, on=ON)
    other = AgeGroup.objects.create(
        organization=org_tree.preschool_a1,
        school_year="2026-2027",
        name="Балапан",
        kind=AgeGroupKind.MIDDLE,
        capacity=20,
    )
    with pytest.raises(Conflict) as refused:
        services.child_enrol(actor=head, group=other, child=child, on=ON)
    assert refused.value.code == "already_in_group"


def test_pre25_3_another_organizations_head_cannot_enrol(org_tree: Any, head: Any) -> None:
    foreign = f.make_unit(org_tree.district_b1, "organization", "Ақбота", "preschool")
    with pytest.raises(NotFound):
        services.child_enrol(actor=head, group=_group(foreign), child=_child(), on=ON)
    assert not selectors.group_list(head).filter(organization=foreign).exists()
