"""What every app builds on: UUID rows, organization ownership, rule sets, the calendar, consents."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID primary key (offline nodes create rows without a central sequence) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrganizationOwnedModel(BaseModel):
    """A row an organization owns: the scope filter, the sync partition and the export boundary."""

    organization = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )

    class Meta:
        abstract = True


class RuleSet(BaseModel):
    """One edition of an effective-dated rule (weights, thresholds, deadlines, ratios, rates).

    Rules change by edition of the law, so they are data looked up "as of" a date, never constants.
    """

    code = models.CharField(_("code"), max_length=100, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    value = models.JSONField(_("value"))
    source = models.TextField(_("source"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=1, default="M")

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="ruleset_code_from_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} @ {self.valid_from}"


class CalendarDay(models.Model):
    """A day that differs from the ordinary Monday-Friday week (holiday, moved day off, working Saturday)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        TRANSFER_OFF = "transfer_off", _("Moved day off")
        WORKING_DAY = "working_day", _("Working day moved from a weekend")

    date = models.DateField(_("date"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_kk = models.CharField(max_length=200, blank=True)
    name_ru = models.CharField(max_length=200, blank=True)
    projected = models.BooleanField(
        _("projected"),
        default=False,
        help_text=_("Computed by the statutory rule, not yet official."),
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class Consent(BaseModel):
    """A consent given by a person for a subject person (MFA exemption, ID card use, photos)."""

    subject = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="consents_about"
    )
    given_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consents_given"
    )
    purpose = models.CharField(_("purpose"), max_length=100, db_index=True)
    given_at = models.DateTimeField(_("given at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.subject_id}"


class ScheduledJobRun(models.Model):
    """When each periodic job was last enqueued, so a restarted scheduler does not double-run it."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at}"
