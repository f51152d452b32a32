"""MFA over HTTP (G-5.11): the account's own state and authenticator app, and a parent's consents.

Reachable while MFA is still to be set up (the enforcement middleware lets `/api/v1/mfa` through),
so an API client can complete the setup it is asked for. Changing an existing setup needs a
current code from the app or a recovery code, because the API has no re-authentication screen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from oqu.apikit import READ_ERRORS, WRITE_ERRORS, actor
from oqu.kernel.models import Consent

from . import mfa
from .mfa_middleware import forget_check

router = Router(tags=["mfa"])


def _name(person: Any) -> str:
    return person.full_name("kk" if (get_language() or "kk").startswith("kk") else "ru")


class AuthenticatorOut(Schema):
    id: int
    type: str = Field(..., description="`totp`, `webauthn` or `recovery_codes`.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class ConsentOut(Schema):
    id: UUID
    child_id: UUID
    child_name: str
    given_by_id: UUID
    given_by_name: str
    given_at: dt.datetime
    valid_until: dt.date | None = Field(..., description="The eve of the learner's 16th birthday.")
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_child_id(obj: Consent) -> Any:
        return obj.subject_id

    @staticmethod
    def resolve_child_name(obj: Consent) -> str:
        return _name(obj.subject)

    @staticmethod
    def resolve_given_by_name(obj: Consent) -> str:
        return _name(obj.given_by)


class MfaStateOut(Schema):
    setup_required: bool = Field(..., description="True: set up the app before anything else.")
    authenticators: list[AuthenticatorOut]
    recovery_codes_left: int | None
    exemption: ConsentOut | None = Field(..., description="The parent's consent in force, if any.")
    exemption_refusal: str | None = Field(
        ..., description="Why the account can never be exempted: `staff`, `age_limit`, …"
    )


class TotpSecretOut(Schema):
    secret: str = Field(..., description="Base32; send it back with a code to turn the app on.")
    otpauth_url: str


class TotpActivateIn(Schema):
    secret: str = Field(..., max_length=128)
    code: str = Field(..., max_length=16)


class CodeIn(Schema):
    code: str = Field(..., max_length=32, description="From the app, or an unused recovery code.")


class RecoveryCodesOut(Schema):
    recovery_codes: list[str] = Field(..., description="Shown once here; keep them safe.")


class ChildOut(Schema):
    person_id: UUID
    full_name: str
    birth_date: dt.date
    has_account: bool
    exemption_possible: bool
    refusal: str | None
    consent: ConsentOut | None


class ConsentIn(Schema):
    child_id: UUID


@router.get("/mfa", response={200: MfaStateOut, **READ_ERRORS})
def mfa_state(request: HttpRequest) -> Any:
    user = request.user
    authenticators = list(Authenticator.objects.filter(user_id=user.pk).order_by("created_at"))
    codes = next((a for a in authenticators if a.type == Authenticator.Type.RECOVERY_CODES), None)
    return {
        "setup_required": mfa.setup_required(user),
        "authenticators": authenticators,
        "recovery_codes_left": len(codes.wrap().get_unused_codes()) if codes else None,
        "exemption": mfa.exemption_for(user),
        "exemption_refusal": mfa.exemption_refusal_for(user),
    }


@router.post("/mfa/totp/secret", response={200: TotpSecretOut, **WRITE_ERRORS})
def totp_secret(request: HttpRequest) -> Any:
    """A fresh secret for the authenticator app (nothing is stored until it is activated)."""
    secret = mfa.new_totp_secret()
    return {"secret": secret, "otpauth_url": get_adapter().build_totp_url(request.user, secret)}


@router.post("/mfa/totp", response={201: RecoveryCodesOut, **WRITE_ERRORS})
def totp_activate(request: HttpRequest, payload: TotpActivateIn) -> Any:
    codes = mfa.totp_activate(user=request.user, secret=payload.secret, code=payload.code)
    return 201, {"recovery_codes": codes}


@router.post("/mfa/totp/deactivate", response={204: None, **WRITE_ERRORS})
def totp_deactivate(request: HttpRequest, payload: CodeIn) -> Any:
    mfa.totp_deactivate(user=request.user, code=payload.code)
    forget_check(request)
    return 204, None


@router.post("/mfa/recovery-codes", response={200: RecoveryCodesOut, **WRITE_ERRORS})
def recovery_codes_regenerate(request: HttpRequest, payload: CodeIn) -> Any:
    return {"recovery_codes": mfa.recovery_codes_regenerate(user=request.user, code=payload.code)}


@router.get("/mfa/children", response={200: list[ChildOut], **READ_ERRORS})
def children(request: HttpRequest) -> Any:
    """The caller's own children (as their parent or legal representative) and their exemption."""
    return [
        {
            "person_id": row.child.pk,
            "full_name": _name(row.child),
            "birth_date": row.child.birth_date,
            "has_account": row.has_account,
            "exemption_possible": row.refusal is None,
            "refusal": row.refusal,
            "consent": row.consent,
        }
        for row in mfa.children_for_consent(actor(request))
    ]


@router.post("/mfa/exemptions", response={201: ConsentOut, **WRITE_ERRORS})
def exemption_give(request: HttpRequest, payload: ConsentIn) -> Any:
    """Consent, as a linked parent, to switch MFA off for a learner under 16."""
    current = actor(request)
    child = mfa.child_for_consent(current, payload.child_id)
    return 201, mfa.exemption_consent_give(actor=current, child=child)


@router.post("/mfa/exemptions/{consent_id}/revoke", response={200: ConsentOut, **WRITE_ERRORS})
def exemption_revoke(request: HttpRequest, consent_id: UUID) -> Any:
    current = actor(request)
    consent = mfa.consent_for_revocation(current, consent_id)
    return mfa.exemption_consent_revoke(actor=current, consent=consent)
