"""The grading rules are read from the effective-dated kernel rule sets (SEC-27.8, SEC-27.13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from oqu.kernel.errors import NotFound
from oqu.kernel.models import RuleSet
from oqu.school.rule_sources import THRESHOLDS, WEIGHTS, grading_rules_as_of, teaching_rate_as_of
from oqu.school.rules import Group, Redistribution, Rounding, Work, quarter_result

D = Decimal


def test_sec27_8_seeded_edition_is_the_one_in_force(db):
    rules = grading_rules_as_of(dt.date(2026, 9, 1))
    assert rules.weights == {Group.FO: D(25), Group.SOR: D(25), Group.SOCH: D(50)}
    assert rules.thresholds == ((5, D(85)), (4, D(65)), (3, D(40)))
    assert (rules.fo_scale_min, rules.fo_scale_max, rules.lowest_mark) == (1, 10, 2)
    assert rules.redistribution is Redistribution.TABLE
    assert rules.weight_table == {
        frozenset({Group.FO, Group.SOR}): {Group.FO: D(50), Group.SOR: D(50)}
    }
    assert rules.percent_rounding is Rounding.HALF_UP
    assert rules.year_rounding is Rounding.HALF_UP
    assert rules.ungraded_grades == frozenset({1})
    assert rules.max_soch_per_class_day == 3


def test_sec27_8_uncertain_choices_are_marked_as_such_in_their_source(db):
    for code in ("school.grading.fo_scale", "school.grading.redistribution"):
        rule = RuleSet.objects.get(code=code)
        assert rule.confidence == "L"
        assert "UNCONFIRMED" in rule.source
    rounding = RuleSet.objects.get(code="school.grading.rounding")
    assert rounding.confidence == "L"
    assert "UNCONFIRMED" in rounding.source


def test_sec27_8_a_new_edition_applies_from_its_date_only(db):
    RuleSet.objects.filter(code=THRESHOLDS).update(valid_to=dt.date(2027, 8, 31))
    RuleSet.objects.create(
        code=THRESHOLDS,
        valid_from=dt.date(2027, 9, 1),
        value={"5": 90, "4": 70, "3": 50},
        source="test edition",
        confidence="H",
    )
    RuleSet.objects.filter(code=WEIGHTS).update(value={"fo": 30, "sor": 30, "soch": 40})
    inputs = {"grade": 5, "fo_marks": [], "sor_works": [], "soch_works": [Work(D(87), D(100))]}
    before = quarter_result(**inputs, rules=grading_rules_as_of(dt.date(2027, 8, 31)))
    after = quarter_result(**inputs, rules=grading_rules_as_of(dt.date(2027, 9, 1)))
    assert before is not None
    assert after is not None
    assert (before.mark, after.mark) == (5, 4)
    assert grading_rules_as_of(dt.date(2027, 9, 1)).weights[Group.SOCH] == D(40)


def test_sec27_8_no_rules_before_the_first_edition(db):
    with pytest.raises(NotFound) as caught:
        grading_rules_as_of(dt.date(2019, 9, 1))
    assert caught.value.code == "rule_not_found"


@pytest.mark.parametrize(
    ("as_of", "rate"),
    [(dt.date(2021, 8, 31), D(18)), (dt.date(2021, 9, 1), D(16)), (dt.date(2026, 9, 1), D(16))],
)
def test_sec27_13_teaching_rate_in_force(db, as_of, rate):
    assert teaching_rate_as_of(as_of) == rate
