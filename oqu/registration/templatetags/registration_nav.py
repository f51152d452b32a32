"""The registration item of the main menu: "My children" for parents, "Parents' requests" for
staff who may decide them; nothing for others."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from oqu.web.actor import actor_of

from ..visibility import CONFIRM

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_nav_item(context: Any) -> dict[str, str] | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    actor = actor_of(request)
    if actor.is_platform_admin or actor.paths_for(CONFIRM):
        return {
            "url": reverse("registration:link_requests"),
            "label": _("Parents' requests"),
            "section": "link_requests",
        }
    if actor.person_id:
        return {
            "url": reverse("registration:links"),
            "label": _("My children"),
            "section": "links",
        }
    return None
