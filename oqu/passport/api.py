"""The child's passport over HTTP (MAP-PASS, child part), under /api/v1/passport/."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, actor

from . import presenters, selectors

router = Router(tags=["passport"])


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


class ChildOut(Schema):
    id: UUID
    name: str
    birth_date: dt.date
    sex: str


class GuardianOut(Schema):
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None


class EnrolmentOut(Schema):
    organization_id: UUID
    organization_name: str
    level: str
    is_main: bool
    grade: int | None
    group_name: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str


class GroupOut(Schema):
    organization_id: UUID
    organization_name: str
    group: str
    kind: str
    school_year: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str


class ClassOut(Schema):
    organization_id: UUID
    organization_name: str
    class_name: str
    academic_year: str
    start_date: dt.date
    end_date: dt.date | None
    end_move: str


class QueueOut(Schema):
    id: UUID
    district_id: UUID
    district_name: str
    status: str
    category: str
    desired_date: dt.date
    submitted_at: dt.datetime
    preferences: list[str]


class ServiceApplicationOut(Schema):
    id: UUID
    service: str
    service_name: str
    organization_name: str
    status: str
    status_name: str
    is_final: bool
    submitted_at: dt.datetime
    deadline: dt.date | None


class StepOut(Schema):
    date: dt.date
    end_date: dt.date | None
    kind: str
    organization: str
    title: str


class PassportOut(Schema):
    child: ChildOut
    guardians: list[GuardianOut]
    enrolments: list[EnrolmentOut]
    preschool_groups: list[GroupOut]
    school_classes: list[ClassOut]
    queue_applications: list[QueueOut]
    eservice_applications: list[ServiceApplicationOut]
    timeline: list[StepOut]


@router.get("/passport/children", response={200: list[ChildOut], **LIST_ERRORS})
def my_children(request: HttpRequest) -> Any:
    """The children whose passports you read as their parent."""
    return [
        {"id": c.pk, "name": c.full_name(_language()), "birth_date": c.birth_date, "sex": c.sex}
        for c in selectors.my_children(actor(request))
    ]


@router.get("/passport/children/{person_id}", response={200: PassportOut, **READ_ERRORS})
def child_passport(request: HttpRequest, person_id: UUID) -> Any:
    """A child's path from the queue and preschool to school; a read by staff is journaled."""
    passport = selectors.child_passport(actor(request), person_id)
    return presenters.passport_data(passport, _language())
