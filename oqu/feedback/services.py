"""Surveys and the FAQ: validate → `scope.require` → change → journal, in one transaction.

An answer to an anonymous survey is journaled without the respondent's answers or account: the
journal records that the survey got an answer, and the actor of the request as every journal row
does, but not which answers were theirs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, NotFound, ValidationError
from oqu.school.models import SchoolClass

from . import selectors
from .models import (
    TARGET_ROLES,
    FaqEntry,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

SURVEY_MANAGE = selectors.SURVEY_MANAGE
RESPOND = selectors.RESPOND
FAQ_MANAGE = selectors.FAQ_MANAGE
ROLE_CODES = {code for code, _label in TARGET_ROLES}
MAX_QUESTIONS = 50
MAX_SCALE = 10
MAX_TEXT = 2000
SURVEY_FIELDS = ["title", "description", "anonymous", "target_roles", "status", "closes_at"]
FAQ_FIELDS = ["category", "question_kk", "question_ru", "answer_kk", "answer_ru", "position"]


def respondent_key(survey: Survey, user: Any) -> str:
    """A keyed hash of survey and account: the same pair always gives the same key, and the key
    cannot be turned back into the account without the server's secret."""
    return salted_hmac(
        "oqu.feedback.respondent", f"{survey.pk}:{user.pk}", algorithm="sha256"
    ).hexdigest()


# -- surveys -----------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor: Actor,
    organization: Any,
    title: str,
    description: str = "",
    anonymous: bool = False,
    target_roles: list[str],
    target_class_ids: list[Any] | None = None,
    closes_at: dt.datetime | None = None,
) -> Survey:
    """A draft survey of a school or an education authority, for roles (and classes) below it."""
    scope.require(actor, SURVEY_MANAGE, organization)
    title = (title or "").strip()
    if not title:
        raise ValidationError(code="survey_title", fields={"title": ["required"]})
    roles = sorted(set(target_roles or []))
    if not roles or not set(roles) <= ROLE_CODES:
        raise ValidationError(
            _("Choose whom the survey is addressed to."),
            code="survey_roles",
            fields={"target_roles": ["invalid"]},
        )
    classes = list(
        SchoolClass.objects.filter(
            pk__in=target_class_ids or [], organization__path__startswith=organization.path
        )
    )
    if len(classes) != len(set(map(str, target_class_ids or []))):
        raise ValidationError(
            _("The classes must belong to the survey's organization."),
            code="survey_classes",
            fields={"target_class_ids": ["foreign"]},
        )
    survey = Survey.objects.create(
        organization=organization,
        title=title,
        description=(description or "").strip(),
        anonymous=anonymous,
        target_roles=roles,
        closes_at=closes_at,
        created_by=actor.user,
    )
    survey.target_classes.set(classes)
    after = journal.snapshot(survey, SURVEY_FIELDS)
    after["target_class_ids"] = sorted(str(c.pk) for c in classes)
    journal.record(actor=actor, action="feedback.survey.create", target=survey, after=after)
    return survey


def _require_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(_("Only a draft survey can be changed."), code="survey_not_draft")


@transaction.atomic
def survey_question_add(
    *,
    actor: Actor,
    survey: Survey,
    kind: str,
    text: str,
    choices: list[str] | None = None,
    scale_max: int | None = None,
) -> SurveyQuestion:
    scope.require(actor, SURVEY_MANAGE, survey.organization, target=survey)
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    _require_draft(survey)
    text = (text or "").strip()
    if kind not in QuestionKind.values:
        raise ValidationError(code="question_kind", fields={"kind": ["invalid"]})
    if not text:
        raise ValidationError(code="question_text", fields={"text": ["required"]})
    options = [str(c).strip() for c in choices or [] if str(c).strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if not 2 <= len(options) <= 10:
            raise ValidationError(
                _("A choice question needs from 2 to 10 options."),
                code="question_options",
                fields={"choices": ["count"]},
            )
    else:
        options = []
    if kind == QuestionKind.SCALE:
        scale_max = scale_max or 5
        if not 2 <= scale_max <= MAX_SCALE:
            raise ValidationError(
                _("A scale goes from 1 up to 2…10."),
                code="question_scale",
                fields={"scale_max": ["range"]},
            )
    else:
        scale_max = None
    count = SurveyQuestion.objects.filter(survey=survey).count()
    if count >= MAX_QUESTIONS:
        raise ValidationError(code="survey_too_long", fields={"__all__": ["too_many"]})
    question = SurveyQuestion.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        number=count + 1,
        kind=kind,
        text=text,
        choices=options,
        scale_max=scale_max,
    )
    journal.record(
        actor=actor,
        action="feedback.survey.question_add",
        target=survey,
        after=journal.snapshot(question, ["number", "kind", "text", "choices", "scale_max"]),
    )
    return question


@transaction.atomic
def survey_set_status(*, actor: Actor, survey: Survey, status: str) -> Survey:
    """Open a draft (it needs a question) or close an open survey."""
    scope.require(actor, SURVEY_MANAGE, survey.organization, target=survey)
    allowed = {
        Survey.Status.DRAFT: Survey.Status.OPEN,
        Survey.Status.OPEN: Survey.Status.CLOSED,
    }
    if allowed.get(survey.status) != status:
        raise Conflict(_("The survey cannot move to this status."), code="survey_status")
    if status == Survey.Status.OPEN and not SurveyQuestion.objects.filter(survey=survey).exists():
        raise ValidationError(
            _("Add at least one question before opening the survey."), code="survey_empty"
        )
    before = {"status": survey.status}
    survey.status = status
    if status == Survey.Status.OPEN:
        survey.opened_at = timezone.now()
    survey.save(update_fields=["status", "opened_at", "updated_at"])
    journal.record(
        actor=actor,
        action=f"feedback.survey.{status}",
        target=survey,
        before=before,
        after={"status": status},
    )
    return survey


def _clean_answer(question: SurveyQuestion, value: Any) -> dict[str, Any]:
    """One answer as stored: option indexes, a scale value or a text."""
    bad = ValidationError(
        _("Some answers are not valid."),
        code="answer_invalid",
        fields={str(question.pk): ["invalid"]},
    )
    if question.kind == QuestionKind.TEXT:
        text = str(value or "").strip()
        if len(text) > MAX_TEXT:
            raise bad
        return {"text": text}
    if question.kind == QuestionKind.SCALE:
        try:
            scale = int(value)
        except (TypeError, ValueError):
            raise bad from None
        if not 1 <= scale <= (question.scale_max or 5):
            raise bad
        return {"scale": scale}
    values = value if isinstance(value, list) else [value]
    try:
        chosen = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        raise bad from None
    if not chosen or any(not 0 <= i < len(question.choices) for i in chosen):
        raise bad
    if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise bad
    return {"choices": chosen}


def survey_respond(*, actor: Actor, survey: Survey, answers: dict[str, Any]) -> SurveyResponse:
    """Answer a survey addressed to the actor, once. Every choice and scale question must be
    answered; free text may stay empty."""
    if actor.is_anonymous:
        raise NotFound()
    if not selectors.addressed_roles(actor, survey):
        raise scope.not_found(actor, RESPOND, "feedback.survey", survey.pk)
    now = timezone.now()
    if survey.status != Survey.Status.OPEN or (survey.closes_at and survey.closes_at <= now):
        raise Conflict(_("The survey is not open."), code="survey_not_open")
    questions = selectors.survey_questions(survey)
    cleaned = {}
    for question in questions:
        value = answers.get(str(question.pk))
        if value in (None, "", []) and question.kind != QuestionKind.TEXT:
            raise ValidationError(
                _("Answer every question (free text may stay empty)."),
                code="answer_missing",
                fields={str(question.pk): ["required"]},
            )
        cleaned[question.pk] = _clean_answer(question, value)
    key = respondent_key(survey, actor.user)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                organization_id=survey.organization_id,
                survey=survey,
                respondent=None if survey.anonymous else actor.user,
                respondent_key=key,
                submitted_on=timezone.localdate(now),
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, question_id=question_id, **values)
                for question_id, values in cleaned.items()
            )
            journal.record(
                actor=actor,
                action="feedback.survey.respond",
                target=survey,
                after={"anonymous": survey.anonymous}
                if survey.anonymous
                else {
                    "response_id": str(response.pk),
                    "answers": {str(k): v for k, v in cleaned.items()},
                },
            )
    except IntegrityError:
        raise Conflict(
            _("You have already answered this survey."), code="survey_already_answered"
        ) from None
    return response


def has_answered(actor: Actor, survey: Survey) -> bool:
    if actor.is_anonymous:
        return False
    return SurveyResponse.objects.filter(
        survey=survey, respondent_key=respondent_key(survey, actor.user)
    ).exists()


# -- FAQ ---------------------------------------------------------------------------------------


def _clean_faq(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    missing = [k for k in FAQ_FIELDS[:5] if not cleaned.get(k)]
    if missing:
        raise ValidationError(
            _("Fill in the question and the answer in both languages."),
            code="faq_incomplete",
            fields={k: ["required"] for k in missing},
        )
    if cleaned["category"] not in FaqEntry.Category.values:
        raise ValidationError(code="faq_category", fields={"category": ["invalid"]})
    return cleaned


@transaction.atomic
def faq_create(*, actor: Actor, organization: Any, **fields: Any) -> FaqEntry:
    scope.require(actor, FAQ_MANAGE, organization)
    cleaned = _clean_faq({k: fields.get(k) for k in FAQ_FIELDS if k != "position"})
    entry = FaqEntry.objects.create(
        organization=organization, position=int(fields.get("position") or 0), **cleaned
    )
    journal.record(
        actor=actor,
        action="feedback.faq.create",
        target=entry,
        after=journal.snapshot(entry, FAQ_FIELDS),
    )
    return entry


@transaction.atomic
def faq_change(*, actor: Actor, entry: FaqEntry, **fields: Any) -> FaqEntry:
    scope.require(actor, FAQ_MANAGE, entry.organization, target=entry, target_visible=True)
    before = journal.snapshot(entry, FAQ_FIELDS)
    merged = {k: fields[k] if fields.get(k) is not None else getattr(entry, k) for k in FAQ_FIELDS}
    cleaned = _clean_faq({k: merged[k] for k in FAQ_FIELDS if k != "position"})
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.position = int(merged["position"] or 0)
    entry.save()
    old, new = journal.changed(before, journal.snapshot(entry, FAQ_FIELDS))
    journal.record(actor=actor, action="feedback.faq.change", target=entry, before=old, after=new)
    return entry


@transaction.atomic
def faq_delete(*, actor: Actor, entry: FaqEntry) -> None:
    scope.require(actor, FAQ_MANAGE, entry.organization, target=entry, target_visible=True)
    journal.record(
        actor=actor,
        action="feedback.faq.delete",
        target=entry,
        before=journal.snapshot(entry, FAQ_FIELDS),
    )
    entry.delete()
