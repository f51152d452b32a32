"""The working-day calendar of Kazakhstan used for legal deadlines (MON-9, MON-10; DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from oqu.kernel.calendar import (
    add_working_days,
    is_working_day,
    working_days_between,
    working_days_in_year,
)
from oqu.kernel.models import CalendarDay

D = dt.date


@pytest.mark.smoke
def test_mon_9_calendar_2026_has_the_official_246_working_days(db):
    # the official 2026 calendar (5-day week): 246 working days, 119 days off
    assert working_days_in_year(2026) == 246
    assert 365 - working_days_in_year(2026) == 119


def test_mon_9_calendar_2026_is_official_and_2027_is_projected(db):
    official = set(CalendarDay.objects.filter(date__year=2026).values_list("projected", flat=True))
    projected = set(CalendarDay.objects.filter(date__year=2027).values_list("projected", flat=True))
    assert (official, projected) == ({False}, {True})


def test_mon_9_projected_2027_moves_weekend_holidays_to_the_next_working_day(db):
    # 2 Jan Sat → 4 Jan; 21 Mar Sun → 24 Mar; 1 May Sat → 3 May; 9 May Sun → 10 May
    transfers = CalendarDay.objects.filter(date__year=2027, kind=CalendarDay.Kind.TRANSFER_OFF)
    assert sorted(transfers.values_list("date", flat=True)) == [
        D(2027, 1, 4),
        D(2027, 3, 24),
        D(2027, 5, 3),
        D(2027, 5, 10),
    ]
    assert working_days_in_year(2027) == 247  # Kurban ait 2027 not announced yet


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 2), False),  # New Year, Friday
        (D(2026, 1, 5), True),
        (D(2026, 3, 9), False),  # moved from Sunday 8 March
        (D(2026, 3, 25), False),  # moved from Nauryz on the weekend
        (D(2026, 3, 26), True),
        (D(2026, 5, 27), False),  # Kurban ait: a day off without a transfer
        (D(2026, 5, 28), True),
        (D(2026, 8, 31), False),  # moved from Sunday 30 August
        (D(2026, 11, 28), False),  # an ordinary Saturday
        (D(2026, 12, 16), False),  # Independence Day
    ],
)
def test_mon_9_is_working_day(db, day, working):
    assert is_working_day(day) is working


def test_mon_9_five_working_day_term_skips_the_nauryz_days_off(db):
    # given a request on Friday 20 March 2026, before Saturday 21 - Wednesday 25 March off
    # then the 5-working-day term ends on Wednesday 1 April
    assert add_working_days(D(2026, 3, 20), 5) == D(2026, 4, 1)


def test_mon_10_ten_working_day_term_skips_the_may_holidays(db):
    # 1 May, 7 May and 11 May (moved from 9 May) are off
    assert add_working_days(D(2026, 4, 28), 10) == D(2026, 5, 15)


def test_mon_10_three_working_day_term_crosses_into_the_projected_year(db):
    # 1 Jan (Fri), 4 Jan (moved from Sat 2 Jan) and 7 Jan 2027 are off
    assert add_working_days(D(2026, 12, 31), 3) == D(2027, 1, 8)


def test_mon_9_zero_days_is_the_start_and_negative_days_are_refused(db):
    assert add_working_days(D(2026, 3, 21), 0) == D(2026, 3, 21)
    with pytest.raises(ValueError, match="non-negative"):
        add_working_days(D(2026, 3, 21), -1)


def test_mon_9_working_days_between_counts_the_half_open_interval(db):
    # (Fri 20 Mar, Fri 27 Mar]: only 26 and 27 March are working days
    assert working_days_between(D(2026, 3, 20), D(2026, 3, 27)) == 2
    assert working_days_between(D(2026, 3, 27), D(2026, 3, 20)) == 0
    assert working_days_between(D(2026, 3, 26), D(2026, 3, 26)) == 0


def test_mon_9_a_saturday_made_working_by_decree_counts(db):
    # given a Government decree making Saturday 28 November 2026 a working day
    CalendarDay.objects.create(date=D(2026, 11, 28), kind=CalendarDay.Kind.WORKING_DAY)
    # then it counts in terms and in the year
    assert is_working_day(D(2026, 11, 28)) is True
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 28)
    assert working_days_in_year(2026) == 247
