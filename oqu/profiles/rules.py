"""Pure rules of the teacher's profile: teaching experience and the attestation calendar.

No database here: the selectors pass plain dates in, so the arithmetic is tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[dt.date, dt.date | None]  # an open end (still working) counts up to `as_of`

MONTHS_IN_YEAR = 12
DAYS_IN_MONTH = 30  # how experience records add up leftover days (30 days make a month)


@dataclass(frozen=True)
class Experience:
    years: int
    months: int
    days: int

    def __str__(self) -> str:
        return f"{self.years}y {self.months}m {self.days}d"


def merge_intervals(intervals: Iterable[Interval], as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Close open ends at `as_of`, drop what starts after it, and merge overlaps and touching days.

    Two positions held at once count once: experience is time, not the number of jobs.
    """
    closed = sorted((start, min(end or as_of, as_of)) for start, end in intervals if start <= as_of)
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in closed:
        if end < start:
            continue
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _calendar_span(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """Whole years, months and days from `start` to `end`, both days included."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * MONTHS_IN_YEAR + after.month - start.month
    days = after.day - start.day
    if days < 0:
        months -= 1
        previous_month_end = after.replace(day=1) - dt.timedelta(days=1)
        days += previous_month_end.day
    return months // MONTHS_IN_YEAR, months % MONTHS_IN_YEAR, days


def experience(intervals: Iterable[Interval], as_of: dt.date) -> Experience:
    """Total teaching experience on `as_of`: each merged stretch in calendar years, months and
    days, the stretches added up with 30 days to a month and 12 months to a year."""
    years = months = days = 0
    for start, end in merge_intervals(intervals, as_of):
        y, m, d = _calendar_span(start, end)
        years, months, days = years + y, months + m, days + d
    months += days // DAYS_IN_MONTH
    days %= DAYS_IN_MONTH
    years += months // MONTHS_IN_YEAR
    months %= MONTHS_IN_YEAR
    return Experience(years, months, days)


@dataclass(frozen=True)
class AttestationFact:
    held_on: dt.date
    category_rank: int
    result: str  # "assigned", "confirmed", "not_assigned"
    valid_until: dt.date | None


GRANTING_RESULTS = ("assigned", "confirmed")


def valid_until(held_on: dt.date, validity_years: int | None) -> dt.date | None:
    """The end of a category's validity: `validity_years` after the attestation (no limit: None).

    29 February moves to 28 February in a year without it.
    """
    if validity_years is None:
        return None
    year = held_on.year + validity_years
    try:
        return held_on.replace(year=year)
    except ValueError:
        return held_on.replace(year=year, day=28)


def current_category(
    facts: Sequence[AttestationFact], as_of: dt.date
) -> tuple[AttestationFact | None, bool]:
    """The latest granting attestation held by `as_of`, and whether its category is still valid.

    A refused attestation does not take away a category still in force.
    """
    granted = [f for f in facts if f.result in GRANTING_RESULTS and f.held_on <= as_of]
    if not granted:
        return None, False
    latest = max(granted, key=lambda f: (f.held_on, f.category_rank))
    in_force = latest.valid_until is None or latest.valid_until >= as_of
    return latest, in_force


def next_attestation_due(facts: Sequence[AttestationFact], as_of: dt.date) -> dt.date | None:
    """When the next attestation is due: the end of the current category's validity.

    No category, or an expired one: due now (`as_of`); a category without a time limit: None.
    """
    latest, in_force = current_category(facts, as_of)
    if latest is None or not in_force:
        return as_of
    return latest.valid_until
