"""The journal viewer and usage reports over HTTP (G-5.13, G-5.15).

`GET /audit/journal` pages through the action journal for a chosen user over a chosen period
(newest first, keyset cursor); `/audit/journal/export` gives the same rows as XLSX (journaled).
`/audit/usage` computes a report ad hoc; `/audit/reports` keeps saved ones, re-run on demand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate

from . import journal_selectors as selectors
from . import usage
from .journal_services import journal_export
from .models import ActionRecord
from .xlsx import XLSX_CONTENT_TYPE, xlsx_response

router = Router()

XLSX_RESPONSE = {
    "description": "An XLSX workbook.",
    "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


class JournalFilter(Schema):
    user: UUID | None = Field(None, description="The acting account (see /audit/journal/users).")
    date_from: dt.date | None = Field(None, description="First day; default: 29 days ago.")
    date_to: dt.date | None = Field(None, description="Last day, inclusive; default: today.")
    action: str = Field(
        "", max_length=100, description="An action code, or a prefix ending in '.' (people.)."
    )
    target_type: str = Field("", max_length=100, description="e.g. people.person")
    target_id: str = Field("", max_length=64)
    organization: UUID | None = Field(None, description="Only this unit's subtree.")


class ChangeOut(Schema):
    field: str
    before: str
    after: str
    changed: bool


class JournalEntryOut(Schema):
    id: UUID
    at: dt.datetime
    actor_id: UUID | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    organization_id: UUID | None
    organization_name: str | None
    before: Any = None
    after: Any = None
    changes: list[ChangeOut]
    ip: str | None
    user_agent: str


class JournalUserOut(Schema):
    id: UUID
    username: str
    full_name: str


def _filter_of(request: HttpRequest, query: JournalFilter) -> selectors.JournalFilter:
    return selectors.make_filter(
        actor(request),
        date_from=query.date_from,
        date_to=query.date_to,
        user_id=query.user,
        action=query.action,
        target_type=query.target_type,
        target_id=query.target_id,
        organization_id=query.organization,
    )


def _entry(row: ActionRecord) -> dict[str, Any]:
    return {
        "id": row.pk,
        "at": row.at,
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "target_repr": row.target_repr,
        "organization_id": row.organization_id,
        "organization_name": row.organization.name if row.organization_id else None,
        "before": row.before,
        "after": row.after,
        "changes": [change.__dict__ for change in selectors.changes(row)],
        "ip": row.ip,
        "user_agent": row.user_agent,
    }


@router.get(
    "/audit/journal",
    response={200: page_of(JournalEntryOut), **LIST_ERRORS},
    tags=["audit"],
)
def journal_list(
    request: HttpRequest, filters: Query[JournalFilter], page: Query[PageQuery]
) -> Any:
    """The action journal in your scope for a chosen user over a chosen period, newest first."""
    who = actor(request)
    selectors.require_journal_access(who)
    rows = selectors.journal_rows(who, _filter_of(request, filters))
    return paginate(rows, cursor=page.cursor, limit=page.limit, order_field="-at", serialize=_entry)


@router.get(
    "/audit/journal/export",
    response={200: Any, **LIST_ERRORS},
    openapi_extra={"responses": {"200": XLSX_RESPONSE}},
    tags=["audit"],
)
def journal_export_xlsx(request: HttpRequest, filters: Query[JournalFilter]) -> Any:
    """The same rows as an XLSX workbook (bounded; the export is journaled)."""
    content, _count = journal_export(actor=actor(request), filters=_filter_of(request, filters))
    return xlsx_response(content, "journal.xlsx")


@router.get(
    "/audit/journal/users",
    response={200: list[JournalUserOut], **READ_ERRORS},
    tags=["audit"],
)
def journal_user_choices(
    request: HttpRequest, q: str = Query("", max_length=100, description="Username or name.")
) -> Any:
    """Accounts you may pick in the viewer (at most 20), by username or the start of a name."""
    who = actor(request)
    selectors.require_journal_access(who)
    return [
        {
            "id": user.pk,
            "username": user.username,
            "full_name": user.person.full_name() if user.person_id else "",
        }
        for user in selectors.journal_users(who, q)
    ]


# -- usage reports (G-5.15) ------------------------------------------------------------------


class UsageQuery(Schema):
    grouping: str = Field("subsystem", description="subsystem, role or user")
    date_from: dt.date
    date_to: dt.date
    organization: UUID | None = Field(None, description="Only this unit's subtree.")


class UsageRowOut(Schema):
    key: str
    label: str
    logins: int
    actions: int
    active_users: int


class UsageOut(Schema):
    grouping: str
    date_from: dt.date
    date_to: dt.date
    organization_id: UUID | None
    rows: list[UsageRowOut]
    totals: UsageRowOut
    truncated: bool


class UsageReportIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    grouping: str = Field(..., description="subsystem, role or user")
    date_from: dt.date
    date_to: dt.date
    organization: UUID | None = None


class UsageReportOut(Schema):
    id: UUID
    name: str
    grouping: str
    date_from: dt.date
    date_to: dt.date
    organization_id: UUID | None
    created_at: dt.datetime


def _organization(request: HttpRequest, organization_id: UUID | None) -> Any:
    if organization_id is None:
        return None
    return selectors.make_filter(actor(request), organization_id=organization_id).organization


def _usage_out(result: usage.UsageResult) -> dict[str, Any]:
    return {
        "grouping": result.grouping,
        "date_from": result.date_from,
        "date_to": result.date_to,
        "organization_id": result.organization.pk if result.organization else None,
        "rows": [row.__dict__ for row in result.rows],
        "totals": result.totals.__dict__,
        "truncated": result.truncated,
    }


@router.get("/audit/usage", response={200: UsageOut, **READ_ERRORS}, tags=["audit"])
def usage_report(request: HttpRequest, query: Query[UsageQuery]) -> Any:
    """Sign-ins, actions and active users over a period, grouped by subsystem, role or user."""
    who = actor(request)
    result = usage.usage_run(
        who,
        grouping=query.grouping,
        date_from=query.date_from,
        date_to=query.date_to,
        organization=_organization(request, query.organization),
    )
    return _usage_out(result)


@router.get(
    "/audit/reports", response={200: page_of(UsageReportOut), **LIST_ERRORS}, tags=["audit"]
)
def usage_reports(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Your saved usage reports."""
    return paginate(
        usage.usage_report_list(actor(request)),
        cursor=page.cursor,
        limit=page.limit,
        order_field="-created_at",
    )


@router.post("/audit/reports", response={201: UsageReportOut, **WRITE_ERRORS}, tags=["audit"])
def usage_report_create(request: HttpRequest, payload: UsageReportIn) -> Any:
    """Save a report's parameters (name, grouping, period, organization subtree)."""
    who = actor(request)
    report = usage.usage_report_save(
        actor=who,
        name=payload.name,
        grouping=payload.grouping,
        date_from=payload.date_from,
        date_to=payload.date_to,
        organization=_organization(request, payload.organization),
    )
    return 201, report


@router.get(
    "/audit/reports/{report_id}", response={200: UsageReportOut, **READ_ERRORS}, tags=["audit"]
)
def usage_report_detail(request: HttpRequest, report_id: UUID) -> Any:
    return usage.usage_report_get(actor(request), report_id)


@router.delete("/audit/reports/{report_id}", response={204: None, **WRITE_ERRORS}, tags=["audit"])
def usage_report_remove(request: HttpRequest, report_id: UUID) -> Any:
    who = actor(request)
    usage.usage_report_delete(actor=who, report=usage.usage_report_get(who, report_id))
    return 204, None


@router.get(
    "/audit/reports/{report_id}/run", response={200: UsageOut, **READ_ERRORS}, tags=["audit"]
)
def usage_report_rerun(request: HttpRequest, report_id: UUID) -> Any:
    """Run a saved report again, on the journal as it is now and with your current scope."""
    who = actor(request)
    return _usage_out(usage.usage_report_run(who, usage.usage_report_get(who, report_id)))


@router.get(
    "/audit/reports/{report_id}/xlsx",
    response={200: Any, **READ_ERRORS},
    openapi_extra={"responses": {"200": XLSX_RESPONSE}},
    tags=["audit"],
)
def usage_report_xlsx(request: HttpRequest, report_id: UUID) -> Any:
    """A saved report as an XLSX workbook (journaled as an export)."""
    who = actor(request)
    report = usage.usage_report_get(who, report_id)
    result = usage.usage_report_run(who, report)
    return xlsx_response(usage.usage_xlsx(actor=who, result=result, name=report.name), "usage.xlsx")
