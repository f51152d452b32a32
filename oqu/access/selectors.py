"""Reads of roles and grants, scoped by the actor."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import scope
from .models import Grant, Role
from .scope import Actor


def role_list(actor: Actor) -> QuerySet[Role]:
    """Roles are public reference data for anyone who may see or give roles somewhere."""
    if actor.is_anonymous:
        return Role.objects.none()
    if (
        actor.is_platform_admin
        or actor.paths_for("access.role.view")
        or actor.paths_for("access.grant.manage")
    ):
        return Role.objects.all()
    return Role.objects.none()


def role_get(actor: Actor, role_id: UUID | str) -> Role:
    return scope.get_in(role_list(actor), role_id, actor, "access.role.view")


def grant_list(
    actor: Actor,
    *,
    unit=None,
    user=None,
    active_only: bool = False,  # type: ignore[no-untyped-def]
) -> QuerySet[Grant]:
    """Grants on units in the actor's subtrees for `access.grant.view`."""
    qs = scope.visible(
        actor,
        "access.grant.view",
        Grant.objects.select_related("user", "role", "unit", "granted_by"),
        via="unit__path",
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if user is not None:
        qs = qs.filter(user=user)
    if active_only:
        now = timezone.now()
        qs = qs.filter(valid_from__lte=now).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
    return qs


def grant_get(actor: Actor, grant_id: UUID | str) -> Grant:
    return scope.get_in(grant_list(actor), grant_id, actor, "access.grant.view")


def grant_history(grant: Grant) -> list[dict[str, object]]:
    """Who changed the grant and when (django-simple-history rows), newest first."""
    return [
        {
            "at": row.history_date,
            "by": row.history_user.get_username() if row.history_user else "",
            "change": row.history_type,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        for row in grant.history.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
    ]


def grantee_get(actor: Actor, unit, *, user_id: UUID | str | None = None, username: str = ""):  # type: ignore[no-untyped-def]
    """The account to give a role to on `unit`, by id or username.

    Accounts have no scope of their own; the actor's right to give roles on the unit is checked
    first, so the lookup tells nothing to anyone who may not grant there.
    """
    from django.contrib.auth import get_user_model

    scope.require(actor, "access.grant.manage", unit)
    users = get_user_model().objects.filter(is_active=True)
    user = None
    if user_id:
        user = users.filter(pk=user_id).first()
    elif username:
        user = users.filter(username=username).first()
    if user is None:
        raise scope.not_found(actor, "access.grant.manage", "identity.user", user_id or username)
    return user
