"""Fixtures of the queue tests: a district with a KATO code, two preschools with age groups, a
parent with an account, district staff, a preschool head; the simulated person register."""

from __future__ import annotations

import base64
import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from oqu.access.reference import load_roles
from oqu.equeue import services
from oqu.equeue.models import Application, Category, Direction, Preference
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.pki.testing_ca import TestCA, issue_for
from oqu.pki.tests.conftest import ca, test_ca  # noqa: F401 - fixtures reused
from oqu.preschool.models import AgeGroup
from oqu.registration.tests.conftest import person_register  # noqa: F401 - a fixture reused
from oqu.tests import factories as f

DISTRICT_KATO = "751110000"
ADDRESS_KATO = "751110001"


@dataclass
class Queue:
    tree: Any
    district: Any
    preschool: Any
    preschool2: Any
    junior: Any
    junior2: Any
    parent: Any
    parent_user: Any
    specialist: Any
    head: Any
    other_parent_user: Any


def toddler_birth(months: int = 30) -> dt.date:
    """A birth date `months` (about) before today: 30 months is the junior group's band."""
    return timezone.localdate() - dt.timedelta(days=int(months * 30.5))


@pytest.fixture
def queue(org_tree: Any, user_with_role: Any) -> Queue:
    tree = org_tree
    tree.district_a1.kato_code = DISTRICT_KATO
    tree.district_a1.save(update_fields=["kato_code"])
    preschool2 = f.make_unit(tree.district_a1, "organization", "Айгөлек бөбекжайы", "preschool")

    def group(unit: Any, name: str, capacity: int = 3) -> AgeGroup:
        return AgeGroup.objects.create(
            organization=unit,
            school_year="2026-2027",
            name=name,
            kind="junior",
            language="kk",
            capacity=capacity,
        )

    parent = f.make_person("Серікова", "Айгүл", dt.date(1990, 6, 7), "F")
    other = f.make_person("Ерланова", "Дана", dt.date(1991, 3, 2), "F")
    return Queue(
        tree=tree,
        district=tree.district_a1,
        preschool=tree.preschool_a1,
        preschool2=preschool2,
        junior=group(tree.preschool_a1, "Кіші топ 1"),
        junior2=group(preschool2, "Кіші топ 2"),
        parent=parent,
        parent_user=f.make_user("queue-parent", person=parent),
        specialist=user_with_role("district_specialist", tree.district_a1),
        head=user_with_role("preschool_head", tree.preschool_a1),
        other_parent_user=f.make_user("queue-other-parent", person=other),
    )


def register_entry(
    person: Any, parents: list[tuple[Any, str]] = (), kato: str = ADDRESS_KATO
) -> dict[str, Any]:
    return {
        "iin": person.iin,
        "last_name": person.last_name_ru,
        "first_name": person.first_name_ru,
        "middle_name": "",
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "address": {"kato": kato, "text": "Алматы қ., Абай даңғылы, 1"},
        "representatives": [
            {"iin": p.iin, "kind": kind, "since": person.birth_date.isoformat()}
            for p, kind in parents
        ],
    }


_counter = iter(range(1_000_000))


def queued(
    q: Queue,
    *,
    preschools: list[Any],
    category: str = Category.GENERAL,
    minutes_ago: int = 100,
    applicant: Any = None,
    birth: dt.date | None = None,
) -> Application:
    """An application stored directly (the register path has its own tests)."""
    n = next(_counter)
    child = f.make_person("Бала", f"Бала{n}", birth or toddler_birth(), "M")
    applicant = applicant or f.make_person("Ата-ана", f"Ата{n}", dt.date(1990, 1, 1), "F")
    application = Application.objects.create(
        organization=q.district,
        child=child,
        applicant=applicant,
        category=category,
        category_ground="" if category == Category.GENERAL else "large_family",
        desired_date=timezone.localdate() - dt.timedelta(days=1),
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )
    for rank, unit in enumerate(preschools, start=1):
        Preference.objects.create(application=application, preschool=unit, rank=rank)
    return application


def signed_acceptance(authority: TestCA, person: Any, direction: Direction) -> str:
    """The base64 CMS of `person`'s test key over the direction's acceptance statement, as
    NCALayer hands it to the browser."""
    holder = issue_for(authority, person)
    statement = services.acceptance_statement(direction)
    return base64.b64encode(authority.sign(holder, statement)).decode()


def accept_signed(authority: TestCA, q: Queue, direction: Direction) -> Direction:
    """The parent accepts `direction` with a valid signature of their own."""
    from oqu.access import scope

    return services.direction_accept(
        actor=scope.actor_for(q.parent_user),
        direction=direction,
        signature=signed_acceptance(authority, q.parent, direction).encode(),
    )


@pytest.fixture
def queue_reference_data(transactional_db: Any) -> None:
    """Reference data, capabilities and the queue's rule sets again after the flush of a
    transactional (browser) test."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    for module in (
        "oqu.preschool.migrations.0002_capabilities",
        "oqu.equeue.migrations.0003_capabilities_and_rules",
        "oqu.equeue.migrations.0005_enrolment_and_ground_rules",
    ):
        importlib.import_module(module).forwards(django_apps, None)
