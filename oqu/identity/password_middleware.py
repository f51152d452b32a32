"""First sign-in: until the user replaces a one-time password, nothing else opens (G-5.9).

Pages redirect to the password change (a one-time password past its expiry signs the user out);
the API answers 403 with the code
`password_change_required`, whether the request comes with the web session or a bearer token (a
token can be obtained with the one-time password through the password grant). Signing out, the
language switch, the MFA pages (so that MFA enforcement and this never send the user back and
forth) and the password endpoints themselves stay open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

API_PREFIX = "/api/"
OPEN_API_PATHS = ("/api/v1/accounts/me", "/api/v1/accounts/me/password")
OPEN_PAGE_PREFIXES = ("/accounts/logout/", "/accounts/2fa/", "/accounts/reauthenticate/", "/i18n/")


def _bearer_user_must_change(request: HttpRequest) -> bool:
    """Whether a presented bearer token belongs to an account that must change its password."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    from oauth2_provider.models import get_access_token_model

    checksum = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
    return (
        get_access_token_model()
        .objects.filter(token_checksum=checksum, user__must_change_password=True)
        .exists()
    )


def _session_user_must_change(request: HttpRequest) -> bool:
    user: Any = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.must_change_password)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(API_PREFIX):
            if path.rstrip("/") not in OPEN_API_PATHS and (
                _bearer_user_must_change(request)
                if "HTTP_AUTHORIZATION" in request.META
                else _session_user_must_change(request)
            ):
                return JsonResponse(
                    {
                        "code": "password_change_required",
                        "message": _("Change your one-time password before you continue."),
                        "fields": {},
                    },
                    status=403,
                )
            return self.get_response(request)
        if _session_user_must_change(request) and request.user.one_time_password_expired:  # type: ignore[union-attr]
            return self._sign_out_expired(request)
        if _session_user_must_change(request) and not self._open_page(path):
            target = reverse("identity:password_change")
            if request.headers.get("HX-Request"):  # HTMX would swap the page into a fragment
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _sign_out_expired(request: HttpRequest) -> HttpResponse:
        """A one-time password not replaced in time lets nobody in: the administrator issues another."""
        logout(request)
        messages.error(
            request, _("Your one-time password has expired: ask your administrator for a new one.")
        )
        target = reverse(settings.LOGIN_URL)
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(target)
        return redirect(target)

    @staticmethod
    def _open_page(path: str) -> bool:
        static = (
            settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else "/" + settings.STATIC_URL
        )
        return (
            path == reverse("identity:password_change")
            or path == reverse("web:set_language")
            or path.startswith(static)
            or path.startswith(OPEN_PAGE_PREFIXES)
        )
