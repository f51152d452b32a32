"""The teaching load page of a school year and its XLSX export (SEC-27.13).

Holders of `profiles.load.view` see every teacher; a teacher sees their own load only.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from oqu.audit.xlsx import xlsx_response
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import load


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _teacher_filter(request: HttpRequest) -> UUID | None:
    raw = request.GET.get("teacher", "")
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return None


@require_GET
@login_required
def load_page(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = load.load_year_get(actor, year_id)
    language = _language()
    result = load.school_load(actor, year, teacher_id=_teacher_filter(request), language=language)
    return render(
        request,
        "school/load.html",
        {
            "section": "home",
            "unit": year.organization,
            "year": year,
            "result": result,
            "language": language,
            "rows": [
                {"row": row, "status_label": load.status_label(row.load.status)}
                for row in result.rows
            ],
        },
    )


@require_GET
@login_required
def load_xlsx(request: HttpRequest, year_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    year = load.load_year_get(actor, year_id)
    content = load.load_export(actor, year, language=_language())
    return xlsx_response(content, f"teaching-load-{year.name}.xlsx")
