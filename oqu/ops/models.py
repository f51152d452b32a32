"""Operations of the installation itself: integrity checks of the installed files (G-5.17)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrityCheck(models.Model):
    """One comparison of the installed files with the manifest built at install."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Files changed")
        NO_MANIFEST = "no_manifest", _("No manifest")
        MANIFEST_INVALID = "manifest_invalid", _("Manifest unreadable")
        MANIFEST_TAMPERED = "manifest_tampered", _("Manifest tampered with")

    class Trigger(models.TextChoices):
        COMMAND = "command", _("Command")
        SCHEDULE = "schedule", _("Schedule")
        WEB = "web", _("Web page or API")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    started_by = models.CharField(_("account"), max_length=150, blank=True)
    files_checked = models.PositiveIntegerField(_("files checked"), default=0)
    changed = models.JSONField(_("changed files"), default=list, blank=True)
    missing = models.JSONField(_("missing files"), default=list, blank=True)
    added = models.JSONField(_("added files"), default=list, blank=True)
    manifest_created_at = models.DateTimeField(_("manifest built at"), null=True, blank=True)
    authenticated = models.BooleanField(_("manifest authenticated"), default=False)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.result}"

    @property
    def ok(self) -> bool:
        return self.result == self.Result.PASSED
