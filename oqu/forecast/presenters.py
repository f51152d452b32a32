"""The forecast as plain data, for the API, the page and the spreadsheet."""

from __future__ import annotations

from typing import Any

from .selectors import TerritoryForecast


def _year(y: Any) -> dict[str, Any]:
    return {
        "year": y.year,
        "school_year": f"{y.year}-{y.year + 1}",
        "demand": y.demand,
        "capacity": y.capacity,
        "gap": round(y.gap, 1),
        "ages": [
            {
                "age": line.age,
                "birth_cohort_ends": line.cohort,
                "children": round(line.children, 1),
                "estimated": line.estimated,
                "share": line.share,
                "demand": round(line.demand, 1),
            }
            for line in y.ages
        ],
    }


def forecast_data(result: TerritoryForecast) -> dict[str, Any]:
    a = result.assumptions
    return {
        "territory_id": result.territory.pk,
        "territory_name": result.territory.name,
        "as_of": result.as_of,
        "method": "cohort",
        "assumptions": {
            "take_up_by_age": {str(k): v for k, v in sorted(a.take_up_by_age.items())},
            "reference_day": f"{a.reference_month:02d}-{a.reference_day:02d}",
            "complete_cohorts_for_mean": a.complete_cohorts_for_mean,
            "horizon_years": a.horizon_years,
            "valid_from": result.rule["valid_from"],
            "valid_to": result.rule["valid_to"],
            "source": result.rule["source"],
            "confidence": result.rule["confidence"],
        },
        "total": [_year(y) for y in result.total],
        "districts": [
            {
                "district_id": row.district.pk,
                "district_name": row.district.name,
                "capacity": row.capacity,
                "queued_now": row.queued_now,
                "enrolled_now": row.enrolled_now,
                "children_known": row.children_known,
                "years": [_year(y) for y in row.years],
            }
            for row in result.districts
        ],
    }
