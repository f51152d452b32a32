"""Reads of the hierarchy, scoped by the actor, with attribute filters (R503-3, MON-3, MAP-ENT, G-5.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from oqu.kernel.errors import NotFound, ValidationError
from oqu.orgs import selectors
from oqu.orgs.models import AttributeDefinition, AttributeValue
from oqu.tests import factories as f


def _value(
    org, code: str, valid_from: dt.date, valid_to: dt.date | None = None, **typed
) -> AttributeValue:
    definition = AttributeDefinition.objects.get(org_type=org.org_type, code=code)
    return AttributeValue.objects.create(
        organization=org, definition=definition, valid_from=valid_from, valid_to=valid_to, **typed
    )


@pytest.fixture
def college(org_tree):
    return f.make_unit(org_tree.district_a1, "organization", "Политехникалық колледж", "college")


def test_r503_3_district_specialist_sees_the_district_subtree_only(
    org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    assert set(selectors.unit_queryset(actor)) == {
        org_tree.district_a1,
        org_tree.school_a1,
        org_tree.school_a1_other,
        org_tree.preschool_a1,
    }
    with pytest.raises(NotFound):
        selectors.unit_get(actor, org_tree.region_a.pk)


def test_r503_3_tree_shows_the_way_down_from_the_republic(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_teacher", org_tree.school_a2))
    tree = set(selectors.tree_queryset(actor))
    assert tree == {org_tree.republic, org_tree.region_a, org_tree.district_a2, org_tree.school_a2}
    assert list(selectors.unit_children(actor, None)) == [org_tree.republic]
    assert list(selectors.unit_children(actor, org_tree.republic)) == [org_tree.region_a]
    # the ancestors are the way down, not opened: their cards stay out of sight
    with pytest.raises(NotFound):
        selectors.unit_get(actor, org_tree.district_a2.pk)


def test_g5_10_anonymous_sees_no_unit(org_tree, actor_of):
    actor = actor_of(AnonymousUser())
    assert (selectors.unit_queryset(actor).count(), selectors.tree_queryset(actor).count()) == (
        0,
        0,
    )


def test_mon_3_organization_list_filters_by_place_type_status_name_and_bin(
    org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    org_tree.school_a2.status = "closed"
    org_tree.school_a2.save()
    assert set(
        selectors.organization_list(actor, under=org_tree.district_a1, org_type="school")
    ) == {
        org_tree.school_a1,
        org_tree.school_a1_other,
    }
    assert list(selectors.organization_list(actor, status="closed")) == [org_tree.school_a2]
    assert list(selectors.organization_list(actor, search="Балапан")) == [org_tree.preschool_a1]
    assert list(selectors.organization_list(actor, search="940140000385")) == [org_tree.school_a1]


def test_mon_3_organization_list_never_leaves_the_scope(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    assert list(selectors.organization_list(actor, under=org_tree.district_b1)) == []
    assert list(selectors.organization_list(actor, search="№ 4")) == []


@pytest.mark.smoke
def test_map_ent_organizations_are_filtered_by_attribute_values(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    start = dt.date(2026, 1, 1)
    _value(org_tree.school_a1, "small_class", start, value_bool=True)
    _value(org_tree.school_a1, "computer_classes", start, value_number=2)
    _value(org_tree.school_a1_other, "small_class", start, value_bool=False)
    _value(org_tree.school_a2, "small_class", start, value_bool=True)
    _value(org_tree.school_a2, "computer_classes", start, value_number=0)
    assert set(
        selectors.organization_list(actor, org_type="school", attributes=["small_class:true"])
    ) == {
        org_tree.school_a1,
        org_tree.school_a2,
    }
    both = ["small_class:true", "computer_classes:0"]
    assert list(selectors.organization_list(actor, org_type="school", attributes=both)) == [
        org_tree.school_a2
    ]


def test_map_ent_only_the_value_in_force_today_is_filtered_and_shown(
    org_tree, user_with_role, actor_of
):
    # given a school that is small today and becomes a regular one in ten days
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    today = timezone.localdate()
    switch = today + dt.timedelta(days=10)
    _value(
        org_tree.school_a1,
        "small_class",
        dt.date(2026, 1, 1),
        switch - dt.timedelta(days=1),
        value_bool=True,
    )
    _value(org_tree.school_a1, "small_class", switch, value_bool=False)
    # then today it is found as small, and its card shows today's value
    assert list(selectors.organization_list(actor, attributes=["small_class:true"])) == [
        org_tree.school_a1
    ]
    assert list(selectors.organization_list(actor, attributes=["small_class:false"])) == []
    assert [
        (a.definition.code, a.value) for a in selectors.current_attributes(org_tree.school_a1)
    ] == [("small_class", True)]
    # and on the day of the switch the card shows the new value
    shown = selectors.current_attributes(org_tree.school_a1, as_of=switch)
    assert [(a.definition.code, a.value) for a in shown] == [("small_class", False)]


def test_map_ent_a_code_shared_by_types_filters_each_type_by_its_own_choices(
    org_tree, college, user_with_role, actor_of
):
    # "status" is a choice for schools (lyceum, ...) and for colleges (higher_college, ...)
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    start = dt.date(2026, 1, 1)
    _value(org_tree.school_a1, "status", start, value_text="lyceum")
    _value(college, "status", start, value_text="higher_college")
    assert list(selectors.organization_list(actor, attributes=["status:lyceum"])) == [
        org_tree.school_a1
    ]
    assert list(selectors.organization_list(actor, attributes=["status:higher_college"])) == [
        college
    ]
    assert list(
        selectors.organization_list(actor, org_type="school", attributes=["status:lyceum"])
    ) == [org_tree.school_a1]


@pytest.mark.parametrize(
    ("org_type", "expression", "code"),
    [
        ("school", "small_class", "attribute_filter_invalid"),
        ("school", "no_such_thing:1", "attribute_unknown"),
        ("school", "dormitory:true", "attribute_unknown"),
        ("school", "small_class:perhaps", "attribute_bool_expected"),
        (None, "status:kindergarten", "attribute_choice_unknown"),
    ],
)
def test_map_ent_an_invalid_attribute_filter_is_refused(
    org_tree, user_with_role, actor_of, org_type, expression, code
):
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    with pytest.raises(ValidationError) as caught:
        list(selectors.organization_list(actor, org_type=org_type, attributes=[expression]))
    assert (caught.value.code, caught.value.fields) == (code, {"attr": [expression]})


def test_r503_3_types_and_catalogue_are_listed(db):
    assert list(selectors.organization_types().values_list("code", flat=True)) == [
        "preschool",
        "school",
        "college",
        "additional",
        "special",
        "support_centre",
        "youth_house",
        "authority",
    ]
    school_codes = set(
        selectors.attribute_definitions(
            selectors.organization_types().get(code="school")
        ).values_list("code", flat=True)
    )
    assert {"small_class", "capacity", "status", "computer_classes"} <= school_codes


def test_r503_3_child_counts_and_learner_counts_of_a_school(org_tree):
    for grade in (1, 1, 2):
        f.enrol(f.make_person(), org_tree.school_a1, grade=grade)
    ended = f.enrol(f.make_person(), org_tree.school_a1, grade=2)
    ended.end_date = dt.date(2026, 1, 10)
    ended.save()
    assert selectors.child_counts([org_tree.district_a1, org_tree.school_a1]) == {
        org_tree.district_a1.pk: 3
    }
    assert selectors.learner_counts_by_grade(org_tree.school_a1) == [
        {"level": "school", "grade": 1, "count": 2},
        {"level": "school", "grade": 2, "count": 1},
    ]
