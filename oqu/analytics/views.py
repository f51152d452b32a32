"""Web pages of learning analytics (under /analytics/): a unit's or a class's quality of knowledge,
success and attendance as server-drawn charts, each with its table, and the XLSX download.

Thin: the selectors count and check scope, the services export and journal.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oqu.audit.xlsx import xlsx_response
from oqu.orgs.models import Unit
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .charts import Series, percent_bars


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _name(line: selectors.Line, language: str) -> str:
    return line.name_kk if language == "kk" and line.name_kk else line.name


def _charts(report: selectors.LearningReport, language: str) -> dict[str, Any]:
    period = report.period
    marks = [Series(_("Quality of knowledge"), "bar-quality"), Series(_("Success"), "bar-success")]
    attendance = [Series(_("Attendance"), "bar-attendance")]
    subject_lines = [line for line in report.subjects if line.has_data(period)]
    charts = {
        "subject_marks": percent_bars(
            "chart-subject-marks",
            _("Quality of knowledge and success by subject, %"),
            [
                (
                    _name(line, language),
                    [line.mark(period).quality_percent, line.mark(period).success_percent],
                )
                for line in subject_lines
            ],
            marks,
        ),
        "subject_attendance": percent_bars(
            "chart-subject-attendance",
            _("Attendance by subject, %"),
            [
                (_name(line, language), [line.attendance_in(period).percent])
                for line in subject_lines
            ],
            attendance,
        ),
    }
    if report.breakdown:
        charts["breakdown"] = percent_bars(
            "chart-breakdown",
            _("Quality of knowledge, success and attendance by unit, %"),
            [
                (
                    line.name,
                    [
                        line.mark(period).quality_percent,
                        line.mark(period).success_percent,
                        line.attendance_in(period).percent,
                    ],
                )
                for line in report.breakdown
            ],
            [*marks, *attendance],
        )
    return charts


def _page(request: HttpRequest, target: selectors.Target, xlsx_url: str) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.learning_report(
        actor, target, year=request.GET.get("year"), period=request.GET.get("period")
    )
    language = _language()
    context = {
        "section": "analytics",
        "report": report,
        "target": target,
        "language": language,
        "charts": _charts(report, language),
        "subject_rows": [
            (_name(line, language), line.mark(report.period), line.attendance_in(report.period))
            for line in report.subjects
            if line.has_data(report.period)
        ],
        "breakdown_rows": [
            (line.key, line.name, line.mark(report.period), line.attendance_in(report.period))
            for line in report.breakdown
        ],
        "period_rows": [
            (label, report.total.mark(code), report.total.attendance_in(code))
            for code, label in report.periods
            if report.total.has_data(code)
        ],
        "matrix": _period_matrix(report, language),
        "period_label": selectors.PERIOD_LABELS[report.period],
        "xlsx_url": f"{xlsx_url}?year={report.year}",
        "breakdown_url": _breakdown_url(report),
    }
    return render(request, "analytics/report.html", context)


def _period_matrix(report: selectors.LearningReport, language: str) -> dict[str, Any]:
    """Subjects × periods holding data: quality and success per cell (the "by period" view)."""
    codes = report.periods_with_data
    return {
        "periods": [selectors.PERIOD_LABELS[code] for code in codes],
        "rows": [
            (_name(line, language), [line.marks.get(code) for code in codes])
            for line in report.subjects
        ],
    }


def _breakdown_url(report: selectors.LearningReport) -> str:
    """The URL pattern name of a unit below (a class or a unit), for the links of the breakdown."""
    return "analytics:class" if report.breakdown_kind == "class" else "analytics:unit"


def _download(request: HttpRequest, target: selectors.Target, name: str) -> HttpResponse:
    actor = actor_of(request)
    report = selectors.learning_report(actor, target, year=request.GET.get("year"))
    content = services.report_export(actor=actor, report=report, language=_language())
    return xlsx_response(content, f"analytics-{name}-{report.year or 'empty'}.xlsx")


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The units where the actor may look at analytics; straight to it when there is one."""
    actor = actor_of(request)
    if actor.is_platform_admin:
        units = list(Unit.objects.filter(parent__isnull=True))
    else:
        paths = set(actor.paths_for(selectors.VIEW)) | set(actor.paths_for(selectors.VIEW_OWN))
        units = list(Unit.objects.filter(path__in=paths).order_by("path"))
    if len(units) == 1:
        return redirect(reverse("analytics:unit", args=[units[0].pk]))
    return render(request, "analytics/start.html", {"section": "analytics", "units": units})


@require_GET
@login_required
def unit_report(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    target = selectors.target_for_unit(actor_of(request), unit_id)
    return _page(request, target, reverse("analytics:unit_xlsx", args=[unit_id]))


@require_GET
@login_required
def unit_xlsx(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    target = selectors.target_for_unit(actor_of(request), unit_id)
    return _download(request, target, "unit")


@require_GET
@login_required
def class_report(request: HttpRequest, class_id: UUID) -> HttpResponse:
    target = selectors.target_for_class(actor_of(request), class_id)
    return _page(request, target, reverse("analytics:class_xlsx", args=[class_id]))


@require_GET
@login_required
def class_xlsx(request: HttpRequest, class_id: UUID) -> HttpResponse:
    target = selectors.target_for_class(actor_of(request), class_id)
    return _download(request, target, "class")
