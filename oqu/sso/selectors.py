"""Reads of the SSO and privacy app: client policies, the claims a resource receives, and the
"my data" view of a signed-in user (G-9, G-3).

"My data" is scoped by relation only: the actor's own person and account and the persons linked to
them by an active guardianship (their children). Nobody else's records are reachable through it,
whatever grants the actor holds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.access.models import Grant
from oqu.access.scope import Actor
from oqu.audit.models import ActionRecord
from oqu.kernel.models import Consent
from oqu.orgs.models import Unit
from oqu.orgs.reference import REPUBLIC_ID
from oqu.people.models import Employment, Enrolment, Guardianship, Person

from .models import Claim, ClientPolicy

MANAGE = "sso.client.manage"
SUPPORTED_CLAIMS = (
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "locale",
    "roles",
    "organizations",
)
ACCESS_LOG_LIMIT = 200
# The republic is the root of the hierarchy (orgs.reference): a grant there covers the whole country.
REPUBLIC_PATH = "KZ/"


def republic() -> Unit:
    return Unit.objects.get(pk=REPUBLIC_ID)


# -- clients ------------------------------------------------------------------------------------


def policy_of(application: Any) -> ClientPolicy | None:
    if application is None:
        return None
    try:
        return application.oqu_policy
    except ClientPolicy.DoesNotExist:
        return None


def client_enabled(application: Any) -> bool:
    """A resource with a policy works only while the policy is active; policy-less API clients do."""
    policy = policy_of(application)
    return policy is None or policy.is_active


def client_list(actor: Actor) -> QuerySet[ClientPolicy]:
    """Registered resources, for the platform administrator only (others get an empty list)."""
    if not can_manage_clients(actor):
        return ClientPolicy.objects.none()
    return ClientPolicy.objects.select_related("application").order_by("application__name", "id")


def client_get(actor: Actor, policy_id: UUID) -> ClientPolicy:
    return scope.get_in(client_list(actor), policy_id, actor, MANAGE)


def can_manage_clients(actor: Actor) -> bool:
    return not actor.is_anonymous and actor.can_at(MANAGE, REPUBLIC_PATH)


# -- claims -------------------------------------------------------------------------------------


def _name_claims(user: Any) -> dict[str, str]:
    person = user.person
    language = user.language if user.language in ("kk", "ru") else "kk"
    if person is None:
        given, family, middle = user.first_name, user.last_name, ""
    else:
        given = getattr(person, f"first_name_{language}")
        family = getattr(person, f"last_name_{language}")
        middle = getattr(person, f"middle_name_{language}")
    claims = {
        "name": " ".join(p for p in (family, given, middle) if p) or user.get_username(),
        "given_name": given,
        "family_name": family,
    }
    if middle:
        claims["middle_name"] = middle
    return claims


def _active(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(end_date__isnull=True)


def _active_grants(user: Any) -> QuerySet[Grant]:
    now = timezone.now()
    return Grant.objects.filter(user=user, valid_from__lte=now, role__is_active=True).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)
    )


def role_codes(user: Any) -> list[str]:
    """Role codes of the active grants, plus the relation roles `parent` and `learner`."""
    codes = set(_active_grants(user).values_list("role__code", flat=True))
    if user.person_id:
        if _active(Guardianship.objects.filter(guardian_id=user.person_id)).exists():
            codes.add(scope.PARENT_ROLE)
        if _active(Enrolment.objects.filter(person_id=user.person_id)).exists():
            codes.add(scope.LEARNER_ROLE)
    return sorted(codes)


def organizations_of(user: Any) -> list[dict[str, str]]:
    """The organizations the user learns or works in, or holds a grant on: id, name, BIN."""
    ids = set(
        _active_grants(user).filter(unit__kind="organization").values_list("unit_id", flat=True)
    )
    if user.person_id:
        ids |= set(
            _active(Enrolment.objects.filter(person_id=user.person_id)).values_list(
                "organization_id", flat=True
            )
        )
        ids |= set(
            _active(Employment.objects.filter(person_id=user.person_id)).values_list(
                "organization_id", flat=True
            )
        )
    language = user.language if user.language in ("kk", "ru") else "kk"
    units = Unit.objects.filter(pk__in=ids).order_by("name", "id")
    return [
        {"id": str(u.pk), "name": getattr(u, f"name_{language}") or u.name, "bin": u.bin}
        for u in units
    ]


def primary_organization_id(user: Any) -> UUID | None:
    """The organization whose journal chain records the user's sign-ins to resources."""
    if user.person_id:
        for model in (Enrolment, Employment):
            found = (
                _active(model.objects.filter(person_id=user.person_id))
                .order_by("-start_date", "id")
                .values_list("organization_id", flat=True)
                .first()
            )
            if found:
                return found
    return (
        _active_grants(user)
        .filter(unit__kind="organization")
        .order_by("-valid_from")
        .values_list("unit_id", flat=True)
        .first()
    )


def claims_for(*, user: Any, application: Any, granted_scopes: list[str]) -> dict[str, Any]:
    """Only what the resource's policy allows and the user granted; `sub` always (pairwise)."""
    policy = policy_of(application)
    if policy is None:
        return {"sub": str(user.pk)}
    claims: dict[str, Any] = {"sub": policy.subject_for(user.pk)}
    if policy.releases(Claim.NAME, granted_scopes):
        claims.update(_name_claims(user))
    if policy.releases(Claim.LANGUAGE, granted_scopes):
        claims["locale"] = user.language
    if policy.releases(Claim.ROLES, granted_scopes):
        claims["roles"] = role_codes(user)
    if policy.releases(Claim.ORGANIZATION, granted_scopes):
        claims["organizations"] = organizations_of(user)
    return claims


# -- my data (G-9, G-3) -------------------------------------------------------------------------


def children_ids(actor: Actor) -> list[UUID]:
    """The actor's children: persons linked to the actor's person by an active guardianship."""
    if not actor.person_id:
        return []
    return list(
        _active(Guardianship.objects.filter(guardian_id=actor.person_id))
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )


def my_person_ids(actor: Actor) -> list[UUID]:
    """Whose data the actor may see here: themselves and their children, nobody else."""
    if actor.is_anonymous:
        return []
    own = [actor.person_id] if actor.person_id else []
    return own + [c for c in children_ids(actor) if c not in own]


def _unit_name(unit: Unit, language: str) -> str:
    return getattr(unit, f"name_{language}", "") or unit.name


def _person_dict(person: Person, language: str) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name(language),
        "iin": person.iin,
        "last_name_kk": person.last_name_kk,
        "first_name_kk": person.first_name_kk,
        "middle_name_kk": person.middle_name_kk,
        "last_name_ru": person.last_name_ru,
        "first_name_ru": person.first_name_ru,
        "middle_name_ru": person.middle_name_ru,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _group(rows: list[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def my_data(actor: Actor, language: str, only_person: UUID | None = None) -> dict[str, Any]:
    """Everything the platform holds about the actor and their children, and who touched it.

    A fixed number of queries whatever the number of children or records. `only_person` narrows
    the answer to one of those persons; any other id answers the journaled 404.
    """
    person_ids = my_person_ids(actor)
    if only_person is not None:
        if only_person not in person_ids:
            raise scope.not_found(actor, "people.person.view", "people.person", only_person)
        person_ids = [only_person]
    persons = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    enrolments = _group(
        list(
            Enrolment.objects.filter(person_id__in=person_ids)
            .select_related("organization")
            .order_by("-start_date", "id")
        ),
        "person_id",
    )
    employments = _group(
        list(
            Employment.objects.filter(person_id__in=person_ids)
            .select_related("organization")
            .order_by("-start_date", "id")
        ),
        "person_id",
    )
    guardianship_rows = list(
        Guardianship.objects.filter(Q(guardian_id__in=person_ids) | Q(child_id__in=person_ids))
        .select_related("guardian", "child")
        .order_by("-start_date", "id")
    )
    consent_rows = list(
        Consent.objects.filter(Q(subject_id__in=person_ids) | Q(given_by_id__in=person_ids))
        .select_related("subject", "given_by")
        .order_by("-given_at")
    )
    user = actor.user
    # Children's own accounts (if they have one): their sign-ins and MFA changes are theirs to see.
    accounts = {
        u.person_id: u
        for u in get_user_model().objects.filter(person_id__in=person_ids).exclude(pk=user.pk)
    }
    include_account = only_person is None or only_person == actor.person_id
    grants = (
        list(_active_grants(user).select_related("role", "unit").order_by("-valid_from"))
        if include_account
        else []
    )

    def section(pid: UUID) -> dict[str, Any]:
        account = accounts.get(pid)
        return {
            "person": _person_dict(persons[pid], language),
            "account": (
                {
                    "username": account.get_username(),
                    "last_login": account.last_login,
                    "is_active": account.is_active,
                }
                if account is not None
                else None
            ),
            "enrolments": [
                {
                    "id": e.pk,
                    "organization": _unit_name(e.organization, language),
                    "organization_bin": e.organization.bin,
                    "level": e.level,
                    "grade": e.grade,
                    "group_name": e.group_name,
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                }
                for e in enrolments.get(pid, [])
            ],
            "employments": [
                {
                    "id": e.pk,
                    "organization": _unit_name(e.organization, language),
                    "organization_bin": e.organization.bin,
                    "position": e.position,
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                }
                for e in employments.get(pid, [])
            ],
            "guardianships": [
                {
                    "id": g.pk,
                    "guardian": g.guardian.full_name(language),
                    "child": g.child.full_name(language),
                    "kind": g.kind,
                    "start_date": g.start_date,
                    "end_date": g.end_date,
                }
                for g in guardianship_rows
                if pid in (g.guardian_id, g.child_id)
            ],
            "consents": [
                {
                    "id": c.pk,
                    "purpose": c.purpose,
                    "subject": c.subject.full_name(language),
                    "given_by": c.given_by.full_name(language),
                    "given_at": c.given_at,
                    "valid_until": c.valid_until,
                    "revoked_at": c.revoked_at,
                }
                for c in consent_rows
                if pid in (c.subject_id, c.given_by_id)
            ],
        }

    own_id = actor.person_id if actor.person_id in persons else None
    target_ids = _target_ids(
        persons, enrolments, employments, guardianship_rows, consent_rows, grants
    )
    if include_account and user is not None and user.pk:
        target_ids.add(str(user.pk))
    target_ids |= {str(account.pk) for account in accounts.values()}
    return {
        "account": (
            {
                "id": user.pk,
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "language": user.language,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_active": user.is_active,
            }
            if include_account
            else None
        ),
        "role_grants": [
            {
                "id": g.pk,
                "role": g.role.code,
                "role_name": str(g.role),
                "unit": _unit_name(g.unit, language),
                "valid_from": g.valid_from,
                "valid_to": g.valid_to,
            }
            for g in grants
        ],
        "self": section(own_id) if own_id else None,
        "children": [section(pid) for pid in person_ids if pid != own_id and pid in persons],
        "accesses": access_log(target_ids, language),
    }


def _target_ids(persons, enrolments, employments, guardianships, consents, grants) -> set[str]:  # type: ignore[no-untyped-def]
    ids = {str(pk) for pk in persons}
    for group in (enrolments, employments):
        ids |= {str(row.pk) for rows in group.values() for row in rows}
    ids |= {str(row.pk) for row in (*guardianships, *consents, *grants)}
    return ids


def access_log(target_ids: set[str], language: str) -> list[dict[str, Any]]:
    """Journal rows whose object is one of `target_ids`: who read or changed it, when, how."""
    if not target_ids:
        return []
    rows = list(
        ActionRecord.objects.filter(target_id__in=sorted(target_ids)).order_by("-at", "-seq")[
            :ACCESS_LOG_LIMIT
        ]
    )
    return [
        {
            "at": r.at,
            "actor": r.actor_name or "—",
            "action": r.action,
            "object_type": r.target_type,
            "object": r.target_repr,
            "object_id": r.target_id,
        }
        for r in rows
    ]
