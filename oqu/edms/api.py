"""Documents over HTTP, under /api/v1/edms/ (EDMS-20…23)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from oqu.apikit import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    PageQuery,
    actor,
    page_of,
    paginate,
)
from oqu.kernel.errors import ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get

from . import selectors, services, signing
from .models import Document, DocumentKind

router = Router(tags=["edms"])


def _binary(content_type: str, description: str) -> dict[str, Any]:
    """The OpenAPI description of a file answer."""
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


class KindOut(Schema):
    code: str
    group: str
    name_kk: str
    name_ru: str
    number_pattern: str
    field_schema: list[dict[str, Any]]
    default_route: list[list[dict[str, Any]]]
    execution_days: int
    retention_years: int


class DocumentIn(Schema):
    organization_id: UUID
    kind: str = Field(..., max_length=40)
    title: str = Field(..., min_length=1, max_length=300)
    body: str = Field("", max_length=100_000)
    fields: dict[str, Any] = Field(default_factory=dict)
    correspondent: str = Field("", max_length=300)
    recipient_id: UUID | None = Field(
        None, description="An outgoing letter's recipient on the platform."
    )


class DocumentPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = Field(None, max_length=100_000)
    fields: dict[str, Any] | None = None
    correspondent: str | None = Field(None, max_length=300)


class DocumentOut(Schema):
    id: UUID
    organization_id: UUID
    kind: str
    title: str
    status: str
    number: str
    registered_on: dt.date | None
    correspondent: str
    recipient_id: UUID | None
    executor_id: UUID | None
    due_date: dt.date | None
    sent_at: dt.datetime | None
    archived_at: dt.datetime | None
    retention_until: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return obj["kind"] if isinstance(obj, dict) else obj.kind.code


class StepOut(Schema):
    id: UUID
    document_id: UUID
    version: int = Field(..., alias="version.number")
    stage: int
    assignee_id: UUID
    requires_signature: bool
    status: str
    due_date: dt.date | None
    acted_at: dt.datetime | None
    comment: str


class AttachmentOut(Schema):
    id: UUID
    original_name: str
    content_type: str
    size: int
    sha256: str
    previewable: bool


class VersionOut(Schema):
    number: int
    content_sha256: str
    approved_at: dt.datetime | None


class SignatureOut(Schema):
    id: UUID
    version: int
    step_id: UUID | None
    origin: str
    signer: str
    signer_organization: str
    signer_bin: str
    signed_at: dt.datetime | None
    outcome: str = Field(..., description="The latest check: `valid` or why not.")
    valid: bool
    checked_at: dt.datetime
    verification_id: UUID = Field(..., description="The latest check in /pki/verifications.")
    first_verification_id: UUID = Field(..., description="The check made at signing/receipt.")


def serialize_signature(row: Any) -> dict[str, Any]:
    first, current = row.verification, row.current_check
    return {
        "id": row.pk,
        "version": row.version.number,
        "step_id": row.step_id,
        "origin": row.origin,
        "signer": first.signer_name,
        "signer_organization": first.signer_organization,
        "signer_bin": first.signer_bin,
        "signed_at": first.signed_at or first.checked_at,
        "outcome": current.outcome,
        "valid": current.is_valid,
        "checked_at": current.checked_at,
        "verification_id": current.pk,
        "first_verification_id": first.pk,
    }


class DocumentDetailOut(DocumentOut):
    body: str
    fields: dict[str, Any]
    steps: list[StepOut]
    attachments: list[AttachmentOut]
    versions: list[VersionOut]
    signatures: list[SignatureOut]
    verify_url: str


class SignIn(Schema):
    signature: str = Field(
        ...,
        min_length=1,
        max_length=2_000_000,
        description="The CMS (PKCS#7) signature over the step's content, base64 or PEM, as "
        "NCALayer returns it.",
    )
    comment: str = Field("", max_length=2000)


class SigningContentOut(Schema):
    step_id: UUID
    version: int
    content_sha256: str
    content_base64: str = Field(..., description="The exact bytes to sign (canonical JSON).")


class RouteStepIn(Schema):
    assignee_id: UUID
    days: int = Field(2, ge=1, le=60)
    signature: bool = False


class RouteIn(Schema):
    stages: list[list[RouteStepIn]] | None = Field(
        None,
        max_length=10,
        description="Stages in order; the steps of a stage run in parallel. Omit for the kind's "
        "default route.",
    )


class DecisionIn(Schema):
    decision: Literal["approve", "reject", "return"]
    comment: str = Field("", max_length=2000)


class AssignIn(Schema):
    executor_id: UUID
    due_date: dt.date | None = None


class ExecuteIn(Schema):
    comment: str = Field("", max_length=2000)


class ArchiveIn(Schema):
    retention_years: int | None = Field(None, ge=1, le=100)


class DocumentFilter(Schema):
    organization: UUID | None = None
    kind: str = ""
    status: str = ""
    number: str = Field("", max_length=60)
    q: str = Field("", max_length=200, description="Words of the text and of PDF attachments.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class MonitorOut(Schema):
    late_executions: list[DocumentOut]
    late_steps: list[StepOut]


def _verify_url(request: HttpRequest, document: Document) -> str:
    if not document.public_token:
        return ""
    return request.build_absolute_uri(reverse("edms:verify", args=[document.public_token]))


def _detail(request: HttpRequest, document: Document) -> dict[str, Any]:
    return {
        **DocumentOut.from_orm(document).model_dump(),
        "body": document.body,
        "fields": document.fields,
        "steps": selectors.steps_of(document),
        "attachments": selectors.attachments_of(document),
        "versions": list(document.versions.order_by("number")),
        "signatures": [serialize_signature(s) for s in selectors.signatures_of(document)],
        "verify_url": _verify_url(request, document),
    }


def _kind(code: str) -> DocumentKind:
    kind = DocumentKind.objects.filter(code=code, is_active=True).first()
    if kind is None:
        raise ValidationError(code="document_kind", fields={"kind": ["unknown"]})
    return kind


@router.get("/edms/kinds", response={200: list[KindOut], **LIST_ERRORS})
def kind_list(request: HttpRequest) -> Any:
    """The pre-configured kinds of document (O456 p.22) with fields, numbering and routes."""
    return list(selectors.kinds())


@router.get("/edms/documents", response={200: page_of(DocumentOut), **LIST_ERRORS})
def document_list(
    request: HttpRequest, filters: Query[DocumentFilter], page: Query[PageQuery]
) -> Any:
    """Documents in your scope, by attributes and by words (full text and parts of words)."""
    who = actor(request)
    organization = unit_get(who, filters.organization) if filters.organization else None
    qs = selectors.document_list(
        who,
        organization=organization,
        kind=filters.kind,
        status=filters.status,
        number=filters.number,
        query=filters.q,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-created_at")


@router.post("/edms/documents", response={201: DocumentOut, **WRITE_ERRORS})
def document_create(request: HttpRequest, payload: DocumentIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    recipient = None
    if payload.recipient_id:
        recipient = Unit.objects.filter(pk=payload.recipient_id, kind="organization").first()
        if recipient is None:
            raise ValidationError(code="document_recipient", fields={"recipient_id": ["unknown"]})
    return 201, services.document_create(
        actor=who,
        organization=organization,
        kind=_kind(payload.kind),
        title=payload.title,
        body=payload.body,
        fields=payload.fields,
        correspondent=payload.correspondent,
        recipient=recipient,
    )


@router.get("/edms/documents/{document_id}", response={200: DocumentDetailOut, **READ_ERRORS})
def document_get(request: HttpRequest, document_id: UUID) -> Any:
    return _detail(request, selectors.document_get(actor(request), document_id))


@router.patch("/edms/documents/{document_id}", response={200: DocumentOut, **WRITE_ERRORS})
def document_change(request: HttpRequest, document_id: UUID, payload: DocumentPatch) -> Any:
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return services.document_change(
        actor=who, document=document, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/edms/documents/{document_id}/attachments", response={201: AttachmentOut, **WRITE_ERRORS}
)
def attachment_add(request: HttpRequest, document_id: UUID, file: File[UploadedFile]) -> Any:
    """A file checked by its content (PDF, PNG, JPEG, office formats, text; up to 10 MB)."""
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return 201, services.attachment_add(actor=who, document=document, upload=file)


@router.get(
    "/edms/attachments/{attachment_id}/file",
    response={200: Any, **READ_ERRORS},
    openapi_extra=_binary("application/octet-stream", "The file, under its own content type."),
)
def attachment_file(request: HttpRequest, attachment_id: UUID) -> Any:
    attachment = selectors.attachment_get(actor(request), attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.previewable,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/edms/documents/{document_id}/route", response={200: DocumentDetailOut, **WRITE_ERRORS}
)
def route_start(request: HttpRequest, document_id: UUID, payload: RouteIn) -> Any:
    """Freeze the content into a version and send it along the route."""
    who = actor(request)
    document = selectors.document_get(who, document_id)
    stages = (
        [[s.model_dump() for s in stage] for stage in payload.stages] if payload.stages else None
    )
    services.route_start(actor=who, document=document, stages=stages)
    return _detail(request, selectors.document_get(who, document_id))


@router.post("/edms/documents/{document_id}/register", response={200: DocumentOut, **WRITE_ERRORS})
def document_register(request: HttpRequest, document_id: UUID) -> Any:
    """Register a document of a kind without a route (an incoming letter)."""
    who = actor(request)
    return services.document_register(actor=who, document=selectors.document_get(who, document_id))


@router.post("/edms/documents/{document_id}/assign", response={200: DocumentOut, **WRITE_ERRORS})
def document_assign(request: HttpRequest, document_id: UUID, payload: AssignIn) -> Any:
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return services.document_assign(
        actor=who, document=document, executor_id=payload.executor_id, due_date=payload.due_date
    )


@router.post("/edms/documents/{document_id}/execute", response={200: DocumentOut, **WRITE_ERRORS})
def document_execute(request: HttpRequest, document_id: UUID, payload: ExecuteIn) -> Any:
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return services.document_execute(actor=who, document=document, comment=payload.comment)


@router.post("/edms/documents/{document_id}/send", response={200: DocumentOut, **WRITE_ERRORS})
def document_send(request: HttpRequest, document_id: UUID) -> Any:
    """Deliver a registered outgoing letter to its recipient organization on the platform."""
    who = actor(request)
    return services.document_send(actor=who, document=selectors.document_get(who, document_id))


@router.post("/edms/documents/{document_id}/archive", response={200: DocumentOut, **WRITE_ERRORS})
def document_archive(request: HttpRequest, document_id: UUID, payload: ArchiveIn) -> Any:
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return services.document_archive(
        actor=who, document=document, retention_years=payload.retention_years
    )


@router.get(
    "/edms/documents/{document_id}/pdf",
    response={200: Any, 409: ErrorOut, **READ_ERRORS},
    openapi_extra=_binary("application/pdf", "The registered document with its stamp and QR code."),
)
def document_pdf(request: HttpRequest, document_id: UUID) -> Any:
    """The registered document as PDF with a stamp and a QR code to the verification page."""
    who = actor(request)
    document = selectors.document_get(who, document_id)
    content = services.document_pdf_export(
        actor=who, document=document, verify_url=_verify_url(request, document)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="document.pdf"'
    return response


@router.get("/edms/steps/mine", response={200: list[StepOut], **LIST_ERRORS})
def my_steps(request: HttpRequest) -> Any:
    """The route steps awaiting your action."""
    return list(selectors.my_steps(actor(request)).select_related("version")[:200])


@router.post("/edms/steps/{step_id}/decision", response={200: StepOut, **WRITE_ERRORS})
def step_decide(request: HttpRequest, step_id: UUID, payload: DecisionIn) -> Any:
    """Approve, reject (stops the route) or return for revision; a comment is needed to refuse."""
    who = actor(request)
    step = selectors.step_get(who, step_id)
    handler = {
        "approve": services.step_approve,
        "reject": services.step_reject,
        "return": services.step_return,
    }[payload.decision]
    return handler(actor=who, step=step, comment=payload.comment)


@router.get("/edms/steps/{step_id}/content", response={200: SigningContentOut, **READ_ERRORS})
def step_content(request: HttpRequest, step_id: UUID) -> Any:
    """What the assignee of a signature step signs: the version's canonical content."""
    step = selectors.step_get(actor(request), step_id)
    return {
        "step_id": step.pk,
        "version": step.version.number,
        "content_sha256": step.version.content_sha256,
        "content_base64": base64.b64encode(signing.step_content(step)).decode("ascii"),
    }


@router.post("/edms/steps/{step_id}/sign", response={200: StepOut, **WRITE_ERRORS})
def step_sign(request: HttpRequest, step_id: UUID, payload: SignIn) -> Any:
    """Approve a signature step by signing its content with your EDS. A signature that is not
    valid — or not yours, or not your organization's — is a 400 `signature_invalid` whose
    `fields.signature` names the outcome; the step stays pending and the check is kept."""
    who = actor(request)
    step = selectors.step_get(who, step_id)
    return signing.step_sign(
        actor=who, step=step, cms=payload.signature.encode(), comment=payload.comment
    )


@router.post(
    "/edms/documents/{document_id}/signatures/recheck",
    response={200: list[SignatureOut], **WRITE_ERRORS},
)
def signatures_recheck(request: HttpRequest, document_id: UUID) -> Any:
    """Check every signature of the document again now; each keeps its check at signing."""
    who = actor(request)
    document = selectors.document_get(who, document_id)
    rows = signing.signatures_recheck(actor=who, document=document)
    return [serialize_signature(row) for row in rows]


@router.get("/edms/monitor/overdue", response={200: MonitorOut, **LIST_ERRORS})
def monitor(request: HttpRequest, organization: UUID | None = None) -> Any:
    """Execution monitoring: documents and approvals past their deadline (heads, authorities)."""
    who = actor(request)
    unit = unit_get(who, organization) if organization else None
    return {
        "late_executions": list(selectors.overdue_executions(who, organization=unit)[:500]),
        "late_steps": list(
            selectors.overdue_steps(who, organization=unit).select_related("version")[:500]
        ),
    }


@router.get(
    "/edms/organizations/{unit_id}/archive",
    response={200: Any, **READ_ERRORS},
    openapi_extra=_binary("application/zip", "The archive: files, cards and the register."),
)
def archive_export(request: HttpRequest, unit_id: UUID) -> Any:
    """The organization's full archive (zip: files, card.json per document, register.csv/json)."""
    who = actor(request)
    organization = unit_get(who, unit_id)
    response = StreamingHttpResponse(
        services.archive_export(actor=who, organization=organization),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="archive-{organization.pk}.zip"'
    return response


class EsedoSendIn(Schema):
    recipient_bin: str = Field(..., min_length=12, max_length=12, pattern=r"^\d{12}$")


class EsedoSendOut(Schema):
    id: UUID
    peer_message_id: str
    status: str


@router.post("/edms/documents/{document_id}/esedo", response={201: EsedoSendOut, **WRITE_ERRORS})
def esedo_send(request: HttpRequest, document_id: UUID, payload: EsedoSendIn) -> Any:
    """Send a registered outgoing letter to a state body through the unified EDMS (ЕСЭДО)."""
    who = actor(request)
    document = selectors.document_get(who, document_id)
    return 201, services.esedo_send(
        actor=who, document=document, recipient_bin=payload.recipient_bin
    )


@router.post(
    "/edms/organizations/{unit_id}/esedo/receive", response={200: list[DocumentOut], **WRITE_ERRORS}
)
def esedo_receive(request: HttpRequest, unit_id: UUID) -> Any:
    """Fetch and register the letters ЕСЭДО holds for the organization."""
    who = actor(request)
    return services.esedo_receive(actor=who, organization=unit_get(who, unit_id))
