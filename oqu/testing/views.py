"""Web pages of interim control tests (SEC-27.14), under /testing/.

The bank and tests of a school for teachers; the test page (results of the class for staff, the
start button for the learner); the attempt page where the learner answers (each answer saved as
it changes, through HTMX) and which reports tab switches and focus loss; the review of an
attempt with its proctoring events for the teacher. The attempt's session token lives in the
Django session that started it: another browser has none and gets 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get
from oqu.school import selectors as school_selectors
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import rules, selectors, services
from .models import Attempt, QuestionKind, Test

SESSION_KEY = "testing_attempt_tokens"


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a whole number."), code="number_invalid", fields={name: ["invalid"]}
        ) from None


def _moment(request: HttpRequest, name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid date and time."), code="datetime_invalid", fields={name: ["invalid"]}
        ) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _topic_counts(value: str) -> dict[str, int]:
    """`Fractions: 3` per line → {"Fractions": 3}."""
    counts: dict[str, int] = {}
    for line in _lines(value):
        topic, _sep, number = line.rpartition(":")
        try:
            counts[topic.strip()] = int(number)
        except ValueError:
            raise ValidationError(
                _("Write one topic per line as “topic: number”."),
                code="topic_counts_invalid",
                fields={"topic_counts": ["invalid"]},
            ) from None
    return counts


# -- index and the school's bank -----------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The tests the user sees (a learner: their class's) and the schools whose bank they keep."""
    actor = actor_of(request)
    tests = list(selectors.control_test_list(actor).order_by("-opens_at")[:100])
    mine = (
        {
            a.test_id: a
            for a in Attempt.objects.filter(
                learner_id=actor.person_id, test__in=[t.pk for t in tests]
            )
        }
        if actor.person_id
        else {}
    )
    schools = (
        Unit.objects.filter(
            scope.path_filter(actor, selectors.BANK_VIEW, "path"), kind="organization"
        ).order_by("name")[:50]
        if actor.paths_for(selectors.BANK_VIEW)
        else []
    )
    context = {
        "section": "testing",
        "tests": [(t, mine.get(t.pk)) for t in tests],
        "schools": schools,
        "now": timezone.now(),
    }
    return render(request, "testing/index.html", context)


@require_GET
@login_required
def bank(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    scope.require(actor, selectors.BANK_VIEW, unit)
    subject = request.GET.get("subject") or None
    questions = selectors.question_list(actor, organization=unit, subject_id=subject)
    context = {
        "section": "testing",
        "unit": unit,
        "questions": list(
            questions.order_by("subject__code", "grade", "topic", "created_at")[:500]
        ),
        "tests": list(
            selectors.control_test_list(actor, organization=unit).order_by("-opens_at")[:200]
        ),
        "subjects": list(school_selectors.subject_list(actor, organization=unit).order_by("code")),
        "assignments": list(
            selectors.settable_assignments(
                actor, school_selectors.assignment_list(actor, organization=unit)
            ).select_related("school_class", "subject")
        ),
        "kinds": QuestionKind.choices,
        "modes": Test.Mode.choices,
        "can_manage": actor.can_at(selectors.BANK_MANAGE, unit.path),
        "chosen_subject": subject,
    }
    return render(request, "testing/bank.html", context)


@require_POST
@login_required
def question_add(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    back = reverse("testing:bank", args=[unit.pk])

    def change() -> Any:
        subject = school_selectors.subject_get(actor, request.POST.get("subject", ""))
        kind = request.POST.get("kind", "")
        if kind == QuestionKind.SHORT:
            choices, correct = [], _lines(request.POST.get("accepted", ""))
        else:
            choices = _lines(request.POST.get("choices", ""))
            correct = [int(n) - 1 for n in request.POST.getlist("correct") if n.isdigit()]
        return services.question_create(
            actor=actor,
            subject=subject,
            grade=_int(request, "grade"),
            topic=request.POST.get("topic", ""),
            kind=kind,
            text=request.POST.get("text", ""),
            choices=choices,
            correct=correct,
            points=_int(request, "points"),
        )

    return apply_change(request, change, _("The question has been added to the bank."), back)


@require_POST
@login_required
def question_use(request: HttpRequest, question_id: UUID) -> HttpResponse:
    """Take a question out of use (new tests and draws skip it) or back into use."""
    actor = actor_of(request)
    question = selectors.question_get(actor, question_id)
    return apply_change(
        request,
        lambda: services.question_change(
            actor=actor, question=question, is_active=request.POST.get("active") == "1"
        ),
        _("The question has been updated."),
        reverse("testing:bank", args=[question.organization_id]),
    )


@require_POST
@login_required
def control_test_add(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    back = reverse("testing:bank", args=[unit.pk])

    def change() -> Any:
        assignment = school_selectors.assignment_get(actor, request.POST.get("assignment", ""))
        return services.control_test_create(
            actor=actor,
            assignment=assignment,
            title=request.POST.get("title", ""),
            mode=request.POST.get("mode", ""),
            question_ids=request.POST.getlist("questions"),
            topic_counts=_topic_counts(request.POST.get("topic_counts", "")),
            time_limit_minutes=_int(request, "time_limit_minutes"),
            opens_at=_moment(request, "opens_at"),
            closes_at=_moment(request, "closes_at"),
        )

    return apply_change(request, change, _("The test has been set."), back)


# -- a test --------------------------------------------------------------------------------


@require_GET
@login_required
def control_test_page(request: HttpRequest, test_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    test = selectors.control_test_get(actor, test_id)
    staff = actor.can_at(selectors.RESULT_VIEW, test.organization.path)
    results = []
    if staff:
        rows = selectors.class_results(test)
        if any(r["attempt"] and services.is_overdue(r["attempt"]) for r in rows):
            for r in rows:
                if r["attempt"]:
                    services.close_if_overdue(r["attempt"])
            rows = selectors.class_results(test)
        results = [
            {
                **r,
                "percent": rules.percent(r["attempt"].score, r["attempt"].max_score)
                if r["attempt"] and r["attempt"].score is not None
                else None,
            }
            for r in rows
        ]
    now = timezone.now()
    context = {
        "section": "testing",
        "test": test,
        "staff": staff,
        "keeper": actor.can_at(selectors.BANK_VIEW, test.organization.path),
        "questions": selectors.control_test_questions(test),
        "results": results,
        "mine": selectors.own_attempt(actor, test),
        "is_open": test.opens_at <= now < test.closes_at,
        "learner": selectors.is_learner_of(actor, test),
    }
    return render(request, "testing/test.html", context)


def _tokens(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(SESSION_KEY, {}))


@require_POST
@login_required
def attempt_start(request: HttpRequest, test_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    test = selectors.control_test_get(actor, test_id)
    attempt, token = services.attempt_start(actor=actor, test=test)
    tokens = _tokens(request)
    tokens[str(attempt.pk)] = token
    request.session[SESSION_KEY] = tokens
    return redirect("testing:attempt", attempt.pk)


# -- an attempt ----------------------------------------------------------------------------


@require_GET
@login_required
def attempt_page(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    attempt = services.close_if_overdue(selectors.attempt_get(actor, attempt_id))
    staff = actor.can_at(selectors.RESULT_VIEW, attempt.organization.path)
    token = _tokens(request).get(str(attempt.pk))
    taking = not staff and attempt.status == Attempt.Status.OPEN
    if taking:
        services.check_session(actor=actor, attempt=attempt, token=token)
    items = selectors.attempt_questions(attempt)
    context = {
        "section": "testing",
        "attempt": attempt,
        "test": attempt.test,
        "items": items,
        "staff": staff,
        "taking": taking,
        "token": token if taking else "",
        "events": selectors.attempt_events(attempt) if staff else [],
        "percent": rules.percent(attempt.score, attempt.max_score)
        if attempt.score is not None
        else None,
        "events_url": f"/api/v1/testing/attempts/{attempt.pk}/events",
        "seconds_left": max(int((attempt.deadline - timezone.now()).total_seconds()), 0),
    }
    return render(request, "testing/attempt.html", context)


@require_POST
@login_required
def attempt_answer(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    """Save one answer (HTMX: answers the small "saved" note of that question)."""
    actor = actor_of(request)
    attempt = selectors.attempt_get(actor, attempt_id)
    question_id = request.POST.get("question", "")
    response: list[Any] = (
        [request.POST.get("text", "")] if "text" in request.POST else request.POST.getlist("choice")
    )
    try:
        answer = services.attempt_answer(
            actor=actor,
            attempt=attempt,
            token=_tokens(request).get(str(attempt.pk)),
            question_id=question_id,
            response=response,
        )
    except DomainError as error:
        if error.status in (403, 404) or not getattr(request, "htmx", False):
            raise
        return render(
            request,
            "testing/_saved.html",
            {"error": error.message, "code": error.code},
            status=error.status,
        )
    if getattr(request, "htmx", False):
        return render(request, "testing/_saved.html", {"answer": answer})
    return redirect("testing:attempt", attempt.pk)


@require_POST
@login_required
def attempt_finish(request: HttpRequest, attempt_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    attempt = selectors.attempt_get(actor, attempt_id)
    services.attempt_finish(
        actor=actor, attempt=attempt, token=_tokens(request).get(str(attempt.pk))
    )
    messages.success(request, _("The attempt has been handed in and graded."))
    return redirect("testing:attempt", attempt.pk)
