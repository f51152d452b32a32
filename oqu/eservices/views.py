"""Web pages of the e-services (MAP-SVC), under /eservices/: the catalogue, the application form,
my applications and my children's, one application with its history and decisions, and the
inbox of the deciding organization's staff with the overdue ones."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.kernel.errors import DomainError, ValidationError
from oqu.orgs.models import Unit
from oqu.people.models import Person
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import presenters, selectors, services
from .download import file_response

FORECAST_VIEW = "forecast.demand.view"


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _is_staff(actor: Any) -> bool:
    return actor.is_platform_admin or bool(actor.paths_for(selectors.VIEW))


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    language = _language()
    mine = selectors.application_list(actor, mine=True).order_by("-submitted_at")[:200]
    return render(
        request,
        "eservices/index.html",
        {
            "section": "eservices",
            "services": [presenters.service_summary(s, language) for s in selectors.service_list()],
            "mine": [presenters.application_summary(a, language) for a in mine],
            "can_apply": bool(actor.person_id),
            "is_staff": _is_staff(actor),
            "show_forecast": actor.is_platform_admin or bool(actor.paths_for(FORECAST_VIEW)),
        },
    )


def _uploads(request: HttpRequest, service: Any) -> dict[str, list[Any]]:
    codes = [d["code"] for d in service.definition.get("documents", [])]
    return {code: request.FILES.getlist(code) for code in codes if request.FILES.getlist(code)}


def _form_data(request: HttpRequest, service: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in service.definition.get("fields", []):
        code = field["code"]
        if field["type"] == "boolean":
            data[code] = request.POST.get(f"f_{code}") == "on"
        else:
            data[code] = request.POST.get(f"f_{code}", "")
    return data


def _submit(request: HttpRequest, actor: Any, service: Any) -> Any:
    organization = (
        Unit.objects.filter(pk=_uuid(request.POST.get("organization"), "organization_id"))
        .select_related("org_type")
        .first()
    )
    subject = Person.objects.filter(pk=_uuid(request.POST.get("subject"), "subject_id")).first()
    if organization is None or subject is None:
        raise ValidationError(_("Choose the person and the organization."), code="choice_missing")
    return services.application_submit(
        actor=actor,
        service=service,
        organization=organization,
        subject=subject,
        data=_form_data(request, service),
        uploads=_uploads(request, service),
    )


def _uuid(raw: Any, field: str) -> UUID:
    try:
        return UUID(str(raw))
    except ValueError:
        raise ValidationError(
            _("Choose the person and the organization."),
            code="choice_missing",
            fields={field: ["invalid"]},
        ) from None


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    service = selectors.service_get(code)
    language = _language()
    subjects = selectors.subjects_for(actor, service)
    error = None
    if request.method == "POST":
        try:
            application = _submit(request, actor, service)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = exc
        else:
            messages.success(request, _("The application is registered."))
            return redirect("eservices:application", application_id=application.pk)
    chosen = next((p for p in subjects if str(p.pk) == request.GET.get("subject")), None)
    chosen = chosen or (subjects[0] if subjects else None)
    return render(
        request,
        "eservices/apply.html",
        {
            "section": "eservices",
            "service": presenters.service_summary(service, language),
            "subjects": [(p, p.full_name(language)) for p in subjects],
            "chosen": chosen,
            "organizations": selectors.deciding_organizations(
                service, chosen, request.GET.get("q", "")
            ),
            "search": request.GET.get("q", ""),
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )


@require_GET
@login_required
def application(request: HttpRequest, application_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.application_get(actor, application_id)
    return render(
        request,
        "eservices/application.html",
        {
            "section": "eservices",
            "application": presenters.application_detail(found, actor, _language()),
        },
    )


@require_POST
@login_required
def transition(request: HttpRequest, application_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.application_get(actor, application_id)
    try:
        services.application_transition(
            actor=actor,
            application=found,
            transition=request.POST.get("transition", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The decision is recorded and the applicant notified."))
    return redirect("eservices:application", application_id=found.pk)


@require_GET
@login_required
def document(request: HttpRequest, document_id: UUID) -> HttpResponse:
    return file_response(selectors.document_get(actor_of(request), document_id))


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The applications addressed to the organizations the staff member oversees."""
    actor = actor_of(request)
    if not _is_staff(actor):
        from oqu.kernel.errors import Forbidden

        raise Forbidden()
    language = _language()
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status") or None
    service = request.GET.get("service") or None
    qs = selectors.application_list(actor, status=status, service=service, overdue=overdue).filter(
        selectors.staff_filter(actor)
    )
    rows = qs.order_by("deadline", "-submitted_at")[:300]
    return render(
        request,
        "eservices/inbox.html",
        {
            "section": "eservices",
            "rows": [presenters.application_summary(a, language) for a in rows],
            "services": [(s.code, s.name(language)) for s in selectors.service_list()],
            "overdue": overdue,
            "status": status or "",
            "service": service or "",
        },
    )
