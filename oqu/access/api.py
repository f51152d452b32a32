"""Roles, capabilities and grants over HTTP (G-5.8, G-5.10). Giving and withdrawing roles are
critical functions: the services journal them, and nobody can give more than they hold."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime, model_validator

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
from oqu.orgs.selectors import unit_get

from . import selectors, services
from .capabilities import all_capabilities
from .models import Grant

router = Router()

GRANT_HISTORY_FIELDS = ("user_id", "role_id", "unit_id", "valid_from", "valid_to", "granted_by_id")
ROLE_CODE = Field(..., min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")


# -- schemas ---------------------------------------------------------------------------------


class RoleOut(Schema):
    id: UUID
    code: str
    name: str
    name_kk: str
    name_ru: str
    level: str = Field(..., description="organization, district, region, republic or relation")
    capabilities: list[str]
    legal_basis: str
    is_active: bool


class RoleIn(Schema):
    code: str = ROLE_CODE
    name_kk: str = Field(..., min_length=1, max_length=200)
    name_ru: str = Field(..., min_length=1, max_length=200)
    level: Literal["organization", "district", "region", "republic", "relation"]
    capabilities: list[str]


class RolePatch(Schema):
    name_kk: str = Field(None, min_length=1, max_length=200)
    name_ru: str = Field(None, min_length=1, max_length=200)
    capabilities: list[str] = Field(None)
    is_active: bool = Field(None)


class CapabilityOut(Schema):
    code: str
    description: str = Field(..., description="In the language of the request.")


class GrantOut(Schema):
    id: UUID
    user_id: UUID
    username: str
    role_id: UUID
    role_code: str
    unit_id: UUID
    unit_name: str
    unit_kind: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    granted_by: str | None = Field(None, description="The username of whoever gave the role.")
    is_active: bool

    @staticmethod
    def resolve_username(obj: Grant) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_role_code(obj: Grant) -> str:
        return obj.role.code

    @staticmethod
    def resolve_unit_name(obj: Grant) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_unit_kind(obj: Grant) -> str:
        return obj.unit.kind

    @staticmethod
    def resolve_granted_by(obj: Grant) -> str | None:
        return obj.granted_by.get_username() if obj.granted_by_id else None

    @staticmethod
    def resolve_is_active(obj: Grant) -> bool:
        now = timezone.now()
        return obj.valid_from <= now and (obj.valid_to is None or obj.valid_to > now)


class GrantIn(Schema):
    user_id: UUID | None = None
    username: str | None = Field(None, min_length=1, max_length=150)
    role_id: UUID
    unit_id: UUID = Field(..., description="The role covers this unit and everything under it.")
    valid_from: AwareDatetime | None = Field(None, description="Now when left out.")
    valid_to: AwareDatetime | None = Field(None, description="Open-ended when left out.")

    @model_validator(mode="after")
    def _one_user(self) -> GrantIn:
        if (self.user_id is None) == (self.username is None):
            raise ValueError("give exactly one of user_id and username")
        return self


class GrantRevokeIn(Schema):
    at: AwareDatetime | None = Field(None, description="Now when left out.")


class GrantFilter(Schema):
    unit: UUID | None = Field(None, description="Grants on this unit and on units under it.")
    user: UUID | None = None
    active: bool = Field(False, description="Only grants in force now.")


# -- roles and capabilities ------------------------------------------------------------------


@router.get("/roles", response={200: page_of(RoleOut), **LIST_ERRORS}, tags=["access"])
def role_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    return paginate(
        selectors.role_list(actor(request)),
        cursor=page.cursor,
        limit=page.limit,
        order_field="code",
    )


@router.post("/roles", response={201: RoleOut, **WRITE_ERRORS}, tags=["access"])
def role_create(request: HttpRequest, payload: RoleIn) -> Any:
    """Create a role (a named set of capabilities): a republic-level decision."""
    return 201, services.role_create(actor=actor(request), **payload.model_dump())


@router.get("/roles/{role_id}", response={200: RoleOut, **READ_ERRORS}, tags=["access"])
def role_get(request: HttpRequest, role_id: UUID) -> Any:
    return selectors.role_get(actor(request), role_id)


@router.patch("/roles/{role_id}", response={200: RoleOut, **WRITE_ERRORS}, tags=["access"])
def role_change(request: HttpRequest, role_id: UUID, payload: RolePatch) -> Any:
    """Change what a role may do; every grant of the role follows at once (history kept)."""
    who = actor(request)
    role = selectors.role_get(who, role_id)
    return services.role_change(actor=who, role=role, **payload.model_dump(exclude_unset=True))


@router.get("/capabilities", response={200: list[CapabilityOut], **READ_ERRORS}, tags=["access"])
def capability_list(request: HttpRequest) -> Any:
    """Every action code declared in code, with its description (a fixed set, so not paginated)."""
    return [
        {"code": code, "description": str(description)}
        for code, description in sorted(all_capabilities().items())
    ]


# -- grants ------------------------------------------------------------------------------------


@router.get("/grants", response={200: page_of(GrantOut), **LIST_ERRORS}, tags=["access"])
def grant_list(request: HttpRequest, filters: Query[GrantFilter], page: Query[PageQuery]) -> Any:
    """Grants on units in the actor's subtrees."""
    who = actor(request)
    unit = unit_get(who, filters.unit) if filters.unit else None
    qs = selectors.grant_list(who, unit=unit, user=filters.user, active_only=filters.active)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/grants", response={201: GrantOut, **WRITE_ERRORS}, tags=["access"])
def grant_create(request: HttpRequest, payload: GrantIn) -> Any:
    """Give a role on a unit for a period; every capability of the role must be the actor's own there."""
    who = actor(request)
    unit = unit_get(who, payload.unit_id)
    user = selectors.grantee_get(
        who, unit, user_id=payload.user_id, username=payload.username or ""
    )
    role = selectors.role_get(who, payload.role_id)
    grant = services.grant_create(
        actor=who,
        user=user,
        role=role,
        unit=unit,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return 201, grant


@router.get("/grants/{grant_id}", response={200: GrantOut, **READ_ERRORS}, tags=["access"])
def grant_get(request: HttpRequest, grant_id: UUID) -> Any:
    return selectors.grant_get(actor(request), grant_id)


@router.post("/grants/{grant_id}/revoke", response={200: GrantOut, **WRITE_ERRORS}, tags=["access"])
def grant_revoke(request: HttpRequest, grant_id: UUID, payload: GrantRevokeIn | None = None) -> Any:
    """End a grant now (or at `at`); the row stays, with its history."""
    who = actor(request)
    grant = selectors.grant_get(who, grant_id)
    return services.grant_revoke(actor=who, grant=grant, at=payload.at if payload else None)


@router.get(
    "/grants/{grant_id}/history",
    response={200: page_of(HistoryOut), **LIST_ERRORS},
    tags=["access"],
)
def grant_history(request: HttpRequest, grant_id: UUID, page: Query[PageQuery]) -> Any:
    """Who changed the grant and when, newest first (G-5.8)."""
    grant = selectors.grant_get(actor(request), grant_id)
    return history_page(
        grant.history.all(), GRANT_HISTORY_FIELDS, cursor=page.cursor, limit=page.limit
    )
