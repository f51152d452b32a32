"""Demo accounts over the seeded data: one login per kind of user, with a known password.

Idempotent: an account that exists is left as it is and listed again. Each account is bound to a
Person of the seeded data who really holds that place (the Ministry's head, a school's director,
a teacher employed at that school, a guardian of a learner of that school...). The grants are
created directly: this is the set-up of a demonstration, not an administrator's action, so it is not
journaled. Parents and learners need no grant: their access comes from the relation (`scope.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oqu.access.models import Grant, Role
from oqu.identity.models import User
from oqu.orgs.models import Unit
from oqu.orgs.reference import REPUBLIC_ID
from oqu.people.models import Employment, Enrolment, Guardianship, Person

DEMO_PASSWORD = "oqu-demo-2026"  # noqa: S105 (published with the demo, printed by the command)
PREFERRED_REGION_KATO = "75"  # Almaty city: a city region with several districts

# username, role (grant on the unit), language, superuser
ACCOUNTS: list[tuple[str, str, str, bool]] = [
    ("minister", "ministry_head", "kk", False),
    ("admin", "platform_admin", "ru", True),
    ("region", "region_head", "kk", False),
    ("district", "district_head", "ru", False),
    ("director", "school_director", "kk", False),
    ("teacher", "school_teacher", "ru", False),
    ("parent", "parent", "kk", False),
    ("learner", "learner", "kk", False),
    ("kindergarten", "preschool_head", "ru", False),
]
RELATION_ROLES = {"parent", "learner"}


class DemoDataMissing(LookupError):
    """The database lacks the seeded places and people the demo accounts are bound to."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    language: str
    organization: str
    person: str
    totp_secret: str = ""
    recovery_codes: tuple[str, ...] = ()
    mfa_exemption_until: dt.date | None = None


def _active(qs: Any) -> Any:
    return qs.filter(end_date__isnull=True)


def _free(qs: Any, field: str = "person") -> Any:
    """Rows whose person has no account yet (User.person is one-to-one)."""
    return qs.filter(**{f"{field}__user__isnull": True})


def _authority(parent: Unit) -> Unit:
    unit = (
        Unit.objects.filter(parent=parent, kind=Unit.Kind.ORGANIZATION, org_type__code="authority")
        .order_by("path")
        .first()
    )
    if unit is None:
        raise DemoDataMissing(f"education authority under {parent.path}")
    return unit


def _staff(org: Unit, position: str) -> Person:
    employment = (
        _free(_active(Employment.objects.filter(organization=org, position=position)))
        .order_by("start_date", "id")
        .first()
    )
    if employment is None:
        raise DemoDataMissing(f"{position} at {org.path}")
    return employment.person


def _pick_school(existing: dict[str, User]) -> tuple[Unit, Person, Person]:
    """A school with a teacher, and a learner of grade 5 or above (the youngest) who has a guardian."""
    held = [u for name in ("director", "teacher") if (u := existing.get(name))]
    for user in held:
        grant = user.grants.select_related("unit").first()
        if grant is not None:
            schools = Unit.objects.filter(pk=grant.unit_id)
            break
    else:
        region = Unit.objects.filter(
            kind=Unit.Kind.REGION, kato_code=f"{PREFERRED_REGION_KATO}0000000"
        ).first()
        schools = Unit.objects.filter(kind=Unit.Kind.ORGANIZATION, org_type__code="school")
        if region is not None and schools.filter(path__startswith=region.path).exists():
            schools = schools.filter(path__startswith=region.path)
    for school in schools.order_by("path")[:50]:
        if not Employment.objects.filter(organization=school, position="teacher").exists():
            continue
        if (learner_user := existing.get("learner")) and learner_user.person_id:
            learner = learner_user.person
        else:
            enrolment = (
                _free(
                    _active(
                        Enrolment.objects.filter(organization=school, level="school", is_main=True)
                    )
                )
                .filter(grade__gte=5)
                .filter(
                    Q(
                        person__guardians__end_date__isnull=True,
                        person__guardians__guardian__user__isnull=True,
                    )
                )
                .order_by("grade", "person__iin")  # grade 5: under 16, shows the MFA exemption
                .first()
            )
            if enrolment is None:
                continue
            learner = enrolment.person
        if (parent_user := existing.get("parent")) and parent_user.person_id:
            parent = parent_user.person
        else:
            link = (
                _free(_active(Guardianship.objects.filter(child=learner)), "guardian")
                .order_by("kind")
                .first()
            )
            if link is None:
                continue
            parent = link.guardian
        return school, learner, parent
    raise DemoDataMissing("a school with a teacher and a learner who has a guardian")


def _resolve(existing: dict[str, User]) -> dict[str, tuple[Unit, Person]]:
    """The unit each missing account is granted on, and the person it is bound to."""
    republic = Unit.objects.get(pk=REPUBLIC_ID)
    school, learner, parent = _pick_school(existing)
    district = school.parent
    region = district.parent if district.kind == Unit.Kind.DISTRICT else district
    ministry = _authority(republic)
    preschools = Unit.objects.filter(
        kind=Unit.Kind.ORGANIZATION, org_type__code="preschool"
    ).order_by("path")
    preschool = (
        preschools.filter(path__startswith=district.path).first()
        or preschools.filter(path__startswith=region.path).first()
        or preschools.first()
    )
    if preschool is None:
        raise DemoDataMissing("a preschool")
    places: dict[str, tuple[Unit, Any]] = {
        "minister": (republic, lambda: _staff(ministry, "head")),
        "admin": (republic, lambda: _staff(ministry, "methodologist")),
        "region": (region, lambda: _staff(_authority(region), "head")),
        "district": (district, lambda: _staff(_authority(district), "head")),
        "director": (school, lambda: _staff(school, "director")),
        "teacher": (school, lambda: _staff(school, "teacher")),
        "parent": (school, lambda: parent),
        "learner": (school, lambda: learner),
        "kindergarten": (preschool, lambda: _staff(preschool, "head")),
    }
    return {
        name: (unit, person()) for name, (unit, person) in places.items() if name not in existing
    }


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that are missing; return all of them for printing."""
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).select_related("person")
    }
    if len(existing) < len(ACCOUNTS):
        places = _resolve(existing)
        password = make_password(
            DEMO_PASSWORD
        )  # one hash for all: the password is published anyway
        valid_from = timezone.now() - dt.timedelta(minutes=1)
        roles = {r.code: r for r in Role.objects.filter(code__in=[a[1] for a in ACCOUNTS])}
        for username, role_code, language, superuser in ACCOUNTS:
            if username in existing:
                continue
            unit, person = places[username]
            last, first = (
                (person.last_name_kk, person.first_name_kk)
                if language == "kk"
                else (person.last_name_ru, person.first_name_ru)
            )
            user = User.objects.create(
                username=username,
                password=password,
                person=person,
                language=language,
                first_name=first,
                last_name=last,
                is_superuser=superuser,
                is_staff=superuser,
            )
            if role_code not in RELATION_ROLES:
                Grant.objects.create(
                    user=user, role=roles[role_code], unit=unit, valid_from=valid_from
                )
            existing[username] = user
    second_factors = {username: _ensure_second_factor(user) for username, user in existing.items()}
    return [
        _describe(existing[username], role_code, second_factors[username])
        for username, role_code, _, _ in ACCOUNTS
    ]


@dataclass(frozen=True)
class SecondFactor:
    totp_secret: str = ""
    recovery_codes: tuple[str, ...] = ()
    exemption_until: dt.date | None = None


def _ensure_second_factor(user: User) -> SecondFactor:
    """MFA is required for every account (G-5.11): give each demo account the authenticator app.

    The demo learner, when under 16, shows the exemption instead: the demo parent's consent is
    recorded for them (as a parent would from the consent page), so they sign in with the
    password alone. Set-up of a demonstration, like the grants: not journaled.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    from oqu.identity import mfa
    from oqu.kernel import consents

    if user.username == "learner" and user.person is not None:
        consent = mfa.exemption_for(user)
        parent = Person.objects.filter(
            wards__child=user.person, wards__end_date__isnull=True, user__username="parent"
        ).first()
        if consent is None and parent is not None and mfa.exemption_refusal_for(user) is None:
            consent = consents.consent_record(
                subject=user.person,
                given_by=parent,
                purpose=mfa.EXEMPTION_PURPOSE,
                valid_until=mfa.exemption_last_day(user.person.birth_date),
                recorded_by=parent.user,
            )
        if consent is not None and not mfa.has_active_authenticator(user):
            return SecondFactor(exemption_until=consent.valid_until)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        totp = TOTP.activate(user, generate_totp_secret()).instance
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if codes is None:
        codes = RecoveryCodes.activate(user).instance
    return SecondFactor(
        totp_secret=decrypt(totp.data["secret"]),
        recovery_codes=tuple(codes.wrap().get_unused_codes()),
    )


def _describe(user: User, role_code: str, second: SecondFactor | None = None) -> DemoAccount:
    person = user.person
    if role_code in RELATION_ROLES and person is not None:
        enrolment = (
            Enrolment.objects.filter(
                person__in=[person.pk] if role_code == "learner" else person.wards.values("child")
            )
            .filter(end_date__isnull=True, is_main=True)
            .select_related("organization")
            .order_by("level")
            .first()
        )
        unit = enrolment.organization if enrolment else None
    else:
        grant = user.grants.select_related("unit").order_by("valid_from").first()
        unit = grant.unit if grant else None
    organization = ""
    if unit is not None:
        organization = (unit.name_kk if user.language == "kk" else unit.name_ru) or unit.name
    return DemoAccount(
        username=user.username,
        password=DEMO_PASSWORD,
        role=role_code,
        language=user.language,
        organization=organization,
        person=person.full_name(user.language) if person else "",
        totp_secret=second.totp_secret if second else "",
        recovery_codes=second.recovery_codes if second else (),
        mfa_exemption_until=second.exemption_until if second else None,
    )


def format_table(accounts: list[DemoAccount]) -> str:
    """A plain-text table: username, password, role, language, person, organization."""
    header = ("username", "password", "role", "lang", "person", "organization")
    rows = [header] + [
        (a.username, a.password, a.role, a.language, a.person, a.organization) for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=False))
            + "  "
            + row[-1]
        )
        if n == 0:
            lines.append("  ".join("-" * width for width in widths) + "  " + "-" * 12)
    return "\n".join(lines) + "\n\n" + format_second_factors(accounts)


def format_second_factors(accounts: list[DemoAccount]) -> str:
    """The TOTP secret (type it into an authenticator app) and recovery codes of each account."""
    width = max(len(a.username) for a in accounts)
    lines = [
        "Two-factor authentication (G-5.11): add the secret to an authenticator app "
        "(e.g. `oathtool --totp -b SECRET`), or type one of the recovery codes (each works once)."
    ]
    for a in accounts:
        if a.mfa_exemption_until:
            detail = (
                "no second factor: exempt (learner under 16) on the demo parent's consent, "
                f"valid until {a.mfa_exemption_until.isoformat()}"
            )
        else:
            detail = f"TOTP secret {a.totp_secret}  recovery codes {' '.join(a.recovery_codes)}"
        lines.append(f"{a.username.ljust(width)}  {detail}")
    return "\n".join(lines)
