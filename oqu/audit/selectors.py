"""Reads of the journals, scoped by the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_ipv46_address
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Forbidden, ValidationError

from .chain import ChainReport, chain_key, verify_all, verify_chain
from .models import FailedAccess, SecurityEvent, SignInLock

VIEW = "audit.journal.view"
UNLOCK = "audit.signin.unlock"


def journal_verify(actor: Actor, *, organization: Any = None) -> list[ChainReport]:
    """Verify one organization's chain (its heads may) or every chain (the republic level may)."""
    from oqu.orgs.models import Unit

    if organization is not None:
        scope.require(actor, VIEW, organization)
        return [verify_chain(chain_key(organization.pk))]
    scope.require(actor, VIEW, Unit.objects.get(kind=Unit.Kind.REPUBLIC))
    return verify_all()


# -- failed access, security events and sign-in locks (G-5.12, G-5.20) ------------------------


def _viewer(actor: Actor) -> None:
    """403 (journaled) for an actor who may see these journals nowhere."""
    if actor.is_anonymous:
        raise scope.not_found(actor, VIEW, "audit.failedaccess", "")
    if actor.is_platform_admin or actor.paths_for(VIEW):
        return
    error = Forbidden()
    error.denial = scope.Denial(actor, VIEW, "audit.failedaccess", "", "missing_capability")  # type: ignore[attr-defined]
    raise error


def sees_security_journals(actor: Actor) -> bool:
    return not actor.is_anonymous and (actor.is_platform_admin or bool(actor.paths_for(VIEW)))


def _check_ip(ip: str) -> str:
    try:
        validate_ipv46_address(ip)
    except DjangoValidationError:
        raise ValidationError(
            _("Enter a valid IP address."), code="ip_invalid", fields={"ip": ["invalid"]}
        ) from None
    return ip


def _period(
    qs: QuerySet[Any], since: dt.datetime | None, until: dt.datetime | None
) -> QuerySet[Any]:
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def failed_access_list(
    actor: Actor,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    account: str = "",
    ip: str = "",
    reason: str = "",
    action: str = "",
) -> QuerySet[FailedAccess]:
    """Failed sign-ins and failed accesses on the people of the actor's subtrees (G-5.12).

    Rows without an organization (unknown accounts, accounts without a place) are the platform
    administrator's only.
    """
    _viewer(actor)
    qs = _period(scope.visible(actor, VIEW, FailedAccess.objects.all()), since, until)
    if account.strip():
        qs = qs.filter(actor_name__iexact=account.strip())
    if ip.strip():
        qs = qs.filter(ip=_check_ip(ip.strip()))
    if reason.strip():
        qs = qs.filter(reason=reason.strip())
    if action.strip():
        qs = qs.filter(action=action.strip())
    return qs.select_related("organization")


def security_event_list(
    actor: Actor,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    kind: str = "",
    severity: str = "",
) -> QuerySet[SecurityEvent]:
    """Security events in the actor's subtrees; platform-level ones for the platform administrator."""
    _viewer(actor)
    qs = _period(scope.visible(actor, VIEW, SecurityEvent.objects.all()), since, until)
    if kind.strip():
        qs = qs.filter(kind=kind.strip())
    if severity.strip():
        if severity not in SecurityEvent.Severity.values:
            raise ValidationError(code="severity_unknown", fields={"severity": [severity]})
        qs = qs.filter(severity=severity)
    return qs.select_related("organization")


def sign_in_lock_list(actor: Actor, *, active_only: bool = True) -> QuerySet[SignInLock]:
    """Sign-in locks of the accounts in the actor's subtrees (all of them for the platform admin)."""
    _viewer(actor)
    qs = scope.visible(actor, VIEW, SignInLock.objects.all())
    if active_only:
        qs = qs.filter(until__gt=timezone.now(), released_at__isnull=True)
    return qs.select_related("organization")


def sign_in_lock_get(actor: Actor, lock_id: Any) -> SignInLock:
    return scope.get_in(sign_in_lock_list(actor, active_only=False), lock_id, actor, VIEW)


def can_release_locks(actor: Actor) -> bool:
    return not actor.is_anonymous and (actor.is_platform_admin or bool(actor.paths_for(UNLOCK)))
