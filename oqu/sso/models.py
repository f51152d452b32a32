"""The policy of a registered digital resource (an OpenID Connect client): what it may learn.

A digital educational resource (e-textbook, DER, school access-control system) signs its users in
with their platform account (G-9, HSC-2/13). The platform administrator decides per resource which
claims it may receive and which scopes it may ask for; the ID token and userinfo carry nothing else.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel


class Claim(models.TextChoices):
    """Groups of claims a resource may be allowed (the subject `sub` is always sent)."""

    NAME = "name", _("Name")
    LANGUAGE = "language", _("Interface language")
    ROLES = "roles", _("Roles")
    ORGANIZATION = "organization", _("Organizations (id, name, BIN)")


class Scope(models.TextChoices):
    """Scopes a resource may request; `openid` is always allowed."""

    OPENID = "openid", _("Sign-in (openid)")
    PROFILE = "profile", _("Profile: name and language (profile)")
    ROLES = "roles", _("Roles (roles)")
    ORGANIZATION = "organization", _("Organizations (organization)")
    READ = "read", _("Read the platform API on the user's behalf (read)")


# The scope that must be granted for a claim group to be released (OIDC Core §5.4 style).
CLAIM_SCOPE = {
    Claim.NAME: Scope.PROFILE,
    Claim.LANGUAGE: Scope.PROFILE,
    Claim.ROLES: Scope.ROLES,
    Claim.ORGANIZATION: Scope.ORGANIZATION,
}


class ClientPolicy(BaseModel):
    """One per registered resource, beside django-oauth-toolkit's Application."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.CASCADE,
        related_name="oqu_policy",
        verbose_name=_("application"),
    )
    description = models.TextField(_("description"), blank=True)
    claims = models.JSONField(_("allowed claims"), default=list, blank=True)
    scopes = models.JSONField(_("allowed scopes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The salt of the pairwise subject: two resources cannot match their users by `sub`.
    subject_salt = models.UUIDField(default=uuid.uuid4, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["application__name"]
        verbose_name = _("digital resource policy")
        verbose_name_plural = _("digital resource policies")

    def __str__(self) -> str:
        return self.application.name

    def subject_for(self, user_id: uuid.UUID) -> str:
        """The pairwise subject of a user at this resource: stable, never the IIN or the account id."""
        return str(uuid.uuid5(self.subject_salt, str(user_id)))

    def releases(self, claim: str, granted_scopes: list[str]) -> bool:
        return claim in self.claims and CLAIM_SCOPE[Claim(claim)] in granted_scopes
