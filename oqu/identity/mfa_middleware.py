"""MFA before anything else (G-5.11).

A signed-in account with no authenticator app or security key, and no exemption in force, is sent
to set up the authenticator app: web pages redirect there (HTMX requests get `HX-Redirect`), the
session API answers 403 `mfa_setup_required`. What setting up needs stays reachable: allauth's own
screens (MFA, re-authentication, password, sign-out), the language switch and the API's MFA
setup endpoints.

The check runs on every request of an account without an authenticator, so a parent's revocation
or the 16th birthday takes effect on the learner's next request. An account that has one is
re-checked every few minutes only (remembered in the session; removing an authenticator forgets
it), which keeps the per-request cost of the policy at zero queries for almost every request. An
exempt account's first request of a session journals the use of the exemption; a consent found run
out is journaled once as lapsed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import mfa

API_PREFIX = "/api/"
# What an API client needs to set MFA up (not the consent endpoints: a parent needs MFA first).
API_SETUP_PATHS = ("/api/v1/mfa", "/api/v1/mfa/totp/secret", "/api/v1/mfa/totp")
# The first-login password change comes before MFA setup (G-5.9): a one-time password is changed
# first, then the authenticator is set up with the account's own password.
API_PASSWORD_PATHS = ("/api/v1/accounts/me", "/api/v1/accounts/me/password")
PASSWORD_VIEWS = {("oqu.identity.views", "password_change"), ("oqu.identity.views", "invitation")}
SESSION_EXEMPTION_KEY = "oqu_mfa_exemption_journaled"
SESSION_CHECKED_KEY = "oqu_mfa_checked"
RECHECK_SECONDS = 300
# Views that must stay reachable while MFA is being set up (the language switch included).
ALLOWED_VIEW_MODULES = ("allauth.", "django.views.i18n", "oqu.web.pwa")
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
        if _recently_checked(request, user):
            return None
        if mfa.has_active_authenticator(user):
            remember_check(request, user)
            return None
        consent = mfa.exemption_for(user)
        if consent is not None:
            _journal_exemption_use(request, user, consent)
            return None
        lapsed = mfa.lapsed_consent_for(user)
        if lapsed is not None:
            mfa.exemption_lapse_record(user=user, consent=lapsed)
        _count_fresh_sign_in_as_reauthentication(request, user)
        return _setup_required_response(request)


def _is_allowed(request: HttpRequest, view_func: Any) -> bool:
    path = request.path_info
    if path.startswith(API_PREFIX):
        # A bearer token is its own credential, judged by the API's authentication (which never
        # falls back to the session when one is presented). Any other scheme is no credential.
        bearer = request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")
        return path.rstrip("/") in (*API_SETUP_PATHS, *API_PASSWORD_PATHS) or bearer
    module = getattr(view_func, "__module__", "") or ""
    name = getattr(view_func, "__name__", "")
    return (
        module.startswith(ALLOWED_VIEW_MODULES)
        or name in ALLOWED_VIEW_NAMES
        or (module, name) in PASSWORD_VIEWS
    )


def _recently_checked(request: HttpRequest, user: Any) -> bool:
    remembered = request.session.get(SESSION_CHECKED_KEY)
    return bool(remembered and remembered[0] == str(user.pk) and remembered[1] > time.time())


def remember_check(request: Any, user: Any) -> None:
    """The account has an authenticator: skip the check for a few minutes in this session."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_CHECKED_KEY] = [str(user.pk), time.time() + RECHECK_SECONDS]


def forget_check(request: Any) -> None:
    """Make the next request check the account again (an authenticator was removed)."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_CHECKED_KEY, None)


def _count_fresh_sign_in_as_reauthentication(request: HttpRequest, user: Any) -> None:
    """Spare a user who typed the password moments ago from typing it again to set MFA up.

    allauth asks to re-authenticate before turning the app on, and counts only records marked
    `reauthenticated`; a sign-in by password younger than its re-authentication timeout proves
    the same thing. The record keeps its real time, so it expires exactly as the sign-in would.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows.login import (
        AUTHENTICATION_METHODS_SESSION_KEY,
        get_authentication_records,
    )

    records = get_authentication_records(request, user)
    if not records or any(r.get("reauthenticated") for r in records):
        return
    last = records[-1]
    fresh = time.time() - float(last.get("at", 0)) < account_settings.REAUTHENTICATION_TIMEOUT
    if last.get("method") == "password" and fresh:
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            *records,
            {**last, "reauthenticated": True},
        ]


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
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
