"""Reads of accounts, scoped by the actor (G-5.7, G-5.10).

An account is in an administrator's scope when its person is: active (enrolled, employed, or the
guardian of a child enrolled) in a subtree where the administrator holds the capability — the same
rule as for seeing people (`scope.person_filter`). The platform administrator sees every account.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.people.models import Person

from .models import User
from .permissions import MANAGE, VIEW

STATUSES = ("active", "blocked", "deleted")
PERSON_VIEW = "people.person.view"


def accounts_visible(actor: Actor, action: str = VIEW) -> QuerySet[User]:
    qs = User.objects.select_related("person")
    if actor.is_anonymous:
        return qs.none()
    if actor.is_platform_admin:
        return qs
    if not actor.paths_for(action):
        return qs.none()
    persons = Person.objects.filter(scope.person_filter(actor, action)).values("pk")
    return qs.filter(person_id__in=persons)


def account_list(actor: Actor, *, search: str = "", status: str = "") -> QuerySet[User]:
    """Accounts the actor may see; by login, IIN prefix or names; by status (deleted: on request)."""
    qs = accounts_visible(actor)
    if status == "blocked":
        qs = qs.filter(is_active=False, deleted_at__isnull=True)
    elif status == "active":
        qs = qs.filter(is_active=True, deleted_at__isnull=True)
    elif status == "deleted":
        qs = qs.filter(deleted_at__isnull=False)
    else:
        qs = qs.filter(deleted_at__isnull=True)
    search = (search or "").strip()
    if search:
        if search.isdigit():
            qs = qs.filter(Q(person__iin__startswith=search) | Q(username__istartswith=search))
        else:
            for word in search.split()[:3]:
                qs = qs.filter(
                    Q(username__istartswith=word)
                    | Q(person__last_name_kk__istartswith=word)
                    | Q(person__last_name_ru__istartswith=word)
                    | Q(person__first_name_kk__istartswith=word)
                    | Q(person__first_name_ru__istartswith=word)
                )
    return qs


def account_get(actor: Actor, account_id: UUID | str) -> User:
    """One account in the actor's scope (deleted ones included), or the journaled 404."""
    return scope.get_in(accounts_visible(actor), account_id, actor, VIEW)


def account_of_person(actor: Actor, person: Person) -> User | None:
    """The person's account if the actor may see it."""
    return accounts_visible(actor).filter(person=person).first()


def person_for_account(actor: Actor, person_id: UUID | str) -> Person:
    """A person the actor may see (as a person, or to create their account), or the journaled 404.

    Whether the actor may create the account is the service's check: someone who sees the person
    without the capability gets 403, not 404.
    """
    qs = Person.objects.all()
    if not actor.is_platform_admin:
        if actor.is_anonymous:
            qs = qs.none()
        else:
            qs = qs.filter(
                scope.person_filter(actor, MANAGE) | scope.person_filter(actor, PERSON_VIEW)
            )
    return scope.get_in(qs, person_id, actor, MANAGE)


def may_view_accounts(actor: Actor) -> bool:
    return not actor.is_anonymous and (actor.is_platform_admin or bool(actor.paths_for(VIEW)))


def active_grants(account: User) -> list[Any]:
    from django.utils import timezone

    from oqu.access.models import Grant

    now = timezone.now()
    return list(
        Grant.objects.filter(user=account, valid_from__lte=now)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
        .select_related("role", "unit")
        .order_by("unit__path")
    )
