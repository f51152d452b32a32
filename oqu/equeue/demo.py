"""Demo data of the preschool queue: the demo district gets a few applications with ordered
preferences, published places and one allocation run, so the demo parent has a direction to
accept and district staff a reproducible run to look at (MAP-QUEUE).

Set-up of a demonstration: the people and applications are created directly (as the person
register and the parents would have them); publishing the places and the run go through the
services as the demo district's head, so they are journaled. A district that already has a run
is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from oqu.access import scope
from oqu.kernel.identifiers import make_iin
from oqu.orgs.models import Unit
from oqu.people.models import Guardianship, Person
from oqu.preschool import rules as preschool_rules
from oqu.preschool.models import AgeGroup, AgeGroupKind
from oqu.preschool.selectors import free_places

from . import services
from .models import AllocationRun, Application, Category, Preference, StatusChange

DEMO_SEED = "oqu-demo-queue"
SERIAL_BASE = 9100
PLACES_PER_GROUP = 2
# (child's last name, first name, sex, months of age, days since applying, category, ground)
CHILDREN = [
    ("Серікова", "Аяна", "F", 30, 150, Category.GENERAL, ""),
    ("Жақсылықов", "Нұрали", "M", 28, 140, Category.GENERAL, ""),
    ("Омарова", "Іңкәр", "F", 31, 120, Category.FIRST, "large_family"),
    ("Төлегенов", "Алихан", "M", 27, 100, Category.GENERAL, ""),
    ("Бекова", "Томирис", "F", 33, 90, Category.GENERAL, "teacher"),
    ("Қасымов", "Ерасыл", "M", 29, 60, Category.GENERAL, ""),
    ("Мұратова", "Әлия", "F", 26, 30, Category.GENERAL, ""),
]


def _new_person(last: str, first: str, sex: str, birth: dt.date, serial: int) -> Person:
    """A person with a valid IIN not yet taken (the serial moves on past taken ones)."""
    for step in range(200):  # bounded: a free serial is found within a few steps
        iin = make_iin(birth, sex, serial + step)
        if iin and not Person.objects.filter(iin=iin).exists():
            return Person.objects.create(
                iin=iin,
                last_name_kk=last,
                first_name_kk=first,
                last_name_ru=last,
                first_name_ru=first,
                birth_date=birth,
                sex=sex,
            )
    raise RuntimeError("no free IIN for a demo person")


def _groups(preschools: list[Unit], year: str) -> list[AgeGroup]:
    """One active junior group (Kazakh) per preschool with free places, formed when missing or
    full."""
    groups = []
    for unit in preschools:
        group = (
            AgeGroup.objects.filter(
                organization=unit,
                school_year=year,
                kind=AgeGroupKind.JUNIOR,
                language="kk",
                is_active=True,
            )
            .order_by("name")
            .first()
        )
        if group is None or free_places(group) < PLACES_PER_GROUP:
            group = AgeGroup.objects.create(
                organization=unit,
                school_year=year,
                name="Кіші топ · кезек",
                kind=AgeGroupKind.JUNIOR,
                language="kk",
                capacity=20,
            )
        groups.append(group)
    return groups


def _apply(
    district: Unit,
    child: Person,
    applicant: Person,
    preschools: list[Unit],
    row: tuple[Any, ...],
    now: dt.datetime,
) -> Application:
    _last, _first, _sex, _months, days_ago, category, ground = row
    submitted = now - dt.timedelta(days=days_ago)
    application = Application.objects.create(
        organization=district,
        child=child,
        applicant=applicant,
        category=category,
        category_ground=ground,
        desired_date=timezone.localdate(submitted),
        language="kk",
        submitted_at=submitted,
        address_kato=district.kato_code,
        address_text=district.name,
    )
    Preference.objects.bulk_create(
        Preference(application=application, preschool=unit, rank=rank)
        for rank, unit in enumerate(preschools, start=1)
    )
    StatusChange.objects.create(
        organization=district, application=application, status=application.status, at=submitted
    )
    return application


def _preschools_in(district: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(
            path__startswith=district.path,
            kind=Unit.Kind.ORGANIZATION,
            org_type__code="preschool",
            status=Unit.Status.ACTIVE,
        ).order_by("name")[:3]
    )


def _district(actor: scope.Actor, near: Unit | None) -> Unit | None:
    """The district the actor runs allocations in: the one holding `near` (the demo
    kindergarten) when the actor may run there, else the first of theirs with preschools."""
    districts = list(
        scope.visible(
            actor, services.RUN, Unit.objects.filter(kind=Unit.Kind.DISTRICT), via="path"
        ).order_by("path")[:500]
    )
    if near is not None:
        for district in districts:
            if near.path.startswith(district.path):
                return district
    return next((d for d in districts if _preschools_in(d)), None)


@transaction.atomic
def ensure_demo_queue(district_user: Any, parent_user: Any = None, near: Unit | None = None) -> int:
    """Fill the demo district's queue and run one allocation; returns the applications added."""
    actor = scope.actor_for(district_user)
    district = _district(actor, near)
    if district is None or AllocationRun.objects.filter(organization=district).exists():
        return 0
    preschools = _preschools_in(district)
    if not preschools:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    groups = _groups(preschools, preschool_rules.school_year_of(today))
    parent = getattr(parent_user, "person", None)
    added = 0
    for n, row in enumerate(CHILDREN):
        last, first, sex, months, _days, _category, _ground = row
        birth = today - dt.timedelta(days=int(months * 30.5))
        child = _new_person(last, first, sex, birth, SERIAL_BASE + n * 7)
        # the first (earliest) application is the demo parent's, so they get a direction
        applicant = parent if n == 0 and parent is not None else None
        if applicant is None:
            applicant = _new_person(last, "Ата-ана", "F", dt.date(1990, 1, 1 + n), SERIAL_BASE + n)
        kind = Guardianship.Kind.MOTHER if applicant.sex == "F" else Guardianship.Kind.FATHER
        Guardianship.objects.create(guardian=applicant, child=child, kind=kind, start_date=birth)
        choices = preschools[n % len(preschools) :] + preschools[: n % len(preschools)]
        _apply(district, child, applicant, choices, row, now)
        added += 1
    for group in groups[:2]:
        places = min(PLACES_PER_GROUP, services.places_offerable(group))
        if places > 0:
            services.places_publish(actor=actor, group=group, places=places)
    services.allocation_run(actor=actor, district=district, seed=DEMO_SEED)
    return added
