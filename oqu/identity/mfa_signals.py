"""Journal allauth.mfa's events from the web flows (G-5.11, G-5.12).

allauth's own views add and remove authenticators and regenerate recovery codes; its signals are
the one place to see those. Its `authentication_failed` signal is how a wrong code at the sign-in
step is journaled as a failed sign-in (counted by the lockout). Handlers are connected once, from
`IdentityConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in

from oqu.audit import journal

from . import mfa
from .mfa_middleware import forget_check, remember_check

SIGN_IN_ACTION = "identity.mfa"
REAUTHENTICATION_ACTION = "identity.mfa.reauthenticate"
BAD_CODE = "bad_mfa_code"


def on_authenticator_added(*, user: Any, authenticator: Authenticator, **_: Any) -> None:
    mfa.authenticator_journal(
        user=user, authenticator=authenticator, action=mfa.AUTHENTICATOR_ADDED
    )


def on_authenticator_removed(
    *, user: Any, authenticator: Authenticator, request: Any = None, **_: Any
) -> None:
    forget_check(request)
    mfa.authenticator_journal(
        user=user, authenticator=authenticator, action=mfa.AUTHENTICATOR_REMOVED
    )


def on_authenticator_reset(*, user: Any, authenticator: Authenticator, **_: Any) -> None:
    mfa.authenticator_journal(
        user=user, authenticator=authenticator, action=mfa.RECOVERY_CODES_REGENERATED
    )


def on_authentication_failed(*, user: Any, reauthentication: bool = False, **_: Any) -> None:
    """A wrong code at sign-in (or when confirming identity later) is a failed sign-in step."""
    journal.record_sign_in_failure(
        username=user.get_username(),
        reason=BAD_CODE,
        user=user,
        action=REAUTHENTICATION_ACTION if reauthentication else SIGN_IN_ACTION,
    )


def on_user_logged_in(*, request: Any, user: Any, **_: Any) -> None:
    """A sign-in that just passed (through the MFA step when there is one) needs no check yet."""
    if request is not None and mfa.has_active_authenticator(user):
        remember_check(request, user)


def connect() -> None:
    user_logged_in.connect(on_user_logged_in, dispatch_uid="oqu_mfa_logged_in")
    signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="oqu_mfa_added")
    signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="oqu_mfa_removed")
    signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="oqu_mfa_reset")
    signals.authentication_failed.connect(on_authentication_failed, dispatch_uid="oqu_mfa_failed")
