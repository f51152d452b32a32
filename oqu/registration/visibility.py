"""Which link requests a member of staff may decide: those of children enrolled in their subtree.

Shared by selectors (lists) and services (decisions), so both apply the same scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Forbidden, NotFound
from oqu.people.models import Enrolment

from .models import LinkRequest

CONFIRM = "registration.link.confirm"


def children_iins_in_scope(actor: Actor, action: str) -> QuerySet[Any]:
    """IINs of learners actively enrolled where the actor holds `action` (a subquery)."""
    active = Enrolment.objects.filter(end_date__isnull=True)
    return scope.visible(actor, action, active).values("person__iin")


def decidable(actor: Actor) -> QuerySet[LinkRequest]:
    """Link requests about children in the actor's scope for confirming (any status)."""
    if actor.is_anonymous:
        return LinkRequest.objects.none()
    if actor.is_platform_admin:
        return LinkRequest.objects.all()
    return LinkRequest.objects.filter(child_iin__in=children_iins_in_scope(actor, CONFIRM))


def get_decidable(actor: Actor, link_id: Any) -> LinkRequest:
    """The request, or 404 when its child is not enrolled in the actor's scope; 403 when the actor
    sees the child (a teacher, say) but may not decide."""
    try:
        return scope.get_in(decidable(actor), link_id, actor, CONFIRM)
    except NotFound:
        seen = LinkRequest.objects.filter(
            pk=link_id, child_iin__in=children_iins_in_scope(actor, "people.person.view")
        )
        if actor.is_anonymous or not seen.exists():
            raise
    error = Forbidden(_("You may not decide parents' requests."), code="forbidden")
    error.denial = scope.Denial(  # type: ignore[attr-defined]
        actor, CONFIRM, "registration.linkrequest", str(link_id), "missing_capability"
    )
    raise error
