"""The DBMS-event journal page (G-5.14), for the platform administrator: filter and page."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import dbms_selectors
from .dbms_models import DbmsEvent

PAGE_SIZE = 50


class DbmsEventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("All events")), *DbmsEvent.Kind.choices],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(
        label=_("Database user"), required=False, max_length=dbms_selectors.USER_MAX_LENGTH
    )


@require_GET
@login_required
def dbms_events(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = DbmsEventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = dbms_selectors.dbms_event_list(
        actor,
        kind=filters.get("kind") or None,
        since=filters.get("since"),
        until=filters.get("until"),
        db_user=filters.get("user") or None,
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/dbms_events.html",
        {"form": form, "page": page, "section": "dbms_events"},
    )
