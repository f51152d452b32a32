"""Reads of the integrity checks: the platform administrator only (checked on the republic)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from oqu.access.scope import Actor
from oqu.audit.dbms_selectors import require_platform

from .models import IntegrityCheck

VIEW = "ops.integrity.view"


def integrity_check_list(actor: Actor, *, failed_only: bool = False) -> QuerySet[IntegrityCheck]:
    require_platform(actor, VIEW)
    qs = IntegrityCheck.objects.all()
    if failed_only:
        qs = qs.exclude(result=IntegrityCheck.Result.PASSED)
    return qs.order_by("-at", "-pk")


def integrity_check_get(actor: Actor, pk: Any) -> IntegrityCheck:
    from oqu.access import scope

    return scope.get_in(integrity_check_list(actor), pk, actor, VIEW)


def can_run(actor: Actor) -> bool:
    from oqu.kernel.errors import DomainError

    try:
        require_platform(actor, "ops.integrity.run")
    except DomainError:
        return False
    return True
