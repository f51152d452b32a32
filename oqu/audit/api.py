"""Journal endpoints: verification of the hash chains (G-5.16)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from oqu.apikit import READ_ERRORS, actor
from oqu.orgs.selectors import unit_get

from . import selectors

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
    broken = [r for r in reports if not r.ok]
    return {
        "ok": not broken,
        "chains": len(reports),
        "rows": sum(r.rows for r in reports),
        "broken": [r.__dict__ for r in broken],
    }
