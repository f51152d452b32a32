"""Journal endpoints: verification of the hash chains (G-5.16), failed accesses (G-5.12),
security events (G-5.20) and sign-in locks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get

from . import integrity, selectors, services
from .models import FailedAccess, SecurityEvent, SignInLock

router = Router()


class ChainReportOut(Schema):
    chain: str
    rows: int
    ok: bool
    broken_seq: int | None = None
    broken_id: str | None = None
    reason: str = ""


class VerifyOut(Schema):
    ok: bool
    chains: int
    rows: int
    broken: list[ChainReportOut]


@router.get("/audit/verify", response={200: VerifyOut, **READ_ERRORS}, tags=["audit"])
def journal_verify(request: HttpRequest, organization: UUID | None = None) -> Any:
    """Recompute the hash chains of the action journal and name the first broken entry of each.

    With `organization`, that organization's chain (its head may ask); without it, every chain
    (republic level).
    """
    who = actor(request)
    org = unit_get(who, organization) if organization else None
    reports = selectors.journal_verify(who, organization=org)
    integrity.report_broken(reports)  # each new break is a critical security event (G-5.20)
    broken = [r for r in reports if not r.ok]
    return {
        "ok": not broken,
        "chains": len(reports),
        "rows": sum(r.rows for r in reports),
        "broken": [r.__dict__ for r in broken],
    }


# -- failed access, security events, sign-in locks (G-5.12, G-5.20) ----------------------------


class PeriodFilter(Schema):
    since: dt.datetime | None = Field(None, description="From this moment (inclusive).")
    until: dt.datetime | None = Field(None, description="Before this moment.")


class FailedAccessFilter(PeriodFilter):
    account: str = ""
    ip: str = ""
    reason: str = Field(
        "",
        description="bad_password, unknown_account, bad_mfa_code, locked, inactive, invalid_token, out_of_scope, …",
    )
    action: str = ""


class SecurityEventFilter(PeriodFilter):
    kind: str = ""
    severity: str = Field("", description="info, warning or critical")


class FailedAccessOut(Schema):
    """A failed sign-in step or a refused access: when, which account, from where, why."""

    id: UUID
    at: dt.datetime
    account: str = Field(..., description="The account tried (as typed for unknown accounts).")
    user_id: UUID | None = None
    action: str = Field(
        ...,
        description="identity.login, identity.mfa, identity.token, api.authenticate, or the capability refused",
    )
    reason: str
    status: int
    ip: str | None = None
    user_agent: str = ""
    organization_id: UUID | None = None
    organization_name: str | None = None
    target_type: str = ""
    target_id: str = ""


def _failed_access_out(row: FailedAccess) -> dict[str, Any]:
    return {
        "id": row.pk,
        "at": row.at,
        "account": row.actor_name,
        "user_id": row.actor_id,
        "action": row.action,
        "reason": row.reason,
        "status": row.status,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "organization_id": row.organization_id,
        "organization_name": row.organization.name if row.organization_id else None,
        "target_type": row.target_type,
        "target_id": row.target_id,
    }


class SecurityEventOut(Schema):
    id: UUID
    at: dt.datetime
    kind: str = Field(
        ...,
        description="lockout, lockout_released, grant, grant_revoked, integrity_failure, admin_login, …",
    )
    severity: str
    summary: str
    account: str = ""
    user_id: UUID | None = None
    organization_id: UUID | None = None
    organization_name: str | None = None
    ip: str | None = None
    user_agent: str = ""
    details: dict[str, Any]


def _security_event_out(row: SecurityEvent) -> dict[str, Any]:
    return {
        "id": row.pk,
        "at": row.at,
        "kind": row.kind,
        "severity": row.severity,
        "summary": row.summary,
        "account": row.username,
        "user_id": row.user_id,
        "organization_id": row.organization_id,
        "organization_name": row.organization.name if row.organization_id else None,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "details": row.details,
    }


class SignInLockOut(Schema):
    id: UUID
    kind: str = Field(..., description="pair (account from one address), account, address")
    account: str = ""
    ip: str | None = None
    organization_id: UUID | None = None
    started_at: dt.datetime
    until: dt.datetime
    level: int
    failures: int
    released_at: dt.datetime | None = None
    released_by: str = ""
    active: bool


def _lock_out(lock: SignInLock) -> dict[str, Any]:
    return {
        "id": lock.pk,
        "kind": lock.kind,
        "account": lock.username,
        "ip": lock.ip,
        "organization_id": lock.organization_id,
        "started_at": lock.started_at,
        "until": lock.until,
        "level": lock.level,
        "failures": lock.failures,
        "released_at": lock.released_at,
        "released_by": lock.released_by_name,
        "active": lock.released_at is None and lock.until > timezone.now(),
    }


@router.get(
    "/audit/failed-access",
    response={200: page_of(FailedAccessOut), **LIST_ERRORS},
    tags=["audit"],
)
def failed_access_list(
    request: HttpRequest, filters: Query[FailedAccessFilter], page: Query[PageQuery]
) -> Any:
    """Failed sign-ins (wrong password, unknown account, wrong MFA code, locked), invalid tokens and
    refused accesses within your scope, newest first (G-5.12). Filter by period (`since` ≤ at <
    `until`), account, IP address, reason and action."""
    rows = selectors.failed_access_list(actor(request), **filters.dict())
    return paginate(
        rows,
        cursor=page.cursor,
        limit=page.limit,
        order_field="-at",
        serialize=_failed_access_out,
    )


@router.get(
    "/audit/security-events",
    response={200: page_of(SecurityEventOut), **LIST_ERRORS},
    tags=["audit"],
)
def security_event_list(
    request: HttpRequest, filters: Query[SecurityEventFilter], page: Query[PageQuery]
) -> Any:
    """Security events in one place (G-5.20): lockouts, privilege grants and withdrawals, integrity
    failures, administrators' sign-ins, … within your scope, newest first."""
    rows = selectors.security_event_list(actor(request), **filters.dict())
    return paginate(
        rows,
        cursor=page.cursor,
        limit=page.limit,
        order_field="-at",
        serialize=_security_event_out,
    )


@router.get(
    "/audit/sign-in-locks",
    response={200: page_of(SignInLockOut), **LIST_ERRORS},
    tags=["audit"],
)
def sign_in_lock_list(request: HttpRequest, page: Query[PageQuery], active: bool = True) -> Any:
    """Sign-in locks of the accounts in your scope (the active ones unless `active=false`)."""
    rows = selectors.sign_in_lock_list(actor(request), active_only=active)
    return paginate(
        rows,
        cursor=page.cursor,
        limit=page.limit,
        order_field="-started_at",
        serialize=_lock_out,
    )


@router.post(
    "/audit/sign-in-locks/{lock_id}/release",
    response={200: SignInLockOut, **WRITE_ERRORS},
    tags=["audit"],
)
def sign_in_lock_release(request: HttpRequest, lock_id: UUID) -> Any:
    """Release a sign-in lock before it ends (journaled); failures are counted afresh."""
    who = actor(request)
    lock = selectors.sign_in_lock_get(who, lock_id)
    return _lock_out(services.sign_in_lock_release(actor=who, lock=lock))
