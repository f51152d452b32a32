"""The preschool queue over HTTP (MAP-QUEUE): applications, places, allocation runs, directions.

A parent applies and answers directions for their own applications (others answer 404); district
staff publish places, run the allocation and confirm priorities; preschool heads enrol children.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from oqu.access import scope
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
from oqu.orgs.models import Unit
from oqu.preschool.models import AgeGroup
from oqu.preschool.selectors import GROUP_VIEW

from . import selectors, services
from .models import Application, Direction

router = Router(tags=["equeue"])


# -- schemas ---------------------------------------------------------------------------------


class ApplicationOut(Schema):
    id: UUID
    organization_id: UUID = Field(..., description="The district (or city) of the queue.")
    child_id: UUID
    status: str
    category: str
    category_ground: str
    desired_date: dt.date
    language: str
    submitted_at: dt.datetime


class PositionOut(Schema):
    preschool_id: UUID
    preschool: str
    rank: int
    position: int = Field(..., description="1 = first in line; 0 when not waiting.")


class HistoryItemOut(Schema):
    status: str
    at: dt.datetime
    reason: str


class FlagOut(Schema):
    code: str
    detail: str


class DirectionOut(Schema):
    id: UUID
    application_id: UUID
    run_id: UUID
    preschool_id: UUID
    group_id: UUID
    group: str
    sequence: int
    priority_slot: bool
    preference_rank: int
    status: str
    accept_by: dt.date
    priority_status: str
    priority_by: dt.date | None
    reason: str
    enrol_by: dt.date | None = Field(None, description="Enrol the child by this day (accepted).")
    extension_reason: str = ""
    signature_id: UUID | None = Field(
        None, description="The stored check (pki verification) of the signed acceptance."
    )
    acceptance_statement: str = Field(
        "",
        description="While the direction waits for an answer: the exact UTF-8 text to sign "
        "(detached CMS) and send to `accept`; empty otherwise.",
    )

    @staticmethod
    def resolve_group(obj: Direction) -> str:
        return obj.group.name

    @staticmethod
    def resolve_acceptance_statement(obj: Direction) -> str:
        if obj.status != Direction.Status.ISSUED:
            return ""
        return services.acceptance_statement(obj).decode()


class ApplicationDetailOut(ApplicationOut):
    positions: list[PositionOut]
    history: list[HistoryItemOut]
    directions: list[DirectionOut]
    flags: list[FlagOut] = Field(..., description="Anti-fraud signals: district staff only.")
    stop_until: dt.date | None


class ApplyIn(Schema):
    child_iin: str = Field(..., min_length=12, max_length=12, pattern=r"^[0-9]{12}$")
    preschools: list[UUID] = Field(..., min_length=1, max_length=5, description="Best first.")
    desired_date: dt.date
    language: Literal["kk", "ru"] = "kk"
    category: Literal["extraordinary", "first", "general"] = "general"
    category_ground: str = Field("", max_length=40)
    declared_kato: str = Field("", max_length=9, description="Where the family says it lives.")


class PublishIn(Schema):
    group_id: UUID
    places: int = Field(..., ge=1, le=500)


class PublicationOut(Schema):
    id: UUID
    group_id: UUID
    places: int
    remaining: int
    published_at: dt.datetime


class RunIn(Schema):
    district_id: UUID
    seed: str = Field(
        "", max_length=64, description="Empty: a random seed, published with the run."
    )


class RunOut(Schema):
    id: UUID
    organization_id: UUID = Field(..., description="The district (or city) of the queue.")
    run_at: dt.datetime
    as_of: dt.date
    seed: str
    every: int
    applicants: int
    places: int
    assigned: int
    inputs_hash: str
    result_hash: str


class RunVerifiedOut(RunOut):
    reproduced: bool = Field(..., description="Re-running the stored inputs gave the same hash.")


class PriorityIn(Schema):
    confirmed: bool
    reason: str = Field("", max_length=250)


class AcceptIn(Schema):
    signature: str = Field(
        ...,
        min_length=1,
        max_length=200_000,
        description="The CMS signature (base64) of `acceptance_statement` by the applicant's key.",
    )


class ExtendIn(Schema):
    until: dt.date
    reason: str = Field(..., min_length=1, max_length=300)


class EnrolIn(Schema):
    on: dt.date | None = None


class HolderOut(Schema):
    pseudonym: str
    group: str
    sequence: int
    priority_slot: bool
    category: str
    submitted_at: dt.datetime
    reason: str = Field(..., examples=["extraordinary", "priority_slot", "earlier", "lottery"])


class ExplanationOut(Schema):
    run_id: UUID | None
    result_hash: str
    considered: bool
    got_place_here: bool
    my_pseudonym: str
    placed_elsewhere: str = Field(
        "", description="The organization where the child got a place in that run, if another one."
    )
    holders: list[HolderOut]


# -- applications -----------------------------------------------------------------------------


def _detail(who: scope.Actor, application: Application) -> dict[str, Any]:
    staff = Application.objects.filter(
        scope.path_filter(who, selectors.VIEW, "organization__path"), pk=application.pk
    ).exists()
    fields = ("id", "organization_id", "child_id", "status", "category", "category_ground")
    more = ("desired_date", "language", "submitted_at")
    return {
        **{name: getattr(application, name) for name in (*fields, *more)},
        "positions": [
            {
                "preschool_id": p.preschool.pk,
                "preschool": p.preschool.name,
                "rank": p.rank,
                "position": p.position,
            }
            for p in selectors.positions(application)
        ],
        "history": list(application.history.values("status", "at", "reason")),
        "directions": list(selectors.directions_of(application)),
        "flags": list(application.flags.values("code", "detail")) if staff else [],
        "stop_until": selectors.stop_until(application),
    }


@router.get("/equeue/applications", response={200: page_of(ApplicationOut), **LIST_ERRORS})
def application_list(
    request: HttpRequest, page: Query[PageQuery], status: str | None = None
) -> Any:
    """Applications of the district(s) in your scope, or your own as a parent; oldest first."""
    qs = selectors.application_list(actor(request), status=status)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="submitted_at")


@router.post(
    "/equeue/applications",
    response={201: ApplicationDetailOut, **WRITE_ERRORS, 503: ErrorOut},
)
def application_submit(
    request: HttpRequest,
    payload: Form[ApplyIn],
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Put a child in the queue (multipart form; supporting documents as `documents` files).

    The child's age and address and your relation are checked against the state person register;
    the address decides the district, and every preferred preschool must lie in it."""
    who = actor(request)
    application = services.application_submit(
        actor=who,
        child_iin=payload.child_iin,
        preschool_ids=[str(p) for p in payload.preschools],
        desired_date=payload.desired_date,
        language=payload.language,
        category=payload.category,
        category_ground=payload.category_ground,
        documents=documents or [],
        declared_kato=payload.declared_kato,
    )
    return 201, _detail(who, selectors.application_get(who, application.pk))


@router.get(
    "/equeue/applications/{application_id}", response={200: ApplicationDetailOut, **READ_ERRORS}
)
def application_get(request: HttpRequest, application_id: UUID) -> Any:
    """One application with its positions per chosen organization, history and directions."""
    who = actor(request)
    return _detail(who, selectors.application_get(who, application_id))


@router.post(
    "/equeue/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **WRITE_ERRORS},
)
def application_withdraw(request: HttpRequest, application_id: UUID) -> Any:
    who = actor(request)
    application = selectors.application_get(who, application_id)
    return services.application_withdraw(actor=who, application=application)


@router.get(
    "/equeue/applications/{application_id}/explanation",
    response={200: ExplanationOut, **READ_ERRORS},
)
def application_explain(
    request: HttpRequest, application_id: UUID, preschool_id: UUID | None = None
) -> Any:
    """Why the child did not get a place at `preschool_id` (default: the first choice) in the
    latest run: who got the places the child could take (pseudonyms only) and why each stood
    higher."""
    who = actor(request)
    application = selectors.application_get(who, application_id)
    if preschool_id is None:
        first = application.preferences.order_by("rank").first()
        preschool_id = first.preschool_id if first else None
    result = selectors.explain(application, preschool_id)
    return {
        "run_id": result.run.pk if result.run else None,
        "result_hash": result.run.result_hash if result.run else "",
        "considered": result.asked,
        "got_place_here": result.got_here,
        "my_pseudonym": result.my_token,
        "placed_elsewhere": result.placed_elsewhere,
        "holders": result.holders,
    }


# -- places and runs --------------------------------------------------------------------------


@router.post("/equeue/places", response={201: PublicationOut, **WRITE_ERRORS})
def places_publish(request: HttpRequest, payload: PublishIn) -> Any:
    """Publish free places of an age group for the next allocation run."""
    who = actor(request)
    # found by who may see the group; publishing itself then needs the capability (403)
    groups = scope.visible(who, GROUP_VIEW, AgeGroup.objects.select_related("organization"))
    group = scope.get_in(groups, payload.group_id, who, GROUP_VIEW)
    return 201, services.places_publish(actor=who, group=group, places=payload.places)


@router.post("/equeue/runs", response={201: RunOut, **WRITE_ERRORS})
def run_create(request: HttpRequest, payload: RunIn) -> Any:
    """Allocate the published places of a district now (one transaction; the result hash is public)."""
    who = actor(request)
    districts = scope.visible(who, services.RUN, Unit.objects.all(), via="path")
    district = scope.get_in(districts, payload.district_id, who, services.RUN)
    return 201, services.allocation_run(actor=who, district=district, seed=payload.seed or None)


@router.get("/equeue/runs", response={200: page_of(RunOut), **LIST_ERRORS})
def run_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    qs = selectors.runs_of(actor(request))
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-run_at")


@router.get("/equeue/runs/{run_id}", response={200: RunVerifiedOut, **READ_ERRORS})
def run_get(request: HttpRequest, run_id: UUID) -> Any:
    """A run, re-computed from its stored inputs and seed to show that it reproduces."""
    run = selectors.run_get(actor(request), run_id)
    full = type(run).objects.get(pk=run.pk)
    run.reproduced = services.run_verify(full)
    return run


# -- directions --------------------------------------------------------------------------------


@router.get("/equeue/directions", response={200: page_of(DirectionOut), **LIST_ERRORS})
def direction_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Directions to the preschools where you enrol children, newest first."""
    qs = selectors.directions_to_preschools(actor(request))
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-created_at")


@router.post(
    "/equeue/directions/{direction_id}/accept", response={200: DirectionOut, **WRITE_ERRORS}
)
def direction_accept(request: HttpRequest, direction_id: UUID, payload: AcceptIn) -> Any:
    """The parent accepts the place by signing its `acceptance_statement` with their own key.

    An invalid signature answers 400 `signature_invalid` with the outcome in
    `fields.signature` (and the stored check in `fields.verification`); nothing else changes."""
    who = actor(request)
    direction = selectors.direction_get_for_parent(who, direction_id)
    return services.direction_accept(
        actor=who, direction=direction, signature=payload.signature.encode()
    )


@router.post(
    "/equeue/directions/{direction_id}/decline", response={200: DirectionOut, **WRITE_ERRORS}
)
def direction_decline(request: HttpRequest, direction_id: UUID) -> Any:
    who = actor(request)
    direction = selectors.direction_get_for_parent(who, direction_id)
    return services.direction_decline(actor=who, direction=direction)


@router.post(
    "/equeue/directions/{direction_id}/extension", response={200: DirectionOut, **WRITE_ERRORS}
)
def direction_extend(request: HttpRequest, direction_id: UUID, payload: ExtendIn) -> Any:
    """The parent asks for more time to enrol the child (up to the maximum term of the rules)."""
    who = actor(request)
    direction = selectors.direction_get_for_parent(who, direction_id)
    return services.direction_extend(
        actor=who, direction=direction, until=payload.until, reason=payload.reason
    )


@router.post(
    "/equeue/directions/{direction_id}/priority", response={200: DirectionOut, **WRITE_ERRORS}
)
def direction_priority(request: HttpRequest, direction_id: UUID, payload: PriorityIn) -> Any:
    """District staff confirm the claimed priority, or reject it (the direction is cancelled)."""
    who = actor(request)
    direction = selectors.direction_get_for_staff(who, direction_id)
    return services.priority_decide(
        actor=who, direction=direction, confirmed=payload.confirmed, reason=payload.reason
    )


@router.post(
    "/equeue/directions/{direction_id}/enrol", response={200: DirectionOut, **WRITE_ERRORS}
)
def direction_enrol(request: HttpRequest, direction_id: UUID, payload: EnrolIn) -> Any:
    """The preschool head enrols the child into the age group of the direction."""
    who = actor(request)
    direction = selectors.direction_get_for_staff(who, direction_id)
    return services.direction_enrol(actor=who, direction=direction, on=payload.on)
