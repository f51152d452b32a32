"""Reads of age groups: every query starts from `scope.visible` (PRE-25.3)."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor

from .models import AgeGroup

GROUP_VIEW = "preschool.group.view"


def groups_with_places(qs: QuerySet[AgeGroup]) -> QuerySet[AgeGroup]:
    """Annotate `children` (open memberships) and `free_places` (norm − children), live."""
    return qs.annotate(
        children=Count("members", filter=Q(members__end_date__isnull=True))
    ).annotate(free_places=F("capacity") - F("children"))


def group_list(actor: Actor, *, school_year: str | None = None) -> QuerySet[AgeGroup]:
    qs = scope.visible(actor, GROUP_VIEW, AgeGroup.objects.select_related("organization"))
    if school_year:
        qs = qs.filter(school_year=school_year)
    return groups_with_places(qs).order_by("organization__name", "kind", "name")


def free_places(group: AgeGroup) -> int:
    """Free places of one group now (the norm minus the children in it)."""
    taken = group.members.filter(end_date__isnull=True).count()
    return max(group.capacity - taken, 0)
