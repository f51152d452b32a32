"""Web pages of signatures, under /pki/: verify a signature (upload the document and its
signature), my verifications, one verification's details, and an example signing page driven by
the pluggable browser signer (NCALayer, or the software signer outside production)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.kernel.errors import DomainError, ValidationError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services, software_signer
from .outcomes import message_of
from .purposes import PURPOSES

FORM_PURPOSES = ("document", "authentication")


def _signature_bytes(request: HttpRequest) -> bytes:
    upload = request.FILES.get("signature")
    if upload is not None:
        return upload.read()
    pasted = (request.POST.get("signature_text") or "").strip()
    if not pasted:
        raise ValidationError(
            _("Attach the signature file or paste the signature."),
            code="pki_signature_missing",
            fields={"signature": ["required"]},
        )
    return pasted.encode()


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        actor = actor_of(request)
        try:
            document = request.FILES.get("document")
            purpose = request.POST.get("purpose") or "document"
            expected = request.user.person if request.POST.get("expect_me") else None
            row = services.verify_signature(
                actor=actor,
                content=document.read() if document is not None else b"",
                cms=_signature_bytes(request),
                purpose=purpose if purpose in FORM_PURPOSES else "document",
                expected_person=expected,
            )
        except ValidationError as problem:
            error = str(problem.message)
        else:
            return redirect("pki:verification", verification_id=row.pk)
    return render(
        request,
        "pki/verify.html",
        {
            "section": "pki",
            "error": error,
            "purposes": [(code, PURPOSES[code].label) for code in FORM_PURPOSES],
            "has_person": bool(request.user.person_id),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def verification_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.verification_list(actor_of(request)).order_by("-checked_at")[:100]
    return render(request, "pki/verifications.html", {"section": "pki", "rows": rows})


@login_required
@require_GET
def verification_detail(request: HttpRequest, verification_id: UUID) -> HttpResponse:
    row = selectors.verification_get(actor_of(request), verification_id)
    return render(
        request,
        "pki/verification.html",
        {
            "section": "pki",
            "row": row,
            "message": message_of(row.outcome),
            "purpose_label": PURPOSES[row.purpose].label if row.purpose in PURPOSES else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_example(request: HttpRequest) -> HttpResponse:
    """Sign a short text with the chosen browser signer, then verify it as the signer."""
    error = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            row = services.verify_signature(
                actor=actor_of(request),
                content=text.encode("utf-8"),
                cms=_signature_bytes(request),
                purpose="document",
                expected_person=request.user.person,
            )
        except ValidationError as problem:
            error = str(problem.message)
        else:
            return redirect("pki:verification", verification_id=row.pk)
    return render(
        request,
        "pki/sign.html",
        {
            "section": "pki",
            "error": error,
            "software_signer": software_signer.enabled(),
            "has_person": bool(request.user.person_id),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def software_sign(request: HttpRequest) -> HttpResponse:
    """The software signer's server half: `{"data": base64}` → `{"cms": base64}` (not in
    production, where this answers 404 like any unknown page)."""
    if not software_signer.enabled():
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    person = getattr(request.user, "person", None)
    try:
        payload: Any = json.loads(request.body or b"{}")
        data = base64.b64decode(str(payload.get("data", "")), validate=True)
    except (ValueError, binascii.Error, AttributeError):
        return JsonResponse(
            {"code": "validation_error", "message": _("Some fields are not valid.")}, status=400
        )
    if person is None:
        return JsonResponse({"code": "pki_no_test_key", "message": _("Not found.")}, status=404)
    try:
        cms = software_signer.sign(person.iin, data)
    except DomainError as problem:
        return JsonResponse(
            {"code": problem.code, "message": str(problem.message)}, status=problem.status
        )
    return JsonResponse({"cms": base64.b64encode(cms).decode()})
