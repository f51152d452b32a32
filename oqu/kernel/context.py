"""Where the current request came from, for the audit journal (IP and user agent)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_EMPTY = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("oqu_request_info", default=None)


def current_request_info() -> RequestInfo:
    return _current.get() or _EMPTY


def set_request_info(info: RequestInfo):  # type: ignore[no-untyped-def]
    return _current.set(info)


def reset_request_info(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)
