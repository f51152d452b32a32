"""The platform account: a login bound to a Person, with the user's chosen language.

Accounts are created and administered within an administrator's scope (G-5.7); passwords start
as a one-time password or an invitation link and must be replaced at first sign-in (G-5.9).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

SESSION_HASH_SALT = "oqu.identity.User.session"


class User(AbstractUser):
    class Language(models.TextChoices):
        KAZAKH = "kk", "Қазақша"
        RUSSIAN = "ru", "Русский"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KAZAKH
    )
    must_change_password = models.BooleanField(_("must change the password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # Until when a one-time password given by an administrator lets the user in to replace it.
    one_time_password_expires_at = models.DateTimeField(
        _("one-time password expires"), null=True, blank=True
    )
    blocked_at = models.DateTimeField(_("blocked"), null=True, blank=True)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # A deleted account gives its person back (one account per person) but remembers whose it was.
    former_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("former person"),
    )
    former_username = models.CharField(_("former login"), max_length=150, blank=True)
    # Bumped on blocking, password resets and deletion: every session signed in before ends.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["username"]

    @property
    def one_time_password_expired(self) -> bool:
        from django.utils import timezone

        expires = self.one_time_password_expires_at
        return bool(self.must_change_password and expires and expires <= timezone.now())

    @property
    def status(self) -> str:
        if self.deleted_at is not None:
            return "deleted"
        if not self.is_active:
            return "blocked"
        return "active"

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, secret: str | None = None) -> str:
        """Django's HMAC of the password hash, plus the session epoch once it has been bumped.

        An account never bumped keeps Django's own value, so sessions survive this code's arrival.
        """
        if not self.session_epoch:
            return self._get_session_auth_hash(secret=secret)
        return salted_hmac(
            SESSION_HASH_SALT,
            f"{self.password}|{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Invitation(models.Model):
    """A single-use link that lets a new account holder set their first password.

    Only a SHA-256 of the token is stored: whoever reads the database cannot use a pending link.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
