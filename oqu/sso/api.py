"""SSO clients and "my data" over HTTP (G-9, G-3, HSC-2/13).

`/sso/clients`: the platform administrator registers digital resources, edits their policy,
rotates the secret (shown once) and disables them. `/me/data`: what the platform holds about the
signed-in user and their children, and who read or changed it; `?download=true` as a JSON file.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate

from . import selectors, services
from .models import ClientPolicy

router = Router()

ClaimName = Literal["name", "language", "roles", "organization"]
ScopeName = Literal["openid", "profile", "roles", "organization", "read"]


class ClientOut(Schema):
    id: UUID
    name: str
    client_id: str
    client_type: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    skip_authorization: bool
    description: str
    claims: list[str] = Field(..., description="Claim groups the resource may receive.")
    scopes: list[str] = Field(..., description="Scopes the resource may request.")
    is_active: bool
    secret_rotated_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_name(obj: ClientPolicy) -> str:
        return obj.application.name

    @staticmethod
    def resolve_client_id(obj: ClientPolicy) -> str:
        return obj.application.client_id

    @staticmethod
    def resolve_client_type(obj: ClientPolicy) -> str:
        return obj.application.client_type

    @staticmethod
    def resolve_redirect_uris(obj: ClientPolicy) -> list[str]:
        return obj.application.redirect_uris.split()

    @staticmethod
    def resolve_post_logout_redirect_uris(obj: ClientPolicy) -> list[str]:
        return obj.application.post_logout_redirect_uris.split()

    @staticmethod
    def resolve_skip_authorization(obj: ClientPolicy) -> bool:
        return obj.application.skip_authorization


class ClientIssuedOut(Schema):
    client: ClientOut
    client_secret: str = Field(
        ..., description="Shown only in this answer; stored hashed. Empty for public clients."
    )


class ClientIn(Schema):
    name: str = Field(..., min_length=1, max_length=255)
    redirect_uris: list[str] = Field(..., min_length=1)
    client_type: Literal["confidential", "public"] = "confidential"
    post_logout_redirect_uris: list[str] = Field(default_factory=list)
    claims: list[ClaimName] = Field(default_factory=list)
    scopes: list[ScopeName] = Field(default_factory=list)
    description: str = ""
    skip_authorization: bool = False


class ClientPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    redirect_uris: list[str] | None = None
    post_logout_redirect_uris: list[str] | None = None
    claims: list[ClaimName] | None = None
    scopes: list[ScopeName] | None = None
    description: str | None = None
    skip_authorization: bool | None = None


def _issued(issued: services.IssuedClient) -> dict[str, Any]:
    return {"client": issued.policy, "client_secret": issued.client_secret}


@router.get("/sso/clients", response={200: page_of(ClientOut), **LIST_ERRORS}, tags=["sso"])
def client_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Registered digital resources (platform administrator; others see an empty list)."""
    return paginate(selectors.client_list(actor(request)), cursor=page.cursor, limit=page.limit)


@router.post("/sso/clients", response={201: ClientIssuedOut, **WRITE_ERRORS}, tags=["sso"])
def client_create(request: HttpRequest, payload: ClientIn) -> Any:
    """Register a resource: an authorization-code client (PKCE, RS256 ID tokens) and its policy."""
    return 201, _issued(services.client_create(actor=actor(request), **payload.model_dump()))


@router.get("/sso/clients/{client_id}", response={200: ClientOut, **READ_ERRORS}, tags=["sso"])
def client_get(request: HttpRequest, client_id: UUID) -> Any:
    return selectors.client_get(actor(request), client_id)


@router.patch("/sso/clients/{client_id}", response={200: ClientOut, **WRITE_ERRORS}, tags=["sso"])
def client_update(request: HttpRequest, client_id: UUID, payload: ClientPatch) -> Any:
    who = actor(request)
    policy = selectors.client_get(who, client_id)
    return services.client_update(
        actor=who, policy=policy, **payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/sso/clients/{client_id}/rotate-secret",
    response={200: ClientIssuedOut, **WRITE_ERRORS},
    tags=["sso"],
)
def client_rotate_secret(request: HttpRequest, client_id: UUID) -> Any:
    """A new client secret, shown once; the old one stops working."""
    who = actor(request)
    policy = selectors.client_get(who, client_id)
    return _issued(services.client_rotate_secret(actor=who, policy=policy))


@router.post(
    "/sso/clients/{client_id}/disable", response={200: ClientOut, **WRITE_ERRORS}, tags=["sso"]
)
def client_disable(request: HttpRequest, client_id: UUID) -> Any:
    """Refuse sign-ins through the resource and revoke every token issued to it."""
    who = actor(request)
    policy = selectors.client_get(who, client_id)
    return services.client_set_active(actor=who, policy=policy, active=False)


@router.post(
    "/sso/clients/{client_id}/enable", response={200: ClientOut, **WRITE_ERRORS}, tags=["sso"]
)
def client_enable(request: HttpRequest, client_id: UUID) -> Any:
    who = actor(request)
    policy = selectors.client_get(who, client_id)
    return services.client_set_active(actor=who, policy=policy, active=True)


# -- my data -----------------------------------------------------------------------------------


class MyDataQuery(Schema):
    person_id: UUID | None = Field(
        None, description="Only this person: yourself or one of your children."
    )
    download: bool = Field(False, description="Answer as a JSON file to save.")


class AccessOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object: str
    object_id: str


class MyDataOut(Schema):
    account: dict[str, Any] | None = Field(..., description="Your account (never the password).")
    role_grants: list[dict[str, Any]]
    self: dict[str, Any] | None = Field(
        ...,
        description="Your person record with enrolments, employments, guardianships, consents.",
    )
    children: list[dict[str, Any]] = Field(
        ..., description="The same for each child linked to you by an active guardianship."
    )
    accesses: list[AccessOut] = Field(
        ..., description="Who read or changed these records, newest first (at most 200)."
    )


@router.get("/me/data", response={200: MyDataOut, **READ_ERRORS}, tags=["privacy"])
def my_data(request: HttpRequest, query: Query[MyDataQuery]) -> Any:
    """What the platform holds about you and your children, and who accessed it (G-9, G-3)."""
    who = actor(request)
    data = selectors.my_data(who, _language(), only_person=query.person_id)
    if not query.download:
        return data
    services.my_data_exported(actor=who, person_count=len(data["children"]) + bool(data["self"]))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="oqu-my-data.json"'
    return response


def _language() -> str:
    return "ru" if (get_language() or "kk").startswith("ru") else "kk"
