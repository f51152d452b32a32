"""The authorization matrix of the API (G-5.8, G-5.10, G-5.12): for each capability, each role held
on its natural unit, and each place of the target relative to that unit, the HTTP answer.

The grant unit G is school A1 for organization roles, district A1 for district roles and region A
for region roles. The target is an organization:

* own     — G itself (a school role), or the school directly subordinate to G;
* child   — an organization under a unit below G (none for organization roles: nothing is below a school);
* sibling — the organization of a unit beside G (same parent);
* parent  — the school directly subordinate to G's parent unit.

Allowed answers 2xx and changes what it should. A target outside G's subtree answers 404 exactly as
a missing id; a visible target without the capability answers 403. Every denial changes nothing and
writes one `audit.FailedAccess` row with the same status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from oqu.access.models import Grant, Role
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.orgs.models import AttributeValue
from oqu.people.models import Enrolment
from oqu.tests import factories as f

API = "/api/v1"
RELATIONS = ("own", "child", "sibling", "parent")
ROLE_UNIT = {
    "school_director": "school_a1",
    "school_deputy_director": "school_a1",
    "school_teacher": "school_a1",
    "district_head": "district_a1",
    "district_specialist": "district_a1",
    "region_head": "region_a",
    "region_specialist": "region_a",
}

# capability -> role -> answers for (own, child, sibling, parent); None: no such place for the role.
EXPECTED: dict[str, dict[str, tuple[int | None, ...]]] = {
    "orgs.unit.view": {
        "school_director": (200, None, 404, 404),
        "school_deputy_director": (200, None, 404, 404),
        "school_teacher": (200, None, 404, 404),
        "district_head": (200, 200, 404, 404),
        "district_specialist": (200, 200, 404, 404),
        "region_head": (200, 200, 404, 404),
        "region_specialist": (200, 200, 404, 404),
    },
    "people.person.view": {
        "school_director": (200, None, 404, 404),
        "school_deputy_director": (200, None, 404, 404),
        "school_teacher": (200, None, 404, 404),
        "district_head": (200, 200, 404, 404),
        "district_specialist": (200, 200, 404, 404),
        "region_head": (200, 200, 404, 404),
        "region_specialist": (200, 200, 404, 404),
    },
    "people.enrolment.manage": {
        "school_director": (201, None, 404, 404),
        "school_deputy_director": (201, None, 404, 404),
        "school_teacher": (403, None, 404, 404),
        "district_head": (403, 403, 404, 404),
        "district_specialist": (403, 403, 404, 404),
        "region_head": (403, 403, 404, 404),
        "region_specialist": (403, 403, 404, 404),
    },
    "access.grant.manage": {
        "school_director": (201, None, 404, 404),
        "school_deputy_director": (403, None, 404, 404),
        "school_teacher": (403, None, 404, 404),
        "district_head": (201, 201, 404, 404),
        "district_specialist": (403, 403, 404, 404),
        "region_head": (201, 201, 404, 404),
        "region_specialist": (403, 403, 404, 404),
    },
    "orgs.attribute.manage": {
        "school_director": (200, None, 404, 404),
        "school_deputy_director": (403, None, 404, 404),
        "school_teacher": (403, None, 404, 404),
        "district_head": (200, 200, 404, 404),
        "district_specialist": (200, 200, 404, 404),
        "region_head": (200, 200, 404, 404),
        "region_specialist": (200, 200, 404, 404),
    },
}

CASES = [
    pytest.param(capability, role, relation, answer, id=f"{capability}-{role}-{relation}")
    for capability, by_role in EXPECTED.items()
    for role, answers in by_role.items()
    for relation, answer in zip(RELATIONS, answers, strict=True)
    if answer is not None
]


@dataclass
class Places:
    """Which organization is at each place, per level of the grant unit."""

    targets: dict[tuple[str, str], Any]
    staff: dict[Any, Any]


@pytest.fixture
def places(org_tree) -> Places:  # type: ignore[no-untyped-def]
    # schools directly subordinate to the republic, the regions and the districts
    subordinate = {
        unit: f.make_unit(unit, "organization", f"{unit.name}: мектеп", "school")
        for unit in (
            org_tree.republic,
            org_tree.region_a,
            org_tree.region_b,
            org_tree.district_a1,
            org_tree.district_a2,
        )
    }
    t = org_tree
    targets = {
        ("school_a1", "own"): t.school_a1,
        ("school_a1", "sibling"): t.school_a1_other,
        ("school_a1", "parent"): subordinate[t.district_a1],
        ("district_a1", "own"): subordinate[t.district_a1],
        ("district_a1", "child"): t.school_a1,
        ("district_a1", "sibling"): subordinate[t.district_a2],
        ("district_a1", "parent"): subordinate[t.region_a],
        ("region_a", "own"): subordinate[t.region_a],
        ("region_a", "child"): subordinate[t.district_a1],
        ("region_a", "sibling"): subordinate[t.region_b],
        ("region_a", "parent"): subordinate[t.republic],
    }
    # one member of staff in every target organization, visible through that employment only
    staff = {}
    for organization in set(targets.values()):
        person = f.make_person("Қызметкер", organization.name[:20], dt.date(1980, 1, 1), "F")
        f.employ(person, organization)
        staff[organization.pk] = person
    return Places(targets=targets, staff=staff)


def _state(organization: Any) -> tuple[int, ...]:
    return (
        Enrolment.objects.filter(organization=organization).count(),
        Grant.objects.filter(unit=organization).count(),
        AttributeValue.objects.filter(organization=organization).count(),
        ActionRecord.objects.count(),
    )


def _attempt(api: Client, capability: str, organization: Any, places: Places) -> Any:
    """Exercise `capability` on `organization` through the endpoint that needs it."""
    if capability == "orgs.unit.view":
        return api.get(f"{API}/organizations/{organization.pk}")
    if capability == "people.person.view":
        return api.get(f"{API}/people/{places.staff[organization.pk].pk}")
    if capability == "people.enrolment.manage":
        newcomer = f.make_person("Жаңа", "Оқушы", dt.date(2014, 4, 4), "M")
        payload = {
            "person_id": str(newcomer.pk),
            "organization_id": str(organization.pk),
            "level": "additional",
            "is_main": False,
            "start_date": "2025-09-01",
        }
        return api.post(f"{API}/enrolments", payload, content_type="application/json")
    if capability == "access.grant.manage":
        payload = {
            "user_id": str(f.make_user("grantee").pk),
            "role_id": str(Role.objects.get(code="school_teacher").pk),
            "unit_id": str(organization.pk),
        }
        return api.post(f"{API}/grants", payload, content_type="application/json")
    if capability == "orgs.attribute.manage":
        url = f"{API}/organizations/{organization.pk}/attributes/small_class"
        return api.put(
            url, {"value": True, "valid_from": "2026-01-01"}, content_type="application/json"
        )
    raise AssertionError(capability)


CREATED_ROWS = {
    "people.enrolment.manage": (1, 0, 0, 1),
    "access.grant.manage": (0, 1, 0, 1),
    "orgs.attribute.manage": (0, 0, 1, 1),
    "orgs.unit.view": (0, 0, 0, 0),
    "people.person.view": (0, 0, 0, 0),
}


@pytest.mark.parametrize(("capability", "role", "relation", "answer"), CASES)
def test_g5_8_api_matrix(org_tree, places, client, capability, role, relation, answer):
    # given a user holding `role` on its natural unit
    unit_name = ROLE_UNIT[role]
    user = f.make_user(f"{role}-user")
    f.grant(user, role, getattr(org_tree, unit_name))
    client.force_login(user)
    target = places.targets[(unit_name, relation)]
    before = _state(target)
    # when they use the capability on the organization at that place
    response = _attempt(client, capability, target, places)
    # then the answer is the expected one
    assert response.status_code == answer, response.content
    after = _state(target)
    denials = FailedAccess.objects.filter(actor=user)
    if answer < 400:
        # and an allowed change happened, journaled, with no failed access
        assert tuple(b - a for a, b in zip(before, after, strict=True)) == CREATED_ROWS[capability]
        assert not denials.exists()
    else:
        # and a denial changed nothing, answered in the error format and was journaled once
        assert after == before
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[answer]
        assert [d.status for d in denials] == [answer]
