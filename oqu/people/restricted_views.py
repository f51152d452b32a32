"""Web pages of restricted personal data on the person card (G-5.16, G-10).

Opening the data is a journaled read, so the card only links to it; the page opens and shows it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import restricted_services as services
from . import selectors
from .models import RestrictedRecord
from .restricted import MANAGE

# The entries the web form writes; the API may use other names.
FORM_FIELDS = {
    "description": gettext_lazy("Description"),
    "measures": gettext_lazy("Measures and recommendations"),
}


def units_where(actor: Any, action: str, person: Any) -> list[Any]:
    """The person's organizations where the actor holds `action`."""
    return [u for u in scope.person_units(person) if actor.can_at(action, u.path)]


def _page(request: HttpRequest, person: Any, opened: list[Any], status: int = 200) -> HttpResponse:
    actor = actor_of(request)
    context = {
        "section": "people",
        "person": person,
        "records": [
            {
                "record": item.record,
                "entries": [
                    (FORM_FIELDS.get(key, key), value) for key, value in item.payload.items()
                ],
            }
            for item in opened
        ],
        "manage_units": units_where(actor, MANAGE, person),
        "manageable": {
            item.record.pk for item in opened if actor.can_at(MANAGE, item.record.organization.path)
        },
        "categories": RestrictedRecord.Category.choices,
        "form_fields": FORM_FIELDS,
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "people/restricted.html", context, status=status)


@require_GET
@login_required
def restricted_page(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """The person's restricted data in the user's scope (integrity checked, read journaled)."""
    actor = actor_of(request)
    person = selectors.person_get(actor, person_id)
    return _page(request, person, services.restricted_read(actor=actor, person=person))


@require_POST
@login_required
def restricted_add(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_get(actor, person_id)
    organization = next(
        (u for u in scope.person_units(person) if str(u.pk) == request.POST.get("organization")),
        None,
    )
    payload = {key: request.POST.get(key, "") for key in FORM_FIELDS}
    try:
        if organization is None:
            raise scope.not_found(actor, MANAGE, "orgs.unit", request.POST.get("organization"))
        services.restricted_create(
            actor=actor,
            person=person,
            organization=organization,
            category=request.POST.get("category", ""),
            payload={k: v for k, v in payload.items() if v.strip()} or payload,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return _page(
            request, person, services.restricted_read(actor=actor, person=person), status=400
        )
    messages.success(request, _("The restricted record has been saved."))
    return redirect("people_restricted:page", person_id=person.pk)


@require_POST
@login_required
def restricted_remove(request: HttpRequest, person_id: UUID, record_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_get(actor, person_id)
    record = selectors.restricted_get(actor, person, record_id)
    services.restricted_delete(actor=actor, record=record)
    messages.success(request, _("The restricted record has been deleted."))
    return redirect("people_restricted:page", person_id=person.pk)
