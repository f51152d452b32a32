"""The preschool demand forecast over HTTP (MAP-AI-02), under /api/v1/forecast/."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema

from oqu.apikit import LIST_ERRORS, actor
from oqu.kernel.errors import Forbidden, NotFound

from . import presenters, selectors

router = Router(tags=["forecast"])


class AgeOut(Schema):
    age: int
    birth_cohort_ends: int
    children: float
    estimated: bool
    share: float
    demand: float


class YearOut(Schema):
    year: int
    school_year: str
    demand: float
    capacity: int
    gap: float
    ages: list[AgeOut]


class DistrictOut(Schema):
    district_id: UUID
    district_name: str
    capacity: int
    queued_now: int
    enrolled_now: int
    children_known: int
    years: list[YearOut]


class AssumptionsOut(Schema):
    take_up_by_age: dict[str, float]
    reference_day: str
    complete_cohorts_for_mean: int
    horizon_years: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    confidence: str


class ForecastOut(Schema):
    territory_id: UUID
    territory_name: str
    as_of: dt.date
    method: str
    assumptions: AssumptionsOut
    total: list[YearOut]
    districts: list[DistrictOut]


class ForecastFilter(Schema):
    territory: UUID | None = None


@router.get("/forecast/preschool-demand", response={200: ForecastOut, **LIST_ERRORS})
def preschool_demand(request: HttpRequest, filters: Query[ForecastFilter]) -> Any:
    """Demand for preschool places per district for the next 3 years against capacity.

    `territory`: a district, region or the republic in your scope (default: your widest one).
    """
    who = actor(request)
    if filters.territory:
        territory = selectors.territory_get(who, filters.territory)
    else:
        if not who.is_platform_admin and not who.paths_for(selectors.VIEW):
            raise Forbidden()
        territory = selectors.default_territory(who)
        if territory is None:
            raise NotFound(code="no_territory")
    return presenters.forecast_data(selectors.territory_forecast(who, territory))
