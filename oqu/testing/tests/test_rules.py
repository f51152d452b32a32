"""Pure rules of interim control tests (SEC-27.14), without a database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oqu.testing import rules

BANK = {"A": ["a1", "a2", "a3", "a4"], "B": ["b1", "b2", "b3"]}


def test_sec_27_14_the_same_seed_draws_the_same_questions_in_the_same_order():
    first = rules.draw_questions(BANK, {"A": 2, "B": 1}, seed=42)
    again = rules.draw_questions(
        {"B": list(reversed(BANK["B"])), "A": BANK["A"]}, {"B": 1, "A": 2}, 42
    )
    assert first == again
    assert len(first) == 3
    assert set(first[:2]) <= set(BANK["A"])
    assert first[2] in BANK["B"]


@given(st.integers(min_value=0, max_value=2**62))
def test_sec_27_14_a_draw_never_repeats_a_question_and_respects_counts(seed):
    drawn = rules.draw_questions(BANK, {"A": 3, "B": 2}, seed)
    assert len(drawn) == len(set(drawn)) == 5
    assert sum(1 for q in drawn if q.startswith("a")) == 3


def test_sec_27_14_seeds_differ_in_what_they_draw():
    draws = {tuple(rules.draw_questions(BANK, {"A": 2}, seed)) for seed in range(30)}
    assert len(draws) > 1


def test_sec_27_14_a_draw_larger_than_the_bank_is_refused():
    with pytest.raises(ValueError, match="4 wanted, 3 in the bank"):
        rules.draw_questions(BANK, {"B": 4}, 1)


@pytest.mark.parametrize(
    ("kind", "correct", "response", "expected"),
    [
        ("single", [1], [1], True),
        ("single", [1], [0], False),
        ("single", [1], [], False),
        ("multiple", [0, 2], [2, 0], True),
        ("multiple", [0, 2], [0], False),
        ("multiple", [0, 2], [0, 1, 2], False),
        ("multiple", [0, 2], [], False),
        ("short", ["Астана", "Нур-Султан"], ["  астана "], True),
        ("short", ["two  words"], ["Two words"], True),
        ("short", ["2"], ["3"], False),
        ("short", ["2"], [], False),
    ],
)
def test_sec_27_14_grading_is_all_or_nothing_per_question(kind, correct, response, expected):
    assert rules.is_correct(kind, correct, response) is expected
    points = rules.question_points(kind, correct, response, 3)
    assert points == (Decimal(3) if expected else Decimal(0))


def test_sec_27_14_percent_is_rounded_half_up_to_a_tenth():
    assert rules.percent(Decimal(1), Decimal(8)) == Decimal("12.5")
    assert rules.percent(Decimal(2), Decimal(3)) == Decimal("66.7")
    assert rules.percent(Decimal(1), Decimal(16)) == Decimal("6.3")
    assert rules.percent(Decimal(0), Decimal(0)) is None
