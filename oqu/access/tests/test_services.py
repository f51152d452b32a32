"""Roles and grants at the service level: seeded roles, giving and withdrawing roles, the scope a
grant opens, history and journal (G-5.8, G-5.10; PRE-25.10, SEC-27.18, TVET-34.20, ADD-36.14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from oqu.access import scope, selectors, services
from oqu.access.models import Grant, Role
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.orgs.selectors import organization_list, unit_get
from oqu.people.selectors import person_get, person_list
from oqu.tests import factories as f


def _state() -> tuple[int, int, int, int]:
    """What a refused call must leave untouched."""
    return (
        Grant.objects.count(),
        Grant.history.count(),
        Role.history.count(),
        ActionRecord.objects.count(),
    )


def _role(code: str) -> Role:
    return Role.objects.get(code=code)


# -- roles seeded from the law --------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "codes"),
    [
        ("PRE-25.10", {"preschool_educator", "preschool_methodologist", "preschool_head"}),
        (
            "SEC-27.18",
            {
                "school_teacher",
                "school_methodologist",
                "school_tutor",
                "school_director",
                "school_deputy_director",
                "parent",
                "learner",
            },
        ),
        (
            "TVET-34.20",
            {
                "college_teacher",
                "college_methodologist",
                "college_tutor",
                "college_director",
                "college_deputy_director",
            },
        ),
        ("ADD-36.14", {"additional_teacher", "additional_head"}),
    ],
)
def test_pre25_10_sec27_18_tvet34_20_add36_14_roles_the_law_names_are_seeded(db, basis, codes):
    seeded = set(Role.objects.filter(legal_basis=basis).values_list("code", flat=True))
    assert seeded == codes


def test_pre25_10_sec27_18_tvet34_20_add36_14_roles_have_kazakh_and_russian_names(db):
    role = _role("school_deputy_director")
    assert (role.name_kk, role.name_ru, role.level) == (
        "Директордың орынбасары",
        "Заместитель директора",
        "organization",
    )
    assert Role.objects.filter(name_kk="").count() + Role.objects.filter(name_ru="").count() == 0


def test_g5_8_authority_and_platform_roles_are_seeded_at_their_level(db):
    levels = dict(
        Role.objects.filter(
            code__in=[
                "district_specialist",
                "district_head",
                "region_specialist",
                "region_head",
                "ministry_specialist",
                "ministry_head",
                "platform_admin",
            ]
        ).values_list("code", "level")
    )
    assert levels == {
        "district_specialist": "district",
        "district_head": "district",
        "region_specialist": "region",
        "region_head": "region",
        "ministry_specialist": "republic",
        "ministry_head": "republic",
        "platform_admin": "republic",
    }


# -- giving roles ---------------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_8_director_gives_teacher_role_on_own_school(org_tree, user_with_role, actor_of):
    # given a school director and a new colleague without any role
    director = user_with_role("school_director", org_tree.school_a1)
    colleague = f.make_user("colleague")
    # when the director gives the teacher role on the school
    grant = services.grant_create(
        actor=actor_of(director),
        user=colleague,
        role=_role("school_teacher"),
        unit=org_tree.school_a1,
    )
    # then the colleague sees the school, and the grant is journaled with who gave it
    assert unit_get(actor_of(colleague), org_tree.school_a1.pk) == org_tree.school_a1
    assert (grant.granted_by, grant.valid_to) == (director, None)
    record = ActionRecord.objects.get(action="access.grant.create")
    assert (record.actor, record.target_id, record.organization_id) == (
        director,
        str(grant.pk),
        org_tree.school_a1.pk,
    )
    assert (record.after["user"], record.after["role"]) == ("colleague", "school_teacher")


def test_g5_10_director_cannot_give_roles_in_a_sibling_school(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_director", org_tree.school_a1))
    colleague = f.make_user("colleague")
    before = _state()
    with pytest.raises(NotFound):
        services.grant_create(
            actor=actor, user=colleague, role=_role("school_teacher"), unit=org_tree.school_a1_other
        )
    assert _state() == before


def test_g5_10_teacher_cannot_give_roles_on_own_school(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    colleague = f.make_user("colleague")
    before = _state()
    with pytest.raises(Forbidden):
        services.grant_create(
            actor=actor, user=colleague, role=_role("school_teacher"), unit=org_tree.school_a1
        )
    assert _state() == before


def test_g5_8_district_head_appoints_school_director_below_own_unit(
    org_tree, user_with_role, actor_of
):
    # given a district head: the department appoints the heads of its schools
    actor = actor_of(user_with_role("district_head", org_tree.district_a1))
    # when they make someone a school director in their district
    grant = services.grant_create(
        actor=actor, user=f.make_user("x"), role=_role("school_director"), unit=org_tree.school_a1
    )
    # then the grant exists, although the district head cannot manage people themselves
    assert grant.unit == org_tree.school_a1
    assert not actor.can_at("people.person.manage", org_tree.school_a1.path)


def test_g5_8_nobody_gives_rights_they_do_not_hold_on_own_unit(org_tree, user_with_role, actor_of):
    # given a school director and an organization-level role that also opens the hierarchy
    broad = Role.objects.create(
        code="broad_teacher",
        name="broad",
        level="organization",
        capabilities=["orgs.unit.view", "orgs.unit.manage"],
    )
    actor = actor_of(user_with_role("school_director", org_tree.school_a1))
    before = _state()
    # when the director tries to give it on their own school
    with pytest.raises(ValidationError) as caught:
        services.grant_create(
            actor=actor, user=f.make_user("x"), role=broad, unit=org_tree.school_a1
        )
    # then it is refused, naming the rights they lack, and nothing is stored
    assert caught.value.code == "role_exceeds_own_rights"
    assert caught.value.fields["role"] == ["orgs.unit.manage"]
    assert _state() == before


@pytest.mark.parametrize(
    ("role_code", "unit_name", "code"),
    [
        ("district_head", "school_a1", "role_level_mismatch"),
        ("school_teacher", "district_a1", "role_level_mismatch"),
        ("region_specialist", "district_a1", "role_level_mismatch"),
        ("parent", "school_a1", "role_not_grantable"),
        ("learner", "school_a1", "role_not_grantable"),
    ],
)
def test_g5_8_role_is_given_only_on_its_level(org_tree, actor_of, role_code, unit_name, code):
    admin = f.make_user("admin", is_superuser=True)
    unit = getattr(org_tree, unit_name)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.grant_create(
            actor=actor_of(admin), user=f.make_user("x"), role=_role(role_code), unit=unit
        )
    assert caught.value.code == code
    assert _state() == before


def test_g5_8_grant_period_must_end_after_it_starts(org_tree, actor_of):
    admin = actor_of(f.make_user("admin", is_superuser=True))
    start = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.grant_create(
            actor=admin,
            user=f.make_user("x"),
            role=_role("school_teacher"),
            unit=org_tree.school_a1,
            valid_from=start,
            valid_to=start,
        )
    assert caught.value.code == "period_invalid"


# -- what a grant opens ---------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_8_grant_on_region_covers_its_districts_organizations(
    family, org_tree, user_with_role, actor_of
):
    # given a regional specialist of region A
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    # then every organization of its districts is visible, and none of region B
    assert set(organization_list(actor)) == {
        org_tree.school_a1,
        org_tree.school_a1_other,
        org_tree.school_a2,
        org_tree.preschool_a1,
    }
    # and so are the learners of those organizations, and nobody else
    assert set(person_list(actor)) == {family.learner, family.parent}


def test_g5_8_grant_on_region_opens_nothing_outside(family, org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    with pytest.raises(NotFound):
        unit_get(actor, org_tree.school_b1.pk)
    with pytest.raises(NotFound):
        unit_get(actor, org_tree.republic.pk)
    with pytest.raises(NotFound):
        person_get(actor, family.other_learner.pk)
    with pytest.raises(NotFound):
        scope.require_person(actor, "people.person.view", family.other_learner)


def test_g5_8_grant_on_a_district_covers_an_organization_opened_later(
    org_tree, user_with_role, actor_of
):
    # the subtree is a path prefix: a new school needs no new grant
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a2))
    school = f.make_unit(org_tree.district_a2, "organization", "Жаңа мектеп", "school")
    assert unit_get(actor, school.pk) == school


def test_g5_8_expired_grant_stops_working(org_tree, user_with_role, actor_of):
    # given a teacher whose grant ended a minute ago
    user = user_with_role(
        "school_teacher",
        org_tree.school_a1,
        valid_from=timezone.now() - dt.timedelta(days=30),
        valid_to=timezone.now() - dt.timedelta(minutes=1),
    )
    actor = actor_of(user)
    # then the school is out of sight, as if it did not exist
    assert actor.grants == ()
    with pytest.raises(NotFound):
        unit_get(actor, org_tree.school_a1.pk)
    with pytest.raises(NotFound):
        scope.require(actor, "people.person.view", org_tree.school_a1)


def test_g5_8_grant_starting_tomorrow_does_not_work_yet(org_tree, user_with_role, actor_of):
    user = user_with_role(
        "school_teacher", org_tree.school_a1, valid_from=timezone.now() + dt.timedelta(days=1)
    )
    with pytest.raises(NotFound):
        unit_get(actor_of(user), org_tree.school_a1.pk)


def test_g5_8_revoked_grant_stops_working_and_cannot_be_revoked_twice(
    org_tree, user_with_role, actor_of
):
    director = actor_of(user_with_role("school_director", org_tree.school_a1))
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    grant = Grant.objects.get(user=teacher)
    services.grant_revoke(actor=director, grant=grant)
    with pytest.raises(NotFound):
        unit_get(actor_of(teacher), org_tree.school_a1.pk)
    with pytest.raises(Conflict) as caught:
        services.grant_revoke(actor=director, grant=grant)
    assert caught.value.code == "already_ended"


def test_g5_10_revoking_a_grant_out_of_scope_is_not_found_and_changes_nothing(
    org_tree, user_with_role, actor_of
):
    director = actor_of(user_with_role("school_director", org_tree.school_a1))
    other = user_with_role("school_teacher", org_tree.school_a2)
    grant = Grant.objects.get(user=other)
    before = _state()
    with pytest.raises(NotFound):
        services.grant_revoke(actor=director, grant=grant)
    grant.refresh_from_db()
    assert (grant.valid_to, _state()) == (None, before)


def test_g5_8_grant_history_records_who_and_when(org_tree, user_with_role, actor_of):
    # given a grant given by the school director and withdrawn by the head of the district
    giver = user_with_role("school_director", org_tree.school_a1)
    taker = user_with_role("district_head", org_tree.district_a1)
    start = timezone.now()
    grant = services.grant_create(
        actor=actor_of(giver),
        user=f.make_user("t"),
        role=_role("school_teacher"),
        unit=org_tree.school_a1,
    )
    services.grant_revoke(actor=actor_of(taker), grant=grant)
    end = timezone.now()
    # then the history names both, with their times, newest first
    rows = selectors.grant_history(grant)
    assert [(r["change"], r["by"]) for r in rows] == [("~", taker.username), ("+", giver.username)]
    assert all(start <= r["at"] <= end for r in rows)
    assert (rows[0]["valid_to"], rows[1]["valid_to"]) == (grant.valid_to, None)
    journal = ActionRecord.objects.filter(target_id=str(grant.pk)).order_by("at")
    assert [(r.action, r.actor) for r in journal] == [
        ("access.grant.create", giver),
        ("access.grant.revoke", taker),
    ]


def test_g5_8_grant_list_shows_grants_in_the_actors_subtree_only(
    org_tree, user_with_role, actor_of
):
    director = user_with_role("school_director", org_tree.school_a1)
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    elsewhere = user_with_role("school_teacher", org_tree.school_a2)
    district_head = user_with_role("district_head", org_tree.district_a1)
    seen = {g.user for g in selectors.grant_list(actor_of(director))}
    assert seen == {director, teacher}
    seen_by_district = {g.user for g in selectors.grant_list(actor_of(district_head))}
    assert seen_by_district == {director, teacher, district_head}
    with pytest.raises(NotFound):
        selectors.grant_get(actor_of(director), Grant.objects.get(user=elsewhere).pk)


# -- roles are data, editable by an administrator with history ------------------------------


def test_g5_8_administrator_changes_a_role_and_every_grant_follows(
    org_tree, user_with_role, actor_of
):
    # given a teacher who may not register people, and the platform administrator
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    with pytest.raises(Forbidden):
        scope.require(actor_of(teacher), "people.person.manage", org_tree.school_a1)
    admin = user_with_role("platform_admin", org_tree.republic)
    role = _role("school_teacher")
    old = sorted(role.capabilities)  # later apps' migrations add their own capabilities
    assert {
        "orgs.unit.view",
        "people.employment.view",
        "people.enrolment.view",
        "people.guardianship.view",
        "people.person.view",
    } <= set(old)
    assert "people.person.manage" not in old
    # when the administrator adds the capability to the role
    services.role_change(
        actor=actor_of(admin), role=role, capabilities=[*old, "people.person.manage"]
    )
    # then the teacher holds it at once, and the change is in the history and the journal
    scope.require(actor_of(teacher), "people.person.manage", org_tree.school_a1)
    latest = role.history.order_by("-history_date").first()
    assert (latest.history_type, latest.history_user) == ("~", admin)
    record = ActionRecord.objects.get(action="access.role.change")
    assert (record.actor, record.before, record.after) == (
        admin,
        {"capabilities": old},
        {"capabilities": sorted([*old, "people.person.manage"])},
    )


def test_g5_8_deactivated_role_stops_every_grant(org_tree, user_with_role, actor_of):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    admin = actor_of(f.make_user("admin", is_superuser=True))
    services.role_change(actor=admin, role=_role("school_teacher"), is_active=False)
    with pytest.raises(NotFound):
        unit_get(actor_of(teacher), org_tree.school_a1.pk)


@pytest.mark.parametrize(
    ("role_code", "unit_name", "error"),
    [
        ("school_director", "school_a1", Forbidden),  # sees the roles (gives them), may not edit
        ("region_head", "region_a", Forbidden),
        ("ministry_head", "republic", Forbidden),
        ("school_teacher", "school_a1", NotFound),  # roles are not shown to a teacher at all
    ],
)
def test_g5_10_only_the_administrator_edits_roles(
    org_tree, user_with_role, actor_of, role_code, unit_name, error
):
    actor = actor_of(user_with_role(role_code, getattr(org_tree, unit_name)))
    role = _role("school_teacher")
    before = (_state(), sorted(role.capabilities))
    with pytest.raises(error):
        services.role_change(actor=actor, role=role, capabilities=["audit.journal.view"])
    with pytest.raises(error):
        services.role_create(
            actor=actor, code="x", name_kk="x", name_ru="x", level="organization", capabilities=[]
        )
    role.refresh_from_db()
    assert (_state(), sorted(role.capabilities)) == before


def test_g5_10_anonymous_cannot_edit_roles(db, actor_of):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        services.role_change(
            actor=actor_of(AnonymousUser()), role=_role("school_teacher"), is_active=False
        )
    assert _role("school_teacher").is_active is True


def test_g5_8_role_create_refuses_unknown_capabilities_and_duplicate_codes(org_tree, actor_of):
    admin = actor_of(f.make_user("admin", is_superuser=True))
    with pytest.raises(ValidationError) as unknown:
        services.role_create(
            actor=admin,
            code="canteen",
            name_kk="Асхана",
            name_ru="Столовая",
            level="organization",
            capabilities=["orgs.unit.view", "canteen.menu.edit"],
        )
    assert (unknown.value.code, unknown.value.fields) == (
        "capability_unknown",
        {"capabilities": ["canteen.menu.edit"]},
    )
    with pytest.raises(Conflict):
        services.role_create(
            actor=admin,
            code="school_teacher",
            name_kk="x",
            name_ru="x",
            level="organization",
            capabilities=[],
        )
    assert not Role.objects.filter(code="canteen").exists()


def test_g5_8_role_create_is_journaled_and_kept_in_history(org_tree, actor_of):
    admin_user = f.make_user("admin", is_superuser=True)
    role = services.role_create(
        actor=actor_of(admin_user),
        code="canteen_manager",
        name_kk="Асхана меңгерушісі",
        name_ru="Заведующий столовой",
        level="organization",
        capabilities=["people.person.view", "orgs.unit.view", "orgs.unit.view"],
    )
    assert role.capabilities == ["orgs.unit.view", "people.person.view"]
    assert [(h.history_type, h.history_user) for h in role.history.all()] == [("+", admin_user)]
    assert ActionRecord.objects.get(action="access.role.create").target_id == str(role.pk)


def test_g5_8_renaming_a_role_in_a_russian_session_keeps_both_names(org_tree, actor_of):
    admin = actor_of(f.make_user("admin", is_superuser=True))
    role = _role("school_tutor")
    with translation.override("ru"):
        services.role_change(actor=admin, role=role, name_kk="Тьютор")
    role.refresh_from_db()
    assert (role.name_kk, role.name_ru) == ("Тьютор", "Тьютор (школа)")


def test_g5_8_roles_are_listed_to_those_who_see_or_give_roles(org_tree, user_with_role, actor_of):
    teacher = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    director = actor_of(user_with_role("school_director", org_tree.school_a1))
    assert (selectors.role_list(teacher).count(), selectors.role_list(director).count()) == (
        0,
        Role.objects.count(),
    )
    with pytest.raises(NotFound):
        selectors.role_get(teacher, _role("parent").pk)
