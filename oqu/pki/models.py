"""Trusted roots (configuration as data) and stored signature verifications."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from oqu.kernel.models import BaseModel

from .outcomes import Outcome


class TrustedRoot(BaseModel):
    """A root certificate of the national certification authority the platform trusts.

    Production loads NCA RK's roots (root_rsa_2020.cer, root_gost_2022.cer, … — DOMAIN.md §7)
    with `manage.py pki_trust_root <file>`; tests and the demo add their generated test roots.
    """

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")

    def __str__(self) -> str:
        return self.name

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem.encode())

    def der(self) -> bytes:
        return self.certificate().public_bytes(serialization.Encoding.DER)

    def clean(self) -> None:
        try:
            certificate = self.certificate()
        except ValueError as error:
            raise DjangoValidationError({"certificate_pem": _("Not a PEM certificate.")}) from error
        self.sha256 = certificate.fingerprint(hashes.SHA256()).hex()

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.sha256 = self.certificate().fingerprint(hashes.SHA256()).hex()
        super().save(*args, **kwargs)


class Verification(BaseModel):
    """One verification of one signature over one document, with what it found (EDMS-23).

    Documents keep the id and show the result; the signature itself is kept so the check can be
    repeated. `organization` is the organization the signature was checked for (the expected
    one), else the verifier's own; rows without one are visible to their verifier only.
    """

    organization = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("organization"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    purpose = models.CharField(_("purpose"), max_length=40)
    provider = models.CharField(_("provider"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    content_sha256 = models.CharField(_("document SHA-256"), max_length=64, db_index=True)
    signature_sha256 = models.CharField(_("signature SHA-256"), max_length=64)
    signature = models.BinaryField(_("signature"))
    expected_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("expected signer"),
    )
    expected_organization = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("expected organization"),
    )
    signer_name = models.CharField(_("signer"), max_length=300, blank=True)
    signer_iin = models.CharField(_("signer's IIN"), max_length=12, blank=True, db_index=True)
    signer_bin = models.CharField(_("signer's BIN"), max_length=12, blank=True)
    signer_organization = models.CharField(_("signer's organization"), max_length=300, blank=True)
    subject_dn = models.CharField(_("certificate subject"), max_length=1000, blank=True)
    issuer_dn = models.CharField(_("certificate issuer"), max_length=1000, blank=True)
    certificate_serial = models.CharField(_("certificate serial"), max_length=80, blank=True)
    certificate_sha256 = models.CharField(_("certificate SHA-256"), max_length=64, blank=True)
    algorithm = models.CharField(_("algorithm"), max_length=80, blank=True)
    certificate_not_before = models.DateTimeField(_("valid from"), null=True, blank=True)
    certificate_not_after = models.DateTimeField(_("valid to"), null=True, blank=True)
    extended_key_usages = models.JSONField(_("key usages and roles"), default=list, blank=True)
    signed_at = models.DateTimeField(_("signing time (timestamp)"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("signature verification")
        verbose_name_plural = _("signature verifications")
        indexes = [models.Index(fields=["organization", "-checked_at"], name="pki_verif_org")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.signer_name or '?'}"

    @property
    def is_valid(self) -> bool:
        return self.outcome == Outcome.VALID
