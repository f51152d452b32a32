"""Web pages of the e-journal under /journal/ (SEC-27.12, SEC-27.8).

The class journal is a grid of learners × lessons whose cells are edited in place with HTMX (one
attendance or mark per request); the lesson page fills a whole class's attendance in one form.
Thin views: selectors read, services change; a refused change shows its kk/ru message, 403/404
pass through to the error pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.kernel.errors import DomainError, ValidationError
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import gates, selectors, services
from .models import AssessmentKind, AttendanceStatus

SECTION = "ejournal"


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except (TypeError, ValueError):
        raise ValidationError(code="id_invalid", fields={"learner": ["invalid"]}) from None


def _apply(request: HttpRequest, change: Callable[[], Any], done: str, back: str) -> HttpResponse:
    try:
        change()
    except DomainError as error:
        if error.status in (403, 404) and error.code in ("forbidden", "not_found"):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(back)


def _points(raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("Points must be whole or decimal numbers."), code="points_not_a_number"
        ) from None


# -- my class-subjects --------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    assignments = list(
        selectors.assignment_list(actor).order_by(
            "-year__start_date", "school_class__grade", "school_class__letter", "subject__code"
        )[:300]
    )
    return render(
        request,
        "journal/index.html",
        {"section": SECTION, "assignments": assignments},
    )


# -- the class journal grid -------------------------------------------------------------------------------


def _chosen_period(request: HttpRequest, assignment: Any) -> Any:
    chosen = request.GET.get("period")
    if chosen:
        return selectors.period_get(assignment, _uuid(chosen))
    return selectors.current_period(assignment, services.marked_period_kind(assignment))


def _grid(data: dict[str, Any]) -> dict[str, Any]:
    """Columns (a lesson's attendance, then its assessments) and one row of cells per learner."""
    works_of = defaultdict(list)
    for work in data["assessments"]:
        works_of[work["lesson_id"]].append(work)
    columns = []
    for lesson in data["lessons"]:
        columns.append({"kind": "attendance", "lesson": lesson})
        columns.extend(
            {"kind": "mark", "lesson": lesson, "work": work} for work in works_of[lesson["id"]]
        )
    status = {(a["lesson_id"], a["learner_id"]): a["status"] for a in data["attendance"]}
    points = {(m["assessment_id"], m["learner_id"]): m["points"] for m in data["marks"]}
    rows = []
    for learner in data["learners"]:
        cells = []
        for column in columns:
            if column["kind"] == "attendance":
                key = (column["lesson"]["id"], learner["id"])
                cells.append({**column, "status": status.get(key, "")})
            else:
                key = (column["work"]["id"], learner["id"])
                cells.append({**column, "points": points.get(key)})
        rows.append({"learner": learner, "cells": cells})
    return {"columns": columns, "rows": rows}


@require_GET
@login_required
def grid(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.assignment_get(actor, assignment_id)
    period = _chosen_period(request, assignment)
    data = (
        selectors.class_journal(assignment, period.start_date, period.end_date)
        if period
        else {"learners": [], "lessons": [], "attendance": [], "assessments": [], "marks": []}
    )
    context = {
        "section": SECTION,
        "assignment": assignment,
        "period": period,
        "periods": selectors.periods_of(assignment, services.marked_period_kind(assignment)),
        "grid": _grid(data),
        "statuses": AttendanceStatus.choices,
        "can_write": actor.can_at(gates.WRITE, assignment.organization.path),
    }
    return render(request, "journal/grid.html", context)


def _cell_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"statuses": AttendanceStatus.choices, **context})


@require_POST
@login_required
def attendance_cell(request: HttpRequest, lesson_id: UUID, learner_id: UUID) -> HttpResponse:
    """One attendance cell of the grid: saved, and the cell comes back (with the error if any)."""
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)
    status = request.POST.get("status", "")
    error = ""
    try:
        services.attendance_set(
            actor=actor,
            lesson=lesson,
            entry=services.AttendanceEntry(learner_id, status, request.POST.get("note", "")[:200]),
        )
    except DomainError as refused:
        if refused.status in (403, 404) and refused.code in ("forbidden", "not_found"):
            raise
        error = str(refused.message)
        status = (
            lesson.attendance.filter(learner_id=learner_id).values_list("status", flat=True).first()
            or ""
        )
    context = {
        "cell": {"lesson": {"id": lesson.pk}, "status": status},
        "learner": {"id": learner_id},
        "error": error,
        "can_write": True,
    }
    return _cell_response(request, "journal/_attendance_cell.html", context)


@require_POST
@login_required
def mark_cell(request: HttpRequest, assessment_id: UUID, learner_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.assessment_get(actor, assessment_id)
    error = ""
    try:
        points = _points(request.POST.get("points", ""))
        services.marks_record(
            actor=actor,
            assessment=assessment,
            entries=[services.MarkEntry(learner_id, points)],
        )
    except DomainError as refused:
        if refused.status in (403, 404) and refused.code in ("forbidden", "not_found"):
            raise
        error = str(refused.message)
    stored = assessment.marks.filter(learner_id=learner_id).values_list("points", flat=True).first()
    context = {
        "cell": {
            "work": {"id": assessment.pk, "max_points": assessment.max_points},
            "points": stored,
        },
        "learner": {"id": learner_id},
        "error": error,
        "can_write": True,
    }
    return _cell_response(request, "journal/_mark_cell.html", context)


# -- the lesson page ------------------------------------------------------------------------------------------


@require_GET
@login_required
def lesson_page(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)
    sheet = selectors.lesson_sheet(lesson)
    status = {a["learner_id"]: a["status"] for a in sheet["attendance"]}
    points = {(m["assessment_id"], m["learner_id"]): m["points"] for m in sheet["marks"]}
    learners = [
        {**learner, "status": status.get(learner["id"], AttendanceStatus.PRESENT)}
        for learner in sheet["learners"]
    ]
    works = [
        {
            **work,
            "marks": [
                {"learner": learner, "points": points.get((work["id"], learner["id"]))}
                for learner in sheet["learners"]
            ],
        }
        for work in sheet["assessments"]
    ]
    reopening = gates.active_reopening(lesson)
    open_until = gates.open_until(lesson)
    context = {
        "section": SECTION,
        "lesson": lesson,
        "assignment": lesson.assignment,
        "learners": learners,
        "works": works,
        "statuses": AttendanceStatus.choices,
        "kinds": AssessmentKind.choices,
        "open_until": open_until,
        "reopening": reopening,
        "editable": timezone.localdate() <= open_until or reopening is not None,
        "can_reopen": gates.manages(actor, lesson.organization),
        "reopenings": selectors.reopenings_of(lesson),
        "recorded": bool(status),
        "default_until": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    return render(request, "journal/lesson.html", context)


def _lesson_url(lesson: Any) -> str:
    return reverse("journal:lesson", args=[lesson.pk])


@require_POST
@login_required
def lesson_attendance(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    """The whole class in one submit: every learner's select, present unless changed."""
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)

    def change() -> Any:
        exceptions = []
        for key, status in request.POST.items():
            if key.startswith("status-") and status != AttendanceStatus.PRESENT:
                exceptions.append(services.AttendanceEntry(_uuid(key[7:]), status))
        return services.attendance_record_class(actor=actor, lesson=lesson, exceptions=exceptions)

    return _apply(request, change, _("Attendance has been saved."), _lesson_url(lesson))


@require_POST
@login_required
def assessment_add(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)

    def change() -> Any:
        raw = request.POST.get("max_points", "").strip()
        return services.assessment_create(
            actor=actor,
            lesson=lesson,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            max_points=int(raw) if raw.isdigit() else None,
        )

    return _apply(request, change, _("The assessment has been added."), _lesson_url(lesson))


@require_POST
@login_required
def assessment_marks(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    """All learners' marks of one assessment in one submit (an empty field removes a mark)."""
    actor = actor_of(request)
    assessment = selectors.assessment_get(actor, assessment_id)

    def change() -> Any:
        entries = [
            services.MarkEntry(_uuid(key[7:]), _points(value))
            for key, value in request.POST.items()
            if key.startswith("points-")
        ]
        return services.marks_record(actor=actor, assessment=assessment, entries=entries)

    return _apply(request, change, _("The marks have been saved."), _lesson_url(assessment.lesson))


@require_POST
@login_required
def assessment_remove(request: HttpRequest, assessment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.assessment_get(actor, assessment_id)
    return _apply(
        request,
        lambda: services.assessment_delete(actor=actor, assessment=assessment),
        _("The assessment has been removed."),
        _lesson_url(assessment.lesson),
    )


@require_POST
@login_required
def lesson_reopen(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson = selectors.lesson_get(actor, lesson_id)

    def change() -> Any:
        try:
            until = dt.datetime.fromisoformat(request.POST.get("until", ""))
        except ValueError:
            raise ValidationError(
                _("Enter a valid date and time."),
                code="until_invalid",
                fields={"until": ["invalid"]},
            ) from None
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        return services.lesson_reopen(
            actor=actor, lesson=lesson, reason=request.POST.get("reason", ""), until=until
        )

    return _apply(request, change, _("The lesson has been reopened."), _lesson_url(lesson))


# -- period marks ---------------------------------------------------------------------------------------------


def _period_marks_url(assignment: Any, period: Any) -> str:
    url = reverse("journal:period_marks", args=[assignment.pk])
    return f"{url}?period={period.pk}" if period else f"{url}?period=year"


@require_GET
@login_required
def period_marks(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.assignment_get(actor, assignment_id)
    chosen = request.GET.get("period", "")
    if chosen == "year":
        period = None
    elif chosen:
        period = selectors.period_get(assignment, _uuid(chosen))
    else:
        period = selectors.current_period(assignment, services.marked_period_kind(assignment))
    rows = list(selectors.period_marks(assignment, period))
    today = timezone.localdate()
    for row in rows:
        row.can_confirm = row.computed_mark is not None and today >= services.confirmation_opens(
            row
        )
    context = {
        "section": SECTION,
        "assignment": assignment,
        "period": period,
        "periods": selectors.periods_of(assignment, services.marked_period_kind(assignment)),
        "rows": rows,
        "can_write": actor.can_at(gates.WRITE, assignment.organization.path),
    }
    return render(request, "journal/period_marks.html", context)


@require_POST
@login_required
def period_marks_recompute(request: HttpRequest, assignment_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.assignment_get(actor, assignment_id)
    chosen = request.POST.get("period", "")
    period = selectors.period_get(assignment, _uuid(chosen)) if chosen != "year" else None

    def change() -> Any:
        if "final_mark" in request.POST or "computed_mark" in request.POST:
            raise services.period_mark_refuse_typing()
        return services.period_marks_recompute(actor=actor, assignment=assignment, period=period)

    return _apply(
        request,
        change,
        _("The marks have been computed by the rules in force."),
        _period_marks_url(assignment, period),
    )


@require_POST
@login_required
def period_mark_confirm(request: HttpRequest, period_mark_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    row = selectors.period_mark_get(actor, period_mark_id)

    def change() -> Any:
        if "final_mark" in request.POST:
            raise services.period_mark_refuse_typing()
        return services.period_mark_confirm(actor=actor, period_mark=row)

    return _apply(
        request,
        change,
        _("The final mark has been confirmed."),
        _period_marks_url(row.assignment, row.period),
    )
