"""Where the grading rules come from: the effective-dated kernel rule sets (the only DB access).

Each piece is its own `RuleSet` code so that one uncertain choice (the ФО scale, the redistribution
of an empty group's weight, the rounding of the percentage) can get a new edition without touching
the others; `docs/conformance.md` lists each with its source confidence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from oqu.kernel.rules import rule_value

from .rules import GradingRules, grading_rules_from_values

WEIGHTS = "school.grading.quarter_weights"
THRESHOLDS = "school.grading.thresholds"
FO_SCALE = "school.grading.fo_scale"
REDISTRIBUTION = "school.grading.redistribution"
ROUNDING = "school.grading.rounding"
UNGRADED_GRADES = "school.grading.ungraded_grades"
SOCH_SCHEDULE = "school.grading.soch_schedule"
TEACHING_RATE = "school.teaching_load.weekly_hours"


def grading_rules_as_of(as_of: dt.date) -> GradingRules:
    """The grading rules in force on `as_of` (e.g. the first day of the academic year or period).

    Raises `NotFound` (code `rule_not_found`) when a piece has no edition in force on that date.
    """
    return grading_rules_from_values(
        weights=rule_value(WEIGHTS, as_of),
        thresholds=rule_value(THRESHOLDS, as_of),
        fo_scale=rule_value(FO_SCALE, as_of),
        redistribution=rule_value(REDISTRIBUTION, as_of),
        rounding=rule_value(ROUNDING, as_of),
        ungraded_grades=rule_value(UNGRADED_GRADES, as_of),
        soch_schedule=rule_value(SOCH_SCHEDULE, as_of),
    )


def teaching_rate_as_of(as_of: dt.date) -> Decimal:
    """Weekly hours of the teaching rate in force (18 before 01.09.2021, 16 since)."""
    return Decimal(str(rule_value(TEACHING_RATE, as_of)))
