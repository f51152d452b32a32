"""Turn domain errors raised in web views into the translated error pages, journaling denials.

An id outside the actor's scope answers 404 exactly like a missing one, a missing capability 403;
both are written to the failed-access journal here (G-5.10, G-5.12), after the service's
transaction has rolled back. The API turns the same errors into JSON itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oqu.audit import journal
from oqu.kernel.errors import DomainError

TEMPLATES = {403: "403.html", 404: "404.html"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        status = exception.status
        journal.record_denial(exception, status=status)
        template = TEMPLATES.get(status, "error.html")
        if getattr(request, "htmx", False):
            template = "web/_error.html"
        return render(
            request,
            template,
            {"message": exception.message, "status": status, "domain_error": exception},
            status=status,
        )
