"""The acting user's grants, loaded once per request for views and templates alike."""

from __future__ import annotations

from django.http import HttpRequest

from oqu.access.scope import Actor, actor_for


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor | None = getattr(request, "_oqu_actor", None)
    if actor is None:
        actor = actor_for(getattr(request, "user", None))
        request._oqu_actor = actor  # type: ignore[attr-defined]
    return actor
