"""Effective-dated rule sets: a rule is looked up "as of" a date, by edition of the law."""

from __future__ import annotations

import datetime as dt

import pytest

from oqu.kernel.errors import NotFound
from oqu.kernel.models import RuleSet
from oqu.kernel.rules import rule_history, rule_value

LOAD = "school.teaching_load.weekly_hours"


@pytest.mark.parametrize(
    ("as_of", "hours"),
    [
        (dt.date(2000, 1, 1), 18),
        (dt.date(2021, 8, 31), 18),  # last day of the old edition (valid_to is inclusive)
        (dt.date(2021, 9, 1), 16),  # first day of the Law on the status of a teacher
        (dt.date(2026, 11, 23), 16),
    ],
)
def test_teaching_load_follows_the_edition_in_force(db, as_of, hours):
    assert rule_value(LOAD, as_of) == hours


def test_rule_before_its_first_edition_is_not_found(db):
    with pytest.raises(NotFound) as caught:
        rule_value(LOAD, dt.date(1999, 12, 31))
    assert caught.value.code == "rule_not_found"


def test_unknown_rule_is_not_found(db):
    with pytest.raises(NotFound):
        rule_value("school.no_such_rule", dt.date(2026, 1, 1))


def test_rule_in_a_gap_between_editions_is_not_found(db):
    # given an edition that ended and a next one that starts a month later
    RuleSet.objects.create(
        code="t.gap", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 5, 31), value=1
    )
    RuleSet.objects.create(code="t.gap", valid_from=dt.date(2024, 7, 1), value=2)
    # then the month between has no rule in force
    assert rule_value("t.gap", dt.date(2024, 5, 31)) == 1
    with pytest.raises(NotFound):
        rule_value("t.gap", dt.date(2024, 6, 15))
    assert rule_value("t.gap", dt.date(2024, 7, 1)) == 2


def test_open_ended_editions_the_latest_start_wins(db):
    RuleSet.objects.create(code="t.open", valid_from=dt.date(2020, 1, 1), value={"a": 1})
    RuleSet.objects.create(code="t.open", valid_from=dt.date(2025, 1, 1), value={"a": 2})
    assert rule_value("t.open", dt.date(2024, 12, 31)) == {"a": 1}
    assert rule_value("t.open", dt.date(2025, 1, 1)) == {"a": 2}


def test_grading_rules_are_seeded_as_structured_values(db):
    assert rule_value("school.grading.quarter_weights", dt.date(2026, 1, 1)) == {
        "fo": 25,
        "sor": 25,
        "soch": 50,
    }
    assert rule_value("school.grading.thresholds", dt.date(2026, 1, 1)) == {
        "5": 85,
        "4": 65,
        "3": 40,
    }


def test_rule_history_lists_editions_in_order_with_sources(db):
    rows = rule_history(LOAD)
    assert [(r.valid_from, r.valid_to, r.value) for r in rows] == [
        (dt.date(2000, 1, 1), dt.date(2021, 8, 31), 18),
        (dt.date(2021, 9, 1), None, 16),
    ]
    assert all(r.source for r in rows)
