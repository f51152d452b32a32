"""Test data builders: units in the tree, people with valid IINs, users with grants."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import struct
import time
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
    username: str,
    *,
    person: Person | None = None,
    language: str = "kk",
    mfa: bool = True,
    **extra: Any,
) -> User:
    """A user with the test password and, unless `mfa=False`, an authenticator app (G-5.11).

    MFA is required for every account, so by default the user can sign in and pass the
    enforcement middleware; `mfa_code(user)` gives the code to type at the sign-in step.
    """
    user = User.objects.create_user(
        username=username, password="Passw0rd!-test", language=language, person=person, **extra
    )
    if mfa:
        give_totp(user)
    return user


def give_totp(user: User) -> str:
    """Turn the authenticator app on for `user` (with recovery codes); return its secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_secret(user: User) -> str:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(authenticator.data["secret"])


def totp_now(secret: str, *, steps_ahead: int = 0) -> str:
    """The RFC 6238 code of `secret` now (computed here, independently of allauth)."""
    key = base64.b32decode(secret, casefold=True)
    counter = int(time.time()) // 30 + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


_codes_handed_out: dict[Any, set[str]] = {}


def mfa_code(user: User) -> str:
    """A code that passes `user`'s sign-in step now.

    allauth refuses a TOTP code used once already (replay), so when the current code was handed
    out before, an unused recovery code is returned instead.
    """
    from allauth.mfa.models import Authenticator

    code = totp_now(totp_secret(user))
    handed_out = _codes_handed_out.setdefault(user.pk, set())
    if code not in handed_out:
        handed_out.add(code)
        return code
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    unused = [c for c in codes.wrap().get_unused_codes() if c not in handed_out]
    handed_out.add(unused[0])
    return str(unused[0])


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


def sign_in_through_forms(client: Any, username: str, password: str = "") -> Any:
    """Sign in through the login form and, when the account has MFA, its code step (G-5.11).

    Returns the last response: a redirect once the whole sign-in has succeeded. Without a
    password, the one `make_user` gives.
    """
    from django.urls import reverse

    password = password or "Passw0rd!-test"  # noqa: S105 - the test accounts' password
    response = client.post("/accounts/login/", {"login": username, "password": password})
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        user = User.objects.get(username__iexact=username)
        response = client.post(response["Location"], {"code": mfa_code(user)})
    return response
