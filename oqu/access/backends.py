"""Authentication backends that load the account and its access rows in one query.

Every signed-in request reads the account (Django's `get_user`) and then its grants (`actor_for`);
here both come from one round trip (`scope.load_user_with_access`). Nothing is cached across
requests: a revoked grant, a locked or deactivated account and a logout (the session row is gone)
take effect on the next request exactly as before. The checks of Django's `get_user` (the session's
password hash, `is_active`) are unchanged.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .scope import load_user_with_access


class _LoadsAccess:
    def get_user(self, user_id: Any) -> Any:
        user = load_user_with_access(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_LoadsAccess, DjangoModelBackend):
    """`django.contrib.auth.backends.ModelBackend`, loading the access rows with the account."""


class AuthenticationBackend(_LoadsAccess, AllauthBackend):
    """allauth's backend, loading the access rows with the account."""
