"""MFA before anything else (G-5.11).

A signed-in account with no authenticator app or security key, and no exemption in force, is sent
to set up the authenticator app: web pages redirect there (HTMX requests get `HX-Redirect`), the
session API answers 403 `mfa_setup_required`. What setting up needs stays reachable: allauth's own
screens (MFA, re-authentication, password, sign-out), the language switch and `/api/v1/mfa/`.

The check runs on every request, so a parent's revocation or the 16th birthday takes effect on
the learner's next request. An exempt account's first request of a session journals the use of the
exemption; a consent found run out is journaled once as lapsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import mfa

API_PREFIX = "/api/"
API_ALLOWED_PREFIX = "/api/v1/mfa"
SESSION_EXEMPTION_KEY = "oqu_mfa_exemption_journaled"
# Views that must stay reachable while MFA is being set up (the language switch included).
ALLOWED_VIEW_MODULES = ("allauth.", "django.views.i18n")
ALLOWED_VIEW_NAMES = {"set_language"}


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_allowed(request, view_func):
            return None
        if mfa.has_active_authenticator(user):
            return None
        consent = mfa.exemption_for(user)
        if consent is not None:
            _journal_exemption_use(request, user, consent)
            return None
        lapsed = mfa.lapsed_consent_for(user)
        if lapsed is not None:
            mfa.exemption_lapse_record(user=user, consent=lapsed)
        return _setup_required_response(request)


def _is_allowed(request: HttpRequest, view_func: Any) -> bool:
    path = request.path_info
    if path.startswith(API_PREFIX):
        # A bearer token is its own credential, judged by the API's authentication.
        return path.startswith(API_ALLOWED_PREFIX) or "HTTP_AUTHORIZATION" in request.META
    module = getattr(view_func, "__module__", "") or ""
    name = getattr(view_func, "__name__", "")
    return module.startswith(ALLOWED_VIEW_MODULES) or name in ALLOWED_VIEW_NAMES


def _journal_exemption_use(request: HttpRequest, user: Any, consent: Any) -> None:
    if request.session.get(SESSION_EXEMPTION_KEY) == str(consent.pk):
        return
    mfa.exemption_use_record(user=user, consent=consent)
    request.session[SESSION_EXEMPTION_KEY] = str(consent.pk)


def _setup_required_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "Two-factor authentication is required for your account. Turn on the authenticator app "
        "to continue."
    )
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "mfa_setup_required", "message": message, "fields": {}}, status=403
        )
    target = reverse("mfa_activate_totp")
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
