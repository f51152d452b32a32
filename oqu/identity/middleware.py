"""Apply the language remembered on the account (G-17) before Django's LocaleMiddleware runs."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class UserLanguageMiddleware:
    """Copy the account's language into the language cookie when the request has none.

    Sessions are loaded lazily, so this only reads the user when a session cookie exists.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and request.session.get(
            "_auth_user_id"
        ):
            from django.contrib.auth import get_user

            user = get_user(request)
            # AuthenticationMiddleware reuses it instead of loading the account a second time.
            request._cached_user = user
            if user.is_authenticated:
                request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = user.language
        return self.get_response(request)
