"""Sign-in lockout (G-5.12): rate limits per account, per account and address, per address.

Failures are the `FailedAccess` rows of the sign-in steps (password form, OAuth2 password grant,
MFA code), counted in sliding windows. Three locks, each with its own threshold:

* **pair** — one account from one address: a few failures lock that pair for a short time. It
  stops guessing from one place and touches nobody else.
* **account** — one account from many addresses: more failures lock the account for a time that
  doubles with each repeat within the escalation period and is capped. It does **not** apply at
  the account's familiar addresses (`SignInOrigin`: a successful sign-in there lately).
* **address** — one address against many accounts (password spraying): throttles that address,
  again not for accounts that are familiar with it (a school's shared NAT keeps working).

Why an attacker cannot lock a user out forever: attempts refused because of a lock are recorded
(reason `locked`) but never counted, so hammering a locked account does not extend the lock;
every lock lasts at most its (capped) duration, and counting restarts when a lock ends or is
released; and the account and address locks never reach the user's familiar addresses at all,
where only the user's own pair lock (≤ its window) can apply.

The thresholds are data: the effective-dated rule set `identity.signin.lockout`
(`kernel.RuleSet`). A security policy changes by order, and the journal must show which limits
were in force when an account was locked; `DEFAULT_RULES` is the first edition (seeded by a
migration) and the fallback when no edition is in force, so sign-in never fails on missing data.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.kernel.context import current_request_info
from oqu.kernel.errors import NotFound
from oqu.kernel.rules import rule_value

from .models import FailedAccess, SecurityEvent, SignInLock, SignInOrigin

logger = logging.getLogger(__name__)

RULE_CODE = "identity.signin.lockout"
DEFAULT_RULES: dict[str, int] = {
    "pair_failures": 5,
    "pair_window_minutes": 15,
    "pair_lock_minutes": 15,
    "account_failures": 10,
    "account_window_minutes": 60,
    "account_lock_minutes": 15,
    "account_lock_max_minutes": 120,
    "escalation_hours": 24,
    "address_failures": 30,
    "address_window_minutes": 10,
    "address_lock_minutes": 15,
    "familiar_days": 90,
}

# The sign-in steps whose failures count; their rows are written by `journal.record_sign_in_failure`.
SIGN_IN_ACTIONS = ("identity.login", "identity.mfa", "identity.token")
# Reasons that are recorded but never counted: a refused attempt during a lock (else an attacker
# could keep the lock alive) and a right password for a blocked account (not a guess).
NOT_COUNTED = ("locked", "inactive")


def account_key(username: str) -> str:
    """allauth matches usernames case-insensitively; so do the locks."""
    return (username or "").strip().lower()[:150]


def rules(now: dt.datetime | None = None) -> dict[str, int]:
    """The limits in force today (the rule set), completed by the defaults."""
    today = timezone.localdate(now or timezone.now())
    try:
        value = rule_value(RULE_CODE, today)
    except NotFound:
        logger.warning("no %s rule set in force; using the defaults", RULE_CODE)
        value = {}
    return {**DEFAULT_RULES, **{k: int(v) for k, v in (value or {}).items() if k in DEFAULT_RULES}}


@dataclass(frozen=True)
class Lock:
    """Why and until when a sign-in attempt is refused."""

    until: dt.datetime
    kinds: tuple[str, ...]

    def retry_after(self, now: dt.datetime | None = None) -> int:
        """Whole seconds to wait (at least one), for `Retry-After`."""
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, int(seconds + 0.999))

    def minutes(self, now: dt.datetime | None = None) -> int:
        return max(1, (self.retry_after(now) + 59) // 60)


def is_familiar(username: str, ip: str | None, now: dt.datetime | None = None) -> bool:
    """Whether the account signed in successfully from `ip` within the familiar period."""
    if not ip:
        return False
    now = now or timezone.now()
    since = now - dt.timedelta(days=rules(now)["familiar_days"])
    return SignInOrigin.objects.filter(
        user__username__iexact=account_key(username), ip=ip, last_at__gte=since
    ).exists()


def current_lock(
    username: str, ip: str | None = None, now: dt.datetime | None = None
) -> Lock | None:
    """The lock refusing a sign-in of `username` from `ip` now, or None (one or two queries)."""
    now = now or timezone.now()
    key = account_key(username)
    if ip is None:
        ip = current_request_info().ip
    matching = Q(kind=SignInLock.Kind.ACCOUNT, username=key)
    if ip:
        matching |= Q(kind=SignInLock.Kind.PAIR, username=key, ip=ip)
        matching |= Q(kind=SignInLock.Kind.ADDRESS, ip=ip)
    active = list(
        SignInLock.objects.filter(matching, until__gt=now, released_at__isnull=True).values_list(
            "kind", "until"
        )
    )
    if not active:
        return None
    if any(kind != SignInLock.Kind.PAIR for kind, _until in active) and is_familiar(key, ip, now):
        active = [(kind, until) for kind, until in active if kind == SignInLock.Kind.PAIR]
        if not active:
            return None
    return Lock(until=max(until for _kind, until in active), kinds=tuple(k for k, _u in active))


def counted_failures() -> Any:
    return FailedAccess.objects.filter(action__in=SIGN_IN_ACTIONS).exclude(reason__in=NOT_COUNTED)


def _count_since(filters: Q, since: dt.datetime) -> int:
    return counted_failures().filter(filters, at__gte=since).count()


def _latest(kind: str, **match: Any) -> SignInLock | None:
    return SignInLock.objects.filter(kind=kind, **match).order_by("-started_at").first()


def _window_start(
    kind: str, window: dt.timedelta, now: dt.datetime, **match: Any
) -> dt.datetime | None:
    """Where counting starts: the window, or the end of the last lock if later; None while locked.

    Counting restarts after a lock ends or is released, so the failures that caused one lock never
    cause the next by themselves.
    """
    latest = _latest(kind, **match)
    start = now - window
    if latest is None:
        return start
    if latest.ends_at > now:
        return None  # locked already
    return max(start, latest.ends_at)


def note_failure(row: FailedAccess) -> list[SignInLock]:
    """After a counted failure, lock what crossed its threshold; raise a security event each."""
    if row.action not in SIGN_IN_ACTIONS or row.reason in NOT_COUNTED:
        return []
    now = row.at
    limits = rules(now)
    key = account_key(row.actor_name)
    created: list[SignInLock] = []
    minute = dt.timedelta(minutes=1)
    if key and row.ip:
        created += _maybe_lock(
            row,
            SignInLock.Kind.PAIR,
            Q(actor_name__iexact=key, ip=row.ip),
            limits["pair_failures"],
            limits["pair_window_minutes"] * minute,
            lambda _level: limits["pair_lock_minutes"] * minute,
            username=key,
            ip=row.ip,
        )
    if key:
        created += _maybe_lock(
            row,
            SignInLock.Kind.ACCOUNT,
            Q(actor_name__iexact=key),
            limits["account_failures"],
            limits["account_window_minutes"] * minute,
            lambda level: (
                min(limits["account_lock_minutes"] * 2**level, limits["account_lock_max_minutes"])
                * minute
            ),
            username=key,
            escalation=dt.timedelta(hours=limits["escalation_hours"]),
        )
    if row.ip:
        created += _maybe_lock(
            row,
            SignInLock.Kind.ADDRESS,
            Q(ip=row.ip),
            limits["address_failures"],
            limits["address_window_minutes"] * minute,
            lambda _level: limits["address_lock_minutes"] * minute,
            ip=row.ip,
        )
    return created


def _maybe_lock(
    row: FailedAccess,
    kind: str,
    failures_of: Q,
    threshold: int,
    window: dt.timedelta,
    duration: Any,
    *,
    username: str = "",
    ip: str | None = None,
    escalation: dt.timedelta | None = None,
) -> list[SignInLock]:
    now = row.at
    match: dict[str, Any] = {}
    if kind != SignInLock.Kind.ADDRESS:
        match["username"] = username
    if kind != SignInLock.Kind.ACCOUNT:
        match["ip"] = ip
    start = _window_start(kind, window, now, **match)
    if start is None:
        return []
    failures = _count_since(failures_of, start)
    if failures < threshold:
        return []
    level = 0
    if escalation is not None:
        level = SignInLock.objects.filter(
            kind=kind, started_at__gt=now - escalation, **match
        ).count()
    lock = SignInLock.objects.create(
        kind=kind,
        username=username,
        ip=ip,
        user=row.actor if kind != SignInLock.Kind.ADDRESS else None,
        organization_id=row.organization_id if kind != SignInLock.Kind.ADDRESS else None,
        started_at=now,
        until=now + duration(level),
        level=level,
        failures=failures,
    )
    _raise_lockout_event(lock, row)
    return [lock]


LOCK_SUMMARIES = {
    SignInLock.Kind.PAIR: _("Sign-in locked for an account from one address"),
    SignInLock.Kind.ACCOUNT: _("Account locked after failures from several addresses"),
    SignInLock.Kind.ADDRESS: _("Address throttled after failures on several accounts"),
}


def _raise_lockout_event(lock: SignInLock, row: FailedAccess) -> None:
    from .journal import record_security_event

    record_security_event(
        kind="lockout",
        summary=str(LOCK_SUMMARIES[lock.kind]),
        severity=SecurityEvent.Severity.WARNING,
        user=row.actor if lock.kind != SignInLock.Kind.ADDRESS else None,
        username=lock.username,
        organization_id=lock.organization_id,
        details={
            "lock": str(lock.pk),
            "kind": lock.kind,
            "address": lock.ip,
            "failures": lock.failures,
            "level": lock.level,
            "until": lock.until,
        },
    )


def note_success(user: Any, ip: str | None, now: dt.datetime | None = None) -> None:
    """Remember `ip` as a familiar address of `user` after a complete sign-in."""
    if not ip or not getattr(user, "pk", None):
        return
    now = now or timezone.now()
    updated = SignInOrigin.objects.filter(user=user, ip=ip).update(last_at=now)
    if not updated:
        SignInOrigin.objects.get_or_create(
            user=user, ip=ip, defaults={"first_at": now, "last_at": now}
        )


LOCKED_MESSAGE = _(
    "Too many failed sign-in attempts. Sign-in is locked for %(minutes)s min.; try again later."
)


def locked_message(lock: Lock) -> str:
    return str(LOCKED_MESSAGE) % {"minutes": lock.minutes()}
