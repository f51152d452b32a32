"""Signature verification over HTTP, under /api/v1/pki/ (EDMS-23, G-5.2).

POST a document and its CMS signature (multipart: `document`, `signature`, `purpose`, optional
`expected_person_id` / `expected_organization_id`); the answer is the stored verification with
its outcome and a message in the user's language. A bad signature is a 201 with its outcome,
not an error: the verification itself succeeded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import person_get

from . import selectors, services
from .models import Verification
from .outcomes import message_of

router = Router(tags=["pki"])


class VerificationOut(Schema):
    id: UUID
    outcome: str
    outcome_label: str
    message: str
    valid: bool
    detail: str
    purpose: str
    provider: str
    checked_at: dt.datetime
    signed_at: dt.datetime | None
    content_sha256: str
    signer_name: str
    signer_iin: str
    signer_bin: str
    signer_organization: str
    subject_dn: str
    issuer_dn: str
    certificate_serial: str
    algorithm: str
    certificate_not_before: dt.datetime | None
    certificate_not_after: dt.datetime | None
    extended_key_usages: list[str]
    organization_id: UUID | None


def serialize(row: Verification) -> dict[str, Any]:
    return {
        "id": row.pk,
        "outcome": row.outcome,
        "outcome_label": str(row.get_outcome_display()),
        "message": message_of(row.outcome),
        "valid": row.is_valid,
        "detail": row.detail,
        "purpose": row.purpose,
        "provider": row.provider,
        "checked_at": row.checked_at,
        "signed_at": row.signed_at,
        "content_sha256": row.content_sha256,
        "signer_name": row.signer_name,
        "signer_iin": row.signer_iin,
        "signer_bin": row.signer_bin,
        "signer_organization": row.signer_organization,
        "subject_dn": row.subject_dn,
        "issuer_dn": row.issuer_dn,
        "certificate_serial": row.certificate_serial,
        "algorithm": row.algorithm,
        "certificate_not_before": row.certificate_not_before,
        "certificate_not_after": row.certificate_not_after,
        "extended_key_usages": list(row.extended_key_usages or []),
        "organization_id": row.organization_id,
    }


class VerificationIn(Schema):
    purpose: str = "document"
    expected_person_id: UUID | None = None
    expected_organization_id: UUID | None = None


@router.post("/pki/verifications", response={201: VerificationOut, **WRITE_ERRORS})
def verification_create(
    request: HttpRequest,
    form: Form[VerificationIn],
    signature: File[UploadedFile],
) -> Any:
    """Verify a CMS (PKCS#7) signature, detached over the file `document` or attached (no
    document)."""
    who = actor(request)
    document = request.FILES.get("document")
    person = person_get(who, form.expected_person_id) if form.expected_person_id else None
    organization = (
        unit_get(who, form.expected_organization_id) if form.expected_organization_id else None
    )
    row = services.verify_signature(
        actor=who,
        content=document.read() if document is not None else b"",
        cms=signature.read(),
        purpose=form.purpose,
        expected_person=person,
        expected_organization=organization,
    )
    return 201, serialize(row)


@router.get("/pki/verifications", response={200: page_of(VerificationOut), **LIST_ERRORS})
def verification_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Your verifications and those of the organizations you may see, newest first."""
    qs = selectors.verification_list(actor(request))
    return paginate(
        qs, cursor=page.cursor, limit=page.limit, order_field="-checked_at", serialize=serialize
    )


@router.get("/pki/verifications/{verification_id}", response={200: VerificationOut, **READ_ERRORS})
def verification_detail(request: HttpRequest, verification_id: UUID) -> Any:
    return serialize(selectors.verification_get(actor(request), verification_id))
