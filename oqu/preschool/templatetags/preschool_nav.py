"""The "Kindergarten" menu item and small display helpers of the preschool pages."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.web.actor import actor_of

from ..models import AttendanceStatus, GroupMembership

register = template.Library()
MARKS = dict(AttendanceStatus.choices)
SHORT = {"present": "+", "sick": "Б", "vacation": "О", "other": "П", "absent": "Н"}


@register.simple_tag(takes_context=True)
def preschool_in_menu(context: dict[str, Any]) -> bool:
    """Shown to preschool staff and authorities, and to parents of a child in a preschool."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    actor = actor_of(request)
    if actor.is_platform_admin or actor.paths_for("preschool.group.view"):
        return True
    if actor.paths_for("preschool.catalogue.view"):
        return True
    if not actor.person_id:
        return False
    from oqu.people.models import Guardianship

    wards = Guardianship.objects.filter(guardian_id=actor.person_id, end_date__isnull=True).values(
        "child_id"
    )
    return GroupMembership.objects.filter(child_id__in=wards, end_date__isnull=True).exists()


@register.filter
def mark_label(status: str | None) -> str:
    return str(MARKS.get(status or "", "")) if status else ""


@register.filter
def mark_short(status: str | None) -> str:
    return SHORT.get(status or "", "")


@register.filter
def get_item(mapping: dict[str, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
