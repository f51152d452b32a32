"""Parents' self-registration and link requests over HTTP (G-5.7).

The three registration steps are open to anonymous clients (no session or token is involved, so
there is nothing for CSRF to protect); each is rate limited by the services. Link requests need a
signed-in account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

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
from oqu.kernel.context import current_request_info

from . import selectors, services
from .models import LinkRequest, PhoneVerification, mask_phone

router = Router(tags=["registration"])

IIN_FIELD = Field(
    ..., min_length=12, max_length=12, pattern=r"^[0-9]{12}$", description="12 digits."
)
OPEN_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


# -- schemas ---------------------------------------------------------------------------------


class StartIn(Schema):
    iin: str = IIN_FIELD
    phone: str = Field(
        ..., max_length=30, description="A Kazakhstan mobile number: +7 7xx xxx xx xx."
    )


class ResendIn(Schema):
    verification_id: UUID


class VerificationOut(Schema):
    verification_id: UUID
    phone: str = Field(..., description="Masked: +7701***4567.")
    expires_at: dt.datetime = Field(..., description="The code works until then.")
    resend_after: dt.datetime = Field(..., description="A new code may be asked for from then.")

    @staticmethod
    def build(verification: PhoneVerification) -> dict[str, Any]:
        cooldown = dt.timedelta(seconds=services.limits().resend_cooldown_seconds)
        return {
            "verification_id": verification.pk,
            "phone": mask_phone(verification.phone),
            "expires_at": verification.expires_at,
            "resend_after": verification.last_sent_at + cooldown,
        }


class VerifyIn(Schema):
    verification_id: UUID
    code: str = Field(..., min_length=1, max_length=12)


class VerifiedOut(Schema):
    completion_token: str = Field(..., description="Pass to /registration/complete.")
    names_required: bool = Field(..., description="The platform does not know this IIN yet.")


class CompleteIn(Schema):
    verification_id: UUID
    completion_token: str = Field(..., max_length=100)
    password: str = Field(..., max_length=128)
    language: Literal["kk", "ru"] = "kk"
    last_name_kk: str = Field("", max_length=100)
    first_name_kk: str = Field("", max_length=100)
    middle_name_kk: str = Field("", max_length=100)
    last_name_ru: str = Field("", max_length=100)
    first_name_ru: str = Field("", max_length=100)
    middle_name_ru: str = Field("", max_length=100)


class AccountOut(Schema):
    username: str = Field(..., description="The IIN: sign in with it and the password.")
    person_id: UUID


class LinkIn(Schema):
    child_iin: str = IIN_FIELD
    kind: Literal["mother", "father", "guardian", "trustee"]


class LinkOut(Schema):
    id: UUID
    child_iin: str
    kind: str
    status: str = Field(..., description="pending, confirmed or rejected")
    status_label: str
    register_check: str = Field(..., description="not_checked, match, mismatch or unavailable")
    decision_source: str = Field(..., description="organization, register, or empty while pending")
    reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: LinkRequest) -> str:
        return str(obj.get_status_display())


class LinkToDecideOut(LinkOut):
    parent_iin: str
    parent_name: str
    child_name: str

    @staticmethod
    def resolve_parent_iin(obj: LinkRequest) -> str:
        return obj.parent.iin

    @staticmethod
    def resolve_parent_name(obj: LinkRequest) -> str:
        return obj.parent.full_name(_language())

    @staticmethod
    def resolve_child_name(obj: Any) -> str:
        child = getattr(obj, "child_person", None)
        return child.full_name(_language()) if child else ""


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class LinkStatusFilter(Schema):
    status: Literal["pending", "confirmed", "rejected"] = "pending"


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


# -- registration (anonymous) --------------------------------------------------------------------


@router.post("/registration/start", auth=None, response={201: VerificationOut, **OPEN_ERRORS})
def registration_start(request: HttpRequest, payload: StartIn) -> Any:
    """Send a one-time code by SMS to the phone, for the IIN (limited per phone, IIN and address)."""
    verification = services.registration_start(
        iin=payload.iin, phone=payload.phone, ip=current_request_info().ip
    )
    return 201, VerificationOut.build(verification)


@router.post("/registration/resend", auth=None, response={200: VerificationOut, **OPEN_ERRORS})
def registration_resend(request: HttpRequest, payload: ResendIn) -> Any:
    """Send a new code after the cooldown; the previous code stops working."""
    return VerificationOut.build(
        services.registration_resend(verification_id=payload.verification_id)
    )


@router.post("/registration/verify", auth=None, response={200: VerifiedOut, **OPEN_ERRORS})
def registration_verify(request: HttpRequest, payload: VerifyIn) -> Any:
    """Check the code. Wrong and expired codes are counted and journaled as failed sign-in steps."""
    verification, token = services.registration_verify(
        verification_id=payload.verification_id, code=payload.code
    )
    return {
        "completion_token": token,
        "names_required": not services.person_known(verification.iin),
    }


@router.post("/registration/complete", auth=None, response={201: AccountOut, **OPEN_ERRORS})
def registration_complete(request: HttpRequest, payload: CompleteIn) -> Any:
    """Set the password (and names when the platform does not know the IIN): the account is created."""
    names = payload.dict(
        include={
            "last_name_kk",
            "first_name_kk",
            "middle_name_kk",
            "last_name_ru",
            "first_name_ru",
            "middle_name_ru",
        }
    )
    user = services.registration_complete(
        verification_id=payload.verification_id,
        token=payload.completion_token,
        password=payload.password,
        language=payload.language,
        names=names,
    )
    return 201, {"username": user.username, "person_id": user.person_id}


# -- the parent's link requests ------------------------------------------------------------------


@router.get("/registration/links", response={200: page_of(LinkOut), **LIST_ERRORS})
def link_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """The signed-in parent's requests to be linked to children, newest first."""
    qs = selectors.link_requests_of_parent(actor(request))
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-created_at")


@router.post("/registration/links", response={201: LinkOut, **WRITE_ERRORS, 429: ErrorOut})
def link_create(request: HttpRequest, payload: LinkIn) -> Any:
    """Ask to be linked to a child; the state register is asked, else the organization decides."""
    link = services.link_request_create(
        actor=actor(request), child_iin=payload.child_iin, kind=payload.kind
    )
    link.refresh_from_db()
    return 201, link


@router.get("/registration/links/{link_id}", response={200: LinkOut, **READ_ERRORS})
def link_get(request: HttpRequest, link_id: UUID) -> Any:
    return selectors.link_request_of_parent(actor(request), link_id)


# -- organizations decide ------------------------------------------------------------------------


@router.get("/registration/link-requests", response={200: page_of(LinkToDecideOut), **LIST_ERRORS})
def link_requests_to_decide(
    request: HttpRequest, filters: Query[LinkStatusFilter], page: Query[PageQuery]
) -> Any:
    """Requests about learners enrolled in your subtree (needs `registration.link.confirm`)."""
    qs = selectors.link_requests_to_decide(actor(request), status=filters.status)
    result = paginate(qs, cursor=page.cursor, limit=page.limit, order_field="created_at")
    children = selectors.children_by_iin([row.child_iin for row in result["items"]])
    for row in result["items"]:
        row.child_person = children.get(row.child_iin)
    return result


@router.post(
    "/registration/link-requests/{link_id}/confirm", response={200: LinkOut, **WRITE_ERRORS}
)
def link_confirm(request: HttpRequest, link_id: UUID) -> Any:
    """Confirm: the guardianship becomes active and the parent is told."""
    return services.link_request_confirm(actor=actor(request), link_request_id=link_id)


@router.post(
    "/registration/link-requests/{link_id}/reject", response={200: LinkOut, **WRITE_ERRORS}
)
def link_reject(request: HttpRequest, link_id: UUID, payload: RejectIn) -> Any:
    """Reject with a reason the parent will read."""
    return services.link_request_reject(
        actor=actor(request), link_request_id=link_id, reason=payload.reason
    )
