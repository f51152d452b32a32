"""Marks computed by rule: criteria-based assessment (ФО/СОР/СОЧ) and the teaching load.

Pure functions: no database, no clock. Every value that changes by edition of the law or whose
source is uncertain (`DOMAIN.md` §2, §5) — weights, thresholds, the ФО scale, how weights are
redistributed when a group is empty, the rounding of the percentage, which grades get no marks, the
СОЧ scheduling limits — arrives in a `GradingRules` built from effective-dated `kernel.RuleSet`
rows (`oqu.school.rule_sources`), never from constants here.

Arithmetic is exact: every percentage is kept as a ratio of two integral `Decimal`s computed in a
context that traps any inexact operation, so a learner exactly on a threshold (say 85 %) is never
pushed below it by a rounding error. Decimals with two places are produced only for display.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from oqu.kernel.errors import ValidationError

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


class Group(StrEnum):
    """The three groups of assessment of a period."""

    FO = "fo"  # formative (ФО), marks on a scale
    SOR = "sor"  # summative for a section (СОР), points
    SOCH = "soch"  # summative for the quarter (СОЧ), points


class Redistribution(StrEnum):
    """What happens to the weight of a group that has no work in the period."""

    PROPORTIONAL = "proportional"  # the remaining weights are scaled up to 100 %
    TABLE = "table"  # a fixed table per set of present groups, e.g. ФО 50 / СОР 50


class Rounding(StrEnum):
    NONE = "none"
    HALF_UP = "half_up"  # 84.5 -> 85
    HALF_EVEN = "half_even"  # 84.5 -> 84, 85.5 -> 86


class LoadStatus(StrEnum):
    UNDERLOAD = "underload"
    NORMAL = "normal"
    OVERLOAD = "overload"


class GradingInputError(ValidationError):
    """Input a mark cannot be computed from; `code` says which rule the input breaks."""


def _error(code: str, message: Any) -> GradingInputError:
    return GradingInputError(message, code=code)


# --- the rules as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingRules:
    """One edition of the grading rules, as passed to every computation.

    `weights`: group -> weight (any positive total; shares are weight / total of present groups).
    `thresholds`: (mark, lowest percent that earns it) from the highest mark down; inclusive.
    `weight_table`: for `Redistribution.TABLE`, the weights to use for a given set of present groups;
    a set not in the table falls back to proportional redistribution.
    """

    weights: Mapping[Group, Decimal]
    thresholds: tuple[tuple[int, Decimal], ...]
    lowest_mark: int = 2
    fo_scale_min: int = 1
    fo_scale_max: int = 10
    redistribution: Redistribution = Redistribution.PROPORTIONAL
    weight_table: Mapping[frozenset[Group], Mapping[Group, Decimal]] = field(default_factory=dict)
    percent_rounding: Rounding = Rounding.HALF_UP
    year_rounding: Rounding = Rounding.HALF_UP
    ungraded_grades: frozenset[int] = frozenset({1})
    max_soch_per_class_day: int = 3
    soch_not_on_last_day_of_quarter: bool = True
    soch_not_with_sor_same_subject: bool = True

    def __post_init__(self) -> None:
        _check_weights(self.weights)
        for table_weights in self.weight_table.values():
            _check_weights(table_weights)
        marks = [mark for mark, _bound in self.thresholds]
        bounds = [bound for _mark, bound in self.thresholds]
        if (
            not self.thresholds
            or marks != sorted(marks, reverse=True)
            or len(set(marks)) != len(marks)
            or bounds != sorted(bounds, reverse=True)
            or len(set(bounds)) != len(bounds)
            or min(marks) <= self.lowest_mark
            or not all(Decimal(0) < bound <= HUNDRED for bound in bounds)
            or not 0 <= self.fo_scale_min < self.fo_scale_max
            or self.max_soch_per_class_day < 1
            or self.year_rounding is Rounding.NONE
        ):
            raise _error(
                "invalid_grading_rules", _("The grading rules in force are not consistent.")
            )

    @property
    def highest_mark(self) -> int:
        return self.thresholds[0][0]


def _check_weights(weights: Mapping[Group, Decimal]) -> None:
    if (
        set(weights) - set(Group)
        or any(w < 0 for w in weights.values())
        or sum(weights.values()) <= 0
    ):
        raise _error("invalid_grading_rules", _("The grading rules in force are not consistent."))


def grading_rules_from_values(
    *,
    weights: Mapping[str, Any],
    thresholds: Mapping[str, Any],
    fo_scale: Mapping[str, Any] | None = None,
    redistribution: Mapping[str, Any] | None = None,
    rounding: Mapping[str, Any] | None = None,
    ungraded_grades: Iterable[int] | None = None,
    soch_schedule: Mapping[str, Any] | None = None,
) -> GradingRules:
    """Build `GradingRules` from the JSON values of the rule sets (numbers given as int or str)."""
    try:
        table = {
            frozenset(Group(g) for g in entry["groups"]): _weights(entry["weights"])
            for entry in (redistribution or {}).get("table", [])
        }
        return GradingRules(
            weights=_weights(weights),
            thresholds=tuple(
                sorted(((int(m), Decimal(str(b))) for m, b in thresholds.items()), reverse=True)
            ),
            lowest_mark=int((fo_scale or {}).get("lowest_mark", 2)),
            fo_scale_min=int((fo_scale or {}).get("min", 1)),
            fo_scale_max=int((fo_scale or {}).get("max", 10)),
            redistribution=Redistribution((redistribution or {}).get("mode", "proportional")),
            weight_table=table,
            percent_rounding=Rounding((rounding or {}).get("percent", "half_up")),
            year_rounding=Rounding((rounding or {}).get("year_mark", "half_up")),
            ungraded_grades=frozenset(int(g) for g in (ungraded_grades or (1,))),
            max_soch_per_class_day=int((soch_schedule or {}).get("max_per_class_day", 3)),
            soch_not_on_last_day_of_quarter=bool(
                (soch_schedule or {}).get("not_on_last_day_of_quarter", True)
            ),
            soch_not_with_sor_same_subject=bool(
                (soch_schedule or {}).get("not_with_sor_same_subject", True)
            ),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise _error(
            "invalid_grading_rules", _("The grading rules in force are not consistent.")
        ) from exc


def _weights(raw: Mapping[str, Any]) -> dict[Group, Decimal]:
    return {Group(g): Decimal(str(w)) for g, w in raw.items()}


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """One summative work (СОР or СОЧ): points earned out of the work's maximum."""

    earned: Decimal
    max_points: Decimal


def _is_finite_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


def validate_work(work: Work) -> None:
    if not (_is_finite_number(work.earned) and _is_finite_number(work.max_points)):
        # Floats are refused on purpose: a mark near a threshold must not depend on binary rounding.
        raise _error("points_not_a_number", _("Points must be whole or decimal numbers."))
    if work.max_points <= 0:
        raise _error("max_points_not_positive", _("The maximum points of a work must be positive."))
    if work.earned < 0:
        raise _error("points_negative", _("Points earned must not be negative."))
    if work.earned > work.max_points:
        raise _error(
            "points_over_max", _("Points earned must not exceed the maximum points of the work.")
        )


def validate_formative_mark(mark: int, rules: GradingRules) -> None:
    if isinstance(mark, bool) or not isinstance(mark, int):
        raise _error(
            "mark_out_of_scale", _("A formative mark must be a whole number on the scale in force.")
        )
    if not rules.fo_scale_min <= mark <= rules.fo_scale_max:
        raise _error(
            "mark_out_of_scale", _("A formative mark must be a whole number on the scale in force.")
        )


def is_graded(grade: int, rules: GradingRules) -> bool:
    """Grade 1 gets feedback only, no marks (`DOMAIN.md` §2: Order 125 p.7, site file — M)."""
    return grade not in rules.ungraded_grades


# --- exact ratios ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ratio:
    """num / den as finite Decimals (half points allowed), den > 0; kept unevaluated, hence exact."""

    num: Decimal
    den: Decimal


def _exact() -> Any:
    # Far more digits than any product of school points needs; an inexact step would raise, not round.
    return localcontext(
        Context(prec=400, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
    )


def group_ratio(works: Sequence[Work]) -> _Ratio | None:
    """The share of points earned over the group's works (None when the group is empty)."""
    for work in works:
        validate_work(work)
    if not works:
        return None
    with _exact():
        return _Ratio(
            sum((w.earned for w in works), Decimal(0)),
            sum((w.max_points for w in works), Decimal(0)),
        )


def formative_ratio(marks: Sequence[int], rules: GradingRules) -> _Ratio | None:
    """ФО share: the sum of marks over n × the scale maximum (`DOMAIN.md` §2, L)."""
    for mark in marks:
        validate_formative_mark(mark, rules)
    if not marks:
        return None
    with _exact():
        return _Ratio(Decimal(sum(marks)), Decimal(len(marks) * rules.fo_scale_max))


def group_percentage(works: Sequence[Work]) -> Decimal | None:
    """Points earned / max points of the group, in percent with two places (display)."""
    ratio = group_ratio(works)
    return None if ratio is None else _display(ratio.num * HUNDRED, ratio.den)


def formative_percentage(marks: Sequence[int], rules: GradingRules) -> Decimal | None:
    ratio = formative_ratio(marks, rules)
    return None if ratio is None else _display(ratio.num * HUNDRED, ratio.den)


def _display(num: Decimal, den: Decimal) -> Decimal:
    return (num / den).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _round_to_integer(num: Decimal, den: Decimal, mode: Rounding) -> Decimal:
    """num / den rounded to an integer by `mode`, exactly (integer division and a remainder test)."""
    with _exact():
        quotient, remainder = divmod(num, den)  # both non-negative here
        twice = remainder * 2
        if twice > den or (twice == den and (mode is Rounding.HALF_UP or quotient % 2 == 1)):
            quotient += 1
        return quotient


# --- period, half-year and year marks ----------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """A computed quarter or half-year result.

    `percent` is for display (two places); `percent_for_mark` is what the thresholds were applied to
    (rounded by the rule in force, or the exact value shown with two places when no rounding applies);
    `shares` are the effective weights of the present groups in percent (display).
    """

    percent: Decimal
    percent_for_mark: Decimal
    mark: int
    shares: Mapping[Group, Decimal]


def effective_weights(present: Collection[Group], rules: GradingRules) -> dict[Group, Decimal]:
    """The weights to use when only `present` groups have works, by the redistribution rule."""
    present_set = frozenset(present)
    if rules.redistribution is Redistribution.TABLE and present_set in rules.weight_table:
        chosen = rules.weight_table[present_set]
    else:
        chosen = rules.weights
    weights = {group: chosen.get(group, Decimal(0)) for group in present_set}
    if sum(weights.values()) <= 0:
        raise _error(
            "no_weighted_group",
            _("None of the assessed groups carries a weight under the rules in force."),
        )
    return weights


def period_result(ratios: Mapping[Group, _Ratio | None], rules: GradingRules) -> PeriodResult:
    """Weighted percentage of the present groups, rounded by the rule, then the mark by thresholds."""
    present = {group: ratio for group, ratio in ratios.items() if ratio is not None}
    if not present:
        raise _error("nothing_assessed", _("No work has been assessed in the period."))
    weights = effective_weights(present, rules)
    with _exact():
        # Σ w_g · 100 · e_g / m_g  /  Σ w_g, brought over one common denominator.
        den = sum(weights.values(), Decimal(0))
        for ratio in present.values():
            den *= ratio.den
        num = Decimal(0)
        for group, ratio in present.items():
            term = weights[group] * HUNDRED * ratio.num
            for other, other_ratio in present.items():
                if other is not group:
                    term *= other_ratio.den
            num += term
    total_weight = sum(weights.values(), Decimal(0))
    shares = {g: _display(w * HUNDRED, total_weight) for g, w in weights.items()}
    if rules.percent_rounding is Rounding.NONE:
        mark = _mark_from_ratio(num, den, rules)
        shown = _display(num, den)
        return PeriodResult(shown, shown, mark, shares)
    rounded = _round_to_integer(num, den, rules.percent_rounding)
    return PeriodResult(_display(num, den), rounded, percent_to_mark(rounded, rules), shares)


def _mark_from_ratio(num: Decimal, den: Decimal, rules: GradingRules) -> int:
    with _exact():
        for mark, bound in rules.thresholds:
            if num >= bound * den:
                return mark
    return rules.lowest_mark


def percent_to_mark(percent: Decimal, rules: GradingRules) -> int:
    """The 5-point mark for a percentage; each threshold is an inclusive lower bound (85/65/40)."""
    if not Decimal(0) <= percent <= HUNDRED:
        raise _error("percent_out_of_range", _("A percentage must lie between 0 and 100."))
    return _mark_from_ratio(percent, Decimal(1), rules)


def quarter_result(
    *,
    grade: int,
    fo_marks: Sequence[int],
    sor_works: Sequence[Work],
    soch_works: Sequence[Work],
    rules: GradingRules,
) -> PeriodResult | None:
    """The quarter result from ФО, СОР and СОЧ; None for a grade that gets no marks."""
    if not is_graded(grade, rules):
        return None
    ratios = {
        Group.FO: formative_ratio(fo_marks, rules),
        Group.SOR: group_ratio(sor_works),
        Group.SOCH: group_ratio(soch_works),
    }
    return period_result(ratios, rules)


def half_year_result(
    *,
    grade: int,
    fo_marks: Sequence[int],
    sor_works: Sequence[Work],
    rules: GradingRules,
) -> PeriodResult | None:
    """A 1-hour-a-week subject is marked per half-year from ФО and СОР (`DOMAIN.md` §2, M).

    There is no СОЧ in such a period, so the weights are those the rules give when СОЧ is empty.
    """
    if not is_graded(grade, rules):
        return None
    ratios = {Group.FO: formative_ratio(fo_marks, rules), Group.SOR: group_ratio(sor_works)}
    return period_result(ratios, rules)


def year_mark(*, grade: int, period_marks: Sequence[int], rules: GradingRules) -> int | None:
    """The arithmetic mean of the quarter (half-year) marks rounded by the rule (half-up: 3.5 -> 4)."""
    if not is_graded(grade, rules):
        return None
    if not period_marks:
        raise _error("no_period_marks", _("A year mark needs at least one period mark."))
    for mark in period_marks:
        if isinstance(mark, bool) or not isinstance(mark, int):
            raise _error("mark_out_of_range", _("A period mark must lie within the 5-point scale."))
        if not rules.lowest_mark <= mark <= rules.highest_mark:
            raise _error("mark_out_of_range", _("A period mark must lie within the 5-point scale."))
    total, count = Decimal(sum(period_marks)), Decimal(len(period_marks))
    return int(_round_to_integer(total, count, rules.year_rounding))


# --- when summative works may be held ----------------------------------------------------------


@dataclass(frozen=True)
class SummativeEvent:
    """A planned СОР or СОЧ of a class in a subject on a day; `ref` identifies it to the caller."""

    kind: Group
    class_ref: Hashable
    subject_ref: Hashable
    day: dt.date
    ref: Hashable = None


@dataclass(frozen=True)
class ScheduleViolation:
    code: str  # soch_too_many_per_day | soch_on_last_day_of_quarter | soch_same_day_as_sor
    day: dt.date
    class_ref: Hashable
    refs: tuple[Hashable, ...]


def summative_schedule_violations(
    events: Iterable[SummativeEvent],
    *,
    quarter_last_days: Collection[dt.date],
    rules: GradingRules,
) -> list[ScheduleViolation]:
    """Check the СОЧ calendar (`DOMAIN.md` §2, H): ≤ N СОЧ per class a day, none on the last day
    of a quarter, none on the day of a СОР in the same subject. Returns every violation found."""
    events = list(events)
    violations: list[ScheduleViolation] = []
    soch_by_class_day: dict[tuple[Hashable, dt.date], list[SummativeEvent]] = defaultdict(list)
    sor_keys = Counter((e.class_ref, e.subject_ref, e.day) for e in events if e.kind is Group.SOR)
    for event in events:
        if event.kind is not Group.SOCH:
            continue
        soch_by_class_day[(event.class_ref, event.day)].append(event)
        if rules.soch_not_on_last_day_of_quarter and event.day in quarter_last_days:
            violations.append(
                ScheduleViolation(
                    "soch_on_last_day_of_quarter", event.day, event.class_ref, (event.ref,)
                )
            )
        if (
            rules.soch_not_with_sor_same_subject
            and sor_keys[(event.class_ref, event.subject_ref, event.day)]
        ):
            violations.append(
                ScheduleViolation("soch_same_day_as_sor", event.day, event.class_ref, (event.ref,))
            )
    for (class_ref, day), same_day in soch_by_class_day.items():
        if len(same_day) > rules.max_soch_per_class_day:
            violations.append(
                ScheduleViolation(
                    "soch_too_many_per_day", day, class_ref, tuple(e.ref for e in same_day)
                )
            )
    return violations


# --- teaching load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeachingLoad:
    hours: Decimal
    rate: Decimal
    difference: Decimal  # hours - rate: positive = overload, negative = underload
    status: LoadStatus


def teaching_load(weekly_hours: Iterable[Decimal], rate: Decimal) -> TeachingLoad:
    """A teacher's weekly hours (sum over class-subjects) against the rate in force.

    The rate is an effective-dated rule: 18 hours before 01.09.2021, 16 since (`DOMAIN.md` §5, H).
    """
    if rate <= 0:
        raise _error("invalid_rate", _("The teaching rate in force must be positive."))
    hours_list = list(weekly_hours)
    if any(h < 0 for h in hours_list):
        raise _error("hours_negative", _("Weekly hours must not be negative."))
    hours = sum(hours_list, Decimal(0))
    difference = hours - rate
    if difference > 0:
        status = LoadStatus.OVERLOAD
    elif difference < 0:
        status = LoadStatus.UNDERLOAD
    else:
        status = LoadStatus.NORMAL
    return TeachingLoad(hours, rate, difference, status)
