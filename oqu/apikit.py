"""What every API router shares: authentication, the actor, the one error format, pagination.

Errors always have the shape `{"code", "message", "fields"}` with the message in the user's
language (G-5.4, G-17). Lists are keyset-paginated with a maximum page size, so a page costs the
same at row 10 and at row 5 million.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from oqu.access.scope import Actor, actor_for
from oqu.audit import journal
from oqu.kernel.errors import DomainError

T = TypeVar("T")


class SessionAuth(APIKeyCookie):
    """The web UI's session, with CSRF checked on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class BearerAuth(HttpBearer):
    """OAuth2 access tokens issued by the platform's provider (django-oauth-toolkit)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from oauth2_provider.oauth2_backends import get_oauthlib_core

        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if valid and oauth_request.user.is_active:
            request.user = oauth_request.user
            return oauth_request.user
        return None


AUTH = [SessionAuth(csrf=True), BearerAuth()]


def actor(request: HttpRequest) -> Actor:
    """The request's actor, loaded once."""
    cached = getattr(request, "_oqu_actor", None)
    if cached is None:
        cached = actor_for(request.user)
        request._oqu_actor = cached  # type: ignore[attr-defined]
    return cached


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[Any]] = {}


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: Any, fields: Any = None) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )


def _fields_from_pydantic(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, []).append(str(error.get("type", "invalid")))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        journal.record_denial(exc, status=exc.status)
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            api, request, 422, "validation_error", _("Some fields are not valid."), _fields_from_pydantic(exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, "not_authenticated", _("Sign in or present a valid access token."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:
            return error_response(api, request, 403, "csrf_failed", _("The form has expired: reload the page and try again."))
        return error_response(api, request, exc.status_code, "http_error", exc.message)


# -- keyset pagination ---------------------------------------------------------------------


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode(cursor: str) -> list[Any]:
    from oqu.kernel.errors import ValidationError

    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(_("The page cursor is not valid."), code="cursor_invalid", fields={"cursor": ["invalid"]}) from None
    if not isinstance(values, list) or len(values) != 2:
        raise ValidationError(_("The page cursor is not valid."), code="cursor_invalid", fields={"cursor": ["invalid"]})
    return values


def paginate(
    qs: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int | None,
    order_field: str = "pk",
    serialize: Callable[[Any], Any] = lambda obj: obj,
) -> dict[str, Any]:
    """One page of `qs` ordered by (`order_field`, pk), after `cursor`; at most the maximum size."""
    size = min(max(limit or settings.OQU_API_DEFAULT_PAGE_SIZE, 1), settings.OQU_API_MAX_PAGE_SIZE)
    qs = qs.order_by(order_field, "pk") if order_field != "pk" else qs.order_by("pk")
    if cursor:
        last_value, last_pk = _decode(cursor)
        if order_field == "pk":
            qs = qs.filter(pk__gt=last_pk)
        else:
            qs = qs.filter(Q(**{f"{order_field}__gt": last_value}) | Q(**{order_field: last_value, "pk__gt": last_pk}))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        tail = rows[-1]
        value = tail.pk if order_field == "pk" else getattr(tail, order_field)
        next_cursor = _encode([value, tail.pk])
    return {"items": [serialize(row) for row in rows], "next_cursor": next_cursor}
