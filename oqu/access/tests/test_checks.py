"""Capabilities are declared in code per app; roles (data) may only name declared ones (G-5.8)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from oqu.access import scope
from oqu.access.capabilities import all_capabilities, is_declared
from oqu.access.checks import check_role_capabilities
from oqu.access.models import Role
from oqu.access.scope import Actor, UndeclaredCapability
from oqu.tests import factories as f

ACTION_CODE = re.compile(r"[a-z]+\.[a-z_]+\.[a-z_]+")


def test_g5_8_every_app_declares_its_capabilities_in_code(db):
    declared = all_capabilities()
    assert {
        "access.role.view",
        "access.role.manage",
        "access.grant.view",
        "access.grant.manage",
        "audit.journal.view",
        "orgs.unit.view",
        "orgs.unit.manage",
        "orgs.attribute.manage",
        "people.person.view",
        "people.person.manage",
        "people.enrolment.view",
        "people.enrolment.manage",
        "people.employment.view",
        "people.employment.manage",
        "people.guardianship.view",
        "people.guardianship.manage",
    } <= set(declared)
    labels = {config.label for config in apps.get_app_configs() if config.name.startswith("oqu.")}
    assert [code for code in declared if not ACTION_CODE.fullmatch(code)] == []
    assert [code for code in declared if code.split(".")[0] not in labels] == []
    assert [code for code, text in declared.items() if not str(text)] == []


def test_g5_8_seeded_roles_name_only_declared_capabilities(db):
    assert check_role_capabilities() == []


def test_g5_8_system_check_reports_a_role_with_an_undeclared_capability(db):
    Role.objects.create(
        code="typo",
        name="x",
        level="organization",
        capabilities=["orgs.unit.view", "orgs.unti.manage"],
    )
    errors = check_role_capabilities()
    assert [(e.id, e.msg) for e in errors] == [
        ("oqu.E001", "Role typo names undeclared capabilities: orgs.unti.manage")
    ]


def test_g5_10_an_undeclared_action_code_fails_at_the_first_call(org_tree, actor_of):
    assert (is_declared("orgs.unit.view"), is_declared("orgs.unit.veiw")) == (True, False)
    with pytest.raises(UndeclaredCapability):
        Actor(user=None).paths_for("orgs.unit.veiw")
    # the administrator, who holds everything, is no exception
    admin = actor_of(f.make_user("admin", is_superuser=True))
    with pytest.raises(UndeclaredCapability):
        scope.require(admin, "orgs.unit.veiw", org_tree.school_a1)
    with pytest.raises(UndeclaredCapability):
        scope.path_filter(admin, "orgs.unit.veiw", "path")


def test_g5_10_require_person_checks_the_action_code_on_the_relation_path_too(family, actor_of):
    actor = actor_of(family.parent_user)
    with pytest.raises(UndeclaredCapability):
        scope.require_person(actor, "people.person.veiw", family.learner)
