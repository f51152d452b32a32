"""Web pages of the learner's and the parent's cabinet (SEC-27.1, R503-12), under /cabinet/.

One page per tab — today, the week, marks, attendance, homework, period marks, documents — for
one learner named in the URL; a parent switches children from the bar on top, staying on the tab.
Date navigation swaps the day in place with HTMX. Thin: the selectors read and check access.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import lessons, selectors, services

TABS = (
    ("today", "cabinet:today"),
    ("week", "cabinet:week"),
    ("marks", "cabinet:marks"),
    ("period_marks", "cabinet:period_marks"),
    ("attendance", "cabinet:attendance"),
    ("homework", "cabinet:homework"),
    ("documents", "cabinet:documents"),
)


def _on(request: HttpRequest) -> dt.date:
    """The date asked for in `?date=`, today when absent or not a date."""
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _page(request: HttpRequest, person_id: UUID, tab: str, data: Any, **extra: Any) -> HttpResponse:
    actor = actor_of(request)
    context = {
        "section": "cabinet",
        "tab": tab,
        "tab_url": dict(TABS)[tab],
        "people": selectors.cabinet_people_rows(actor, timezone.localdate()),
        "person_id": person_id,
        "data": data,
        "unread": selectors.unread_count(request.user),
        **extra,
    }
    return render(request, f"cabinet/{tab}.html", context)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The learner goes straight to today; a parent of one child too; of several, picks one."""
    people = selectors.cabinet_people_rows(actor_of(request), timezone.localdate())
    if len(people) == 1:
        return redirect("cabinet:today", people[0]["id"])
    return render(request, "cabinet/index.html", {"section": "cabinet", "people": people})


@require_GET
@login_required
def today(request: HttpRequest, person_id: UUID) -> HttpResponse:
    on = _on(request)
    data = selectors.today_of(actor_of(request), person_id, on)
    days = {"previous": on - dt.timedelta(days=1), "next": on + dt.timedelta(days=1)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cabinet/_day.html", {"data": data, "person_id": person_id, **days})
    return _page(request, person_id, "today", data, **days)


@require_GET
@login_required
def week(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = selectors.cabinet_person(actor_of(request), person_id)
    on = _on(request)
    data = selectors.week(person, on)
    return _page(
        request,
        person_id,
        "week",
        data,
        previous=on - dt.timedelta(days=7),
        next=on + dt.timedelta(days=7),
    )


@require_GET
@login_required
def marks(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = selectors.cabinet_person(actor_of(request), person_id)
    return _page(request, person_id, "marks", selectors.marks(person, _on(request)))


@require_GET
@login_required
def period_marks(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = selectors.cabinet_person(actor_of(request), person_id)
    return _page(request, person_id, "period_marks", selectors.period_marks(person, _on(request)))


@require_GET
@login_required
def attendance(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = selectors.cabinet_person(actor_of(request), person_id)
    return _page(request, person_id, "attendance", selectors.attendance(person, _on(request)))


@require_GET
@login_required
def homework(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = selectors.cabinet_person(actor_of(request), person_id)
    return _page(request, person_id, "homework", selectors.homework(person, _on(request)))


@require_GET
@login_required
def documents(request: HttpRequest, person_id: UUID) -> HttpResponse:
    who = actor_of(request)
    person = selectors.cabinet_person(who, person_id)
    data = selectors.documents(person, timezone.localdate(), who)
    return _page(request, person_id, "documents", data)


@require_GET
@login_required
def lesson(request: HttpRequest, person_id: UUID, lesson_id: UUID) -> HttpResponse:
    """One lesson of the learner: its conference link, recording and announcements."""
    who = actor_of(request)
    person = selectors.cabinet_person(who, person_id)
    data = lessons.lesson_view(who, person, lesson_id)
    context = {
        "section": "cabinet",
        "tab": "today",
        "tab_url": "cabinet:today",
        "people": selectors.cabinet_people_rows(who, timezone.localdate()),
        "person_id": person_id,
        "data": data,
        "unread": selectors.unread_count(request.user),
    }
    return render(request, "cabinet/lesson.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The user's own choice of notices: new marks, absences, and an e-mail copy."""
    if request.method == "POST":
        services.preference_set(
            user=request.user,
            marks=request.POST.get("marks") == "on",
            absences=request.POST.get("absences") == "on",
            by_email=request.POST.get("by_email") == "on",
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("cabinet:settings")
    return render(
        request,
        "cabinet/settings.html",
        {"section": "cabinet", "preference": selectors.preference_of(request.user)},
    )


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; unread ones can be marked read in place."""
    return render(
        request,
        "cabinet/notifications.html",
        {"section": "cabinet", "notifications": selectors.notifications_of(request.user)},
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: UUID) -> HttpResponse:
    services.notification_read(user=request.user, notification_id=notification_id)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "cabinet/_notification.html",
            {"n": selectors.notification_get(request.user, notification_id)},
        )
    return redirect("cabinet:notifications")
