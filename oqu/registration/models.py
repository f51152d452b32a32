"""A phone check by one-time code, the parent's verified phone, and requests to be linked to a child.

None of these rows belongs to an organization: a parent registers before any organization knows
them. A link request is seen by the organizations where the child is enrolled *now* (resolved on
read), so a transfer hands pending requests over to the new school without rewriting rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel
from oqu.people.models import Guardianship


class PhoneVerification(BaseModel):
    """One attempt to prove control of a phone for an IIN; the code is kept only as a hash."""

    iin = models.CharField(_("IIN"), max_length=12)
    phone = models.CharField(_("phone"), max_length=12)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    completion_hash = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # the rate limits count recent rows per phone, per IIN and per address
            models.Index(fields=["phone", "created_at"], name="phoneverif_phone_recent"),
            models.Index(fields=["iin", "created_at"], name="phoneverif_iin_recent"),
            models.Index(fields=["ip", "created_at"], name="phoneverif_ip_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.iin} {mask_phone(self.phone)}"


class ParentProfile(BaseModel):
    """The phone a self-registered parent proved to control; status SMS messages go there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parent_profile"
    )
    phone = models.CharField(_("phone"), max_length=12)
    phone_verified_at = models.DateTimeField(_("phone verified at"))

    def __str__(self) -> str:
        return f"{self.user_id} {mask_phone(self.phone)}"


class LinkRequest(BaseModel):
    """A parent's request to be recorded as a child's parent or legal representative."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    class RegisterCheck(models.TextChoices):
        NOT_CHECKED = "not_checked", _("Not checked yet")
        MATCH = "match", _("Matches the state register")
        MISMATCH = "mismatch", _("Not found in the state register")
        UNAVAILABLE = "unavailable", _("The state register did not answer")

    class Source(models.TextChoices):
        ORGANIZATION = "organization", _("The child's organization")
        REGISTER = "register", _("The state person register")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_requests"
    )
    parent = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="link_requests_made"
    )
    child_iin = models.CharField(_("child's IIN"), max_length=12)
    kind = models.CharField(_("relation"), max_length=10, choices=Guardianship.Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    register_check = models.CharField(
        _("state register check"),
        max_length=12,
        choices=RegisterCheck.choices,
        default=RegisterCheck.NOT_CHECKED,
    )
    register_checked_at = models.DateTimeField(null=True, blank=True)
    register_reason = models.CharField(max_length=40, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    guardianship = models.ForeignKey(
        "people.Guardianship", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["child_iin", "status"], name="linkreq_child_status"),
            models.Index(fields=["requested_by", "status"], name="linkreq_parent_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "child_iin"],
                condition=models.Q(status="pending"),
                name="linkreq_one_pending_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_iin} ({self.kind}, {self.status})"


def mask_phone(phone: str) -> str:
    """+77011234567 → +7701***4567: enough to recognise, not enough to misuse."""
    return f"{phone[:5]}***{phone[-4:]}" if len(phone) >= 9 else "***"
