"""Accounts over HTTP (G-5.7, G-5.9): administration within the actor's scope, and one's own password.

An account outside the actor's scope answers 404 like a missing one; a missing capability, or an
account holding rights beyond the actor's, 403. First credentials and reset passwords are in the
response body once (with `Cache-Control: no-store`) and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.people.api import PersonBrief

from . import selectors, services
from .models import User

router = Router(tags=["accounts"])

Method = Literal["password", "invitation"]


class AccountOut(Schema):
    id: UUID
    username: str
    email: str
    language: str
    status: str = Field(..., description="active, blocked or deleted")
    person: PersonBrief | None
    must_change_password: bool
    last_login: dt.datetime | None
    date_joined: dt.datetime
    password_changed_at: dt.datetime | None
    blocked_at: dt.datetime | None
    blocked_reason: str
    deleted_at: dt.datetime | None


class CredentialsOut(Schema):
    """First credentials: show them to the user once; they are not stored in clear anywhere."""

    account: AccountOut
    method: str
    one_time_password: str | None = Field(
        None, description="Must be replaced at the first sign-in."
    )
    invitation_url: str | None = Field(
        None, description="Single use; lets the user set a password."
    )
    invitation_expires_at: dt.datetime | None = None


class AccountIn(Schema):
    person_id: UUID
    username: str = Field("", max_length=150, description="The person's IIN when left out.")
    email: str = Field("", max_length=254)
    language: Literal["kk", "ru"] = "kk"
    method: Method = "password"


class AccountPatch(Schema):
    username: str = Field(None, min_length=1, max_length=150)
    email: str = Field(None, max_length=254)
    language: Literal["kk", "ru"] = Field(None)


class AccountFilter(Schema):
    q: str = Field("", max_length=100, description="The start of a login, an IIN or names.")
    status: Literal["", "active", "blocked", "deleted"] = Field(
        "", description="Active and blocked accounts when left out."
    )


class BlockIn(Schema):
    reason: str = Field("", max_length=200)


class ResetIn(Schema):
    method: Method = "password"


class PasswordChangeIn(Schema):
    current_password: str = Field(..., max_length=4096)
    new_password: str = Field(..., max_length=4096)


def _credentials(request: HttpRequest, response: HttpResponse, issued: Any) -> dict[str, Any]:
    response["Cache-Control"] = "no-store"
    url = None
    if issued.invitation_token:
        url = request.build_absolute_uri(
            reverse("identity:invitation", args=[issued.invitation_token])
        )
    return {
        "account": issued.account,
        "method": issued.method,
        "one_time_password": issued.password or None,
        "invitation_url": url,
        "invitation_expires_at": issued.invitation_expires_at,
    }


# -- one's own account (open during the first-login obligation) --------------------------------


@router.get("/accounts/me", response={200: AccountOut, **READ_ERRORS})
def account_me(request: HttpRequest) -> Any:
    """The signed-in account; `must_change_password` tells a client to ask for a new password."""
    return request.user


@router.post("/accounts/me/password", response={200: AccountOut, **WRITE_ERRORS})
def password_change(request: HttpRequest, payload: PasswordChangeIn) -> Any:
    """Replace one's password (policy: G-5.9); ends the first-login obligation."""
    user: User = request.user  # type: ignore[assignment]
    services.password_change(
        user=user, current_password=payload.current_password, new_password=payload.new_password
    )
    if request.session.get("_auth_user_id"):
        update_session_auth_hash(request, user)
    return user


# -- administration ---------------------------------------------------------------------------


@router.get("/accounts", response={200: page_of(AccountOut), **LIST_ERRORS})
def account_list(
    request: HttpRequest, filters: Query[AccountFilter], page: Query[PageQuery]
) -> Any:
    """Accounts of the people in the actor's scope."""
    qs = selectors.account_list(actor(request), search=filters.q, status=filters.status)
    return paginate(qs, cursor=page.cursor, limit=page.limit)


@router.post("/accounts", response={201: CredentialsOut, **WRITE_ERRORS})
def account_create(request: HttpRequest, response: HttpResponse, payload: AccountIn) -> Any:
    """Create the account of a person in scope, with a one-time password or an invitation link."""
    who = actor(request)
    person = selectors.person_for_account(who, payload.person_id)
    issued = services.account_create(
        actor=who,
        person=person,
        username=payload.username,
        email=payload.email,
        language=payload.language,
        method=payload.method,
    )
    return 201, _credentials(request, response, issued)


@router.get("/accounts/{account_id}", response={200: AccountOut, **READ_ERRORS})
def account_get(request: HttpRequest, account_id: UUID) -> Any:
    return selectors.account_get(actor(request), account_id)


@router.patch("/accounts/{account_id}", response={200: AccountOut, **WRITE_ERRORS})
def account_change(request: HttpRequest, account_id: UUID, payload: AccountPatch) -> Any:
    who = actor(request)
    account = selectors.account_get(who, account_id)
    return services.account_change(
        actor=who, account=account, **payload.model_dump(exclude_unset=True)
    )


@router.post("/accounts/{account_id}/block", response={200: AccountOut, **WRITE_ERRORS})
def account_block(request: HttpRequest, account_id: UUID, payload: BlockIn | None = None) -> Any:
    """Block sign-in; the account's sessions and API tokens end at once."""
    who = actor(request)
    account = selectors.account_get(who, account_id)
    return services.account_block(
        actor=who, account=account, reason=payload.reason if payload else ""
    )


@router.post("/accounts/{account_id}/unblock", response={200: AccountOut, **WRITE_ERRORS})
def account_unblock(request: HttpRequest, account_id: UUID) -> Any:
    who = actor(request)
    account = selectors.account_get(who, account_id)
    return services.account_unblock(actor=who, account=account)


@router.post(
    "/accounts/{account_id}/password-reset", response={200: CredentialsOut, **WRITE_ERRORS}
)
def account_password_reset(
    request: HttpRequest, response: HttpResponse, account_id: UUID, payload: ResetIn | None = None
) -> Any:
    """A new one-time password or invitation; sessions and tokens of the account end."""
    who = actor(request)
    account = selectors.account_get(who, account_id)
    issued = services.account_password_reset(
        actor=who, account=account, method=payload.method if payload else "password"
    )
    return _credentials(request, response, issued)


@router.delete("/accounts/{account_id}", response={200: AccountOut, **WRITE_ERRORS})
def account_delete(request: HttpRequest, account_id: UUID) -> Any:
    """Delete the account; the person and their education records stay, grants end."""
    who = actor(request)
    account = selectors.account_get(who, account_id)
    return services.account_delete(actor=who, account=account)
