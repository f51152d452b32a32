"""Effective-dated rule sets: look a rule up "as of" a date.

Weights, thresholds, deadlines, ratios and the teaching rate change by edition of the law
(`DOMAIN.md` §2, §3, §5), so they live in `RuleSet` rows with validity dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from .errors import NotFound
from .models import RuleSet


def rule_value(code: str, as_of: dt.date) -> Any:
    """Return the value of rule `code` in force on `as_of`; raise NotFound if none is."""
    rule = (
        RuleSet.objects.filter(code=code, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=as_of))
        .order_by("-valid_from")
        .first()
    )
    if rule is None:
        raise NotFound(code="rule_not_found")
    return rule.value


def rule_value_subquery(code: str, as_of_field: str) -> Subquery:
    """`rule_value(code, row.<as_of_field>)` as an annotation, so that a read of the row brings
    the rule in force on its date in the same round trip (None when no rule is in force)."""
    as_of = OuterRef(as_of_field)
    rules = (
        RuleSet.objects.filter(code=code, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=as_of))
        .order_by("-valid_from")
        .values("value")[:1]
    )
    return Subquery(rules, output_field=RuleSet._meta.get_field("value"))


def rule_history(code: str) -> list[RuleSet]:
    return list(RuleSet.objects.filter(code=code).order_by("valid_from"))
