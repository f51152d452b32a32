"""Roles (data: named sets of capabilities) and grants of a role on a unit of the hierarchy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel


class Role(BaseModel):
    """A named set of capability codes, seeded for every role the law names, editable by an administrator."""

    class Level(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        DISTRICT = "district", _("District or city")
        REGION = "region", _("Region")
        REPUBLIC = "republic", _("Republic")
        RELATION = "relation", _("Own relation (parent, learner)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    capabilities = models.JSONField(_("capabilities"), default=list)
    legal_basis = models.CharField(_("legal basis"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class Grant(BaseModel):
    """A role given to a user on a unit; it covers the unit's whole subtree between its dates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="grants")
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["user", "valid_to"], name="grant_user_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.unit}"
