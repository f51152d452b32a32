"""Restricted personal data of a person over HTTP (G-5.16, G-10): health, social status,
disability. Every read is journaled and checks each record's integrity code; a tampered record
answers 409 `integrity_failure`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from oqu.apikit import READ_ERRORS, WRITE_ERRORS, ErrorOut, actor
from oqu.orgs.selectors import unit_get

from . import restricted_services as services
from . import selectors
from .models import RestrictedRecord

router = Router()

PAYLOAD_DESCRIPTION = (
    'Named texts, e.g. {"diagnosis": "…", "restrictions": "no physical education"}; '
    "1 to 20 entries. Stored encrypted."
)


class RestrictedRecordOut(Schema):
    id: UUID
    person_id: UUID
    organization_id: UUID
    organization_name: str
    category: str
    category_label: str
    payload: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime


class RestrictedRecordIn(Schema):
    organization_id: UUID = Field(..., description="An organization the person is active in.")
    category: str = Field(..., description="health, disability, social_status or family.")
    payload: dict[str, str] = Field(..., description=PAYLOAD_DESCRIPTION)


class RestrictedRecordPatch(Schema):
    category: str = Field(None)
    payload: dict[str, str] = Field(None, description=PAYLOAD_DESCRIPTION)


def _out(record: RestrictedRecord, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record.pk,
        "person_id": record.person_id,
        "organization_id": record.organization_id,
        "organization_name": record.organization.name,
        "category": record.category,
        "category_label": str(record.get_category_display()),
        "payload": payload,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


@router.get(
    "/people/{person_id}/restricted",
    response={200: list[RestrictedRecordOut], **READ_ERRORS, 409: ErrorOut},
    tags=["restricted data"],
)
def restricted_records(request: HttpRequest, person_id: UUID) -> Any:
    """The person's restricted records in your scope, decrypted; the read is journaled."""
    who = actor(request)
    person = selectors.person_get(who, person_id)
    return [
        _out(item.record, item.payload)
        for item in services.restricted_read(actor=who, person=person)
    ]


@router.post(
    "/people/{person_id}/restricted",
    response={201: RestrictedRecordOut, **WRITE_ERRORS},
    tags=["restricted data"],
)
def restricted_record_create(
    request: HttpRequest, person_id: UUID, payload: RestrictedRecordIn
) -> Any:
    """Record restricted data about a person in one of their organizations (stored encrypted)."""
    who = actor(request)
    person = selectors.person_get(who, person_id)
    organization = unit_get(who, payload.organization_id)
    opened = services.restricted_create(
        actor=who,
        person=person,
        organization=organization,
        category=payload.category,
        payload=payload.payload,
    )
    return 201, _out(opened.record, opened.payload)


@router.patch(
    "/people/{person_id}/restricted/{record_id}",
    response={200: RestrictedRecordOut, **WRITE_ERRORS},
    tags=["restricted data"],
)
def restricted_record_change(
    request: HttpRequest, person_id: UUID, record_id: UUID, payload: RestrictedRecordPatch
) -> Any:
    """Change a restricted record's category or payload (checked before it is replaced)."""
    who = actor(request)
    person = selectors.person_get(who, person_id)
    record = selectors.restricted_get(who, person, record_id)
    changes = payload.model_dump(exclude_unset=True)
    opened = services.restricted_update(actor=who, record=record, **changes)
    return _out(opened.record, opened.payload)


@router.delete(
    "/people/{person_id}/restricted/{record_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["restricted data"],
)
def restricted_record_delete(request: HttpRequest, person_id: UUID, record_id: UUID) -> Any:
    """Remove a restricted record; the removal is journaled."""
    who = actor(request)
    person = selectors.person_get(who, person_id)
    record = selectors.restricted_get(who, person, record_id)
    services.restricted_delete(actor=who, record=record)
    return 204, None
