"""The forecast's assumptions as an effective-dated rule set (`oqu/kernel/rules.py`)."""

from __future__ import annotations

import datetime as dt

from oqu.kernel.rules import rule_history, rule_value

from .method import Assumptions

TAKE_UP_CODE = "forecast.preschool.take_up"


def assumptions_on(day: dt.date) -> Assumptions:
    return Assumptions.from_rule(rule_value(TAKE_UP_CODE, day))


def rule_in_force(day: dt.date) -> dict:
    """The edition in force with its validity and source, to state the method on the page."""
    editions = [r for r in rule_history(TAKE_UP_CODE) if r.valid_from <= day]
    editions = [r for r in editions if r.valid_to is None or r.valid_to >= day]
    edition = editions[-1]
    return {
        "valid_from": edition.valid_from,
        "valid_to": edition.valid_to,
        "source": edition.source,
        "confidence": edition.confidence,
        "value": edition.value,
    }
