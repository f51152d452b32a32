"""Electronic documents (O456 p.20–23): kinds as data, registration counters, documents, their
immutable versions, route steps, attachments and exchange messages.

A document is edited only as a draft (or after it was returned for revision). Sending it along
its route freezes the content into a `DocumentVersion` with a SHA-256 of the content; once the
route approves that version it can never change, so a signature (EDS, the `pki` app) can later be
attached to exactly the bytes that were approved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel


class KindGroup(models.TextChoices):
    INCOMING = "incoming", _("Incoming correspondence")
    OUTGOING = "outgoing", _("Outgoing correspondence")
    INTERNAL = "internal", _("Internal document")
    ORDER = "order", _("Order on main activity")
    HR = "hr", _("HR document")
    FINANCE = "finance", _("Finance contract")


class DocumentKind(BaseModel):
    """A pre-configured kind of document: its fields, numbering pattern and default route.

    `field_schema`: a list of {"name", "type": text|date|number|choice, "required", "label_kk",
    "label_ru", "choices"}. `default_route`: a list of stages run one after another; each stage is
    a list of steps run in parallel, {"capability", "days", "signature"}; a step goes to every
    holder of the capability in the document's organization. `number_pattern` may use {prefix},
    {seq}, {seq:04d}-style widths and {year}.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=KindGroup.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    prefix = models.CharField(_("number prefix"), max_length=20)
    number_pattern = models.CharField(_("numbering pattern"), max_length=60)
    field_schema = models.JSONField(_("fields"), default=list, blank=True)
    default_route = models.JSONField(_("default route"), default=list, blank=True)
    execution_days = models.PositiveSmallIntegerField(
        _("execution period, working days"), default=0
    )
    retention_years = models.PositiveSmallIntegerField(_("retention period, years"), default=5)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_ru if (get_language() or "kk").startswith("ru") else self.name_kk


class RegistrationCounter(OrganizationOwnedModel):
    """The last number given per organization, kind and year; locked FOR UPDATE to register."""

    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year"], name="edms_counter_unique"
            )
        ]


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON_ROUTE = "on_route", _("On the route")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    REGISTERED = "registered", _("Registered")
    EXECUTING = "executing", _("In execution")
    DONE = "done", _("Executed")
    ARCHIVED = "archived", _("In the archive")


EDITABLE_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.RETURNED)


class Document(OrganizationOwnedModel):
    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # registration
    number = models.CharField(_("number"), max_length=60, blank=True, db_index=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    public_token = models.CharField(max_length=40, blank=True, db_index=True)
    # execution
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("executor"),
    )
    due_date = models.DateField(_("execution deadline"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    # correspondence and exchange
    correspondent = models.CharField(_("correspondent"), max_length=300, blank=True)
    recipient = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("recipient organization"),
    )
    source_document = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # archive
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    retention_until = models.DateField(_("kept until"), null=True, blank=True)
    # title, text, field values and the text of attachments, for search (indexed on PostgreSQL)
    search_text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="edms_document_number_unique",
            )
        ]
        indexes = [models.Index(fields=["organization", "status"], name="edms_doc_org_status")]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.title}"[:300]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ImmutableVersion(Exception):
    """An approved version was about to change: it is what a signature covers."""


class DocumentVersion(OrganizationOwnedModel):
    """The content sent along the route, frozen: title, text, fields and attachment hashes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    fields = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"id", "name", "sha256"}]
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="edms_version_unique")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and not self._state.adding:
            stored = DocumentVersion.objects.filter(pk=self.pk).values("approved_at").first()
            if stored and stored["approved_at"] is not None:
                raise ImmutableVersion(str(self.pk))
        super().save(*args, **kwargs)


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for earlier steps")
    PENDING = "pending", _("Awaiting action")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for revision")
    CANCELLED = "cancelled", _("Cancelled")


class RouteStep(OrganizationOwnedModel):
    """One approver's step: steps of a stage run in parallel, stages one after another."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField(_("stage"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requires_signature = models.BooleanField(_("requires a signature"), default=False)
    days = models.PositiveSmallIntegerField(_("working days"), default=2)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StepStatus.choices,
        default=StepStatus.WAITING,
        db_index=True,
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["version", "stage", "created_at"]
        indexes = [models.Index(fields=["assignee", "status"], name="edms_step_assignee")]


def _attachment_path(instance: Any, filename: str) -> str:
    """A random stored name: the original name is kept in the row, never in the path."""
    return f"edms/{instance.organization_id}/{uuid.uuid4().hex}"


class Attachment(OrganizationOwnedModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("extracted text"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def previewable(self) -> bool:
        return self.content_type in ("application/pdf", "image/png", "image/jpeg")


class ExchangeMessage(OrganizationOwnedModel):
    """A document sent to or received from the state bodies' unified EDMS (ЕСЭДО)."""

    class Direction(models.TextChoices):
        OUT = "out", _("Sent")
        IN = "in", _("Received")

    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer_message_id = models.CharField(max_length=100, blank=True)
    recipient_bin = models.CharField(max_length=12, blank=True)
    sender_bin = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=20)
    error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Signature(OrganizationOwnedModel):
    """An EDS over exactly `content`: the canonical content of `version` when a route step was
    signed here, or the sender's canonical content when the signature came with a received letter.

    `verification` is the latest check (`pki.Verification`); every earlier check stays in the
    pki app's rows and in the journal. A signature is stored only when its first check was
    valid at a route step; a received one is stored whatever its check found, and shown so.
    """

    class Origin(models.TextChoices):
        STEP = "step", _("Signed at a route step")
        RECEIVED = "received", _("Came with a received letter")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    step = models.OneToOneField(
        RouteStep, on_delete=models.CASCADE, null=True, blank=True, related_name="signature"
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.BinaryField(_("signed content"))
    cms = models.BinaryField(_("signature (CMS)"))
    verification = models.ForeignKey(
        "pki.Verification",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("check at signing"),
    )
    latest_verification = models.ForeignKey(
        "pki.Verification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest check"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.document_id} · {self.verification_id}"

    @property
    def current_check(self) -> Any:
        return self.latest_verification or self.verification
