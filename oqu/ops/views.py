"""The integrity checks page (G-5.17): the runs, their differences, and a "check now" button."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .models import IntegrityCheck

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@login_required
def integrity_checks(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        check = services.integrity_check_run(trigger=IntegrityCheck.Trigger.WEB, actor=actor)
        if check.ok:
            messages.success(request, _("The installed files match the manifest."))
        else:
            messages.error(request, _("The integrity check failed: see the differences below."))
        return redirect("ops:integrity")
    failed_only = request.GET.get("failed") == "1"
    checks = selectors.integrity_check_list(actor, failed_only=failed_only)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ops/integrity_checks.html",
        {
            "page": page,
            "failed_only": failed_only,
            "can_run": selectors.can_run(actor),
            "section": "integrity",
        },
    )
