"""The one way a stored preschool file leaves the server: after the caller checked access to it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse


def file_response(row: Any, *, inline: bool = False) -> FileResponse:
    """Photos (checked PNG/JPEG) may show inline in the profile; anything else is a download."""
    response = FileResponse(
        row.file.open("rb"),
        as_attachment=not inline,
        filename=row.original_name,
        content_type=row.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
