"""`GET /api/v1/audit/dbms-events`: the DBMS-event journal (G-5.14), platform administrator only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oqu.apikit import LIST_ERRORS, PageQuery, actor, page_of, paginate

from . import dbms_selectors

router = Router()


class DbmsEventOut(Schema):
    id: UUID
    at: dt.datetime
    kind: str
    severity: str
    db_user: str
    database: str
    client: str
    session_id: str
    sqlstate: str
    message: str
    statement: str


class DbmsEventFilter(PageQuery):
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    user: str | None = None


@router.get(
    "/audit/dbms-events",
    response={200: page_of(DbmsEventOut), **LIST_ERRORS},
    tags=["audit"],
)
def dbms_events(request: HttpRequest, filters: Query[DbmsEventFilter]) -> Any:
    """PostgreSQL's connections, disconnections, failed authentications, DDL and errors, newest
    first; filter by `kind` (connection, disconnection, auth_failure, ddl, error, other), period
    (`since`, `until`: days, inclusive) and database `user`."""
    qs = dbms_selectors.dbms_event_list(
        actor(request),
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
        db_user=filters.user,
    )
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, order_field="-at")
