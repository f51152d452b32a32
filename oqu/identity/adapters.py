"""allauth adapter: accounts are created by administrators, not by open sign-up (G-5.7).

At sign-in the language remembered on the account applies (G-17): it is activated for the
messages of the sign-in itself and written to the language cookie of the response.

Sign-in protection (G-5.12): every failed password sign-in is journaled (wrong password, unknown
account, inactive account, refused during a lock), and `pre_authenticate` refuses an attempt
while a lock of `oqu.audit.lockout` applies — it replaces allauth's cache-based login limit with
the journal-based one.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from oqu.audit import journal, lockout


def user_by_username(username: str) -> Any:
    """The account a sign-in names (case-insensitive, as allauth matches), or None."""
    key = lockout.account_key(username)
    if not key:
        return None
    matches = list(get_user_model().objects.filter(username__iexact=key)[:2])
    return matches[0] if len(matches) == 1 else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse (and journal as `locked`) an attempt while the account or address is locked."""
        username = credentials.get("username") or credentials.get("email") or ""
        lock = lockout.current_lock(username)
        if lock is None:
            return
        journal.record_sign_in_failure(
            username=username, reason="locked", user=user_by_username(username)
        )
        raise forms.ValidationError(lockout.locked_message(lock), code="account_locked")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        username = credentials.get("username") or credentials.get("email") or ""
        user = user_by_username(username)
        journal.record_sign_in_failure(
            username=user.get_username() if user else username,
            reason="bad_password" if user else "unknown_account",
            user=user,
        )

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if not user.is_active:
            # The password was right, but the account is blocked: journaled, never counted.
            journal.record_sign_in_failure(
                username=user.get_username(), reason="inactive", user=user
            )
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        language = getattr(user, "language", "") or ""
        if language not in dict(settings.LANGUAGES):
            return super().post_login(request, user, **kwargs)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = super().post_login(request, user, **kwargs)
        set_language_cookie(response, language)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember the interface language in the browser (a year unless settings say otherwise)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
