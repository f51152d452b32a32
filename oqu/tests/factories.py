"""Test data builders: units in the tree, people with valid IINs, users with grants."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from django.utils import timezone

from oqu.access.models import Grant, Role
from oqu.identity.models import User
from oqu.kernel.identifiers import make_iin
from oqu.orgs.models import OrganizationType, Unit
from oqu.orgs.reference import REPUBLIC_ID, path_segment
from oqu.people.models import Employment, Enrolment, Guardianship, Person

_serials = itertools.count(1)


def republic() -> Unit:
    return Unit.objects.get(pk=REPUBLIC_ID)


def region(kato: str = "75") -> Unit:
    return Unit.objects.get(kind="region", kato_code=f"{kato}0000000")


def make_unit(
    parent: Unit, kind: str, name: str, org_type: str | None = None, **extra: Any
) -> Unit:
    unit_id = uuid.uuid4()
    return Unit.objects.create(
        id=unit_id,
        kind=kind,
        parent=parent,
        path=f"{parent.path}{path_segment(unit_id)}/",
        depth=parent.depth + 1,
        name=name,
        name_kk=name,
        name_ru=name,
        org_type=OrganizationType.objects.get(code=org_type) if org_type else None,
        **extra,
    )


def free_iin(birth: dt.date, sex: str = "M") -> str:
    while True:
        iin = make_iin(birth, sex, next(_serials))
        if iin and not Person.objects.filter(iin=iin).exists():
            return iin


def make_person(
    last_name: str = "Тестов",
    first_name: str = "Тест",
    birth: dt.date = dt.date(2012, 5, 17),
    sex: str = "M",
) -> Person:
    return Person.objects.create(
        iin=free_iin(birth, sex),
        last_name_kk=last_name,
        first_name_kk=first_name,
        last_name_ru=last_name,
        first_name_ru=first_name,
        birth_date=birth,
        sex=sex,
    )


def make_user(
    username: str, *, person: Person | None = None, language: str = "kk", **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username, password="Passw0rd!-test", language=language, person=person, **extra
    )
    return user


def grant(user: User, role_code: str, unit: Unit, **extra: Any) -> Grant:
    return Grant.objects.create(
        user=user,
        role=Role.objects.get(code=role_code),
        unit=unit,
        valid_from=extra.pop("valid_from", timezone.now() - dt.timedelta(days=1)),
        **extra,
    )


def enrol(
    person: Person, org: Unit, level: str = "school", grade: int | None = 5, **extra: Any
) -> Enrolment:
    return Enrolment.objects.create(
        person=person,
        organization=org,
        level=level,
        grade=grade,
        start_date=dt.date(2025, 9, 1),
        **extra,
    )


def employ(person: Person, org: Unit, position: str = "teacher") -> Employment:
    return Employment.objects.create(
        person=person, organization=org, position=position, start_date=dt.date(2020, 9, 1)
    )


def guard(guardian: Person, child: Person, kind: str = "mother") -> Guardianship:
    return Guardianship.objects.create(
        guardian=guardian, child=child, kind=kind, start_date=dt.date(2012, 5, 17)
    )
