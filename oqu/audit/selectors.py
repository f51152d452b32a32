"""Reads of the journals, scoped by the actor."""

from __future__ import annotations

from typing import Any

from oqu.access import scope
from oqu.access.scope import Actor

from .chain import ChainReport, chain_key
from .integrity import verify_and_report

VIEW = "audit.journal.view"


def journal_verify(actor: Actor, *, organization: Any = None) -> list[ChainReport]:
    """Verify one organization's chain (its heads may) or every chain (the republic level may)."""
    from oqu.orgs.models import Unit

    if organization is not None:
        scope.require(actor, VIEW, organization)
        return verify_and_report([chain_key(organization.pk)])
    scope.require(actor, VIEW, Unit.objects.get(kind=Unit.Kind.REPUBLIC))
    return verify_and_report()
