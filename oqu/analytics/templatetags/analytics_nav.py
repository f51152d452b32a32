"""The "Analytics" item of the main menu, for those who may see learning analytics somewhere."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from oqu.web.actor import actor_of

from ..selectors import VIEW, VIEW_OWN

register = template.Library()


@register.simple_tag(takes_context=True)
def analytics_in_menu(context: Any) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    actor = actor_of(request)
    return bool(actor.is_platform_admin or actor.paths_for(VIEW) or actor.paths_for(VIEW_OWN))


@register.simple_tag(takes_context=True)
def analytics_url(context: Any, unit: Any, school_class: Any = None) -> str:
    """The analytics page of `unit` (or of `school_class` in it) when the actor may open it there."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or unit is None:
        return ""
    actor = actor_of(request)
    if not (actor.can_at(VIEW, unit.path) or actor.can_at(VIEW_OWN, unit.path)):
        return ""
    if school_class is not None:
        return reverse("analytics:class", args=[school_class.pk])
    return reverse("analytics:unit", args=[unit.pk])
