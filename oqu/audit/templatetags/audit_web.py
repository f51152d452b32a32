"""Template helpers of the audit pages: which journal menu items show, labels of codes."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.audit.journal_selectors import may_view_journal
from oqu.audit.selectors import sees_security_journals
from oqu.web.actor import actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def security_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return sees_security_journals(actor_of(request))


@register.simple_tag(takes_context=True)
def journal_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return may_view_journal(actor_of(request))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`labels|get_item:code` — the label of a code, or None."""
    return mapping.get(key)
