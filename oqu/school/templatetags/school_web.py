"""The "School" button of the organization card, shown to holders of a school capability."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.web.actor import actor_of

register = template.Library()


@register.inclusion_tag("school/_card_link.html", takes_context=True)
def school_link(context: dict[str, Any], unit: Any) -> dict[str, Any]:
    request = context.get("request")
    shown = False
    if request is not None and request.user.is_authenticated and unit.kind == "organization":
        actor = actor_of(request)
        shown = actor.can_at("school.structure.view", unit.path) or actor.can_at(
            "school.class.view", unit.path
        )
    return {"unit": unit if shown else None}
