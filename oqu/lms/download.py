"""The one way a stored LMS file leaves the server: after the caller checked access to it."""

from __future__ import annotations

from django.http import FileResponse

from .models import Attachment


def file_response(attachment: Attachment) -> FileResponse:
    """Sent as a download under its original name, never rendered inline by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
