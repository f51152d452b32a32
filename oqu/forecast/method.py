"""The cohort method of the preschool demand forecast (MAP-AI-02), as pure functions.

For a forecast year Y the children counted are those of preschool age on the reference day of Y
(1 September): a child is `a` years old then if born in the year-long window ending a years
before it. Each age has a take-up share (the part of the age cohort that wants a place); the
demand of Y is the sum over ages of share × children of that age. A birth cohort that is not
complete yet (its window ends after today, so some of its children are not born or not known to
the platform) is estimated as the larger of what is known and the mean of the last complete
cohorts. Capacity is today's norm of the active age groups, assumed unchanged. All shares and
counts of years come from an effective-dated rule set, not from this code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Assumptions:
    take_up_by_age: dict[int, float]
    reference_month: int = 9
    reference_day: int = 1
    complete_cohorts_for_mean: int = 3
    horizon_years: int = 3

    @classmethod
    def from_rule(cls, value: dict) -> Assumptions:
        month, day = (int(x) for x in value.get("reference_day", "09-01").split("-"))
        return cls(
            take_up_by_age={int(k): float(v) for k, v in value["take_up_by_age"].items()},
            reference_month=month,
            reference_day=day,
            complete_cohorts_for_mean=int(value.get("complete_cohorts_for_mean", 3)),
            horizon_years=int(value.get("horizon_years", 3)),
        )

    def reference(self, year: int) -> dt.date:
        return dt.date(year, self.reference_month, self.reference_day)


@dataclass
class AgeLine:
    age: int
    cohort: int  # the reference year that ends the birth window
    children: float
    estimated: bool
    share: float
    demand: float


@dataclass
class YearForecast:
    year: int
    demand: float
    capacity: int
    ages: list[AgeLine] = field(default_factory=list)

    @property
    def gap(self) -> float:
        return self.demand - self.capacity


def cohort_of(birth: dt.date, assumptions: Assumptions) -> int:
    """The reference year whose window (previous reference day, this one] holds the birth."""
    reference = assumptions.reference(birth.year)
    return birth.year if birth <= reference else birth.year + 1


def cohort_sizes(births: Iterable[dt.date], assumptions: Assumptions) -> Counter[int]:
    return Counter(cohort_of(birth, assumptions) for birth in births)


def _last_complete_cohort(today: dt.date, assumptions: Assumptions) -> int:
    return today.year if assumptions.reference(today.year) <= today else today.year - 1


def forecast(
    births: Iterable[dt.date], capacity: int, today: dt.date, assumptions: Assumptions
) -> list[YearForecast]:
    """Demand for the next `horizon_years` forecast years, with the lines it is made of."""
    sizes = cohort_sizes(births, assumptions)
    last_complete = _last_complete_cohort(today, assumptions)
    recent = [sizes.get(last_complete - i, 0) for i in range(assumptions.complete_cohorts_for_mean)]
    mean_recent = sum(recent) / len(recent) if recent else 0.0
    first_year = last_complete + 1
    years = []
    for year in range(first_year, first_year + assumptions.horizon_years):
        lines = []
        for age, share in sorted(assumptions.take_up_by_age.items()):
            cohort = year - age
            known = float(sizes.get(cohort, 0))
            estimated = cohort > last_complete
            children = max(known, mean_recent) if estimated else known
            lines.append(AgeLine(age, cohort, children, estimated, share, children * share))
        demand = round(sum(line.demand for line in lines), 1)
        years.append(YearForecast(year=year, demand=demand, capacity=capacity, ages=lines))
    return years
