"""django-oauth-toolkit's URLs (mounted at /o/), with its application management pages closed to
everyone but the platform administrator.

Out of the box any signed-in user may register OAuth2 applications at /o/applications/; on this
platform a digital resource is registered only by the platform administrator (with a policy, in
the SSO pages), so those pages answer 404 to others, like any object out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from oauth2_provider import urls as dot_urls

from oqu.access import scope
from oqu.web.actor import actor_of

from .selectors import MANAGE, republic

app_name = "oauth2_provider"

APPLICATION_VIEWS = {"list", "register", "detail", "delete", "update"}


def platform_admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope.require(actor_of(request), MANAGE, republic())
        return view(request, *args, **kwargs)

    return wrapper


def _guarded(pattern: URLPattern) -> URLPattern:
    if pattern.name in APPLICATION_VIEWS:
        return URLPattern(
            pattern.pattern,
            platform_admin_only(pattern.callback),
            pattern.default_args,
            pattern.name,
        )
    return pattern


urlpatterns = [
    *dot_urls.metadata_urlpatterns,
    *dot_urls.base_urlpatterns,
    *(_guarded(p) for p in dot_urls.management_urlpatterns),
    *dot_urls.oidc_urlpatterns,
]
