"""Marks computed by rule (SEC-27.8), the СОЧ calendar of the e-journal (SEC-27.12) and the teaching
load (SEC-27.13): pure functions, no database."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oqu.school.rules import (
    GradingInputError,
    GradingRules,
    Group,
    LoadStatus,
    Redistribution,
    Rounding,
    SummativeEvent,
    Work,
    formative_percentage,
    grading_rules_from_values,
    group_percentage,
    half_year_result,
    is_graded,
    percent_to_mark,
    quarter_result,
    summative_schedule_violations,
    teaching_load,
    year_mark,
)

D = Decimal
FO, SOR, SOCH = Group.FO, Group.SOR, Group.SOCH
THRESHOLDS = ((5, D(85)), (4, D(65)), (3, D(40)))


def make_rules(**overrides) -> GradingRules:
    """The seeded edition: 25/25/50, 85/65/40, ФО 1-10, no СОЧ -> ФО 50 / СОР 50, half-up."""
    values = {
        "weights": {FO: D(25), SOR: D(25), SOCH: D(50)},
        "thresholds": THRESHOLDS,
        "redistribution": Redistribution.TABLE,
        "weight_table": {frozenset({FO, SOR}): {FO: D(50), SOR: D(50)}},
    }
    values.update(overrides)
    return GradingRules(**values)


def work(earned, max_points) -> Work:
    return Work(D(str(earned)), D(str(max_points)))


# --- percent -> mark, with each rounding rule ----------------------------------------------------


@pytest.mark.parametrize(
    ("permille", "rounding", "mark"),
    [
        (390, Rounding.NONE, 2),
        (390, Rounding.HALF_UP, 2),
        (395, Rounding.NONE, 2),  # 39.5 % is below 40 when nothing is rounded
        (395, Rounding.HALF_UP, 3),  # 39.5 -> 40
        (395, Rounding.HALF_EVEN, 3),  # 39.5 -> 40 (even)
        (400, Rounding.NONE, 3),
        (640, Rounding.HALF_UP, 3),
        (645, Rounding.NONE, 3),
        (645, Rounding.HALF_UP, 4),  # 64.5 -> 65
        (645, Rounding.HALF_EVEN, 3),  # 64.5 -> 64 (even)
        (650, Rounding.HALF_EVEN, 4),
        (840, Rounding.HALF_UP, 4),
        (845, Rounding.NONE, 4),
        (845, Rounding.HALF_UP, 5),  # 84.5 -> 85
        (845, Rounding.HALF_EVEN, 4),  # 84.5 -> 84 (even)
        (849, Rounding.NONE, 4),
        (849, Rounding.HALF_EVEN, 5),  # 84.9 -> 85
        (850, Rounding.NONE, 5),
        (855, Rounding.HALF_EVEN, 5),
        (1000, Rounding.HALF_UP, 5),
        (0, Rounding.HALF_UP, 2),
    ],
)
def test_sec27_8_threshold_boundaries_under_each_rounding_rule(permille, rounding, mark):
    """СОР and СОЧ both at permille/10 %, no ФО: the quarter percentage is exactly that value."""
    rules = make_rules(percent_rounding=rounding)
    result = quarter_result(
        grade=5,
        fo_marks=[],
        sor_works=[work(permille, 1000)],
        soch_works=[work(permille, 1000)],
        rules=rules,
    )
    assert result is not None
    assert result.percent == D(permille) / 10
    assert result.mark == mark


@pytest.mark.parametrize(
    ("percent", "mark"),
    [
        (D(0), 2),
        (D(39), 2),
        (D(40), 3),
        (D(64), 3),
        (D(65), 4),
        (D(84), 4),
        (D(85), 5),
        (D(100), 5),
    ],
)
def test_sec27_8_thresholds_are_inclusive_lower_bounds_85_65_40(percent, mark):
    assert percent_to_mark(percent, make_rules()) == mark


def test_sec27_8_percent_outside_0_100_is_refused():
    for percent in (D(-1), D("100.01")):
        with pytest.raises(GradingInputError) as caught:
            percent_to_mark(percent, make_rules())
        assert caught.value.code == "percent_out_of_range"


def test_sec27_8_quarter_weights_25_25_50_with_the_rounding_in_force():
    """ФО 34/40 = 85 %, СОР 31/40 = 77.5 %, СОЧ 22/25 = 88 % -> 84.625 %."""
    inputs = {
        "grade": 7,
        "fo_marks": [8, 9, 10, 7],
        "sor_works": [work(17, 20), work(14, 20)],
        "soch_works": [work(22, 25)],
    }
    rounded = quarter_result(**inputs, rules=make_rules())
    exact = quarter_result(**inputs, rules=make_rules(percent_rounding=Rounding.NONE))
    assert rounded is not None
    assert exact is not None
    assert rounded.percent == D("84.63")  # shown with two places
    assert rounded.percent_for_mark == D(85)
    assert rounded.mark == 5
    assert exact.mark == 4  # 84.625 < 85 when the rule says "do not round"
    assert rounded.shares == {FO: D(25), SOR: D(25), SOCH: D(50)}


def test_sec27_8_exact_threshold_is_reached_without_rounding_error():
    """Thirds that add up to exactly 85 % must give a 5 even when nothing is rounded."""
    rules = make_rules(
        weights={FO: D(1), SOR: D(1), SOCH: D(1)}, percent_rounding=Rounding.NONE, weight_table={}
    )
    # (66.66... + 100 + 88.33...) / 3 is exactly 85 %; summing rounded decimals could miss it.
    result = quarter_result(
        grade=9,
        fo_marks=[7, 7, 6],  # 20/30 = 66.66... %
        sor_works=[work(10, 10)],  # 100 %
        soch_works=[work(53, 60)],  # 88.33... %
        rules=rules,
    )
    assert result is not None
    assert result.mark == 5
    tricky = quarter_result(
        grade=9,
        fo_marks=[],
        sor_works=[work(1, 3)],  # 33.33... %
        soch_works=[work(5, 11)],  # 45.45... %
        rules=make_rules(weights={FO: D(1), SOR: D(3), SOCH: D(0)}, percent_rounding=Rounding.NONE),
    )
    # СОЧ carries no weight, so the quarter is exactly the СОР third: 33.33 % -> 2.
    assert tricky is not None
    assert tricky.mark == 2
    assert tricky.percent == D("33.33")


def test_sec27_8_group_percentages():
    assert group_percentage([work(17, 20), work(14, 20)]) == D("77.50")
    assert group_percentage([work("7.5", 10)]) == D("75.00")
    assert group_percentage([]) is None
    assert formative_percentage([8, 9, 10, 7], make_rules()) == D("85.00")
    assert formative_percentage([3], make_rules(fo_scale_max=5)) == D("60.00")
    assert formative_percentage([], make_rules()) is None


# --- empty groups: both redistribution modes -----------------------------------------------------


def test_sec27_8_no_soch_table_mode_uses_fo_50_sor_50():
    rules = make_rules(weights={FO: D(20), SOR: D(30), SOCH: D(50)})
    result = quarter_result(
        grade=5, fo_marks=[6, 6], sor_works=[work(18, 20)], soch_works=[], rules=rules
    )
    assert result is not None
    assert result.shares == {FO: D(50), SOR: D(50)}
    assert result.percent == D(75)  # (60 + 90) / 2
    assert result.mark == 4


def test_sec27_8_no_soch_proportional_mode_scales_the_remaining_weights():
    rules = make_rules(
        weights={FO: D(20), SOR: D(30), SOCH: D(50)}, redistribution=Redistribution.PROPORTIONAL
    )
    result = quarter_result(
        grade=5, fo_marks=[6, 6], sor_works=[work(18, 20)], soch_works=[], rules=rules
    )
    assert result is not None
    assert result.shares == {FO: D(40), SOR: D(60)}
    assert result.percent == D(78)  # 0.4 * 60 + 0.6 * 90
    assert result.mark == 4


def test_sec27_8_combination_missing_from_the_table_falls_back_to_proportional():
    """No СОР (only ФО and СОЧ): the table has no row, so 25 : 50 -> 1/3 : 2/3."""
    result = quarter_result(
        grade=5, fo_marks=[6, 6], sor_works=[], soch_works=[work(9, 10)], rules=make_rules()
    )
    assert result is not None
    assert result.percent == D(80)  # (25 * 60 + 50 * 90) / 75
    assert result.shares == {FO: D("33.33"), SOCH: D("66.67")}


def test_sec27_8_nothing_assessed_or_no_weighted_group_is_an_error():
    with pytest.raises(GradingInputError) as caught:
        quarter_result(grade=5, fo_marks=[], sor_works=[], soch_works=[], rules=make_rules())
    assert caught.value.code == "nothing_assessed"
    rules = make_rules(weights={FO: D(0), SOR: D(50), SOCH: D(50)}, weight_table={})
    with pytest.raises(GradingInputError) as caught:
        quarter_result(grade=5, fo_marks=[9], sor_works=[], soch_works=[], rules=rules)
    assert caught.value.code == "no_weighted_group"


# --- half-year, year mark, grade 1 ----------------------------------------------------------------


def test_sec27_8_half_year_mark_of_a_one_hour_subject_from_fo_and_sor():
    """ФО 28/30 = 93.33 %, СОР 15/20 = 75 % -> 50/50 -> 84.17 % -> 84 -> 4."""
    result = half_year_result(
        grade=6, fo_marks=[10, 10, 8], sor_works=[work(15, 20)], rules=make_rules()
    )
    assert result is not None
    assert result.shares == {FO: D(50), SOR: D(50)}
    assert result.percent == D("84.17")
    assert result.percent_for_mark == D(84)
    assert result.mark == 4


@pytest.mark.parametrize(
    ("marks", "rounding", "expected"),
    [
        ([4, 5], Rounding.HALF_UP, 5),  # 4.5 -> 5
        ([2, 3], Rounding.HALF_UP, 3),  # 2.5 -> 3
        ([3, 4, 4, 4], Rounding.HALF_UP, 4),  # 3.75
        ([3, 3, 3, 4], Rounding.HALF_UP, 3),  # 3.25
        ([4, 5], Rounding.HALF_EVEN, 4),  # 4.5 -> 4 under the alternative rule
        ([5], Rounding.HALF_UP, 5),
        ([3, 4], Rounding.HALF_UP, 4),  # two half-years: 3.5 -> 4
    ],
)
def test_sec27_8_year_mark_is_the_rounded_mean_of_period_marks(marks, rounding, expected):
    assert year_mark(grade=8, period_marks=marks, rules=make_rules(year_rounding=rounding)) == (
        expected
    )


@pytest.mark.parametrize(
    ("marks", "code"),
    [
        ([], "no_period_marks"),
        ([4, 6], "mark_out_of_range"),
        ([1, 4], "mark_out_of_range"),
        ([True], "mark_out_of_range"),
    ],
)
def test_sec27_8_year_mark_refuses_bad_period_marks(marks, code):
    with pytest.raises(GradingInputError) as caught:
        year_mark(grade=8, period_marks=marks, rules=make_rules())
    assert caught.value.code == code


def test_sec27_8_grade_1_gets_no_marks():
    rules = make_rules()
    assert not is_graded(1, rules)
    assert is_graded(2, rules)
    inputs = {"fo_marks": [9], "sor_works": [work(9, 10)], "soch_works": [work(9, 10)]}
    assert quarter_result(grade=1, rules=rules, **inputs) is None
    assert quarter_result(grade=2, rules=rules, **inputs) is not None
    assert half_year_result(grade=1, fo_marks=[9], sor_works=[], rules=rules) is None
    assert year_mark(grade=1, period_marks=[5, 5], rules=rules) is None


# --- invalid inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sor", "code"),
    [
        (work(21, 20), "points_over_max"),
        (work(-1, 20), "points_negative"),
        (work(0, 0), "max_points_not_positive"),
        (work(0, -5), "max_points_not_positive"),
        (Work(7.5, D(10)), "points_not_a_number"),  # type: ignore[arg-type]
        (Work(D("NaN"), D(10)), "points_not_a_number"),
        (Work(D(1), D("Infinity")), "points_not_a_number"),
    ],
)
def test_sec27_8_invalid_points_are_refused_with_a_code(sor, code):
    with pytest.raises(GradingInputError) as caught:
        quarter_result(grade=5, fo_marks=[], sor_works=[sor], soch_works=[], rules=make_rules())
    assert caught.value.code == code
    assert caught.value.status == 400


@pytest.mark.parametrize("mark", [0, 11, -3, True, 7.5, D(7)])
def test_sec27_8_formative_mark_outside_the_scale_is_refused(mark):
    with pytest.raises(GradingInputError) as caught:
        quarter_result(grade=5, fo_marks=[mark], sor_works=[], soch_works=[], rules=make_rules())
    assert caught.value.code == "mark_out_of_scale"


def test_sec27_8_inconsistent_rules_are_refused():
    bad = [
        {"thresholds": ((4, D(65)), (5, D(85)), (3, D(40)))},  # not from the highest mark down
        {"thresholds": ((5, D(65)), (4, D(85)), (3, D(40)))},  # bounds not decreasing
        {"thresholds": ((5, D(85)), (4, D(65)), (3, D(140)))},
        {"weights": {FO: D(-1), SOR: D(25), SOCH: D(50)}},
        {"weights": {FO: D(0), SOR: D(0), SOCH: D(0)}},
        {"fo_scale_max": 0},
        {"year_rounding": Rounding.NONE},
        {"max_soch_per_class_day": 0},
    ]
    for overrides in bad:
        with pytest.raises(GradingInputError) as caught:
            make_rules(**overrides)
        assert caught.value.code == "invalid_grading_rules", overrides


def test_sec27_8_rules_are_built_from_rule_set_values():
    rules = grading_rules_from_values(
        weights={"fo": 25, "sor": 25, "soch": 50},
        thresholds={"5": 85, "4": 65, "3": 40},
        fo_scale={"min": 1, "max": 10},
        redistribution={
            "mode": "table",
            "table": [{"groups": ["fo", "sor"], "weights": {"fo": 50, "sor": 50}}],
        },
        rounding={"percent": "half_even", "year_mark": "half_up"},
        ungraded_grades=[1],
        soch_schedule={"max_per_class_day": 3},
    )
    assert rules.weights == {FO: D(25), SOR: D(25), SOCH: D(50)}
    assert rules.thresholds == THRESHOLDS
    assert rules.weight_table == {frozenset({FO, SOR}): {FO: D(50), SOR: D(50)}}
    assert rules.percent_rounding is Rounding.HALF_EVEN
    for broken in ({"mode": "random"}, {"mode": "table", "table": [{"groups": ["xx"]}]}):
        with pytest.raises(GradingInputError) as caught:
            grading_rules_from_values(
                weights={"fo": 25, "sor": 25, "soch": 50},
                thresholds={"5": 85, "4": 65, "3": 40},
                redistribution=broken,
            )
        assert caught.value.code == "invalid_grading_rules"


# --- when СОЧ may be held (SEC-27.12) -------------------------------------------------------------

MONDAY = dt.date(2026, 10, 19)
LAST_DAY = dt.date(2026, 10, 23)


def soch(ref, subject="math", day=MONDAY, klass="7A") -> SummativeEvent:
    return SummativeEvent(SOCH, klass, subject, day, ref)


def test_sec27_12_at_most_three_soch_a_day_per_class():
    three = [soch(1, "math"), soch(2, "kazakh"), soch(3, "physics"), soch(9, "art", klass="7B")]
    assert (
        summative_schedule_violations(three, quarter_last_days={LAST_DAY}, rules=make_rules()) == []
    )
    four = [*three, soch(4, "history")]
    violations = summative_schedule_violations(
        four, quarter_last_days={LAST_DAY}, rules=make_rules()
    )
    assert [(v.code, v.class_ref, v.refs) for v in violations] == [
        ("soch_too_many_per_day", "7A", (1, 2, 3, 4))
    ]


def test_sec27_12_no_soch_on_the_last_day_of_the_quarter():
    events = [
        soch(1, day=LAST_DAY),
        SummativeEvent(SOR, "7A", "math", LAST_DAY - dt.timedelta(1), 2),
    ]
    violations = summative_schedule_violations(
        events, quarter_last_days={LAST_DAY}, rules=make_rules()
    )
    assert [(v.code, v.day, v.refs) for v in violations] == [
        ("soch_on_last_day_of_quarter", LAST_DAY, (1,))
    ]


def test_sec27_12_no_soch_on_the_day_of_a_sor_in_the_same_subject():
    events = [
        soch(1, "math"),
        SummativeEvent(SOR, "7A", "math", MONDAY, 2),
        soch(3, "physics"),
        SummativeEvent(SOR, "7A", "biology", MONDAY, 4),  # other subject: allowed
        SummativeEvent(SOR, "7B", "physics", MONDAY, 5),  # other class: allowed
    ]
    violations = summative_schedule_violations(events, quarter_last_days=set(), rules=make_rules())
    assert [(v.code, v.refs) for v in violations] == [("soch_same_day_as_sor", (1,))]


def test_sec27_12_schedule_limits_are_data():
    events = [soch(1, "math"), soch(2, "kazakh"), SummativeEvent(SOR, "7A", "math", MONDAY, 3)]
    lenient = make_rules(max_soch_per_class_day=1, soch_not_with_sor_same_subject=False)
    violations = summative_schedule_violations(events, quarter_last_days=set(), rules=lenient)
    assert [v.code for v in violations] == ["soch_too_many_per_day"]


# --- teaching load (SEC-27.13) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "status", "difference"),
    [
        (D(18), LoadStatus.UNDERLOAD, D(-1)),  # before 01.09.2021: 17 h is an underload
        (D(16), LoadStatus.OVERLOAD, D(1)),  # since 01.09.2021: the same 17 h is an overload
    ],
)
def test_sec27_13_teaching_load_against_the_rate_in_force(rate, status, difference):
    load = teaching_load([D(5), D(6), D(4), D("1.5"), D("0.5")], rate)
    assert load.hours == D(17)
    assert load.status is status
    assert load.difference == difference


def test_sec27_13_exact_rate_is_normal_and_bad_input_is_refused():
    assert teaching_load([D(10), D(6)], D(16)).status is LoadStatus.NORMAL
    assert teaching_load([], D(16)).status is LoadStatus.UNDERLOAD
    with pytest.raises(GradingInputError) as caught:
        teaching_load([D(-2)], D(16))
    assert caught.value.code == "hours_negative"
    with pytest.raises(GradingInputError) as caught:
        teaching_load([D(2)], D(0))
    assert caught.value.code == "invalid_rate"


# --- against an independent straightforward implementation ---------------------------------------


def reference_quarter(fo, sor, soch, weights, mode, table, thresholds, rounding, fo_max):
    """The rule written plainly with Fractions: (mark, percent the thresholds were applied to)."""
    shares = {}
    if fo:
        shares["fo"] = Fraction(sum(fo), len(fo) * fo_max)
    if sor:
        shares["sor"] = Fraction(sum(e for e, _ in sor), sum(m for _, m in sor))
    if soch:
        shares["soch"] = Fraction(sum(e for e, _ in soch), sum(m for _, m in soch))
    used = table[frozenset(shares)] if mode == "table" and frozenset(shares) in table else weights
    total = sum(used.get(g, 0) for g in shares)
    if total == 0:
        return None
    percent = 100 * sum(used.get(g, 0) * shares[g] for g in shares) / total
    if rounding == "half_up":
        percent = Fraction(math.floor(percent + Fraction(1, 2)))
    elif rounding == "half_even":
        percent = Fraction(round(percent))
    for mark, bound in thresholds:
        if percent >= bound:
            return mark, percent
    return 2, percent


# Small maxima, round weights and whole-percent thresholds make exact ties (84.5 %, exactly 85 %)
# frequent, which is where a rounding or an inclusive-bound mistake would hide.
points = st.one_of(
    st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=40)
).flatmap(
    lambda top: st.tuples(st.integers(min_value=0, max_value=2 * top), st.just(2 * top))
)  # half points allowed: (earned halves, max halves)
weight = st.one_of(
    st.integers(min_value=0, max_value=4).map(lambda quarter: quarter * 2500),
    st.integers(min_value=0, max_value=10_000),
)  # hundredths of a percent
bound = st.one_of(
    st.integers(min_value=1, max_value=100).map(lambda whole: whole * 10),
    st.integers(min_value=1, max_value=1000),
)  # tenths of a percent


@settings(max_examples=1500, deadline=None)
@given(
    fo=st.lists(st.integers(min_value=1, max_value=10), max_size=12),
    sor=st.lists(points, max_size=4),
    soch=st.lists(points, max_size=2),
    raw_weights=st.tuples(weight, weight, weight),
    table_weights=st.tuples(weight, weight),
    mode=st.sampled_from(["proportional", "table"]),
    bounds=st.sets(bound, min_size=3, max_size=3),
    rounding=st.sampled_from(["none", "half_up", "half_even"]),
)
def test_sec27_8_quarter_mark_matches_an_independent_implementation(
    fo, sor, soch, raw_weights, table_weights, mode, bounds, rounding
):
    assume(sum(raw_weights) > 0 and sum(table_weights) > 0)
    weights = dict(zip(("fo", "sor", "soch"), (Fraction(w, 100) for w in raw_weights), strict=True))
    table = {
        frozenset({"fo", "sor"}): {
            "fo": Fraction(table_weights[0], 100),
            "sor": Fraction(table_weights[1], 100),
        }
    }
    thresholds = list(
        zip((5, 4, 3), sorted((Fraction(b, 10) for b in bounds), reverse=True), strict=True)
    )
    sor_pts = [(Fraction(e, 2), Fraction(m, 2)) for e, m in sor]
    soch_pts = [(Fraction(e, 2), Fraction(m, 2)) for e, m in soch]
    expected = (
        reference_quarter(fo, sor_pts, soch_pts, weights, mode, table, thresholds, rounding, 10)
        if fo or sor or soch
        else None
    )

    rules = grading_rules_from_values(
        weights={
            g: str(D(w) / 100) for g, w in zip(("fo", "sor", "soch"), raw_weights, strict=True)
        },
        thresholds={
            str(m): str(D(b) / 10)
            for m, b in zip((5, 4, 3), sorted(bounds, reverse=True), strict=True)
        },
        fo_scale={"min": 1, "max": 10},
        redistribution={
            "mode": mode,
            "table": [
                {
                    "groups": ["fo", "sor"],
                    "weights": {
                        "fo": str(D(table_weights[0]) / 100),
                        "sor": str(D(table_weights[1]) / 100),
                    },
                }
            ],
        },
        rounding={"percent": rounding, "year_mark": "half_up"},
    )
    to_work = (
        [Work(D(e) / 2, D(m) / 2) for e, m in sor],
        [Work(D(e) / 2, D(m) / 2) for e, m in soch],
    )
    if expected is None:
        with pytest.raises(GradingInputError):
            quarter_result(
                grade=5, fo_marks=fo, sor_works=to_work[0], soch_works=to_work[1], rules=rules
            )
        return
    result = quarter_result(
        grade=5, fo_marks=fo, sor_works=to_work[0], soch_works=to_work[1], rules=rules
    )
    assert result is not None
    mark, percent = expected
    assert result.mark == mark
    if rounding == "none":
        assert abs(result.percent_for_mark - D(percent.numerator) / D(percent.denominator)) <= D(
            "0.005"
        )
    else:
        assert Fraction(result.percent_for_mark) == percent


@given(marks=st.lists(st.integers(min_value=2, max_value=5), min_size=1, max_size=4))
def test_sec27_8_year_mark_matches_an_independent_implementation(marks):
    expected = math.floor(Fraction(sum(marks), len(marks)) + Fraction(1, 2))
    assert year_mark(grade=10, period_marks=marks, rules=make_rules()) == expected
