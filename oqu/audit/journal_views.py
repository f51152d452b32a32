"""Web pages of the journal viewer (G-5.13) and usage reports (G-5.15). Thin: parse, call the
scoped selectors and services, render. Domain errors become the translated error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.apikit import paginate
from oqu.kernel.errors import DomainError, ValidationError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import journal_selectors as selectors
from . import usage
from .journal_services import export_limit, journal_export
from .models import UsageReport
from .xlsx import xlsx_response

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("Enter dates as YYYY-MM-DD."), code="date_invalid", fields={field: ["invalid"]}
        ) from None


def _uuid(value: str, field: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise ValidationError(code="id_invalid", fields={field: ["invalid"]}) from None


def _journal_filter(request: HttpRequest) -> selectors.JournalFilter:
    params = request.GET
    return selectors.make_filter(
        actor_of(request),
        date_from=_date(params.get("date_from", ""), "date_from"),
        date_to=_date(params.get("date_to", ""), "date_to"),
        user_id=_uuid(params.get("user", ""), "user"),
        action=params.get("action", "")[:SEARCH_MAX_LENGTH],
        target_type=params.get("target_type", "")[:SEARCH_MAX_LENGTH],
        target_id=params.get("target_id", "")[:64],
        organization_id=_uuid(params.get("organization", ""), "organization"),
    )


def _user_choices(request: HttpRequest, selected: UUID | None) -> list[Any]:
    """Accounts matching the picker's search; the selected one stays listed."""
    search = request.GET.get("user_q", "")[:SEARCH_MAX_LENGTH]
    return selectors.journal_users(actor_of(request), search, include=selected)


def _unit_choices(actor: Any, selected: Any) -> list[Any]:
    """The units offered for narrowing, with the chosen one kept even when it lies deeper."""
    units = selectors.journal_units(actor)
    if selected is not None and selected not in units:
        units.insert(0, selected)
    return units


@require_GET
@login_required
def journal_page(request: HttpRequest) -> HttpResponse:
    """The action journal for a chosen user over a chosen period, with filters and a diff."""
    actor = actor_of(request)
    selectors.require_journal_access(actor)
    filters = _journal_filter(request)
    page = paginate(
        selectors.journal_rows(actor, filters),
        cursor=request.GET.get("cursor") or None,
        limit=PAGE_SIZE,
        order_field="-at",
        serialize=lambda row: {"row": row, "changes": selectors.changes(row)},
    )
    return render(
        request,
        "audit/journal.html",
        {
            "section": "journal",
            "filters": filters,
            "entries": page["items"],
            "next_cursor": page["next_cursor"],
            "is_first_page": not request.GET.get("cursor"),
            "users": _user_choices(request, filters.user_id),
            "units": _unit_choices(actor, filters.organization),
            "user_q": request.GET.get("user_q", "")[:SEARCH_MAX_LENGTH],
            "export_limit": export_limit(),
        },
    )


@require_GET
@login_required
def journal_user_options(request: HttpRequest) -> HttpResponse:
    """The options of the user picker, filtered by username or name (HTMX)."""
    actor = actor_of(request)
    selectors.require_journal_access(actor)
    selected = _uuid(request.GET.get("user", ""), "user")
    return render(
        request,
        "audit/_user_options.html",
        {"users": _user_choices(request, selected), "selected": selected},
    )


@require_GET
@login_required
def journal_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered journal as XLSX; above the bound, the page says why instead."""
    actor = actor_of(request)
    try:
        content, _count = journal_export(actor=actor, filters=_journal_filter(request))
    except ValidationError as error:
        if error.code != "export_too_large":
            raise
        messages.error(request, str(error.message))
        return redirect(f"{reverse('audit_web:journal')}?{request.GET.urlencode()}")
    return xlsx_response(content, "journal.xlsx")


# -- usage reports ---------------------------------------------------------------------------


def _report_params(data: Any) -> dict[str, Any]:
    start, end = selectors.default_period()
    return {
        "grouping": data.get("grouping") or UsageReport.Grouping.SUBSYSTEM,
        "date_from": _date(data.get("date_from", ""), "date_from") or start,
        "date_to": _date(data.get("date_to", ""), "date_to") or end,
        "organization_id": _uuid(data.get("organization", ""), "organization"),
    }


def _organization(request: HttpRequest, organization_id: UUID | None) -> Any:
    if organization_id is None:
        return None
    return selectors.make_filter(actor_of(request), organization_id=organization_id).organization


@require_http_methods(["GET", "POST"])
@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """Run a usage report ad hoc, save it, and list the saved ones."""
    actor = actor_of(request)
    selectors.require_journal_access(actor)
    data = request.POST if request.method == "POST" else request.GET
    params = _report_params(data)
    organization = _organization(request, params.pop("organization_id"))
    error = None
    if request.method == "POST":
        try:
            report = usage.usage_report_save(
                actor=actor, name=data.get("name", ""), organization=organization, **params
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The report has been saved."))
            return redirect("audit_web:report", report_id=report.pk)
    result = None
    if data.get("grouping") and error is None:
        result = usage.usage_run(actor, organization=organization, **params)
    return render(
        request,
        "audit/reports.html",
        {
            "section": "journal",
            "reports": list(usage.usage_report_list(actor)),
            "params": params,
            "organization": organization,
            "groupings": UsageReport.Grouping.choices,
            "units": _unit_choices(actor, organization),
            "result": result,
            "error": error,
            "name": data.get("name", ""),
        },
        status=400 if error is not None else 200,
    )


@require_GET
@login_required
def report_page(request: HttpRequest, report_id: UUID) -> HttpResponse:
    """A saved report, run again now: chart and table."""
    actor = actor_of(request)
    report = usage.usage_report_get(actor, report_id)
    return render(
        request,
        "audit/report.html",
        {"section": "journal", "report": report, "result": usage.usage_report_run(actor, report)},
    )


@require_GET
@login_required
def report_xlsx(request: HttpRequest, report_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    report = usage.usage_report_get(actor, report_id)
    result = usage.usage_report_run(actor, report)
    return xlsx_response(
        usage.usage_xlsx(actor=actor, result=result, name=report.name), "usage.xlsx"
    )


@require_POST
@login_required
def report_delete(request: HttpRequest, report_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    usage.usage_report_delete(actor=actor, report=usage.usage_report_get(actor, report_id))
    messages.success(request, _("The report has been deleted."))
    return redirect("audit_web:reports")
