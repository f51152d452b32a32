"""The working-day calendar of Kazakhstan, for every legal deadline (MON-9, MON-10, queue terms).

Ordinary weeks are Monday-Friday; `CalendarDay` rows record holidays, moved days off and weekend
days made working by decree (`DOMAIN.md` §4). Years without an official calendar are loaded as
`projected` rows computed by the statutory transfer rule.
"""

from __future__ import annotations

import datetime as dt

from .models import CalendarDay


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return dict(rows)


def _is_working(day: dt.date, exceptions: dict[dt.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.WORKING_DAY:
        return True
    if kind in (CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.TRANSFER_OFF):
        return False
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """Return the date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must be non-negative")
    exceptions = _exceptions(start, start + dt.timedelta(days=days * 3 + 30))
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if _is_working(current, exceptions):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Count working days in the half-open interval (start, end]."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    return sum(
        _is_working(start + dt.timedelta(days=i), exceptions)
        for i in range(1, (end - start).days + 1)
    )


def working_days_in_year(year: int) -> int:
    return working_days_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
