"""E-service applications over HTTP (MAP-SVC), under /api/v1/eservices/."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Form, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.kernel.errors import ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get
from oqu.people.models import Person

from . import presenters, selectors, services
from .download import file_response

router = Router(tags=["eservices"])


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


class StatusOut(Schema):
    code: str
    name: str
    final: bool
    deadline_working_days: int | None


class TransitionDefOut(Schema):
    code: str
    name: str
    from_statuses: list[str]
    to: str
    by: str
    reason_required: bool


class DocumentDefOut(Schema):
    code: str
    name: str
    required: bool


class ChoiceOut(Schema):
    value: str
    label: str


class FieldDefOut(Schema):
    code: str
    type: str
    label: str
    required: bool
    choices: list[ChoiceOut]
    min: int | None
    max: int | None


class ServiceOut(Schema):
    code: str
    name: str
    map_ref: str
    description: str
    applicant: str
    org_types: list[str]
    subject_age: dict[str, int] | None
    statuses: list[StatusOut]
    transitions: list[TransitionDefOut]
    documents: list[DocumentDefOut]
    fields: list[FieldDefOut]


class ApplicationOut(Schema):
    id: UUID
    service: str
    service_name: str
    organization_id: UUID
    organization_name: str
    applicant_id: UUID
    subject_id: UUID
    subject_name: str
    status: str
    status_name: str
    is_final: bool
    submitted_at: dt.datetime
    status_since: dt.datetime
    deadline: dt.date | None
    overdue: bool
    reason: str


class HistoryOut(Schema):
    from_status: str
    to_status: str
    to_status_name: str
    transition: str
    reason: str
    by: str
    at: dt.datetime
    deadline: dt.date | None


class DocumentOut(Schema):
    id: UUID
    kind: str
    kind_name: str
    name: str
    size: int
    sha256: str


class AvailableTransitionOut(Schema):
    code: str
    name: str
    reason_required: bool
    by: str


class ApplicationDetailOut(ApplicationOut):
    data: dict[str, Any]
    data_labels: dict[str, str]
    history: list[HistoryOut]
    documents: list[DocumentOut]
    transitions: list[AvailableTransitionOut] = Field(
        ..., description="The decisions you may make now."
    )


class ApplicationIn(Schema):
    service: str = Field(..., max_length=60)
    organization_id: UUID
    subject_id: UUID
    data: str = Field("{}", max_length=20000, description="The form's fields as a JSON object.")


class TransitionIn(Schema):
    transition: str = Field(..., min_length=1, max_length=40)
    reason: str = Field("", max_length=4000)


class ApplicationFilter(Schema):
    mine: bool = Field(
        False, description="Only applications you filed or that are about you or your children."
    )
    status: str | None = Field(None, max_length=40)
    service: str | None = Field(None, max_length=60)
    organization: UUID | None = None
    overdue: bool = Field(False, description="Only open applications past their deadline.")


FILE_RESPONSE = {
    "description": "The document, as a download under its original name.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get("/eservices/services", response={200: list[ServiceOut], **LIST_ERRORS})
def service_list(request: HttpRequest) -> Any:
    """The services offered: statuses, decisions, deadlines, documents and form fields (data)."""
    language = _language()
    return [presenters.service_summary(s, language) for s in selectors.service_list()]


@router.get("/eservices/services/{code}", response={200: ServiceOut, **READ_ERRORS})
def service_get(request: HttpRequest, code: str) -> Any:
    return presenters.service_summary(selectors.service_get(code), _language())


def _form_data(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ValidationError(
            _("The form data must be a JSON object."),
            code="data_invalid",
            fields={"data": ["invalid"]},
        )
    return data


@router.post("/eservices/applications", response={201: ApplicationDetailOut, **WRITE_ERRORS})
def application_submit(request: HttpRequest, payload: Form[ApplicationIn]) -> Any:
    """File an application (multipart): each document as a file part named by its document code
    (e.g. `health_certificate`); the form's fields as JSON in `data`."""
    who = actor(request)
    service = selectors.service_get(payload.service)
    organization = (
        Unit.objects.filter(pk=payload.organization_id).select_related("org_type").first()
    )
    subject = Person.objects.filter(pk=payload.subject_id).first()
    if organization is None:
        raise ValidationError(
            _("This organization does not provide this service."),
            code="organization_not_deciding",
            fields={"organization_id": ["organization_not_deciding"]},
        )
    if subject is None:
        raise ValidationError(code="subject_unknown", fields={"subject_id": ["unknown"]})
    uploads = {name: request.FILES.getlist(name) for name in request.FILES}
    application = services.application_submit(
        actor=who,
        service=service,
        organization=organization,
        subject=subject,
        data=_form_data(payload.data),
        uploads=uploads,
    )
    return 201, presenters.application_detail(application, who, _language())


@router.get("/eservices/applications", response={200: page_of(ApplicationOut), **LIST_ERRORS})
def application_list(
    request: HttpRequest, filters: Query[ApplicationFilter], page: Query[PageQuery]
) -> Any:
    """Your applications and your children's; staff: those addressed to organizations in scope."""
    who = actor(request)
    organization = unit_get(who, filters.organization) if filters.organization else None
    qs = selectors.application_list(
        who,
        mine=filters.mine,
        status=filters.status,
        service=filters.service,
        organization=organization,
        overdue=filters.overdue,
    )
    language = _language()
    return paginate(
        qs,
        cursor=page.cursor,
        limit=page.limit,
        order_field="-submitted_at",
        serialize=lambda a: presenters.application_summary(a, language),
    )


@router.get(
    "/eservices/organizations/{organization_id}/overdue",
    response={200: list[ApplicationOut], **READ_ERRORS},
)
def overdue_list(request: HttpRequest, organization_id: UUID) -> Any:
    """Open applications past their deadline at an organization (and below it), oldest first."""
    who = actor(request)
    organization = unit_get(who, organization_id)
    language = _language()
    return [
        presenters.application_summary(a, language)
        for a in selectors.overdue_for(who, organization)[:500]
    ]


@router.get(
    "/eservices/applications/{application_id}", response={200: ApplicationDetailOut, **READ_ERRORS}
)
def application_get(request: HttpRequest, application_id: UUID) -> Any:
    who = actor(request)
    application = selectors.application_get(who, application_id)
    return presenters.application_detail(application, who, _language())


@router.post(
    "/eservices/applications/{application_id}/transitions",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
)
def application_transition(
    request: HttpRequest, application_id: UUID, payload: TransitionIn
) -> Any:
    """Make a decision (staff) or withdraw (the applicant); the reason is kept in the history."""
    who = actor(request)
    application = selectors.application_get(who, application_id)
    application = services.application_transition(
        actor=who, application=application, transition=payload.transition, reason=payload.reason
    )
    return presenters.application_detail(application, who, _language())


@router.get(
    "/eservices/documents/{document_id}",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {"200": FILE_RESPONSE}},
)
def document_download(request: HttpRequest, document_id: UUID) -> Any:
    return file_response(selectors.document_get(actor(request), document_id))
