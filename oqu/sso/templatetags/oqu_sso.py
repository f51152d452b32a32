"""Template tags of the SSO pages: what a resource will receive, shown on the consent screen."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.sso.models import Claim
from oqu.sso.selectors import policy_of

register = template.Library()


@register.simple_tag
def claims_to_release(application: Any, scopes: list[str]) -> list[str]:
    """Labels of the claim groups the resource receives if the user allows (G-9: informed consent)."""
    policy = policy_of(application)
    if policy is None:
        return []
    return [str(Claim(code).label) for code in Claim.values if policy.releases(code, list(scopes))]
