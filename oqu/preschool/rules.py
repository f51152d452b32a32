"""Pure rules of the preschool: the retention date of a photo, the next age group, the month."""

from __future__ import annotations

import calendar
import datetime as dt

# Youngest first; the last group leaves for school.
GROUP_ORDER = ("nursery", "junior", "middle", "senior", "pre_school")


def same_day_next_month(day: dt.date) -> dt.date:
    """The same day of the next calendar month, clamped to that month's last day.

    31 January → 28 February (29 in a leap year); 31 March → 30 April; 15 December → 15 January.
    """
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def next_kind(kind: str) -> str | None:
    """The age group a child moves up to in August; None after the pre-school group."""
    index = GROUP_ORDER.index(kind)
    return GROUP_ORDER[index + 1] if index + 1 < len(GROUP_ORDER) else None


def next_school_year(school_year: str) -> str:
    """ "2026-2027" → "2027-2028"."""
    start = int(school_year[:4])
    return f"{start + 1}-{start + 2}"


def school_year_of(day: dt.date) -> str:
    """The school year a day belongs to (it starts on 1 September)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def is_move_window(day: dt.date) -> bool:
    """The yearly move between age groups happens from 1 to 31 August."""
    return day.month == 8


def month_days(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
