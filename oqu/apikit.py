"""What every API router shares: authentication, the actor, the one error format, pagination.

Errors always have the shape `{"code", "message", "fields"}` with the message in the user's
language (G-5.4, G-17). Lists are keyset-paginated with a maximum page size, so a page costs the
same at row 10 and at row 5 million (G-5.2).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import SecuritySchema
from ninja.utils import check_csrf

from oqu.access.scope import Actor, Denial, actor_for
from oqu.audit import journal
from oqu.kernel.errors import DomainError, Forbidden
from oqu.kernel.errors import ValidationError as DomainValidationError

T = TypeVar("T")

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_SCOPE = "read"
WRITE_SCOPE = "write"


# -- authentication ---------------------------------------------------------------------------


class CsrfFailed(HttpError):
    """A session request that changes data came without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class InvalidToken(AuthenticationError):
    """A bearer token was presented but is unknown, expired, revoked or has no user."""


class InsufficientScope(Forbidden):
    code = "insufficient_scope"
    default_message = gettext_lazy("The access token does not allow this operation.")


class MfaSetupRequired(Forbidden):
    """A token of an account that must still set MFA up (G-5.11): a token is no way around it."""

    code = "mfa_setup_required"
    default_message = gettext_lazy(
        "Two-factor authentication is required for your account. Turn on the authenticator app "
        "to continue."
    )


class BearerAuth(HttpBearer):
    """OAuth2 access tokens issued by the platform's provider (django-oauth-toolkit, /o/token/).

    A token with the `read` scope may read; changing data also needs `write`. A presented but
    invalid token answers 401 at once (it never falls back to the session) and is journaled as
    a failed access (G-5.12).
    """

    def __init__(self) -> None:
        super().__init__()
        scopes = {READ_SCOPE: "Read data", WRITE_SCOPE: "Change data"}
        self.openapi_security_schema = SecuritySchema(
            "oauth2",
            description="An OAuth2 access token from /o/token/, sent as `Authorization: Bearer <token>`.",
            flows={
                "authorizationCode": {
                    "authorizationUrl": "/o/authorize/",
                    "tokenUrl": "/o/token/",
                    "refreshUrl": "/o/token/",
                    "scopes": scopes,
                },
                "password": {"tokenUrl": "/o/token/", "refreshUrl": "/o/token/", "scopes": scopes},
            },
        )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from oauth2_provider.oauth2_backends import get_oauthlib_core

        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        user = getattr(oauth_request, "user", None) if valid else None
        if user is None or not user.is_active:
            raise InvalidToken()
        needed = READ_SCOPE if request.method in SAFE_METHODS else WRITE_SCOPE
        if not oauth_request.access_token.allow_scopes([needed]):
            error = InsufficientScope(fields={"scope": [needed]})
            error.denial = Denial(  # type: ignore[attr-defined]
                Actor(user=user), f"api.{needed}", "", "", "insufficient_scope"
            )
            raise error
        from oqu.identity.mfa import setup_required

        if setup_required(user):
            raise MfaSetupRequired()
        request.user = user
        _apply_account_language(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The web UI's session; CSRF is checked on unsafe methods when the session is the credential."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The web UI's session cookie; send `X-CSRFToken` on changes."

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return user


# Bearer first: a request that carries a token is judged by the token alone, and so is never
# subject to the session's CSRF check.
AUTH = [BearerAuth(), SessionAuth(csrf=True)]


def _apply_account_language(request: HttpRequest, user: Any) -> None:
    """Answer a token client in the account's language unless the request names one (G-17)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or "HTTP_ACCEPT_LANGUAGE" in request.META:
        return
    language = getattr(user, "language", "")
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


def actor(request: HttpRequest) -> Actor:
    """The request's actor, loaded once."""
    cached = getattr(request, "_oqu_actor", None)
    if cached is None:
        cached = actor_for(request.user)
        request._oqu_actor = cached  # type: ignore[attr-defined]
    return cached


# -- the one error format -------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error: a stable machine-readable `code`, a `message` in the user's language, and the
    offending `fields` with a list of codes each (`__all__` for the request as a whole)."""

    code: str = Field(..., examples=["not_found"])
    message: str = Field(..., examples=["Табылмады."])
    fields: dict[str, list[Any]] = Field(default_factory=dict)


# Responses to declare on operations, so the OpenAPI document names every error a client can get.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
LIST_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: Any,
    fields: Any = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _fields_from_pydantic(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "payload", "cookie", "header")
        ]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, []).append(str(error.get("type", "invalid")))
    return fields


def _journal_invalid_token() -> None:
    error = InvalidToken()
    error.denial = Denial(Actor(user=None), "api.authenticate", "", "", "invalid_token")  # type: ignore[attr-defined]
    journal.record_denial(error, status=401)


_HTTP_ERRORS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", gettext_lazy("The request could not be read: send valid JSON.")),
    403: ("forbidden", gettext_lazy("You do not have permission to perform this action.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    429: ("throttled", gettext_lazy("Too many requests: wait a little and try again.")),
}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        journal.record_denial(exc, status=exc.status)
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "validation_error",
            _("Some fields are not valid."),
            _fields_from_pydantic(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if isinstance(exc, InvalidToken):
            _journal_invalid_token()
            return error_response(
                api,
                request,
                401,
                "invalid_token",
                _("The access token is not valid or has expired."),
                headers={"WWW-Authenticate": 'Bearer realm="oqu", error="invalid_token"'},
            )
        return error_response(
            api,
            request,
            401,
            "not_authenticated",
            _("Sign in or present a valid access token."),
            headers={"WWW-Authenticate": 'Bearer realm="oqu"'},
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, CsrfFailed):
            return error_response(
                api,
                request,
                403,
                "csrf_failed",
                _("The form has expired: reload the page and try again."),
            )
        code, message = _HTTP_ERRORS.get(
            exc.status_code, ("http_error", gettext_lazy("The request failed."))
        )
        return error_response(api, request, exc.status_code, code, message)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc  # the debug page, with the traceback
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api,
            request,
            500,
            "server_error",
            _("Something went wrong on our side. Try again later."),
        )


# -- keyset pagination ---------------------------------------------------------------------


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last page."
    )


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema of `item`: `page_of(OrganizationOut)` is `OrganizationPage` in OpenAPI."""
    name = f"{item.__name__.removesuffix('Out')}Page"
    return type(
        name, (Page[item],), {"__module__": item.__module__, "__doc__": f"A page of {name[:-4]}."}
    )  # type: ignore[valid-type]


class PageQuery(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(
        None,
        description="Page size; the default is 50 and anything above the maximum (200) is clamped.",
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=_jsonable).encode()).decode()


def _invalid_cursor() -> DomainValidationError:
    return DomainValidationError(
        _("The page cursor is not valid."), code="cursor_invalid", fields={"cursor": ["invalid"]}
    )


def _decode(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid_cursor() from None
    if not isinstance(values, list) or len(values) != 2:
        raise _invalid_cursor()
    return values


def page_size(limit: int | None) -> int:
    return min(max(limit or settings.OQU_API_DEFAULT_PAGE_SIZE, 1), settings.OQU_API_MAX_PAGE_SIZE)


def paginate(
    qs: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int | None,
    order_field: str = "pk",
    serialize: Callable[[Any], Any] = lambda obj: obj,
) -> dict[str, Any]:
    """One page of `qs` ordered by (`order_field`, pk), after `cursor`; at most the maximum size.

    `order_field` may start with `-` for newest-first lists (history). One query per page.
    """
    size = page_size(limit)
    descending = order_field.startswith("-")
    field = order_field.lstrip("-")
    direction = "lt" if descending else "gt"
    sign = "-" if descending else ""
    qs = qs.order_by(f"{sign}pk") if field == "pk" else qs.order_by(f"{sign}{field}", f"{sign}pk")
    if cursor:
        last_value, last_pk = _decode(cursor)
        try:
            if field == "pk":
                qs = qs.filter(**{f"pk__{direction}": last_pk})
            else:
                qs = qs.filter(
                    Q(**{f"{field}__{direction}": last_value})
                    | Q(**{field: last_value, f"pk__{direction}": last_pk})
                )
        except (DjangoValidationError, ValueError, TypeError):
            raise _invalid_cursor() from None
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        tail = rows[-1]
        value = tail.pk if field == "pk" else getattr(tail, field)
        next_cursor = _encode([value, tail.pk])
    return {"items": [serialize(row) for row in rows], "next_cursor": next_cursor}


# -- history (django-simple-history rows) ------------------------------------------------------

HISTORY_CHANGES = {"+": "created", "~": "changed", "-": "deleted"}


class HistoryOut(Schema):
    """One row of an object's history: who, when, what kind of change, and the values after it."""

    at: dt.datetime
    by: str | None = Field(None, description="The username of whoever made the change.")
    change: str = Field(..., description="created, changed or deleted")
    reason: str | None = None
    values: dict[str, Any]


def history_page(
    history: QuerySet[Any], fields: Sequence[str], *, cursor: str | None, limit: int | None
) -> dict[str, Any]:
    """A newest-first page of simple-history rows with the listed fields' values."""

    def serialize(row: Any) -> dict[str, Any]:
        return {
            "at": row.history_date,
            "by": row.history_user.get_username() if row.history_user_id else None,
            "change": HISTORY_CHANGES.get(row.history_type, row.history_type),
            "reason": row.history_change_reason,
            "values": {name: getattr(row, name) for name in fields},
        }

    return paginate(
        history.select_related("history_user"),
        cursor=cursor,
        limit=limit,
        order_field="-history_date",
        serialize=serialize,
    )


# -- errors Django answers before the API sees the request ---------------------------------


class ApiFallbackErrorsMiddleware:
    """Give the API's own error format to the 404 of an unknown path and the 405 of a wrong method.

    Django's URL resolver and ninja's method dispatch answer these with HTML or plain text before
    any API exception handler runs; a client of `/api/` must always get `code` + `message`.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _HTTP_ERRORS[response.status_code]
            replacement = JsonResponse(
                {"code": code, "message": str(message), "fields": {}},
                status=response.status_code,
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
