"""The one way a server-rendered form applies a change: run it, then redirect back with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from oqu.kernel.errors import DomainError


def apply_change(
    request: HttpRequest, change: Callable[[], Any], done: str, back: str
) -> HttpResponse:
    """Run one change; refused input shows its message, 403/404 pass through (to their pages)."""
    try:
        change()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(back)
