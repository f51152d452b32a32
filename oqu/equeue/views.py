"""Web pages of the preschool queue (MAP-QUEUE): the parent's applications and directions, the
district's places, runs and priorities, and the preschool's directions to enrol."""

from __future__ import annotations

import base64
import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError
from oqu.orgs.models import Unit
from oqu.pki import software_signer
from oqu.preschool.models import AgeGroup
from oqu.preschool.selectors import GROUP_VIEW, groups_with_places
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .forms import GROUNDS, ApplyForm, ChildForm, ExtendForm, PriorityForm, PublishForm
from .models import Application, Direction

LIST_LIMIT = 200
REASONS = {
    "extraordinary": gettext_lazy("an extraordinary priority stands before everyone"),
    "priority_slot": gettext_lazy(
        "a first-priority applicant on a place reserved for first priority"
    ),
    "earlier": gettext_lazy("applied earlier"),
    "lottery": gettext_lazy("applied at the same moment; the seeded lottery decided"),
    "other": gettext_lazy("stood higher for this place"),
}


def _form_error(form: Any, error: DomainError) -> None:
    named = [name for name in error.fields if name in form.fields]
    for name in named:
        form.add_error(name, str(error.message))
    if not named:
        form.add_error(None, str(error.message))


def _staff_districts(actor: scope.Actor) -> list[Unit]:
    qs = Unit.objects.filter(kind=Unit.Kind.DISTRICT)
    return list(scope.visible(actor, services.RUN, qs, via="path").order_by("name")[:LIST_LIMIT])


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The parent's applications; for district staff also the queue of their territory."""
    actor = actor_of(request)
    mine = list(selectors.my_applications(actor)[:LIST_LIMIT])
    territory = []
    if actor.paths_for(services.VIEW) or actor.is_platform_admin:
        territory = list(
            selectors.application_list(actor, status=request.GET.get("status") or None).exclude(
                applicant_id=actor.person_id
            )[:LIST_LIMIT]
        )
    context = {
        "mine": mine,
        "territory": territory,
        "can_apply": actor.relation_can(scope.PARENT_ROLE, services.APPLY),
        "is_district": bool(actor.paths_for(services.RUN)) or actor.is_platform_admin,
        "is_preschool": bool(actor.paths_for(services.ENROL)),
        "statuses": Application.Status.choices,
        "section": "equeue",
    }
    return render(request, "equeue/index.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """Step 1: the child's IIN (the register gives the district); step 2: choices and priority."""
    actor = actor_of(request)
    source = request.POST if request.method == "POST" else request.GET
    child_form = ChildForm(source or None)
    if not child_form.is_bound or not child_form.is_valid():
        return render(request, "equeue/apply.html", {"child_form": child_form, "section": "equeue"})
    iin = child_form.cleaned_data["child_iin"]
    try:
        parent = services._parent_of(actor)
        answer = services.ask_register(parent, iin)
        address = answer.child.address
        district = services.district_for_kato(address.kato) if address else None
    except DomainError as error:
        _form_error(child_form, error)
        return render(
            request,
            "equeue/apply.html",
            {"child_form": child_form, "section": "equeue"},
            status=error.status,
        )
    preschools = (
        list(
            Unit.objects.filter(
                path__startswith=district.path,
                kind=Unit.Kind.ORGANIZATION,
                org_type__code="preschool",
                status=Unit.Status.ACTIVE,
            ).order_by("name")[:LIST_LIMIT]
        )
        if district
        else []
    )
    form = ApplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        preschools=preschools,
        initial={"child_iin": iin},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                actor=actor,
                child_iin=iin,
                preschool_ids=form.preschool_ids(),
                desired_date=data["desired_date"],
                language=data["language"],
                category=data["category"],
                category_ground=data["category_ground"],
                documents=data["documents"],
            )
        except DomainError as error:
            _form_error(form, error)
            status = error.status
        else:
            messages.success(request, _("The child is in the queue."))
            return redirect("equeue:application", application.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "child_form": child_form,
        "form": form,
        "child": answer.child,
        "child_iin": iin,
        "district": district,
        "grounds": GROUNDS,
        "section": "equeue",
    }
    return render(request, "equeue/apply.html", context, status=status)


@require_GET
@login_required
def application(request: HttpRequest, application_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.application_get(actor, application_id)
    explain_id = request.GET.get("explain")
    explanation = None
    if explain_id:
        try:
            explain_uuid = UUID(explain_id)
        except ValueError:
            explain_uuid = None
        if explain_uuid and item.preferences.filter(preschool_id=explain_uuid).exists():
            explanation = selectors.explain(item, explain_uuid)
    staff = Application.objects.filter(
        scope.path_filter(actor, services.VIEW, "organization__path"), pk=item.pk
    ).exists()
    context = {
        "item": item,
        "positions": selectors.positions(item),
        "history": list(item.history.all()),
        "directions": list(selectors.directions_of(item)),
        "flags": list(item.flags.all()) if staff else [],
        "documents": list(item.documents.all()) if staff else [],
        "stop_until": selectors.stop_until(item),
        "is_own": item.applicant_id == actor.person_id,
        "explanation": explanation,
        "reasons": REASONS,
        "today": timezone.localdate(),
        "section": "equeue",
    }
    return render(request, "equeue/application.html", context)


@require_POST
@login_required
def direction_answer(request: HttpRequest, direction_id: UUID) -> HttpResponse:
    """Decline with a confirmation; accepting is signed on its own page."""
    actor = actor_of(request)
    direction = selectors.direction_get_for_parent(actor, direction_id)
    if request.POST.get("answer") == "accept":
        return redirect("equeue:accept", direction.pk)
    try:
        services.direction_decline(actor=actor, direction=direction)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("equeue:application", direction.application_id)


@require_http_methods(["GET", "POST"])
@login_required
def direction_accept(request: HttpRequest, direction_id: UUID) -> HttpResponse:
    """The statement of acceptance, signed in the browser (NCALayer, or the software signer
    outside production) and checked on the server as the applicant's signature."""
    actor = actor_of(request)
    direction = selectors.direction_get_for_parent(actor, direction_id)
    error, outcome, status = "", "", 200
    if request.method == "POST":
        try:
            services.direction_accept(
                actor=actor,
                direction=direction,
                signature=(request.POST.get("signature_text") or "").strip().encode(),
            )
        except DomainError as problem:
            error, status = str(problem.message), problem.status
            outcome = (problem.fields.get("signature") or [""])[0]
        else:
            messages.success(request, _("The place is accepted with your signature."))
            return redirect("equeue:application", direction.application_id)
    statement = services.acceptance_statement(direction)
    context = {
        "direction": direction,
        "statement": json.dumps(json.loads(statement), ensure_ascii=False, indent=2),
        "statement_base64": base64.b64encode(statement).decode(),
        "answerable": direction.status == Direction.Status.ISSUED,
        "software_signer": software_signer.enabled(),
        "error": error,
        "outcome": outcome,
        "section": "equeue",
    }
    return render(request, "equeue/accept.html", context, status=status)


@require_POST
@login_required
def direction_extend(request: HttpRequest, direction_id: UUID) -> HttpResponse:
    """The parent asks for more time to enrol the child, with a reason."""
    actor = actor_of(request)
    direction = selectors.direction_get_for_parent(actor, direction_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new day and the reason."))
        return redirect("equeue:application", direction.application_id)
    try:
        services.direction_extend(
            actor=actor,
            direction=direction,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The term to enrol the child is extended."))
    return redirect("equeue:application", direction.application_id)


# -- district staff ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def district(request: HttpRequest) -> HttpResponse:
    """Publish places, run the allocation, confirm priorities."""
    actor = actor_of(request)
    if request.method == "POST":
        _district_post(request, actor)
        return redirect("equeue:district")
    groups = groups_with_places(
        scope.visible(actor, services.RUN, AgeGroup.objects.select_related("organization"))
    ).filter(is_active=True)
    context = {
        "districts": _staff_districts(actor),
        "groups": list(groups.order_by("organization__name", "kind", "name")[:LIST_LIMIT]),
        "runs": list(selectors.runs_of(actor)[:20]),
        "pending": list(selectors.pending_priorities(actor)[:LIST_LIMIT]),
        "section": "equeue",
    }
    return render(request, "equeue/district.html", context)


def _district_post(request: HttpRequest, actor: scope.Actor) -> None:
    action = request.POST.get("action")
    try:
        if action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the number of places."))
                return
            groups = scope.visible(actor, GROUP_VIEW, AgeGroup.objects.all())
            group = scope.get_in(groups, form.cleaned_data["group"], actor, GROUP_VIEW)
            services.places_publish(actor=actor, group=group, places=form.cleaned_data["places"])
            messages.success(request, _("The places are published."))
        elif action == "run":
            districts = scope.visible(actor, services.RUN, Unit.objects.all(), via="path")
            unit = scope.get_in(districts, request.POST.get("district"), actor, services.RUN)
            run = services.allocation_run(actor=actor, district=unit)
            messages.success(
                request,
                _("Allocation done: %(n)s of %(m)s places assigned.")
                % {"n": run.assigned, "m": run.places},
            )
        elif action == "priority":
            form = PriorityForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose confirm or reject."))
                return
            direction = selectors.direction_get_for_staff(actor, request.POST.get("direction"))
            services.priority_decide(
                actor=actor,
                direction=direction,
                confirmed=form.cleaned_data["confirmed"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The decision is recorded."))
    except DomainError as error:
        messages.error(request, str(error.message))
    except (ValueError, TypeError, DjangoValidationError):
        messages.error(request, _("The request is not valid."))


@require_GET
@login_required
def run(request: HttpRequest, run_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.run_get(actor, run_id)
    full = type(item).objects.get(pk=item.pk)
    context = {
        "run": item,
        "reproduced": services.run_verify(full),
        "directions": list(
            item.directions.select_related("group", "preschool").order_by(
                "preschool__name", "group__name", "sequence"
            )[:1000]
        ),
        "section": "equeue",
    }
    return render(request, "equeue/run.html", context)


# -- preschool heads -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def directions(request: HttpRequest) -> HttpResponse:
    """Directions to the actor's preschools; accepted ones can be enrolled."""
    actor = actor_of(request)
    if request.method == "POST":
        try:
            direction = selectors.direction_get_for_staff(actor, request.POST.get("direction"))
            services.direction_enrol(actor=actor, direction=direction)
        except DomainError as error:
            messages.error(request, str(error.message))
        except (ValueError, TypeError, DjangoValidationError):
            messages.error(request, _("The request is not valid."))
        else:
            messages.success(request, _("The child is enrolled in the group."))
        return redirect("equeue:directions")
    rows = list(selectors.directions_to_preschools(actor)[:LIST_LIMIT])
    context = {"rows": rows, "section": "equeue", "accepted": Direction.Status.ACCEPTED}
    return render(request, "equeue/directions.html", context)
