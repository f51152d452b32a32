"""The electronic queue for preschool places (MAP-QUEUE): applications and their preferences.

An application belongs to the district (or city) education department whose territory the child
lives in: residence decides eligibility, so the district unit is the owning organization and the
scope through which district staff see the queue. The preferred organizations are ordered (rank 1
is the parent's first choice) and all lie in that district.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel


class Category(models.TextChoices):
    """Priority of an application, highest first (DOMAIN.md §3; the ratio in force is a rule set)."""

    EXTRAORDINARY = "extraordinary", _("Extraordinary")
    FIRST = "first", _("First-priority")
    GENERAL = "general", _("General")


class Application(OrganizationOwnedModel):
    """A parent's request for a preschool place for one child."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("In the queue")
        DIRECTED = "directed", _("Direction issued")
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
        CANCELLED = "cancelled", _("Cancelled")

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    category = models.CharField(
        _("priority"), max_length=14, choices=Category.choices, default=Category.GENERAL
    )
    # The specific ground of a priority (e.g. "military", "large_family"): a code of the rule set.
    category_ground = models.CharField(_("ground of priority"), max_length=40, blank=True)
    desired_date = models.DateField(_("wanted from"))
    language = models.CharField(_("language of the group"), max_length=2, default="kk")
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # The registered address as the person register answered at submission (KATO + text).
    address_kato = models.CharField(_("KATO code of the address"), max_length=9, blank=True)
    address_text = models.CharField(_("address"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("queue application")
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=["queued", "directed"]),
                name="equeue_one_live_application",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "submitted_at"], name="equeue_app_q"),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.get_status_display()}"


class Preference(BaseModel):
    """One preferred preschool organization of an application; rank 1 is the first choice."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences"
    )
    preschool = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("preferred organization")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="equeue_pref_rank"),
            models.UniqueConstraint(fields=["application", "preschool"], name="equeue_pref_org"),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=5), name="equeue_pref_rank_range"
            ),
        ]
