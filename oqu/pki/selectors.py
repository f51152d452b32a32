"""Reads of stored verifications: one's own, and those of the organizations in one's scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor

from .models import Verification

VIEW = "pki.verification.view"


def verification_list(actor: Actor) -> QuerySet[Verification]:
    """The verifications the actor made, and those recorded for organizations where the actor
    holds `pki.verification.view`."""
    if actor.is_anonymous:
        return Verification.objects.none()
    query: Q = Q(actor=actor.user)
    if actor.is_platform_admin or actor.paths_for(VIEW):
        query |= scope.path_filter(actor, VIEW, "organization__path") & Q(
            organization__isnull=False
        )
    return (
        Verification.objects.filter(query)
        .select_related("organization", "expected_person")
        .defer("signature")
    )


def verification_get(actor: Actor, verification_id: UUID | str) -> Verification:
    return scope.get_in(verification_list(actor), verification_id, actor, VIEW)


def verification_for(verification_id: Any) -> Verification | None:
    """For other apps that stored a verification id on their own (already scoped) object."""
    return Verification.objects.filter(pk=verification_id).first()
