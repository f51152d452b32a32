"""The "Cabinet" menu item: shown to learners and to parents with an actively guarded child."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from oqu.web.actor import actor_of

from .. import selectors

register = template.Library()

SHORT_KINDS = {"fo": _("FO"), "sor": _("SOR"), "soch": _("SOCh")}
HOMEWORK_STATES = {
    "open": _("To do"),
    "returned": _("Returned for revision"),
    "overdue": _("Overdue"),
    "submitted": _("Submitted"),
    "checked": _("Checked"),
}


@register.simple_tag(takes_context=True)
def cabinet_in_menu(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return selectors.has_cabinet(actor_of(request))


@register.filter
def attendance_label(status: str | None) -> str:
    from oqu.journal.models import AttendanceStatus

    return str(dict(AttendanceStatus.choices).get(status or "", "")) if status else ""


@register.filter
def assessment_label(kind: str) -> str:
    return str(SHORT_KINDS.get(kind, kind))


@register.filter
def homework_state_label(state: str) -> str:
    return str(HOMEWORK_STATES.get(state, state))


@register.filter
def lookup(mapping: dict[str, Any], key: Any) -> Any:
    return mapping.get(str(key)) if mapping else None
