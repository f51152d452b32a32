"""EDS on documents (EDMS-23 p.4): signing a route step, checking every signature of a signed
version, and the signatures that travel with a letter to another organization (EDMS-20/21).

What is signed is the version's canonical content (`services.version_content`), whose SHA-256
is the version's `content_sha256`: a signature covers exactly what the route approved,
attachments included by their hashes.

The signature is verified by `pki.verify_signature` *before* the step's transaction: the check
is stored (and a refused key recorded as an access attempt with an invalid key, G-5.12) even
when the step is refused, and the slow part (OCSP, CRL) holds no lock on the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, Forbidden, ValidationError
from oqu.pki.engine import der_of
from oqu.pki.outcomes import message_of
from oqu.pki.services import verify_signature

from .models import Document, DocumentVersion, RouteStep, Signature, StepStatus
from .services import (
    SIGN,
    VIEW,
    advance_route,
    journal_step,
    lock_step,
    mark_step,
    version_content,
)

STEP_PURPOSE = "organization_document"  # an employee's key of the document's organization
FOREIGN_PURPOSE = "document"  # a letter from outside the platform: any valid signing key


@dataclass(frozen=True)
class SignedCopy:
    """A signature as it travels with a letter: the bytes signed and the CMS over them."""

    content: bytes
    cms: bytes


def _check_before_signing(actor: Actor, step: RouteStep) -> None:
    """The step's own rules, checked again under the lock after the signature is verified."""
    if not step.requires_signature:
        raise Conflict(_("This step is approved without a signature."), code="signature_not_used")
    scope.require(actor, SIGN, step.document.organization, target=step.document)
    if step.assignee_id != getattr(actor.user, "pk", None):
        raise Forbidden(_("This step is assigned to someone else."), code="step_not_yours")
    if step.status != StepStatus.PENDING:
        raise Conflict(_("This step is not awaiting action."), code="step_not_pending")
    if getattr(actor.user, "person_id", None) is None:
        raise Conflict(
            _("Your account is not linked to a person, so a signature cannot be checked."),
            code="signature_no_person",
        )


def step_content(step: RouteStep) -> bytes:
    """What the assignee of `step` signs."""
    return version_content(step.version)


def step_sign(*, actor: Actor, step: RouteStep, cms: bytes, comment: str = "") -> RouteStep:
    """Sign a pending signature step with the assignee's EDS: the signature must be valid, made
    with the assignee's own key (IIN) of the document's organization (BIN), by someone who
    works there. Valid → the step is approved and the route moves on; otherwise a 400
    `signature_invalid` whose field `signature` names the outcome, and nothing changes."""
    step = RouteStep.objects.select_related(
        "version", "version__document__kind", "document__organization"
    ).get(pk=step.pk)
    _check_before_signing(actor, step)
    if not cms.strip():
        raise ValidationError(
            _("Sign with your EDS first."),
            code="signature_missing",
            fields={"signature": ["required"]},
        )
    content = step_content(step)
    verification = verify_signature(
        actor=actor,
        content=content,
        cms=cms,
        purpose=STEP_PURPOSE,
        expected_person=actor.user.person,
        expected_organization=step.document.organization,
    )
    if not verification.is_valid:
        raise ValidationError(
            message_of(verification.outcome),
            code="signature_invalid",
            fields={"signature": [verification.outcome], "verification": [str(verification.pk)]},
        )
    with transaction.atomic():
        document, step = lock_step(actor, step)
        Signature.objects.create(
            organization=document.organization,
            document=document,
            version=step.version,
            step=step,
            origin=Signature.Origin.STEP,
            signer=actor.user,
            content=content,  # the version is the step's own: unchanged under the lock
            cms=der_of(cms),  # valid, so readable: kept as DER (a .p7s file in the archive)
            verification=verification,
        )
        mark_step(step, StepStatus.APPROVED, (comment or "").strip()[:2000])
        journal_step(
            actor,
            "edms.step.sign",
            document,
            step,
            verification=str(verification.pk),
            certificate_serial=verification.certificate_serial,
        )
        advance_route(actor, document, step)
    return step


def signed_copies(version: DocumentVersion | None) -> list[SignedCopy]:
    """The signatures of a version, to send with the letter."""
    if version is None:
        return []
    return [
        SignedCopy(bytes(s.content), bytes(s.cms))
        for s in version.signatures.filter(origin=Signature.Origin.STEP).order_by("created_at")
    ]


def attach_received(
    *,
    actor: Actor,
    document: Document,
    version: DocumentVersion,
    copies: list[SignedCopy],
    sender: Any = None,
) -> list[Signature]:
    """Check every signature that came with a received letter and keep each with its result:
    from an organization on the platform (`sender`), the key must be that organization's."""
    stored = []
    for copy in copies:
        verification = verify_signature(
            actor=actor,
            content=copy.content,
            cms=copy.cms,
            purpose=STEP_PURPOSE if sender is not None else FOREIGN_PURPOSE,
            expected_organization=sender,
        )
        stored.append(
            Signature.objects.create(
                organization=document.organization,
                document=document,
                version=version,
                origin=Signature.Origin.RECEIVED,
                content=copy.content,
                cms=copy.cms,
                verification=verification,
            )
        )
    if stored:
        journal.record(
            actor=actor,
            action="edms.signature.receive",
            target=document,
            after={
                "signatures": [
                    {"verification": str(s.verification_id), "outcome": s.verification.outcome}
                    for s in stored
                ]
            },
        )
    return stored


def signatures_recheck(*, actor: Actor, document: Document) -> list[Signature]:
    """Check every signature of the document again now (revocation and validity as of today,
    or as of the signature's timestamp); each signature keeps its first check as well."""
    scope.require(actor, VIEW, document.organization, target=document)
    rows = list(
        document.signatures.select_related(
            "verification",
            "verification__expected_person",
            "verification__expected_organization",
        )
    )
    if not rows:
        raise Conflict(_("The document has no signatures."), code="no_signatures")
    checks = []
    for row in rows:
        first = row.verification
        # The same signer (IIN) and organization (BIN) as at signing, but not employment now:
        # a signature made while the signer worked there stays theirs after they leave.
        latest = verify_signature(
            actor=actor,
            content=bytes(row.content),
            cms=bytes(row.cms),
            purpose=FOREIGN_PURPOSE,
            expected_person=first.expected_person,
            expected_organization=first.expected_organization,
        )
        checks.append((row, latest))
    with transaction.atomic():
        for row, latest in checks:
            Signature.objects.filter(pk=row.pk).update(latest_verification=latest)
            row.latest_verification = latest
        journal.record(
            actor=actor,
            action="edms.signature.recheck",
            target=document,
            after={
                "signatures": [
                    {"signature": str(row.pk), "outcome": latest.outcome} for row, latest in checks
                ]
            },
        )
    return rows
