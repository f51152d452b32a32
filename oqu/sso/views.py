"""Web pages: the privacy policy (public), "my data" (signed-in users), and the registration of
digital resources for single sign-on (platform administrator). Thin: parse, call, render."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.kernel.errors import DomainError, ValidationError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .forms import ClientForm


def _language() -> str:
    return "ru" if (get_language() or "kk").startswith("ru") else "kk"


# -- privacy ----------------------------------------------------------------------------------


@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    """The privacy policy (G-9, G-3), public; the legal text is written in each language."""
    return render(
        request,
        f"sso/privacy_{_language()}.html",
        {
            "controller": settings.OQU_PRIVACY_CONTROLLER,
            "contact_email": settings.OQU_PRIVACY_CONTACT_EMAIL,
            "contact_address": settings.OQU_PRIVACY_CONTACT_ADDRESS,
            "policy_date": settings.OQU_PRIVACY_POLICY_DATE,
            "section": "privacy",
        },
    )


def _person_param(request: HttpRequest) -> UUID | None:
    raw = request.GET.get("person", "")
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise ValidationError(code="invalid_person", fields={"person": ["invalid"]}) from None


@require_GET
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What the platform holds about the user and their children, and who accessed it."""
    actor = actor_of(request)
    data = selectors.my_data(actor, _language(), only_person=_person_param(request))
    return render(request, "sso/my_data.html", {"data": data, "section": "my_data"})


@require_GET
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    data = selectors.my_data(actor, _language())
    services.my_data_exported(actor=actor, person_count=len(data["children"]) + bool(data["self"]))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="oqu-my-data.json"'
    return response


# -- digital resources (SSO clients) ----------------------------------------------------------


def _require_manager(request: HttpRequest) -> Any:
    actor = actor_of(request)
    services.require_manage(actor)
    return actor


def _form_error(form: ClientForm, error: DomainError) -> None:
    placed = False
    for name in error.fields:
        if name in form.fields:
            form.add_error(name, str(error.message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def _issued_page(request: HttpRequest, issued: services.IssuedClient) -> HttpResponse:
    """The one page that shows the secret; it is not stored in a readable form anywhere."""
    response = render(
        request,
        "sso/client_secret.html",
        {"policy": issued.policy, "client_secret": issued.client_secret, "section": "sso"},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    actor = _require_manager(request)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.client_create(actor=actor, **form.service_arguments())
        except ValidationError as error:
            _form_error(form, error)
        else:
            return _issued_page(request, issued)
    clients = list(selectors.client_list(actor))
    return render(
        request,
        "sso/clients.html",
        {"clients": clients, "form": form, "section": "sso"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def client_detail(request: HttpRequest, policy_id: UUID) -> HttpResponse:
    actor = _require_manager(request)
    policy = selectors.client_get(actor, policy_id)
    if request.method == "POST":
        form = ClientForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.client_update(actor=actor, policy=policy, **form.service_arguments())
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The policy of the resource is saved."))
                return redirect("sso:client", policy_id=policy.pk)
    else:
        form = ClientForm(initial=ClientForm.initial_for(policy), editing=True)
    return render(
        request,
        "sso/client.html",
        {"policy": policy, "form": form, "section": "sso"},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def client_rotate(request: HttpRequest, policy_id: UUID) -> HttpResponse:
    actor = _require_manager(request)
    policy = selectors.client_get(actor, policy_id)
    return _issued_page(request, services.client_rotate_secret(actor=actor, policy=policy))


@require_POST
@login_required
def client_active(request: HttpRequest, policy_id: UUID) -> HttpResponse:
    actor = _require_manager(request)
    policy = selectors.client_get(actor, policy_id)
    active = request.POST.get("active") == "1"
    services.client_set_active(actor=actor, policy=policy, active=active)
    messages.success(
        request,
        _("The resource is enabled.")
        if active
        else _("The resource is disabled; its tokens are revoked."),
    )
    return redirect("sso:client", policy_id=policy.pk)
