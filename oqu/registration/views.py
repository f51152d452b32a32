"""Web pages of parents' self-registration (anonymous) and of link requests (signed in), G-5.7.

The registration steps keep their state in the session: the verification's id after step 1 and
the completion token after step 2, so a step cannot be skipped by editing a URL.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.kernel.context import current_request_info
from oqu.kernel.errors import Conflict, DomainError, ValidationError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .errors import Throttled
from .forms import CodeForm, CompleteForm, LinkForm, StartForm
from .models import PhoneVerification, mask_phone

SESSION_VERIFICATION = "oqu_registration_verification"
SESSION_TOKEN = "oqu_registration_token"  # noqa: S105 - a session key name, not a secret
LIST_LIMIT = 100


def _form_error(form: Any, error: DomainError) -> None:
    """Show a service's error next to the fields it names, or above the form."""
    named = [name for name in error.fields if name in form.fields]
    for name in named:
        form.add_error(name, str(error.message))
    if not named:
        form.add_error(None, str(error.message))


def _verification_in_session(request: HttpRequest) -> PhoneVerification | None:
    raw = request.session.get(SESSION_VERIFICATION)
    if not raw:
        return None
    return PhoneVerification.objects.filter(pk=raw, completed_at__isnull=True).first()


# -- registration steps --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: IIN and mobile phone."""
    if request.user.is_authenticated:
        return redirect("registration:links")
    form = StartForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            verification = services.registration_start(
                iin=form.cleaned_data["iin"],
                phone=form.cleaned_data["phone"],
                ip=current_request_info().ip,
            )
        except DomainError as error:
            _form_error(form, error)
            status = error.status
        else:
            request.session.cycle_key()
            request.session[SESSION_VERIFICATION] = str(verification.pk)
            request.session.pop(SESSION_TOKEN, None)
            return redirect("registration:verify")
    elif request.method == "POST":
        status = 400
    return render(request, "registration/start.html", {"form": form, "step": 1}, status=status)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS (or a new code after the cooldown)."""
    verification = _verification_in_session(request)
    if verification is None:
        return redirect("registration:start")
    if verification.verified_at and request.session.get(SESSION_TOKEN):
        return redirect("registration:complete")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "resend":
        form = CodeForm()
        try:
            verification = services.registration_resend(verification_id=verification.pk)
        except DomainError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("A new code has been sent."))
            return redirect("registration:verify")
    elif request.method == "POST" and form.is_valid():
        try:
            verification, token = services.registration_verify(
                verification_id=verification.pk, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            _form_error(form, error)
            status = error.status
        else:
            request.session[SESSION_TOKEN] = token
            return redirect("registration:complete")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "step": 2,
        "phone": mask_phone(verification.phone),
        "expires_at": verification.expires_at,
    }
    return render(request, "registration/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest) -> HttpResponse:
    """Step 3: password, language and — when the platform does not know the IIN — names."""
    verification = _verification_in_session(request)
    token = request.session.get(SESSION_TOKEN)
    if verification is None or not token or not verification.verified_at:
        return redirect("registration:start")
    names_required = not services.person_known(verification.iin)
    form = CompleteForm(request.POST or None, names_required=names_required)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.registration_complete(
                verification_id=verification.pk,
                token=token,
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["language"],
                names=form.names(),
            )
        except DomainError as error:
            if "password" in error.fields:
                form.add_error("password1", str(error.message))
            else:
                _form_error(form, error)
            status = error.status
        else:
            request.session.pop(SESSION_VERIFICATION, None)
            request.session.pop(SESSION_TOKEN, None)
            messages.success(
                request,
                _("Your account is ready. Sign in with your IIN %(iin)s and the new password.")
                % {"iin": user.username},
            )
            return redirect("account_login")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "step": 3, "names_required": names_required}
    return render(request, "registration/complete.html", context, status=status)


# -- the parent's link requests ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def links(request: HttpRequest) -> HttpResponse:
    """The parent's requests to be linked to children, and a form for a new one."""
    actor = actor_of(request)
    form = LinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.link_request_create(
                actor=actor,
                child_iin=form.cleaned_data["child_iin"],
                kind=form.cleaned_data["kind"],
            )
        except (ValidationError, Conflict, Throttled) as error:
            _form_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Your request has been sent."))
            return redirect("registration:links")
    elif request.method == "POST":
        status = 400
    rows = list(selectors.link_requests_of_parent(actor)[:LIST_LIMIT])
    context = {"form": form, "rows": rows, "section": "links"}
    return render(request, "registration/links.html", context, status=status)


# -- organizations decide ------------------------------------------------------------------------


@require_GET
@login_required
def link_requests(request: HttpRequest) -> HttpResponse:
    """Pending requests about learners enrolled in the staff member's subtree."""
    actor = actor_of(request)
    rows = list(selectors.link_requests_to_decide(actor)[:LIST_LIMIT])
    children = selectors.children_by_iin([row.child_iin for row in rows])
    items = [{"link": row, "child": children.get(row.child_iin)} for row in rows]
    context = {"items": items, "section": "link_requests"}
    return render(request, "registration/link_requests.html", context)


@require_POST
@login_required
def link_request_decide(request: HttpRequest, link_id: UUID) -> HttpResponse:
    """Confirm or reject one request; a request out of scope answers 404 (middleware)."""
    actor = actor_of(request)
    try:
        if request.POST.get("decision") == "confirm":
            services.link_request_confirm(actor=actor, link_request_id=link_id)
            messages.success(request, _("The link is confirmed."))
        else:
            services.link_request_reject(
                actor=actor, link_request_id=link_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The request is rejected."))
    except (ValidationError, Conflict) as error:
        messages.error(request, str(error.message))
    return redirect("registration:link_requests")
