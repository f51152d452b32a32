"""The restricted-data section of the person card, shown only to holders of the capability."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.access import scope
from oqu.people.restricted import VIEW
from oqu.web.actor import actor_of

register = template.Library()


@register.inclusion_tag("people/_restricted_section.html", takes_context=True)
def restricted_section(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    visible = False
    if request is not None and request.user.is_authenticated:
        actor = actor_of(request)
        visible = actor.is_platform_admin or any(
            actor.can_at(VIEW, unit.path) for unit in scope.person_units(person)
        )
    return {"person": person if visible else None, "request": request}
