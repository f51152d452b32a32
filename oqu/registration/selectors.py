"""Reads of parents' link requests: the parent's own, and those an organization may decide."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from oqu.access.scope import Actor
from oqu.kernel.errors import NotFound

from .models import LinkRequest
from .visibility import decidable, get_decidable


def link_requests_of_parent(actor: Actor) -> QuerySet[LinkRequest]:
    """The signed-in parent's own requests, newest first."""
    if actor.is_anonymous:
        return LinkRequest.objects.none()
    return LinkRequest.objects.filter(requested_by=actor.user).order_by("-created_at", "-pk")


def link_request_of_parent(actor: Actor, link_id: Any) -> LinkRequest:
    row = link_requests_of_parent(actor).filter(pk=link_id).first()
    if row is None:
        raise NotFound()
    return row


def link_requests_to_decide(
    actor: Actor, *, status: str = LinkRequest.Status.PENDING
) -> QuerySet[LinkRequest]:
    """Requests about learners enrolled in the actor's subtree (pending ones by default)."""
    return (
        decidable(actor)
        .filter(status=status)
        .select_related("parent", "requested_by")
        .order_by("created_at", "pk")
    )


def link_request_for_decision(actor: Actor, link_id: Any) -> LinkRequest:
    return get_decidable(actor, link_id)


def children_by_iin(iins: list[str]) -> dict[str, Any]:
    """The platform's persons for these IINs (one query), to show the child's name to staff."""
    from oqu.people.models import Person

    return {p.iin: p for p in Person.objects.filter(iin__in=iins)}
