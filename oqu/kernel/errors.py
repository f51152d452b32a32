"""Domain errors with a machine-readable code and a translated message.

The API turns them into `{"code", "message", "fields"}` with the matching HTTP status; the web
views show the message. Services raise them; nothing below the API layer knows about HTTP.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message: Any = _("The request is not valid.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[Any]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationError(DomainError):
    status = 400
    code = "validation_error"
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    """Missing or outside the actor's scope: the two are indistinguishable on purpose."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to perform this action.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with stored data.")
