"""`/api/v1/ops/integrity-checks`: the integrity checks of the installed files (G-5.17)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate

from . import selectors, services
from .models import IntegrityCheck

router = Router()


class IntegrityCheckOut(Schema):
    id: UUID
    at: dt.datetime
    result: str
    ok: bool
    trigger: str
    started_by: str
    files_checked: int
    changed: list[str]
    missing: list[str]
    added: list[str]
    manifest_created_at: dt.datetime | None
    authenticated: bool
    duration_ms: int


class IntegrityCheckFilter(PageQuery):
    failed_only: bool = False


@router.get(
    "/ops/integrity-checks",
    response={200: page_of(IntegrityCheckOut), **LIST_ERRORS},
    tags=["ops"],
)
def integrity_check_list(request: HttpRequest, filters: Query[IntegrityCheckFilter]) -> Any:
    """Every run of the integrity check, newest first (`failed_only` keeps the failures)."""
    qs = selectors.integrity_check_list(actor(request), failed_only=filters.failed_only)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, order_field="-at")


@router.get(
    "/ops/integrity-checks/{check_id}",
    response={200: IntegrityCheckOut, **READ_ERRORS},
    tags=["ops"],
)
def integrity_check_detail(request: HttpRequest, check_id: UUID) -> Any:
    return selectors.integrity_check_get(actor(request), check_id)


@router.post(
    "/ops/integrity-checks",
    response={201: IntegrityCheckOut, **WRITE_ERRORS},
    tags=["ops"],
)
def integrity_check_start(request: HttpRequest) -> Any:
    """Run a check now; a failure raises a critical security event like the scheduled check."""
    check = services.integrity_check_run(trigger=IntegrityCheck.Trigger.WEB, actor=actor(request))
    return 201, check
