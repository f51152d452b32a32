"""Template helpers of the account pages: the menu entry and the block on a person's card."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.web.actor import actor_of

from .. import guards, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def accounts_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return selectors.may_view_accounts(actor_of(request))


@register.inclusion_tag("identity/_person_account.html", takes_context=True)
def person_account(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """The person's account (when the viewer may see it), or the link to create one."""
    request = context["request"]
    actor = actor_of(request)
    if not selectors.may_view_accounts(actor):
        return {"person": person, "account": None, "can_create": False}
    account = selectors.account_of_person(actor, person)
    can_create = account is None and guards.may_create_for(actor, person)
    return {"person": person, "account": account, "can_create": can_create}
