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


class StatusChange(OrganizationOwnedModel):
    """One step of an application's history: what it became, when and why (shown to the parent)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=12, choices=Application.Status.choices)
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        ordering = ["at", "created_at"]


class SupportingDocument(OrganizationOwnedModel):
    """A file that supports the claimed priority; the hash reveals one file used for several children."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="equeue/documents/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("supporting document")


class Flag(OrganizationOwnedModel):
    """An anti-fraud signal on an application for district staff to look at (MAP-AI, anti-fraud)."""

    class Code(models.TextChoices):
        DUPLICATE_CHILD = "duplicate_child", _("The same child in another application")
        CLOSE_BIRTHS = "close_births", _("Children of one applicant born implausibly close")
        ADDRESS_MISMATCH = "address_mismatch", _("The address does not match the register")
        DOCUMENT_REUSED = "document_reused", _("One document used for several children")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(_("signal"), max_length=20, choices=Code.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("anti-fraud signal")
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="equeue_flag_once")
        ]


class Publication(OrganizationOwnedModel):
    """Places of one age group offered to the queue (organization = the preschool)."""

    group = models.ForeignKey("preschool.AgeGroup", on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField(_("places published"))
    remaining = models.PositiveSmallIntegerField(_("places not yet allocated"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published places")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remaining__lte=models.F("places")), name="equeue_pub_remaining"
            )
        ]


class SeatCounter(OrganizationOwnedModel):
    """The sequence number of the last place allocated in an age group, carried between runs."""

    group = models.OneToOneField("preschool.AgeGroup", on_delete=models.PROTECT, related_name="+")
    last_sequence = models.PositiveIntegerField(_("last place number"), default=0)

    class Meta:
        verbose_name = _("place counter")


class AllocationRun(OrganizationOwnedModel):
    """One allocation of the published places of a district (organization = the district)."""

    run_at = models.DateTimeField(_("run at"))
    as_of = models.DateField(_("as of"))
    seed = models.CharField(_("lottery seed"), max_length=64)
    every = models.PositiveSmallIntegerField(_("priority interleave (every n-th place)"))
    applicants = models.PositiveIntegerField(_("applications considered"))
    places = models.PositiveIntegerField(_("places offered"))
    assigned = models.PositiveIntegerField(_("places assigned"))
    inputs_hash = models.CharField(_("inputs hash"), max_length=64)
    result_hash = models.CharField(_("result hash"), max_length=64)
    # The inputs exactly as the algorithm saw them, so anyone may re-run it and compare hashes.
    inputs = models.JSONField(_("inputs"), default=dict)

    class Meta:
        verbose_name = _("allocation run")
        ordering = ["-run_at"]


class Direction(OrganizationOwnedModel):
    """A place offered to an application by a run (organization = the district of the queue)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, waiting for the parent")
        ACCEPTED = "accepted", _("Accepted by the parent")
        DECLINED = "declined", _("Declined by the parent")
        CANCELLED = "cancelled", _("Cancelled")
        ENROLLED = "enrolled", _("Child enrolled")

    class Priority(models.TextChoices):
        NONE = "none", _("No priority claimed")
        PENDING = "pending", _("Waiting for documents")
        CONFIRMED = "confirmed", _("Confirmed")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="directions"
    )
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="directions")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    preschool = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("preschool.AgeGroup", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(_("place number"))
    priority_slot = models.BooleanField(_("priority place"), default=False)
    preference_rank = models.PositiveSmallIntegerField(_("preference rank"))
    lottery = models.CharField(_("lottery number"), max_length=20)
    # A pseudonym of the application within this run, shown instead of personal data.
    token = models.CharField(_("pseudonym"), max_length=12)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    accept_by = models.DateField(_("accept by"))
    priority_status = models.CharField(
        _("priority documents"), max_length=10, choices=Priority.choices, default=Priority.NONE
    )
    priority_by = models.DateField(_("priority confirmed by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The parent's signed acceptance: the stored check of the signature over the statement.
    signature = models.ForeignKey(
        "pki.Verification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature of the acceptance"),
    )
    # After acceptance the child must be enrolled by this day (the rules' term from the
    # notification, moved later when the parent asks for an extension within the maximum).
    enrol_by = models.DateField(_("enrol by"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("direction")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["issued", "accepted"]),
                name="equeue_one_live_direction",
            ),
            models.UniqueConstraint(fields=["group", "sequence"], name="equeue_seat_once"),
        ]
        indexes = [
            models.Index(fields=["status", "accept_by"], name="equeue_dir_due"),
            models.Index(fields=["status", "enrol_by"], name="equeue_dir_enrol_due"),
        ]


class StopEntry(OrganizationOwnedModel):
    """An application kept out of allocation runs until `until` after a cancelled direction."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stop_entries"
    )
    direction = models.ForeignKey(Direction, on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("stop list entry")
        indexes = [models.Index(fields=["application", "until"], name="equeue_stop_until")]
