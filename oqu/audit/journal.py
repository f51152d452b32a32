"""Write the journals. Services call `record` inside their transaction (same commit or none).

Denials are journaled by `record_denial`, called where the error is turned into a response
(API handler, web middleware): by then the service's transaction has rolled back, so the
failed-access row is not lost with it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from oqu.kernel.context import current_request_info

from . import chain
from .models import ActionRecord, FailedAccess, SecurityEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` (FKs as ids), for before/after in the journal."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _organization_id_of(target: Any) -> Any:
    if target is None:
        return None
    org_id = getattr(target, "organization_id", None)
    if org_id:
        return org_id
    if getattr(target, "kind", None) == "organization":
        return target.pk
    return None


def record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: Any = None,
) -> ActionRecord:
    """Journal one action: who, what, on which object, when, from where, before/after."""
    user = getattr(actor, "user", actor)
    info = current_request_info()
    row = ActionRecord(
        at=timezone.now(),
        organization_id=organization_id or _organization_id_of(target),
        actor=user if getattr(user, "pk", None) else None,
        actor_name=getattr(user, "username", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        ip=info.ip,
        user_agent=info.user_agent,
    )
    return chain.append(row)


def record_denial(error: Exception, *, status: int) -> FailedAccess | None:
    """Journal the denial carried by a NotFound/Forbidden raised by the access layer, once."""
    denial = getattr(error, "denial", None)
    if denial is None or getattr(error, "_journaled", False):
        return None
    error._journaled = True  # type: ignore[attr-defined]
    user = denial.actor.user
    info = current_request_info()
    authenticated = bool(user is not None and user.is_authenticated)
    return FailedAccess.objects.create(
        at=timezone.now(),
        organization_id=organization_of_user(user) if authenticated else None,
        actor=user if authenticated else None,
        actor_name=user.get_username() if authenticated else "",
        action=denial.action,
        target_type=denial.target_type,
        target_id=denial.target_id,
        reason=denial.reason,
        status=status,
        ip=info.ip,
        user_agent=info.user_agent,
    )


def record_sign_in_failure(
    *, username: str, reason: str, user: Any = None, action: str = "identity.login"
) -> FailedAccess:
    """Journal a failed sign-in step (G-5.12): wrong password, wrong MFA code, locked, bad token.

    `reason` is a short machine code ("bad_password", "unknown_account", "bad_mfa_code",
    "locked", "inactive", …); time, IP address and user agent come from the request context, the
    organization from the account's person. Call it outside any transaction the caller may roll
    back. A counted failure may lock the account, the address or both (`lockout.note_failure`).
    """
    from . import lockout

    info = current_request_info()
    known = user if getattr(user, "pk", None) else None
    row = FailedAccess.objects.create(
        at=timezone.now(),
        organization_id=organization_of_user(known),
        actor=known,
        actor_name=(username or "")[:150],
        action=action,
        reason=reason[:40],
        status=401,
        ip=info.ip,
        user_agent=info.user_agent,
    )
    lockout.note_failure(row)
    return row


def organization_of_user(user: Any) -> Any:
    """The organization of the account's person: the earliest active employment, else enrolment.

    None for accounts without a person or an active place (platform level).
    """
    from oqu.people.models import Employment, Enrolment

    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    for model in (Employment, Enrolment):
        org_id = (
            model.objects.filter(person_id=person_id, end_date__isnull=True)
            .order_by("start_date", "pk")
            .values_list("organization_id", flat=True)
            .first()
        )
        if org_id:
            return org_id
    return None


def record_security_event(
    *,
    kind: str,
    summary: str,
    severity: str = SecurityEvent.Severity.WARNING,
    details: dict[str, Any] | None = None,
    user: Any = None,
    username: str = "",
    organization_id: Any = None,
) -> SecurityEvent:
    """Collect a security event in the one place administrators watch (G-5.20).

    Written in its own statement: call it after a denial, too, when the caller's transaction rolls
    back. Time, IP address and user agent come from the request context when there is one.
    """
    info = current_request_info()
    event = SecurityEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        severity=severity,
        summary=str(summary)[:300],
        details=_jsonable(details or {}),
        user=user if getattr(user, "pk", None) else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        organization_id=organization_id,
        ip=info.ip,
        user_agent=info.user_agent,
    )
    if event.severity == SecurityEvent.Severity.CRITICAL:
        _notify_platform_administrators(event)
    return event


def platform_administrators() -> Any:
    """Active superusers and holders of an active `platform_admin` grant."""
    from django.contrib.auth import get_user_model

    from oqu.access.models import Grant

    now = timezone.now()
    holders = (
        Grant.objects.filter(role__code="platform_admin", role__is_active=True, valid_from__lte=now)
        .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=now))
        .values("user_id")
    )
    return get_user_model().objects.filter(
        models.Q(is_superuser=True) | models.Q(pk__in=holders), is_active=True
    )


def _notify_platform_administrators(event: SecurityEvent) -> None:
    """A critical event reaches every platform administrator in the app and by e-mail (G-5.20)."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext

    from oqu.notifications.services import EMAIL, IN_APP, notification_send

    link = reverse("audit:security_events") + f"?kind={event.kind}"
    for admin in platform_administrators():
        with translation.override(getattr(admin, "language", None) or "kk"):
            notification_send(
                user=admin,
                topic="security",
                subject=gettext("Critical security event: %(kind)s") % {"kind": event.kind},
                body=event.summary,
                link=link,
                channels=(IN_APP, EMAIL),
            )
