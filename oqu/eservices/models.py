"""Tracked applications for public e-services (MAP-SVC): one generic engine, services as data.

A `Service` row holds a whole service definition (statuses, transitions, deadlines, documents,
form fields) loaded from a file shipped in `services_data/`; the engine reads nothing else, so
a new service needs a file and no code. An application belongs to the organization that decides
it (the scope of its staff); its history is the chain of `StatusChange` rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel, OrganizationOwnedModel


class Service(BaseModel):
    """One public service as data; `definition` is validated by `definitions.validate`."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    map_ref = models.CharField(_("map reference"), max_length=40, blank=True)
    definition = models.JSONField(_("definition"))
    # SHA-256 of the canonical definition: the loader changes a row only when the file changed.
    version = models.CharField(_("version"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("e-service")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_kk if language == "kk" else self.name_ru


class ServiceApplication(OrganizationOwnedModel):
    """An application for a service; `organization` is the organization that decides it."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # Whom the application is about: the applicant's child, or the applicant themselves.
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=40)
    is_final = models.BooleanField(_("decided"), default=False)
    data = models.JSONField(_("form data"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"))
    status_since = models.DateTimeField(_("in this status since"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reason = models.TextField(_("reason of the last decision"), blank=True)

    class Meta:
        verbose_name = _("e-service application")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["organization", "is_final", "deadline"], name="esvc_app_org_due"),
            models.Index(fields=["applicant", "submitted_at"], name="esvc_app_applicant"),
            models.Index(fields=["subject", "submitted_at"], name="esvc_app_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "subject"],
                condition=models.Q(is_final=False),
                name="esvc_one_live_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code} · {self.status}"


class StatusChange(OrganizationOwnedModel):
    """One step of an application's history: the first row is the submission."""

    application = models.ForeignKey(
        ServiceApplication, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    transition = models.CharField(_("decision"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by_user = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        ordering = ["at", "created_at"]


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    return f"eservices/{instance.organization_id}/{instance.pk}"


class ApplicationDocument(OrganizationOwnedModel):
    """A file attached to an application, checked by content, served only after an access check."""

    application = models.ForeignKey(
        ServiceApplication, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=60)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("application document")
        ordering = ["kind", "created_at"]
