"""Web pages of surveys and the FAQ, under /feedback/: the surveys addressed to me, the surveys a
school or an authority runs (create, add questions, open, close, results) and the FAQ."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.kernel.errors import ValidationError
from oqu.orgs.models import Unit
from oqu.orgs.selectors import unit_get
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .models import TARGET_ROLES, FaqEntry, QuestionKind


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _closes_at(request: HttpRequest) -> dt.datetime | None:
    raw = request.POST.get("closes_at", "")
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            _("Enter a valid date and time."),
            code="datetime_invalid",
            fields={"closes_at": ["invalid"]},
        ) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _managed_units(actor: Any) -> list[Unit]:
    if not actor.paths_for(selectors.SURVEY_MANAGE) and not actor.is_platform_admin:
        return []
    return list(
        Unit.objects.filter(
            path__in=[g.path for g in actor.grants if selectors.SURVEY_MANAGE in g.capabilities]
        ).order_by("path")
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    mine = selectors.surveys_for_me(actor)
    context = {
        "section": "feedback",
        "for_me": [(s, roles, services.has_answered(actor, s)) for s, roles in mine],
        "surveys": list(selectors.survey_list(actor).order_by("-created_at")[:100]),
        "units": _managed_units(actor),
        "roles": TARGET_ROLES,
    }
    return render(request, "feedback/index.html", context)


@require_POST
@login_required
def survey_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, request.POST.get("organization", ""))
    result: dict[str, Any] = {}

    def change() -> None:
        result["survey"] = services.survey_create(
            actor=actor,
            organization=unit,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            anonymous=request.POST.get("anonymous") == "on",
            target_roles=request.POST.getlist("target_roles"),
            target_class_ids=[c for c in request.POST.getlist("classes") if c],
            closes_at=_closes_at(request),
        )

    response = apply_change(
        request, change, _("The survey has been created."), reverse("feedback:index")
    )
    if "survey" in result:
        return redirect("feedback:survey", result["survey"].pk)
    return response


@require_GET
@login_required
def survey_page(request: HttpRequest, survey_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey_get(actor, survey_id)
    viewer = actor.can_at(selectors.SURVEY_VIEW, survey.organization.path)
    manager = actor.can_at(selectors.SURVEY_MANAGE, survey.organization.path)
    context = {
        "section": "feedback",
        "survey": survey,
        "questions": selectors.survey_questions(survey),
        "my_roles": selectors.addressed_roles(actor, survey),
        "answered": services.has_answered(actor, survey),
        "results": selectors.survey_results(survey) if viewer else None,
        "manager": manager,
        "kinds": QuestionKind.choices,
        "classes": list(survey.target_classes.all()),
    }
    return render(request, "feedback/survey.html", context)


@require_POST
@login_required
def question_add(request: HttpRequest, survey_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey_get(actor, survey_id)
    scale = request.POST.get("scale_max", "")
    return apply_change(
        request,
        lambda: services.survey_question_add(
            actor=actor,
            survey=survey,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            choices=request.POST.get("choices", "").splitlines(),
            scale_max=int(scale) if scale.isdigit() else None,
        ),
        _("The question has been added."),
        reverse("feedback:survey", args=[survey.pk]),
    )


@require_POST
@login_required
def status_set(request: HttpRequest, survey_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey_get(actor, survey_id)
    return apply_change(
        request,
        lambda: services.survey_set_status(
            actor=actor, survey=survey, status=request.POST.get("status", "")
        ),
        _("The survey's status has been changed."),
        reverse("feedback:survey", args=[survey.pk]),
    )


@require_POST
@login_required
def respond(request: HttpRequest, survey_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey_get(actor, survey_id)
    answers: dict[str, Any] = {}
    for question in selectors.survey_questions(survey):
        name = f"q-{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            answers[str(question.pk)] = request.POST.getlist(name)
        else:
            answers[str(question.pk)] = request.POST.get(name, "")
    return apply_change(
        request,
        lambda: services.survey_respond(actor=actor, survey=survey, answers=answers),
        _("Thank you: your answers have been saved."),
        reverse("feedback:survey", args=[survey.pk]),
    )


# -- FAQ -------------------------------------------------------------------------------------


def _faq_units(actor: Any) -> list[Unit]:
    return list(
        Unit.objects.filter(
            path__in=[g.path for g in actor.grants if selectors.FAQ_MANAGE in g.capabilities]
        ).order_by("path")
    )


@require_GET
@login_required
def faq(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    category = request.GET.get("category") or None
    entries = list(selectors.faq_list(category=category).select_related("organization"))
    context = {
        "section": "feedback",
        "entries": [(e, actor.can_at(selectors.FAQ_MANAGE, e.organization.path)) for e in entries],
        "categories": FaqEntry.Category.choices,
        "category": category,
        "units": _faq_units(actor),
        "language": _language(),
    }
    return render(request, "feedback/faq.html", context)


def _faq_fields(request: HttpRequest) -> dict[str, Any]:
    fields = {k: request.POST.get(k, "") for k in services.FAQ_FIELDS}
    fields["position"] = int(fields["position"]) if str(fields["position"]).isdigit() else 0
    return fields


@require_POST
@login_required
def faq_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unit = unit_get(actor, request.POST.get("organization", ""))
    return apply_change(
        request,
        lambda: services.faq_create(actor=actor, organization=unit, **_faq_fields(request)),
        _("The question has been added to the FAQ."),
        reverse("feedback:faq"),
    )


@require_POST
@login_required
def faq_edit(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.faq_get(entry_id)
    if request.POST.get("delete"):
        return apply_change(
            request,
            lambda: services.faq_delete(actor=actor, entry=entry),
            _("The question has been removed from the FAQ."),
            reverse("feedback:faq"),
        )
    return apply_change(
        request,
        lambda: services.faq_change(actor=actor, entry=entry, **_faq_fields(request)),
        _("The FAQ entry has been saved."),
        reverse("feedback:faq"),
    )
