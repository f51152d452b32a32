"""Template helpers of the layout: who is signed in, what the menu offers, names by language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from oqu.identity.models import User

from .. import selectors
from ..actor import actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def user_display(context: dict[str, Any]) -> str:
    """The signed-in user's name: their person's name in the active language, else the login."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    person = getattr(user, "person", None)
    if person is not None:
        return selectors.person_name(person)
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def grants_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    actor = actor_of(request)
    return selectors.sees_grants(actor) or selectors.manages_grants(actor)


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    """The language switch shows each language in its own name (Қазақша, Русский)."""
    return list(User.Language.choices)


@register.filter
def person_name(person: Any) -> str:
    return selectors.person_name(person)


@register.filter
def position_label(position: str) -> str:
    return selectors.position_label(position)


@register.filter
def unit_kind(unit: Any) -> str:
    return str(dict(unit.Kind.choices).get(unit.kind, "")) if unit is not None else ""


@register.filter
def grant_state_label(state: str) -> str:
    labels = {"active": _("Active"), "ended": _("Ended"), "future": _("Not started")}
    return labels.get(state, state)


@register.filter
def history_change_label(code: str) -> str:
    labels = {"+": _("Given"), "~": _("Changed"), "-": _("Deleted")}
    return labels.get(code, code)


@register.simple_tag(takes_context=True)
def sso_in_menu(context: dict[str, Any]) -> bool:
    """The digital resources (SSO) page is shown to the platform administrator only."""
    from oqu.sso.selectors import can_manage_clients

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return can_manage_clients(actor_of(request))
