"""Files of profile entries go out only as downloads, after the access check of the entry."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse

from .sections import section_of


def attachment_response(entry: Any) -> FileResponse:
    """The file as a download (never rendered inline: no script runs from an upload)."""
    name = entry.attachment.name
    response = FileResponse(
        entry.attachment.open("rb"),
        as_attachment=True,
        filename=f"{section_of(entry).code}-{entry.pk}{name[name.rfind('.') :]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
