"""Web page of the preschool demand forecast (MAP-AI-02), under /forecast/."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oqu.audit import journal
from oqu.kernel.errors import Forbidden, NotFound
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import presenters, selectors
from .chart import demand_chart
from .exports import forecast_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _territory(request: HttpRequest, actor: Any) -> Any:
    if not actor.is_platform_admin and not actor.paths_for(selectors.VIEW):
        raise Forbidden()
    raw = request.GET.get("territory")
    if raw:
        try:
            territory_id = UUID(raw)
        except ValueError:
            raise NotFound() from None
        return selectors.territory_get(actor, territory_id)
    territory = selectors.default_territory(actor)
    if territory is None:
        raise NotFound()
    return territory


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    territory = _territory(request, actor)
    data = presenters.forecast_data(selectors.territory_forecast(actor, territory))
    chart = demand_chart(
        [(y["year"], y["demand"], y["capacity"]) for y in data["total"]],
        title=_("Demand for preschool places and capacity: %(name)s") % {"name": territory.name},
        demand_label=_("Demand"),
        capacity_label=_("Capacity"),
    )
    return render(
        request,
        "forecast/index.html",
        {
            "section": "forecast",
            "data": data,
            "chart": chart,
            "territory": territory,
            "territories": list(selectors.territories(actor)[:300]),
        },
    )


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    territory = _territory(request, actor)
    data = presenters.forecast_data(selectors.territory_forecast(actor, territory))
    journal.record(
        actor=actor,
        action="forecast.export",
        target=territory,
        organization_id=territory.pk,
        after={"format": "xlsx", "districts": len(data["districts"])},
    )
    response = HttpResponse(forecast_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="preschool-demand-forecast.xlsx"'
    return response
