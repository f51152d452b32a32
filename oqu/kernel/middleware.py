"""Put the request's origin in a context variable for services that journal."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import RequestInfo, reset_request_info, set_request_info


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted reverse proxies the address the
    outermost of them saw (the N-th from the right of X-Forwarded-For; anything further left was
    written by the client and cannot be trusted). Sign-in limits per address depend on it."""
    proxies = getattr(settings, "OQU_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
        )
        token = set_request_info(info)
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)
