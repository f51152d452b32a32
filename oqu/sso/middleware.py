"""The Content-Security-Policy header (G-11).

The UI serves its scripts and styles (HTMX, app.css) from its own static files, so the policy
allows only the platform's own origin and no inline code. Settings: `OQU_CONTENT_SECURITY_POLICY`
(the policy; empty turns the header off) and `OQU_CONTENT_SECURITY_POLICY_REPORT_ONLY` (dev and
tests only report, production enforces).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "OQU_CONTENT_SECURITY_POLICY", "")
        if policy:
            header = (
                "Content-Security-Policy-Report-Only"
                if getattr(settings, "OQU_CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
                else "Content-Security-Policy"
            )
            response.headers.setdefault(header, policy)
        return response
