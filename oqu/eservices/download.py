"""The one way an application's document leaves the server: after the caller checked access."""

from __future__ import annotations

from django.http import FileResponse

from .models import ApplicationDocument


def file_response(document: ApplicationDocument) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
