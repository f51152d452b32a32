"""Who may act on which account (G-5.7): scope through the person, and no take-over of higher rights.

Used by the services (which enforce) and by the views and selectors (which only decide what to
offer); kept apart so that neither layer imports the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import DomainError, Forbidden

from .models import User
from .permissions import MANAGE, VIEW


def require_over_person(actor: Actor, action: str, person: Any) -> None:
    """The actor holds `action` on an organization where `person` is active (404/403 otherwise)."""
    if actor.is_platform_admin:
        actor.can_at(action, "")  # still rejects an undeclared code
        return
    scope.require_person(actor, action, person)


def require_over_account(actor: Actor, action: str, account: User) -> None:
    """The actor may act on this account: in scope, and not outranked by it.

    An account whose person is no longer (or never was) active in the actor's scope answers 404.
    Changing an account that holds roles beyond the actor's own reach, or a platform
    administrator's, would let the actor take over those rights (a reset password is known to the
    actor), so that answers 403.
    """
    if actor.is_platform_admin:
        actor.can_at(action, "")
        return
    if account.person is None:
        raise scope.not_found(actor, action, "identity.user", account.pk)
    scope.require_person(actor, action, account.person)
    if action == VIEW:
        return
    outranked = account.is_superuser or any(
        not actor.can_at(MANAGE, path) for path in _active_grant_paths(account)
    )
    if outranked:
        error = Forbidden(
            _("This account holds rights beyond yours: ask a higher administrator."),
            code="account_outranks_actor",
        )
        error.denial = scope.Denial(actor, action, "identity.user", str(account.pk), "outranked")  # type: ignore[attr-defined]
        raise error


def _active_grant_paths(account: User) -> list[str]:
    from oqu.access.models import Grant

    now = timezone.now()
    return list(
        Grant.objects.filter(user=account)
        .filter(_grants_active_q(now))
        .values_list("unit__path", flat=True)
    )


def _grants_active_q(at: dt.datetime) -> Any:

    return Q(valid_to__isnull=True) | Q(valid_to__gt=at)


def may_manage(actor: Actor, account: User) -> bool:
    """Whether the account's actions are offered (the services check again)."""
    try:
        require_over_account(actor, MANAGE, account)
    except DomainError:
        return False
    return True


def may_create_for(actor: Actor, person: Any) -> bool:
    if actor.is_anonymous:
        return False
    try:
        require_over_person(actor, MANAGE, person)
    except DomainError:
        return False
    return True
