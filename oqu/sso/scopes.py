"""Which scopes each OAuth2 client may ask for (django-oauth-toolkit's SCOPES_BACKEND_CLASS).

A registered digital resource (with a `ClientPolicy`) may ask only for the scopes its policy lists,
plus `openid`. An API client without a policy (registered before SSO, e.g. an integration using the
password grant) keeps the API scopes `read` and `write` and cannot ask for the identity scopes.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes

API_SCOPES = ("read", "write")


def _policy_of(application: Any) -> Any:
    if application is None:
        return None
    from .models import ClientPolicy

    try:
        return application.oqu_policy
    except ClientPolicy.DoesNotExist:
        return None


class PolicyScopes(SettingsScopes):
    def get_available_scopes(self, application: Any = None, request: Any = None, *args, **kwargs):
        policy = _policy_of(application)
        if policy is None:
            return list(API_SCOPES)
        known = set(self.get_all_scopes())
        return [s for s in ("openid", *policy.scopes) if s in known]

    def get_default_scopes(self, application: Any = None, request: Any = None, *args, **kwargs):
        if _policy_of(application) is None:
            return list(API_SCOPES)
        return ["openid"]
