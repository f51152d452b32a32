"""Gather what the forecast needs for a territory in a fixed number of queries (MAP-AI-02).

Children are linked to a district through a live queue application (the district of residence)
or, failing that, through a current enrolment or preschool group in an organization of the
district; each child counts once. Capacity and the current queue come from the same district's
preschool organizations. District, region and ministry staff see their own territory only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from oqu.access import scope
from oqu.equeue.models import Application as QueueApplication
from oqu.orgs.models import Unit
from oqu.people.models import Enrolment
from oqu.preschool.models import AgeGroup, GroupMembership

from . import method, rules

VIEW = "forecast.demand.view"
TERRITORY_KINDS = (Unit.Kind.REPUBLIC, Unit.Kind.REGION, Unit.Kind.DISTRICT)
LIVE_QUEUE = ("queued", "directed", "enrolled")


@dataclass
class DistrictForecast:
    district: Unit
    capacity: int
    queued_now: int
    enrolled_now: int
    children_known: int
    years: list[method.YearForecast] = field(default_factory=list)


@dataclass
class TerritoryForecast:
    territory: Unit
    as_of: dt.date
    assumptions: method.Assumptions
    rule: dict[str, Any]
    districts: list[DistrictForecast]
    total: list[method.YearForecast]


def territories(actor: scope.Actor) -> QuerySet[Unit]:
    """The republic, regions and districts in the actor's forecast scope."""
    qs = Unit.objects.filter(kind__in=TERRITORY_KINDS)
    return scope.visible(actor, VIEW, qs, via="path").order_by("path")


def territory_get(actor: scope.Actor, unit_id: UUID | str) -> Unit:
    return scope.get_in(territories(actor), unit_id, actor, VIEW)


def default_territory(actor: scope.Actor) -> Unit | None:
    return territories(actor).order_by("depth", "path").first()


def _prefixes(path: str) -> list[str]:
    """'KZ/ab/cd/' → ['KZ/', 'KZ/ab/', 'KZ/ab/cd/']: the paths of the unit and its ancestors."""
    return [path[: i + 1] for i, char in enumerate(path) if char == "/"]


class _DistrictOf:
    """Which of the territory's districts a unit path lies in ('' when none)."""

    def __init__(self, districts: list[Unit]) -> None:
        self.paths = {d.path for d in districts}

    def __call__(self, path: str) -> str:
        return next((p for p in _prefixes(path) if p in self.paths), "")


def _births_by_district(
    territory: Unit, cutoff: dt.date, district_of: _DistrictOf
) -> dict[str, dict[Any, dt.date]]:
    """District path → {child id: birth date}; the queue's district of residence wins."""
    under = territory.path
    queue = (
        QueueApplication.objects.filter(
            organization__path__startswith=under,
            status__in=LIVE_QUEUE,
            child__birth_date__gt=cutoff,
        )
        .values_list("child_id", "child__birth_date", "organization__path")
        .order_by("submitted_at")
    )
    enrolled = Enrolment.objects.filter(
        organization__path__startswith=under, end_date__isnull=True, person__birth_date__gt=cutoff
    ).values_list("person_id", "person__birth_date", "organization__path")
    in_groups = GroupMembership.objects.filter(
        organization__path__startswith=under, end_date__isnull=True, child__birth_date__gt=cutoff
    ).values_list("child_id", "child__birth_date", "organization__path")
    placed: dict[Any, str] = {}
    births: dict[str, dict[Any, dt.date]] = {}
    for rows in (queue, enrolled, in_groups):
        for child_id, birth, path in rows:
            district = district_of(path)
            if not district or child_id in placed:
                continue
            placed[child_id] = district
            births.setdefault(district, {})[child_id] = birth
    return births


def _by_district(rows: Any, district_of: _DistrictOf) -> dict[str, int]:
    totals: dict[str, int] = {}
    for path, value in rows:
        district = district_of(path)
        if district:
            totals[district] = totals.get(district, 0) + (value or 0)
    return totals


def territory_forecast(
    actor: scope.Actor, territory: Unit, today: dt.date | None = None
) -> TerritoryForecast:
    scope.require(actor, VIEW, territory)
    today = today or timezone.localdate()
    assumptions = rules.assumptions_on(today)
    oldest_age = max(assumptions.take_up_by_age) + assumptions.horizon_years + 1
    cutoff = dt.date(today.year - oldest_age - 1, 1, 1)
    districts = list(
        Unit.objects.filter(kind=Unit.Kind.DISTRICT, path__startswith=territory.path).order_by(
            "name"
        )
    )
    district_of = _DistrictOf(districts)
    births = _births_by_district(territory, cutoff, district_of)
    under = territory.path
    capacity = _by_district(
        AgeGroup.objects.filter(is_active=True, organization__path__startswith=under)
        .values("organization__path")
        .annotate(total=Sum("capacity"))
        .values_list("organization__path", "total"),
        district_of,
    )
    queued = _by_district(
        QueueApplication.objects.filter(status="queued", organization__path__startswith=under)
        .values("organization__path")
        .annotate(n=Count("pk"))
        .values_list("organization__path", "n"),
        district_of,
    )
    enrolled = _by_district(
        GroupMembership.objects.filter(end_date__isnull=True, organization__path__startswith=under)
        .values("organization__path")
        .annotate(n=Count("pk"))
        .values_list("organization__path", "n"),
        district_of,
    )
    rows = []
    for district in districts:
        known = births.get(district.path, {})
        rows.append(
            DistrictForecast(
                district=district,
                capacity=capacity.get(district.path, 0),
                queued_now=queued.get(district.path, 0),
                enrolled_now=enrolled.get(district.path, 0),
                children_known=len(known),
                years=method.forecast(
                    known.values(), capacity.get(district.path, 0), today, assumptions
                ),
            )
        )
    return TerritoryForecast(
        territory=territory,
        as_of=today,
        assumptions=assumptions,
        rule=rules.rule_in_force(today),
        districts=rows,
        total=_total(rows, today, assumptions),
    )


def _total(rows: list[DistrictForecast], today: dt.date, assumptions: method.Assumptions) -> list:
    if not rows:
        return method.forecast([], 0, today, assumptions)
    years = []
    for index, first in enumerate(rows[0].years):
        years.append(
            method.YearForecast(
                year=first.year,
                demand=round(sum(r.years[index].demand for r in rows), 1),
                capacity=sum(r.capacity for r in rows),
            )
        )
    return years
