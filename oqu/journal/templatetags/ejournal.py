"""Template helpers of the e-journal: the menu entry and the short attendance codes."""

from __future__ import annotations

from typing import Any

from django import template

from oqu.web.actor import actor_of

from .. import gates
from ..models import AttendanceStatus

register = template.Library()

# One letter per status in the grid (the full label is the cell's title), as paper journals do.
SHORT = {
    AttendanceStatus.PRESENT: "·",
    AttendanceStatus.ABSENT_EXCUSED: "у",
    AttendanceStatus.ABSENT_UNEXCUSED: "н",
    AttendanceStatus.LATE: "к",
    AttendanceStatus.SICK: "б",
}


@register.simple_tag(takes_context=True)
def ejournal_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return bool(actor_of(request).paths_for(gates.VIEW)) or request.user.is_superuser


@register.filter
def attendance_short(status: str) -> str:
    return SHORT.get(status, "")


@register.filter
def points_display(points: Any) -> str:
    """8.0 → 8, 7.5 → 7.5."""
    if points is None:
        return ""
    return str(int(points)) if points == points.to_integral_value() else str(points)
