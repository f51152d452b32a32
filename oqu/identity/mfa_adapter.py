"""allauth.mfa adapted to the platform's policy (G-5.11) and sign-in journal (G-5.12).

`MFA_ADAPTER` points here: the last app or key of an account may go only if the account is
exempt (a learner under 16 with a linked parent's consent), with a kk/ru message otherwise.
`MFA_FORMS["authenticate_webauthn"]` journals a security key that fails at sign-in; wrong codes
are journaled from allauth's `authentication_failed` signal (`mfa_signals.py`), and count towards
the sign-in locks (G-5.12); `MFA_FORMS["authenticate"]` refuses any code while a lock holds, so a
password thief cannot go on guessing codes once wrong ones have locked the account.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm
from django.core.exceptions import ValidationError

from oqu.audit import journal, lockout

from . import mfa
from .mfa_signals import BAD_CODE, SIGN_IN_ACTION

ISSUER = "Oqu"


class MfaAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": mfa.MfaRequired.default_message,
    }

    def get_totp_issuer(self) -> str:
        return ISSUER

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return mfa.can_remove(authenticator.user, authenticator)


class SignInWebAuthnForm(AuthenticateWebAuthnForm):
    """The security-key form of the sign-in step: a key that fails is a failed sign-in step."""

    def clean_credential(self) -> Any:
        try:
            return super().clean_credential()
        except ValidationError:
            journal.record_sign_in_failure(
                username=self.user.get_username(),
                reason=BAD_CODE,
                user=self.user,
                action=SIGN_IN_ACTION,
            )
            raise


class SignInCodeForm(AuthenticateForm):
    """The code form of the sign-in step, closed while a sign-in lock holds (G-5.12)."""

    def clean_code(self) -> str:
        username = self.user.get_username()
        lock = lockout.current_lock(username)
        if lock is not None:
            journal.record_sign_in_failure(
                username=username, reason="locked", user=self.user, action=SIGN_IN_ACTION
            )
            raise ValidationError(lockout.locked_message(lock), code="account_locked")
        return super().clean_code()
