"""Export of the action journal to XLSX (G-5.13): bounded, and itself a journaled critical action."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from oqu.access.scope import Actor
from oqu.kernel.errors import ValidationError

from . import journal
from .journal_selectors import JournalFilter, journal_rows, require_journal_access
from .xlsx import workbook_bytes

EXPORT_ACTION = "audit.journal.export"


def export_limit() -> int:
    return int(getattr(settings, "OQU_JOURNAL_EXPORT_MAX_ROWS", 50_000))


def _json_text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _header() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Organization"),
        _("Before"),
        _("After"),
        _("IP address"),
        _("User agent"),
    ]


def journal_export(*, actor: Actor, filters: JournalFilter) -> tuple[bytes, int]:
    """The filtered journal as an XLSX workbook and its row count; refused above the bound.

    The export is journaled (who exported what filter, how many rows) in the chain of the
    filtered organization, or of the platform when the export is not limited to one.
    """
    require_journal_access(actor)
    rows = journal_rows(actor, filters)
    count = rows.count()
    limit = export_limit()
    if count > limit:
        raise ValidationError(
            _(
                "The export would hold %(count)s rows, more than the %(limit)s allowed: "
                "choose a shorter period, a user or an action."
            )
            % {"count": count, "limit": limit},
            code="export_too_large",
            fields={"__all__": ["too_many_rows"], "rows": [count], "limit": [limit]},
        )
    content = workbook_bytes(
        _("Action journal"),
        _header(),
        (
            [
                row.at,
                row.actor_name,
                row.action,
                row.target_type,
                row.target_id,
                row.target_repr,
                row.organization.name if row.organization_id else "",
                _json_text(row.before),
                _json_text(row.after),
                row.ip or "",
                row.user_agent,
            ]
            for row in rows.iterator(chunk_size=2000)
        ),
    )
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=EXPORT_ACTION,
            target=filters.organization,
            after={"filters": filters.describe(), "rows": count, "format": "xlsx"},
        )
    return content, count
