"""The pure rules of the teacher's profile: experience and the attestation calendar (MAP-PASS)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from oqu.profiles.rules import (
    AttestationFact,
    Experience,
    current_category,
    experience,
    merge_intervals,
    next_attestation_due,
    valid_until,
)

D = dt.date


def test_map_pass_experience_counts_overlapping_jobs_once_and_open_end_to_today():
    intervals = [
        (D(2015, 9, 1), D(2018, 8, 31)),  # three whole years
        (D(2016, 1, 1), D(2017, 1, 1)),  # a second job at the same time: counted once
        (D(2020, 9, 1), None),  # still working
    ]
    assert experience(intervals, D(2025, 8, 31)) == Experience(8, 0, 0)


def test_map_pass_experience_adds_days_into_months_and_months_into_years():
    intervals = [(D(2020, 1, 1), D(2020, 1, 20)), (D(2021, 1, 1), D(2021, 1, 20))]  # 20 + 20 days
    assert experience(intervals, D(2030, 1, 1)) == Experience(0, 1, 10)
    assert experience([(D(2019, 3, 15), D(2020, 3, 14))], D(2030, 1, 1)) == Experience(1, 0, 0)


def test_map_pass_experience_ignores_what_starts_after_the_date():
    assert experience([(D(2030, 1, 1), None)], D(2025, 1, 1)) == Experience(0, 0, 0)


def test_map_pass_touching_intervals_merge():
    merged = merge_intervals(
        [(D(2020, 1, 1), D(2020, 6, 30)), (D(2020, 7, 1), None)], D(2020, 12, 31)
    )
    assert merged == [(D(2020, 1, 1), D(2020, 12, 31))]


@given(
    st.lists(
        st.tuples(st.dates(D(2000, 1, 1), D(2024, 12, 31)), st.integers(0, 2000)),
        max_size=6,
    )
)
def test_map_pass_merged_days_equal_the_days_covered(raw):
    """Against a straightforward count of covered days, one by one."""
    as_of = D(2025, 1, 1)
    intervals = [(start, start + dt.timedelta(days=length)) for start, length in raw]
    covered = set()
    for start, end in intervals:
        day = start
        while day <= min(end, as_of):
            covered.add(day)
            day += dt.timedelta(days=1)
    merged = merge_intervals(intervals, as_of)
    assert sum((end - start).days + 1 for start, end in merged) == len(covered)


def test_map_pass_category_validity_from_the_data():
    assert valid_until(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert valid_until(D(2023, 5, 10), 5) == D(2028, 5, 10)
    assert valid_until(D(2023, 5, 10), None) is None


def test_map_pass_a_refused_attestation_keeps_the_category_in_force():
    facts = [
        AttestationFact(D(2021, 5, 1), 2, "assigned", D(2026, 5, 1)),
        AttestationFact(D(2024, 5, 1), 3, "not_assigned", None),
    ]
    latest, in_force = current_category(facts, D(2025, 1, 1))
    assert latest is not None
    assert latest.category_rank == 2
    assert in_force
    assert next_attestation_due(facts, D(2025, 1, 1)) == D(2026, 5, 1)


def test_map_pass_attestation_is_due_now_without_a_category_or_after_it_expires():
    assert next_attestation_due([], D(2025, 1, 1)) == D(2025, 1, 1)
    expired = [AttestationFact(D(2015, 5, 1), 2, "assigned", D(2020, 5, 1))]
    assert current_category(expired, D(2025, 1, 1))[1] is False
    assert next_attestation_due(expired, D(2025, 1, 1)) == D(2025, 1, 1)
