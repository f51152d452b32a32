"""Web pages of the child's passport (MAP-PASS), under /passport/."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import presenters, selectors


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    children = selectors.my_children(actor_of(request))
    language = _language()
    return render(
        request,
        "passport/index.html",
        {"section": "passport", "children": [(c, c.full_name(language)) for c in children]},
    )


@require_GET
@login_required
def child(request: HttpRequest, person_id: UUID) -> HttpResponse:
    passport = selectors.child_passport(actor_of(request), person_id)
    return render(
        request,
        "passport/child.html",
        {
            "section": "passport",
            "passport": presenters.passport_data(passport, _language()),
            "read_by_staff": passport.read_by_staff,
        },
    )
