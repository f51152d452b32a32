"""What the cabinet keeps of its own: a user's notification choices and what was already sent.

The cabinet reads lessons, marks, attendance and homework from the apps that own them; it stores
only the per-user choice of which news to receive and by which extra channel, and a ledger of
notices sent, so a redelivered event never notifies twice (handlers must be idempotent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel


class NotificationPreference(BaseModel):
    """A user's choice: which cabinet news to receive; in the app always, by e-mail on request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cabinet_preference"
    )
    marks = models.BooleanField(_("new marks"), default=True)
    absences = models.BooleanField(_("absences and lateness"), default=True)
    by_email = models.BooleanField(_("also by e-mail"), default=False)

    class Meta:
        verbose_name = _("cabinet notification settings")


class SentNotice(BaseModel):
    """One notice of one change (a mark with its points, an attendance with its status) to one user."""

    class Kind(models.TextChoices):
        MARK = "mark", _("Mark")
        ABSENCE = "absence", _("Absence")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.UUIDField()
    version = models.CharField(max_length=40)
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "version"], name="cabinet_notice_once"
            ),
        ]
