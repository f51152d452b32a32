"""The one entry point every app calls to check an electronic signature (EDMS-23, MON-8.3,
ADD-36.10, TVET-34.3):

    verification = verify_signature(actor=actor, content=document_bytes, cms=signature_bytes,
                                    purpose="head_confirmation", expected_person=head_person,
                                    expected_organization=school)
    if not verification.is_valid: …  # verification.outcome, message_of(verification.outcome)

It never raises for a bad signature: every outcome — valid or the reason it is not — is stored
as a `Verification` row that documents point to. A failed verification is also recorded as an
access attempt with an invalid key (`audit.FailedAccess`, G-5.12), and the ones that point at
misuse (a revoked key, another person's or organization's key) as a security event (G-5.20).
Bad *requests* (unknown purpose, files too large) raise `ValidationError` (HTTP 400).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.audit import journal
from oqu.audit.models import FailedAccess, SecurityEvent
from oqu.kernel.context import current_request_info
from oqu.kernel.errors import ValidationError

from .certinfo import CertificateFacts, NotACertificate, facts_of, signer_certificate
from .engine import Malformed, Verdict, load_signed_data
from .models import Verification
from .outcomes import Outcome
from .providers import ProviderAnswer, provider_for
from .purposes import Purpose, purpose_of

VERIFY_ACTION = "pki.signature.verify"
MISUSE = {Outcome.REVOKED, Outcome.IIN_MISMATCH, Outcome.BIN_MISMATCH}


def _check_sizes(content: bytes, cms: bytes) -> None:
    if len(cms) > settings.OQU_PKI_MAX_SIGNATURE_BYTES:
        raise ValidationError(
            _("The signature file is too large."),
            code="pki_signature_too_large",
            fields={"signature": ["too_large"]},
        )
    if len(content) > settings.OQU_PKI_MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is too large."),
            code="pki_document_too_large",
            fields={"document": ["too_large"]},
        )


def _certificate_facts(cms: bytes) -> CertificateFacts | None:
    try:
        return facts_of(signer_certificate(load_signed_data(cms)))
    except (Malformed, NotACertificate, ValueError):
        return None


def _judge(
    answer: ProviderAnswer,
    facts: CertificateFacts | None,
    purpose: Purpose,
    expected_person: Any,
    expected_organization: Any,
) -> tuple[Outcome, str]:
    """The crypto verdict first; then what the key may do and whose it is."""
    if answer.verdict != Verdict.VALID:
        return Outcome(answer.verdict.value), answer.detail
    if facts is None:
        return Outcome.MALFORMED, "no_signer_certificate"
    if not purpose.key_fits(facts):
        return Outcome.WRONG_KEY_USAGE, f"purpose={purpose.code}"
    if expected_person is not None and facts.iin != expected_person.iin:
        return Outcome.IIN_MISMATCH, ""
    if expected_organization is not None:
        bin_value = getattr(expected_organization, "bin", "") or ""
        if not bin_value or facts.bin != bin_value:
            return Outcome.BIN_MISMATCH, "" if bin_value else "organization_without_bin"
        # On the platform too, the signer must work there: a head signs only for their own
        # organization, even with a certificate that names it.
        if (
            purpose.needs_organization
            and expected_person is not None
            and not _works_at(expected_person, expected_organization)
        ):
            return Outcome.BIN_MISMATCH, "person_not_employed_there"
    return Outcome.VALID, ""


def _works_at(person: Any, organization: Any) -> bool:
    from oqu.people.models import Employment

    return Employment.objects.filter(
        person=person, organization=organization, end_date__isnull=True
    ).exists()


def verify_signature(
    *,
    actor: Any,
    content: bytes,
    cms: bytes,
    purpose: str,
    expected_person: Any = None,
    expected_organization: Any = None,
) -> Verification:
    """Verify `cms` (detached over `content`, or attached with `content` empty or equal) for
    `purpose` ("document", "head_confirmation", "credential", "authentication"), store and
    return the result. `expected_person` (people.Person) must be the signer by IIN;
    `expected_organization` (orgs.Unit) must be the signer's organization by BIN — a head
    signs only for their own organization. `actor` is an access `Actor` (or None for the
    platform's own background re-checks)."""
    kind = purpose_of(purpose)
    if kind.needs_organization and expected_organization is None:
        raise ValidationError(
            _("This kind of signature is checked against an organization; name it."),
            code="pki_organization_required",
            fields={"expected_organization": ["required"]},
        )
    _check_sizes(content, cms)
    facts = _certificate_facts(cms)
    provider = provider_for(facts) if facts is not None else None
    if facts is None:
        answer, provider_name = ProviderAnswer(Verdict.MALFORMED, detail="unreadable"), "none"
    elif provider is None:
        answer, provider_name = ProviderAnswer(Verdict.UNAVAILABLE, detail="no_provider"), "none"
    else:
        answer, provider_name = provider.verify(content, cms), provider.name
    outcome, detail = _judge(answer, facts, kind, expected_person, expected_organization)
    verified_content = answer.content or content
    with transaction.atomic():
        verification = _store(
            actor=actor,
            purpose=kind.code,
            provider=provider_name,
            outcome=outcome,
            detail=detail,
            content=verified_content,
            cms=cms,
            facts=facts,
            signed_at=answer.signed_at,
            expected_person=expected_person,
            expected_organization=expected_organization,
        )
        journal.record(
            actor=actor,
            action=VERIFY_ACTION,
            target=verification,
            after={
                "outcome": outcome.value,
                "purpose": kind.code,
                "signer_iin": verification.signer_iin,
                "signer_bin": verification.signer_bin,
                "certificate_serial": verification.certificate_serial,
                "content_sha256": verification.content_sha256,
            },
        )
    if outcome != Outcome.VALID:
        _record_invalid_key(actor, verification)
    return verification


def _store(
    *,
    actor: Any,
    purpose: str,
    provider: str,
    outcome: Outcome,
    detail: str,
    content: bytes,
    cms: bytes,
    facts: CertificateFacts | None,
    signed_at: Any,
    expected_person: Any,
    expected_organization: Any,
) -> Verification:
    user = getattr(actor, "user", None)
    user = user if getattr(user, "pk", None) else None
    organization_id = (
        expected_organization.pk
        if expected_organization is not None
        else journal.organization_of_user(user)
    )
    row = Verification(
        organization_id=organization_id,
        actor=user,
        purpose=purpose,
        provider=provider,
        outcome=outcome.value,
        detail=detail[:200],
        checked_at=timezone.now(),
        content_sha256=hashlib.sha256(content).hexdigest(),
        signature_sha256=hashlib.sha256(cms).hexdigest(),
        signature=cms,
        expected_person=expected_person,
        expected_organization=expected_organization,
        signed_at=signed_at,
    )
    if facts is not None:
        row.signer_name = facts.common_name[:300]
        row.signer_iin = facts.iin
        row.signer_bin = facts.bin
        row.signer_organization = facts.organization[:300]
        row.subject_dn = facts.subject_dn[:1000]
        row.issuer_dn = facts.issuer_dn[:1000]
        row.certificate_serial = facts.serial_hex[:80]
        row.certificate_sha256 = facts.sha256
        row.algorithm = facts.algorithm[:80]
        row.certificate_not_before = facts.not_before
        row.certificate_not_after = facts.not_after
        row.extended_key_usages = list(facts.extended_key_usages)
    row.save()
    return row


def _record_invalid_key(actor: Any, verification: Verification) -> None:
    """G-5.12: a failed verification is an access attempt with an invalid key."""
    user = getattr(actor, "user", None)
    known = user if getattr(user, "pk", None) else None
    info = current_request_info()
    FailedAccess.objects.create(
        at=timezone.now(),
        organization_id=verification.organization_id,
        actor=known,
        actor_name=(getattr(known, "username", "") or "")[:150],
        action=VERIFY_ACTION,
        target_type=Verification._meta.label_lower,
        target_id=str(verification.pk),
        reason=f"signature_{verification.outcome}"[:40],
        status=422,
        ip=info.ip,
        user_agent=info.user_agent,
    )
    if verification.outcome in MISUSE:
        journal.record_security_event(
            kind="invalid_signature",
            summary=f"{verification.get_outcome_display()}: {verification.signer_name}",
            severity=SecurityEvent.Severity.WARNING,
            details={
                "verification": str(verification.pk),
                "outcome": verification.outcome,
                "signer_iin": verification.signer_iin,
                "signer_bin": verification.signer_bin,
                "certificate_serial": verification.certificate_serial,
            },
            user=known,
            organization_id=verification.organization_id,
        )
