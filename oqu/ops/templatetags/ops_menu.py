"""The menu item of the platform's own operations (DBMS events, integrity), for its administrator."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.audit.dbms_selectors import DBMS_VIEW, require_platform
from oqu.kernel.errors import DomainError
from oqu.ops.selectors import VIEW as INTEGRITY_VIEW
from oqu.web.actor import actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def platform_operations_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    actor = actor_of(request)
    # No query for the many users without the capability anywhere.
    if not actor.is_platform_admin and not actor.paths_for(DBMS_VIEW):
        return False
    try:
        require_platform(actor, DBMS_VIEW)
    except DomainError:
        return False
    return True


@register.simple_tag(takes_context=True)
def integrity_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    actor = actor_of(request)
    if not actor.is_platform_admin and not actor.paths_for(INTEGRITY_VIEW):
        return False
    try:
        require_platform(actor, INTEGRITY_VIEW)
    except DomainError:
        return False
    return True
