"""Writes of the audit app: an administrator releases a sign-in lock early (G-5.12)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Conflict

from . import journal
from .models import SecurityEvent, SignInLock
from .selectors import UNLOCK


def _unit_of(lock: SignInLock):  # type: ignore[no-untyped-def]
    """The account's organization; locks without one (addresses, unknown accounts) are the
    platform administrator's to release (checked on the republic)."""
    from oqu.orgs.models import Unit

    return lock.organization or Unit.objects.get(kind=Unit.Kind.REPUBLIC)


@transaction.atomic
def sign_in_lock_release(*, actor: Actor, lock: SignInLock) -> SignInLock:
    """End a lock now: counting of failures restarts for what it covered. Journaled."""
    scope.require(actor, UNLOCK, _unit_of(lock), target=lock, target_visible=True)
    lock = SignInLock.objects.select_for_update().get(pk=lock.pk)
    now = timezone.now()
    if lock.released_at is not None or lock.until <= now:
        raise Conflict(_("This lock has already ended."), code="lock_not_active")
    lock.released_at = now
    lock.released_by = actor.user
    lock.released_by_name = actor.user.get_username()
    lock.save(update_fields=["released_at", "released_by", "released_by_name"])
    journal.record(
        actor=actor,
        action="audit.signin.unlock",
        target=lock,
        before={"released_at": None, "until": lock.until},
        after={"released_at": now, "kind": lock.kind, "account": lock.username, "ip": lock.ip},
    )
    journal.record_security_event(
        kind="lockout_released",
        summary=_("Sign-in lock released by an administrator"),
        severity=SecurityEvent.Severity.INFO,
        user=lock.user if lock.user_id else None,
        username=lock.username,
        organization_id=lock.organization_id,
        details={"lock": lock.pk, "kind": lock.kind, "address": lock.ip, "by": actor.user.username},
    )
    return lock
