"""Account pages (G-5.7, G-5.9): the administrator's list and card, creation from a person's card,
the user's own password change (also the first-login page) and invitation links.

Thin views: they parse forms, call the scoped selectors and the services, and render. Out of
scope → 404, missing capability → 403 (raised by the access layer, rendered and journaled by the
web middleware). First credentials are rendered once in the response to the POST, never stored.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, Forbidden
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import guards, selectors, services
from .forms import (
    AccountChangeForm,
    AccountCreateForm,
    BlockForm,
    InvitationForm,
    PasswordChangeForm,
    ResetForm,
)
from .permissions import VIEW

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
STATUS_FILTERS = ("", "active", "blocked")


def _require_accounts_page(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not selectors.may_view_accounts(actor):
        error = Forbidden()
        error.denial = scope.Denial(actor, VIEW, "identity.user", "", "missing_capability")  # type: ignore[attr-defined]
        raise error
    return actor


def _form_error(form: Any, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to its field, or above the form.

    Out of scope and forbidden stay 404/403 pages (journaled by the web middleware).
    """
    if error.status in (403, 404):
        raise error
    names = [(field_map or {}).get(name, name) for name in error.fields]
    names = [name for name in names if name in form.fields]
    form.add_error(names[0] if names else None, str(error.message))


def _credentials_page(
    request: HttpRequest, issued: services.Credentials, title: str
) -> HttpResponse:
    url = ""
    if issued.invitation_token:
        url = request.build_absolute_uri(
            reverse("identity:invitation", args=[issued.invitation_token])
        )
    response = render(
        request,
        "identity/credentials.html",
        {"section": "accounts", "issued": issued, "invitation_url": url, "title": title},
    )
    response["Cache-Control"] = "no-store"
    return response


# -- the administrator's pages ----------------------------------------------------------------


@require_GET
@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts in the administrator's scope: search by login, IIN or name; active or blocked."""
    actor = _require_accounts_page(request)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    found = selectors.account_list(actor, search=query, status=status).order_by("username")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identity/accounts.html",
        {"section": "accounts", "query": query, "status": status, "page": page},
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def account_create(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """Create the account of a person (from the person's card)."""
    actor = actor_of(request)
    person = selectors.person_for_account(actor, person_id)
    existing = selectors.account_of_person(actor, person)
    if existing is not None:
        return redirect("identity:account", existing.pk)
    guards.require_over_person(actor, services.MANAGE, person)
    form = AccountCreateForm(request.POST or None, initial={"language": "kk"})
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.account_create(actor=actor, person=person, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error, {"person_id": "username"})
        else:
            return _credentials_page(request, issued, _("The account has been created"))
    return render(
        request,
        "identity/account_create.html",
        {"section": "accounts", "person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _card_context(actor: Any, account: Any, **forms: Any) -> dict[str, Any]:
    return {
        "section": "accounts",
        "account": account,
        "grants": selectors.active_grants(account),
        "can_manage": guards.may_manage(actor, account),
        "is_self": actor.user.pk == account.pk,
        "edit_form": forms.get("edit_form")
        or AccountChangeForm(
            initial={
                "username": account.username,
                "email": account.email,
                "language": account.language,
            }
        ),
        "block_form": forms.get("block_form") or BlockForm(),
        "reset_form": forms.get("reset_form") or ResetForm(),
    }


@require_GET
@login_required
def account_detail(request: HttpRequest, account_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account_get(actor, account_id)
    return render(request, "identity/account.html", _card_context(actor, account))


@require_POST
@login_required
def account_edit(request: HttpRequest, account_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account_get(actor, account_id)
    form = AccountChangeForm(request.POST)
    if form.is_valid():
        try:
            services.account_change(actor=actor, account=account, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The account has been changed."))
            return redirect("identity:account", account.pk)
    account.refresh_from_db()
    return render(
        request, "identity/account.html", _card_context(actor, account, edit_form=form), status=400
    )


def _simple_action(request: HttpRequest, account_id: UUID, act: Any, done: str) -> Any:
    """Run an action of the card; a refusal becomes a message, never a server error."""
    actor = actor_of(request)
    account = selectors.account_get(actor, account_id)
    try:
        act(actor, account)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return account


@require_POST
@login_required
def account_block(request: HttpRequest, account_id: UUID) -> HttpResponse:
    form = BlockForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    account = _simple_action(
        request,
        account_id,
        lambda actor, acc: services.account_block(actor=actor, account=acc, reason=reason),
        _("The account has been blocked; its sessions and API tokens have ended."),
    )
    return redirect("identity:account", account.pk)


@require_POST
@login_required
def account_unblock(request: HttpRequest, account_id: UUID) -> HttpResponse:
    account = _simple_action(
        request,
        account_id,
        lambda actor, acc: services.account_unblock(actor=actor, account=acc),
        _("The account has been unblocked."),
    )
    return redirect("identity:account", account.pk)


@require_POST
@login_required
def account_delete(request: HttpRequest, account_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account_get(actor, account_id)
    try:
        services.account_delete(actor=actor, account=account)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("identity:account", account.pk)
    messages.success(
        request, _("The account has been deleted. The person and their records are kept.")
    )
    return redirect("identity:accounts")


@require_POST
@login_required
@never_cache
def account_reset(request: HttpRequest, account_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    account = selectors.account_get(actor, account_id)
    form = ResetForm(request.POST)
    method = form.cleaned_data["method"] if form.is_valid() else "password"
    try:
        issued = services.account_password_reset(actor=actor, account=account, method=method)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("identity:account", account.pk)
    return _credentials_page(request, issued, _("The password has been reset"))


# -- the user's own password ------------------------------------------------------------------

PASSWORD_FIELDS = {"current_password": "oldpassword", "new_password": "password1"}


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the only page open until a one-time password is replaced."""
    user: Any = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                current_password=form.cleaned_data["oldpassword"],
                new_password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            _form_error(form, error, PASSWORD_FIELDS)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("web:home")
    return render(
        request,
        "identity/password_change.html",
        {"form": form, "required": user.must_change_password},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Set the first password from an invitation link, then sign in with it."""
    try:
        pending = services.invitation_for_token(token)
    except DomainError as error:
        return render(request, "error.html", {"status": 400, "message": error.message}, status=400)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, new_password=form.cleaned_data["password1"])
        except DomainError as error:
            _form_error(form, error, PASSWORD_FIELDS)
        else:
            messages.success(request, _("Your password has been set. Sign in with it."))
            return redirect("account_login")
    response = render(
        request,
        "identity/invitation.html",
        {"form": form, "account": pending.user},
        status=400 if form.is_bound and form.errors else 200,
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response
