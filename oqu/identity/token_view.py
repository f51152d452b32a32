"""The OAuth2 token endpoint with the sign-in protection of the password grant (G-5.12).

The password grant checks a username and password like the login form, so it is subject to the
same locks and its failures are journaled and counted (action `identity.token`). A locked
attempt answers 429 with `{"code": "account_locked", "message", "fields"}` and `Retry-After`;
the other grants pass through unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.views import TokenView

from oqu.audit import journal, lockout
from oqu.audit.signals import record_admin_sign_in

from .adapters import user_by_username

ACTION = "identity.token"


@method_decorator(csrf_exempt, name="dispatch")
class ProtectedTokenView(TokenView):
    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("grant_type") != "password":
            return super().post(request, *args, **kwargs)
        username = request.POST.get("username", "")
        lock = lockout.current_lock(username)
        if lock is not None:
            journal.record_sign_in_failure(
                username=username, reason="locked", user=user_by_username(username), action=ACTION
            )
            response = JsonResponse(
                {"code": "account_locked", "message": lockout.locked_message(lock), "fields": {}},
                status=429,
            )
            response["Retry-After"] = str(lock.retry_after())
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            user = user_by_username(username)
            if user is not None:
                record_admin_sign_in(user, via="oauth2_password")
        elif _error_of(response) == "invalid_grant":
            _journal_failure(username, request.POST.get("password", ""))
        return response


def _error_of(response: HttpResponse) -> str:
    try:
        return str(json.loads(response.content).get("error", ""))
    except (ValueError, AttributeError):
        return ""


def _journal_failure(username: str, password: str) -> None:
    user = user_by_username(username)
    if user is None:
        reason = "unknown_account"
    elif not user.is_active and user.check_password(password):
        reason = "inactive"  # the right password of a blocked account: journaled, not counted
    else:
        reason = "bad_password"
    journal.record_sign_in_failure(
        username=user.get_username() if user else username, reason=reason, user=user, action=ACTION
    )
