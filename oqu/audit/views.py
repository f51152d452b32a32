"""Web pages of the security journals: failed sign-ins and accesses with the sign-in locks
(G-5.12), and the security events (G-5.20). Thin: scoped selectors and services do the work."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.apikit import paginate
from oqu.kernel.errors import DomainError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import journal, selectors, services
from .forms import EVENT_KINDS, SIGN_IN_REASONS, FailedAccessFilterForm, SecurityEventFilterForm

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: Any, order_field: str = "-at") -> dict[str, Any]:
    """A keyset page: the same cost at any depth, like the API's lists."""
    return paginate(
        rows, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE, order_field=order_field
    )


@require_GET
@login_required
def failed_access(request: HttpRequest) -> HttpResponse:
    """Failed sign-ins and refused accesses in the administrator's scope, with active locks."""
    actor = actor_of(request)
    form = FailedAccessFilterForm(request.GET or None)
    rows = selectors.failed_access_list(actor, **form.filters())
    locks = list(selectors.sign_in_lock_list(actor, active_only=True)[:100])
    return render(
        request,
        "audit/failed_access.html",
        {
            "section": "security",
            "form": form,
            "page": _page(request, rows),
            "locks": locks,
            "can_release": selectors.can_release_locks(actor),
            "reasons": dict(SIGN_IN_REASONS),
        },
    )


@require_GET
@login_required
def security_events(request: HttpRequest) -> HttpResponse:
    """Security events in one place (lockouts, grants, integrity failures, admin sign-ins)."""
    actor = actor_of(request)
    form = SecurityEventFilterForm(request.GET or None)
    rows = selectors.security_event_list(actor, **form.filters())
    return render(
        request,
        "audit/security_events.html",
        {
            "section": "security",
            "form": form,
            "page": _page(request, rows),
            "kinds": dict(EVENT_KINDS),
        },
    )


@require_POST
@login_required
def lock_release(request: HttpRequest, lock_id: UUID) -> HttpResponse:
    """Release a sign-in lock early; refusals are a message, never a server error."""
    actor = actor_of(request)
    lock = selectors.sign_in_lock_get(actor, lock_id)
    try:
        services.sign_in_lock_release(actor=actor, lock=lock)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        journal.record_denial(error, status=error.status)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The sign-in lock has been released."))
    return redirect("audit:failed_access")
