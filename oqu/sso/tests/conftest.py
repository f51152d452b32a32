"""Fixtures of the SSO and privacy tests: the platform administrator, a registered resource, and
a signed-in browser session for a live server."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from oqu.access.scope import actor_for
from oqu.sso import services
from oqu.tests import factories as f

REDIRECT_URI = "https://resource.example.kz/oidc/callback"


@pytest.fixture
def platform_admin(db: Any) -> Any:
    return f.make_user("platform-admin", is_superuser=True, is_staff=True)


def register(admin: Any, **overrides: Any) -> services.IssuedClient:
    arguments: dict[str, Any] = {
        "name": "Цифрлық оқулық",
        "redirect_uris": [REDIRECT_URI],
        "claims": ["roles", "organization"],
        "scopes": ["roles", "organization"],
    }
    arguments.update(overrides)
    return services.client_create(actor=actor_for(admin), **arguments)


def session_cookie(user: Any) -> tuple[str, str]:
    """A signed-in session for `user`, as the (name, value) of its cookie.

    The session is made by Django's test client (`force_login`), not by posting the login form, so
    the tests of SSO do not depend on how sign-in itself is done (password, then TOTP when MFA
    becomes mandatory): they start from a user who has signed in.
    """
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
