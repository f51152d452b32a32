"""The hierarchy over HTTP: regions, districts, tree navigation, organizations and their attributes
(G-5.1, G-5.2, R503-3, MAP-ENT). Every id in a request is resolved through a scoped selector."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from oqu.access import scope
from oqu.apikit import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    HistoryOut,
    PageQuery,
    actor,
    history_page,
    page_of,
    paginate,
)
from oqu.kernel.errors import NotFound, ValidationError
from oqu.people.selectors import employment_list

from . import selectors, services
from .models import Unit

router = Router()

UNIT_ORDER = "path"
HISTORY_FIELDS = (
    "kind",
    "parent_id",
    "path",
    "name_kk",
    "name_ru",
    "kato_code",
    "kato_version",
    "org_type_id",
    "bin",
    "languages",
    "address",
    "is_private",
    "status",
    "opened_on",
    "closed_on",
)


# -- schemas ---------------------------------------------------------------------------------


class UnitOut(Schema):
    """A node of the hierarchy: the republic, a region, a district or city, or an organization."""

    id: UUID
    kind: str = Field(..., description="republic, region, district or organization")
    parent_id: UUID | None
    path: str
    depth: int
    name: str = Field(..., description="The name in the language of the request.")
    name_kk: str
    name_ru: str
    kato_code: str
    kato_version: str
    status: str
    org_type: str | None = Field(
        None, description="The organization type code (organizations only)."
    )

    @staticmethod
    def resolve_org_type(obj: Unit) -> str | None:
        return obj.org_type.code if obj.org_type_id else None


class OrganizationOut(UnitOut):
    bin: str
    languages: list[str]
    address: str
    is_private: bool
    opened_on: dt.date | None
    closed_on: dt.date | None


class DistrictIn(Schema):
    region_id: UUID
    name_kk: str = Field(..., min_length=1, max_length=300)
    name_ru: str = Field(..., min_length=1, max_length=300)
    kato_code: str = Field("", max_length=9)
    kato_version: str = Field("", max_length=20)


class DistrictPatch(Schema):
    name_kk: str = Field(None, min_length=1, max_length=300)
    name_ru: str = Field(None, min_length=1, max_length=300)
    kato_code: str = Field(None, max_length=9)
    kato_version: str = Field(None, max_length=20)


class OrganizationIn(Schema):
    parent_id: UUID = Field(
        ..., description="The district, region or republic it is subordinate to."
    )
    org_type: str = Field(..., max_length=40, description="An organization type code.")
    name_kk: str = Field(..., min_length=1, max_length=300)
    name_ru: str = Field(..., min_length=1, max_length=300)
    bin: str = Field("", max_length=12)
    languages: list[str] = Field(
        default_factory=list, description="Languages of instruction: kk, ru, ..."
    )
    kato_code: str = Field("", max_length=9)
    kato_version: str = Field("", max_length=20)
    address: str = Field("", max_length=400)
    is_private: bool = False
    opened_on: dt.date | None = None


class OrganizationPatch(Schema):
    org_type: str = Field(None, max_length=40)
    name_kk: str = Field(None, min_length=1, max_length=300)
    name_ru: str = Field(None, min_length=1, max_length=300)
    bin: str = Field(None, max_length=12)
    languages: list[str] = Field(None)
    kato_code: str = Field(None, max_length=9)
    kato_version: str = Field(None, max_length=20)
    address: str = Field(None, max_length=400)
    is_private: bool = Field(None)


class OrganizationMoveIn(Schema):
    parent_id: UUID


class OrganizationCloseIn(Schema):
    closed_on: dt.date | None = Field(None, description="Today when left out.")


class OrganizationFilter(Schema):
    under: UUID | None = Field(
        None, description="A unit (region, district) the organizations lie under."
    )
    org_type: str | None = Field(None, alias="type", description="An organization type code.")
    attr: list[str] = Field(
        default_factory=list,
        description="Repeatable `code:value` on current attribute values, e.g. `small_class:true`.",
    )
    q: str = Field(
        "", max_length=100, description="Part of the Kazakh or Russian name, or the BIN."
    )
    status: Literal["active", "closed"] | None = None


class OrganizationTypeOut(Schema):
    id: UUID
    code: str
    name: str
    name_kk: str
    name_ru: str
    level: str


class AttributeChoice(Schema):
    code: str = Field(..., min_length=1, max_length=60)
    label_kk: str = Field(..., max_length=200)
    label_ru: str = Field(..., max_length=200)


class AttributeDefinitionOut(Schema):
    id: UUID
    org_type: str
    code: str
    label: str
    label_kk: str
    label_ru: str
    value_type: str
    choices: list[AttributeChoice]
    unit_of_measure: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_org_type(obj: Any) -> str:
        return obj.org_type.code


class AttributeDefinitionIn(Schema):
    org_type: str = Field(..., max_length=40)
    code: str = Field(..., min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    label_kk: str = Field(..., min_length=1, max_length=200)
    label_ru: str = Field(..., min_length=1, max_length=200)
    value_type: Literal["bool", "number", "choice", "text"]
    choices: list[AttributeChoice] = Field(default_factory=list)
    unit_of_measure: str = Field("", max_length=30)
    valid_from: dt.date
    valid_to: dt.date | None = None


class AttributeValueOut(Schema):
    code: str
    label: str
    value_type: str
    value: bool | float | str | None
    unit_of_measure: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.definition.code

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return obj.definition.label

    @staticmethod
    def resolve_value_type(obj: Any) -> str:
        return obj.definition.value_type

    @staticmethod
    def resolve_unit_of_measure(obj: Any) -> str:
        return obj.definition.unit_of_measure


class AttributeValueIn(Schema):
    value: bool | int | float | str = Field(
        ..., description="Typed by the attribute: true/false, a number, a choice code or text."
    )
    valid_from: dt.date | None = Field(
        None, description="Today when left out; the previous value ends the day before."
    )


class LearnerCountOut(Schema):
    level: str
    grade: int | None
    count: int


class OrganizationCardOut(Schema):
    organization: OrganizationOut
    attributes: list[AttributeValueOut]
    staff_count: int = Field(..., description="People with an active employment here.")
    learners_total: int
    learners: list[LearnerCountOut] = Field(
        ..., description="Active main enrolments by level and grade."
    )


# -- helpers -------------------------------------------------------------------------------


def _unit_of_kind(request: HttpRequest, unit_id: UUID, kind: str) -> Unit:
    unit = selectors.unit_get(actor(request), unit_id)
    if unit.kind != kind:
        raise NotFound()
    return unit


def _organization(request: HttpRequest, organization_id: UUID) -> Unit:
    return _unit_of_kind(request, organization_id, Unit.Kind.ORGANIZATION)


def _tree_unit(request: HttpRequest, unit_id: UUID) -> Unit:
    """A unit the actor sees in the tree: in their subtrees, or on the way down to them."""
    who = actor(request)
    unit = selectors.tree_queryset(who).filter(pk=unit_id).first()
    if unit is None:
        raise scope.not_found(who, selectors.VIEW, "orgs.unit", unit_id)
    return unit


def _org_type(code: str) -> Any:
    org_type = selectors.organization_types().filter(code=code).first()
    if org_type is None:
        raise ValidationError(
            _("Unknown organization type."), code="org_type_unknown", fields={"org_type": [code]}
        )
    return org_type


# -- regions, districts, the tree ------------------------------------------------------------


@router.get("/regions", response={200: page_of(UnitOut), **LIST_ERRORS}, tags=["hierarchy"])
def region_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Regions and cities of republican significance in the actor's scope."""
    qs = selectors.unit_queryset(actor(request)).filter(kind=Unit.Kind.REGION)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field=UNIT_ORDER)


@router.get("/regions/{region_id}", response={200: UnitOut, **READ_ERRORS}, tags=["hierarchy"])
def region_get(request: HttpRequest, region_id: UUID) -> Any:
    return _unit_of_kind(request, region_id, Unit.Kind.REGION)


@router.get("/districts", response={200: page_of(UnitOut), **LIST_ERRORS}, tags=["hierarchy"])
def district_list(request: HttpRequest, page: Query[PageQuery], region: UUID | None = None) -> Any:
    """Districts and cities of regional significance in the actor's scope, optionally of one region."""
    qs = selectors.unit_queryset(actor(request)).filter(kind=Unit.Kind.DISTRICT)
    if region is not None:
        qs = qs.filter(parent_id=region)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field=UNIT_ORDER)


@router.post("/districts", response={201: UnitOut, **WRITE_ERRORS}, tags=["hierarchy"])
def district_create(request: HttpRequest, payload: DistrictIn) -> Any:
    who = actor(request)
    region = _unit_of_kind(request, payload.region_id, Unit.Kind.REGION)
    district = services.unit_create(
        actor=who,
        parent=region,
        kind=Unit.Kind.DISTRICT,
        name_kk=payload.name_kk,
        name_ru=payload.name_ru,
        kato_code=payload.kato_code,
        kato_version=payload.kato_version,
    )
    return 201, district


@router.get("/districts/{district_id}", response={200: UnitOut, **READ_ERRORS}, tags=["hierarchy"])
def district_get(request: HttpRequest, district_id: UUID) -> Any:
    return _unit_of_kind(request, district_id, Unit.Kind.DISTRICT)


@router.patch(
    "/districts/{district_id}", response={200: UnitOut, **WRITE_ERRORS}, tags=["hierarchy"]
)
def district_change(request: HttpRequest, district_id: UUID, payload: DistrictPatch) -> Any:
    district = _unit_of_kind(request, district_id, Unit.Kind.DISTRICT)
    return services.unit_change(
        actor=actor(request), unit=district, **payload.model_dump(exclude_unset=True)
    )


@router.get("/units", response={200: page_of(UnitOut), **LIST_ERRORS}, tags=["hierarchy"])
def unit_roots(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """The top of the actor's tree (the republic): where navigation with `/children` starts."""
    qs = selectors.unit_children(actor(request), None)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field=UNIT_ORDER)


@router.get("/units/{unit_id}", response={200: UnitOut, **READ_ERRORS}, tags=["hierarchy"])
def unit_get(request: HttpRequest, unit_id: UUID) -> Any:
    """Any node in the actor's subtrees, whatever its kind."""
    return selectors.unit_get(actor(request), unit_id)


@router.get(
    "/units/{unit_id}/children", response={200: page_of(UnitOut), **LIST_ERRORS}, tags=["hierarchy"]
)
def unit_children(request: HttpRequest, unit_id: UUID, page: Query[PageQuery]) -> Any:
    """The next level down: nodes in the actor's subtrees and the way down to them."""
    parent = _tree_unit(request, unit_id)
    qs = selectors.unit_children(actor(request), parent)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field=UNIT_ORDER)


# -- organizations ---------------------------------------------------------------------------


@router.get(
    "/organizations",
    response={200: page_of(OrganizationOut), **LIST_ERRORS},
    tags=["organizations"],
)
def organization_list(
    request: HttpRequest, filters: Query[OrganizationFilter], page: Query[PageQuery]
) -> Any:
    """Organizations in scope: `?under=<unit>&type=school&attr=small_class:true&attr=computer_classes:0`."""
    under = _tree_unit(request, filters.under) if filters.under else None
    qs = selectors.organization_list(
        actor(request),
        under=under,
        org_type=filters.org_type,
        attributes=filters.attr,
        search=filters.q.strip(),
        status=filters.status,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field=UNIT_ORDER)


@router.post(
    "/organizations", response={201: OrganizationOut, **WRITE_ERRORS}, tags=["organizations"]
)
def organization_create(request: HttpRequest, payload: OrganizationIn) -> Any:
    who = actor(request)
    parent = selectors.unit_get(who, payload.parent_id)
    organization = services.unit_create(
        actor=who,
        parent=parent,
        kind=Unit.Kind.ORGANIZATION,
        org_type=_org_type(payload.org_type),
        **payload.model_dump(exclude={"parent_id", "org_type"}),
    )
    return 201, organization


@router.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **READ_ERRORS},
    tags=["organizations"],
)
def organization_get(request: HttpRequest, organization_id: UUID) -> Any:
    return _organization(request, organization_id)


@router.patch(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_change(
    request: HttpRequest, organization_id: UUID, payload: OrganizationPatch
) -> Any:
    organization = _organization(request, organization_id)
    changes = payload.model_dump(exclude_unset=True)
    if "org_type" in changes:
        changes["org_type_id"] = _org_type(changes.pop("org_type")).pk
    return services.unit_change(actor=actor(request), unit=organization, **changes)


@router.post(
    "/organizations/{organization_id}/move",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_move(
    request: HttpRequest, organization_id: UUID, payload: OrganizationMoveIn
) -> Any:
    """Put an organization under another unit; its id and history stay."""
    who = actor(request)
    organization = _organization(request, organization_id)
    new_parent = selectors.unit_get(who, payload.parent_id)
    return services.unit_move(actor=who, unit=organization, new_parent=new_parent)


@router.post(
    "/organizations/{organization_id}/close",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_close(
    request: HttpRequest, organization_id: UUID, payload: OrganizationCloseIn | None = None
) -> Any:
    organization = _organization(request, organization_id)
    closed_on = payload.closed_on if payload and payload.closed_on else timezone.localdate()
    return services.organization_close(
        actor=actor(request), organization=organization, closed_on=closed_on
    )


@router.post(
    "/organizations/{organization_id}/reopen",
    response={200: OrganizationOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_reopen(request: HttpRequest, organization_id: UUID) -> Any:
    organization = _organization(request, organization_id)
    return services.organization_reopen(actor=actor(request), organization=organization)


@router.get(
    "/organizations/{organization_id}/attributes",
    response={200: list[AttributeValueOut], **READ_ERRORS},
    tags=["organizations"],
)
def organization_attributes(request: HttpRequest, organization_id: UUID) -> Any:
    """Current attribute values (bounded by the type's catalogue, so not paginated)."""
    return selectors.current_attributes(_organization(request, organization_id))


@router.put(
    "/organizations/{organization_id}/attributes/{code}",
    response={200: AttributeValueOut, **WRITE_ERRORS},
    tags=["organizations"],
)
def organization_attribute_set(
    request: HttpRequest, organization_id: UUID, code: str, payload: AttributeValueIn
) -> Any:
    """Set a value from `valid_from`; the previous value is kept with its period."""
    organization = _organization(request, organization_id)
    return services.attribute_value_set(
        actor=actor(request),
        organization=organization,
        code=code,
        value=payload.value,
        as_of=payload.valid_from,
    )


@router.get(
    "/organizations/{organization_id}/history",
    response={200: page_of(HistoryOut), **LIST_ERRORS},
    tags=["organizations"],
)
def organization_history(
    request: HttpRequest, organization_id: UUID, page: Query[PageQuery]
) -> Any:
    """Every stored version of the organization's card, newest first (G-5.8)."""
    organization = _organization(request, organization_id)
    return history_page(
        organization.history.all(), HISTORY_FIELDS, cursor=page.cursor, limit=page.limit
    )


@router.get(
    "/organizations/{organization_id}/card",
    response={200: OrganizationCardOut, **READ_ERRORS},
    tags=["organizations"],
)
def organization_card(request: HttpRequest, organization_id: UUID) -> Any:
    """The card: attributes, staff count and learners by grade."""
    who = actor(request)
    organization = _organization(request, organization_id)
    learners = selectors.learner_counts_by_grade(organization)
    return {
        "organization": organization,
        "attributes": selectors.current_attributes(organization),
        "staff_count": employment_list(who, organization=organization)
        .values("person_id")
        .distinct()
        .count(),
        "learners_total": sum(row["count"] for row in learners),
        "learners": learners,
    }


# -- reference data ----------------------------------------------------------------------


@router.get(
    "/organization-types",
    response={200: page_of(OrganizationTypeOut), **LIST_ERRORS},
    tags=["reference"],
)
def organization_type_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    return paginate(
        selectors.organization_types(), cursor=page.cursor, limit=page.limit, order_field="code"
    )


@router.get(
    "/attribute-definitions",
    response={200: page_of(AttributeDefinitionOut), **LIST_ERRORS},
    tags=["reference"],
)
def attribute_definition_list(
    request: HttpRequest, page: Query[PageQuery], org_type: str | None = Query(None, alias="type")
) -> Any:
    """The typed attribute catalogue, optionally of one organization type."""
    qs = selectors.attribute_definitions()
    if org_type:
        qs = qs.filter(org_type__code=org_type)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post(
    "/attribute-definitions",
    response={201: AttributeDefinitionOut, **WRITE_ERRORS},
    tags=["reference"],
)
def attribute_definition_create(request: HttpRequest, payload: AttributeDefinitionIn) -> Any:
    definition = services.attribute_definition_create(
        actor=actor(request),
        org_type=_org_type(payload.org_type),
        choices=[choice.model_dump() for choice in payload.choices],
        **payload.model_dump(exclude={"org_type", "choices"}),
    )
    return 201, definition
