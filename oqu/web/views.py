"""The web interface: hierarchy tree, organization card, people, grants, language (G-17, G-5.10).

Views are thin: they parse the request, call the apps' scoped selectors and services, and render.
Domain errors raised here become the translated 403/404 pages in `middleware.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from oqu.access import scope
from oqu.access.selectors import grant_get, grant_history, grant_list
from oqu.access.services import grant_create, grant_revoke
from oqu.audit import journal
from oqu.identity.adapters import set_language_cookie
from oqu.kernel.errors import DomainError, Forbidden
from oqu.orgs.selectors import unit_get
from oqu.people.selectors import (
    children_of,
    employment_list,
    enrolment_list,
    guardianship_list,
    person_get,
    person_list,
)

from . import selectors
from .actor import actor_of
from .forms import GrantForm, unit_choices
from .services import user_language_set

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100


def login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to the login page (HTMX requests: a full-page redirect)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _name_order(prefix: str = "") -> list[str]:
    language = selectors.current_language()
    return [f"{prefix}last_name_{language}", f"{prefix}first_name_{language}", f"{prefix}iin"]


# -- language ---------------------------------------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in the cookie (G-17)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return render(
            request,
            "error.html",
            {"status": 400, "message": _("This language is not available.")},
            status=400,
        )
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response = redirect(_safe_next(request, reverse("web:home")))
    set_language_cookie(response, language)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page shown when a form's security token is missing or expired (CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


# -- hierarchy --------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The part of the hierarchy the user may see, opened down to their own units."""
    actor = actor_of(request)
    return render(
        request,
        "web/home.html",
        {
            "section": "home",
            "nodes": selectors.tree_home(actor),
            "children": list(children_of(actor)) if actor.person_id else [],
        },
    )


@require_GET
@login_required
def tree_node(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """The children of one node: a fragment for HTMX, a page of its own without JavaScript."""
    actor = actor_of(request)
    unit = selectors.tree_node_get(actor, unit_id)
    nodes = selectors.tree_branch(actor, unit)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/_tree_nodes.html", {"nodes": nodes})
    return render(
        request,
        "web/tree.html",
        {
            "section": "home",
            "unit": unit,
            "nodes": nodes,
            "ancestors": selectors.ancestors(actor, unit),
            "openable": actor.can_at("orgs.unit.view", unit.path),
        },
    )


@require_GET
@login_required
def org_card(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """An organization's card: attributes, staff and learners by grade."""
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    grades, learners_total = selectors.learner_rows(unit)
    staff = employment_list(actor, organization=unit).order_by(*_name_order("person__"))
    return render(
        request,
        "web/org_card.html",
        {
            "section": "home",
            "unit": unit,
            "ancestors": selectors.ancestors(actor, unit),
            "instruction_languages": selectors.instruction_languages(unit),
            "attributes": selectors.attribute_rows(unit),
            "staff": list(staff),
            "grades": grades,
            "learners_total": learners_total,
            "can_grant": actor.can_at(selectors.GRANT_MANAGE, unit.path),
        },
    )


# -- people -----------------------------------------------------------------------------------


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except (TypeError, ValueError):
        return None


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Find a person by IIN prefix or name among the people the user may see (G-5.10)."""
    actor = actor_of(request)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    organization = None
    org_param = request.GET.get("org", "")
    if org_param:
        org_id = _uuid_or_none(org_param)
        if org_id is None:
            raise scope.not_found(actor, "orgs.unit.view", "orgs.unit", org_param)
        organization = unit_get(actor, org_id)
    page = None
    if query or organization is not None:
        found = person_list(actor, search=query, organization=organization).order_by(*_name_order())
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"section": "people", "query": query, "organization": organization, "page": page}
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, "web/_people_results.html", context)
    return render(request, "web/people.html", context)


@require_GET
@login_required
def person_detail(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """A person with their enrolments, employments and guardians, as far as the user may see."""
    actor = actor_of(request)
    person = person_get(actor, person_id)
    enrolments = list(enrolment_list(actor, person=person, active_only=False))
    employments = list(employment_list(actor, person=person, active_only=False))
    guardians = list(guardianship_list(actor, child=person))
    wards = list(guardianship_list(actor, guardian=person))
    relatives = {g.guardian_id for g in guardians} | {w.child_id for w in wards}
    return render(
        request,
        "web/person.html",
        {
            "section": "people",
            "person": person,
            "enrolments": enrolments,
            "employments": employments,
            "guardians": guardians,
            "wards": wards,
            # Pages and cards are linked only where the user may open them (a parent sees the
            # enrolment, not the school's card; a teacher sees a learner, not always the parent).
            "card_ids": {
                item.organization_id
                for item in [*enrolments, *employments]
                if actor.can_at("orgs.unit.view", item.organization.path)
            },
            "person_ids": set(
                person_list(actor).filter(pk__in=relatives).values_list("pk", flat=True)
            ),
        },
    )


# -- grants -----------------------------------------------------------------------------------


def _forbidden(actor: Any, action: str) -> Forbidden:
    """A 403 for a page the actor holds no capability for anywhere, ready to journal."""
    error = Forbidden()
    error.denial = scope.Denial(actor, action, "access.grant", "", "missing_capability")  # type: ignore[attr-defined]
    return error


def _require_grants_page(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not (selectors.sees_grants(actor) or selectors.manages_grants(actor)):
        raise _forbidden(actor, selectors.GRANT_VIEW)
    return actor


def _service_error_to_form(form: GrantForm, error: DomainError) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    names = [name for name in error.fields if name in form.fields]
    form.add_error(names[0] if names else None, str(error.message))


@require_http_methods(["GET", "POST"])
@login_required
def grants(request: HttpRequest) -> HttpResponse:
    """Grants on the units in the user's scope, and the form to give a role (G-5.8)."""
    actor = _require_grants_page(request)
    form = None
    if selectors.manages_grants(actor):
        if request.method == "POST":
            form = GrantForm(request.POST, actor=actor)
            if form.is_valid():
                valid_from, valid_to = form.period()
                try:
                    grant_create(
                        actor=actor,
                        user=form.cleaned_data["user"],
                        role=form.cleaned_data["role"],
                        unit=form.cleaned_data["unit"],
                        valid_from=valid_from,
                        valid_to=valid_to,
                    )
                except DomainError as error:
                    journal.record_denial(error, status=error.status)
                    _service_error_to_form(form, error)
                else:
                    messages.success(request, _("The role has been given."))
                    return redirect("web:grants")
        else:
            form = GrantForm(
                actor=actor,
                unit_search=request.GET.get("unit_q", "")[:SEARCH_MAX_LENGTH],
                initial={"unit": request.GET.get("unit", "")},
            )
    elif request.method == "POST":
        raise _forbidden(actor, selectors.GRANT_MANAGE)
    active_only = request.GET.get("all") != "1"
    listed = grant_list(actor, active_only=active_only).select_related("user__person")
    page = Paginator(listed.order_by("unit__path", "-valid_from"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/grants.html",
        {
            "section": "grants",
            "form": form,
            "page": page,
            "rows": selectors.grant_rows(actor, list(page.object_list)),
            "active_only": active_only,
            "unit_q": request.GET.get("unit_q", "")[:SEARCH_MAX_LENGTH],
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@require_GET
@login_required
def grant_units(request: HttpRequest) -> HttpResponse:
    """The options of the unit list in the grant form, filtered by name or BIN (HTMX)."""
    actor = _require_grants_page(request)
    choices = unit_choices(
        actor,
        search=request.GET.get("unit_q", "")[:SEARCH_MAX_LENGTH],
        selected=request.GET.get("unit", ""),
    )
    return render(
        request,
        "web/_unit_options.html",
        {"choices": choices, "selected": request.GET.get("unit", "")},
    )


@require_GET
@login_required
def grant_detail(request: HttpRequest, grant_id: UUID) -> HttpResponse:
    """One grant and who changed it when."""
    actor = actor_of(request)
    grant = grant_get(actor, grant_id)
    row = selectors.grant_rows(actor, [grant])[0]
    return render(
        request,
        "web/grant.html",
        {"section": "grants", "row": row, "grant": grant, "history": grant_history(grant)},
    )


@require_POST
@login_required
def grant_revoke_view(request: HttpRequest, grant_id: UUID) -> HttpResponse:
    """End a grant now; refusals are shown as a message, never as a server error."""
    actor = actor_of(request)
    grant = grant_get(actor, grant_id)
    try:
        grant_revoke(actor=actor, grant=grant)
    except DomainError as error:
        journal.record_denial(error, status=error.status)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The role has been withdrawn."))
    return redirect(_safe_next(request, reverse("web:grant", args=[grant.pk])))
