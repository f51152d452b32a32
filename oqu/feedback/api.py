"""Surveys and the FAQ over HTTP (shared LMS items), under /api/v1/feedback/."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get

from . import selectors, services
from .models import FaqEntry, Survey

router = Router(tags=["feedback"])
RoleCode = Literal[
    "school_teacher",
    "school_methodologist",
    "school_tutor",
    "school_deputy_director",
    "school_director",
    "learner",
    "parent",
]


class SurveyIn(Schema):
    organization_id: UUID
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    anonymous: bool = False
    target_roles: list[RoleCode] = Field(..., min_length=1, max_length=7)
    target_class_ids: list[UUID] = Field(default_factory=list, max_length=100)
    closes_at: dt.datetime | None = None


class SurveyOut(Schema):
    id: UUID
    organization_id: UUID
    title: str
    description: str
    anonymous: bool
    target_roles: list[str]
    status: str
    opened_at: dt.datetime | None
    closes_at: dt.datetime | None


class SurveyQuestionIn(Schema):
    kind: Literal["single", "multiple", "scale", "text"]
    text: str = Field(..., min_length=1, max_length=500)
    choices: list[str] = Field(default_factory=list, max_length=10)
    scale_max: int | None = Field(None, ge=2, le=10)


class SurveyQuestionOut(Schema):
    id: UUID
    number: int
    kind: str
    text: str
    choices: list[str]
    scale_max: int | None


class SurveyDetailOut(SurveyOut):
    questions: list[SurveyQuestionOut]
    my_roles: list[str] = Field(..., description="Roles in which the survey is addressed to you.")
    answered: bool


class StatusIn(Schema):
    status: Literal["open", "closed"]


class RespondIn(Schema):
    answers: dict[str, Any] = Field(
        ...,
        description="By question id: an option index (single), a list of them (multiple), "
        "1…scale_max (scale) or a text.",
    )


class RespondOut(Schema):
    survey_id: UUID
    anonymous: bool


class OptionCountOut(Schema):
    label: str
    count: int


class ScaleCountOut(Schema):
    value: int
    count: int


class QuestionResultOut(Schema):
    id: UUID
    kind: str
    text: str
    options: list[OptionCountOut] | None = None
    distribution: list[ScaleCountOut] | None = None
    mean: float | None = None
    texts: list[str] | None = None


class ResultsOut(Schema):
    survey_id: UUID
    responses: int
    questions: list[QuestionResultOut]


class FaqIn(Schema):
    organization_id: UUID
    category: Literal["account", "school", "learning", "parents", "other"]
    question_kk: str = Field(..., min_length=1, max_length=300)
    question_ru: str = Field(..., min_length=1, max_length=300)
    answer_kk: str = Field(..., min_length=1, max_length=8000)
    answer_ru: str = Field(..., min_length=1, max_length=8000)
    position: int = Field(0, ge=0, le=1000)


class FaqPatch(Schema):
    category: Literal["account", "school", "learning", "parents", "other"] | None = None
    question_kk: str | None = Field(None, min_length=1, max_length=300)
    question_ru: str | None = Field(None, min_length=1, max_length=300)
    answer_kk: str | None = Field(None, min_length=1, max_length=8000)
    answer_ru: str | None = Field(None, min_length=1, max_length=8000)
    position: int | None = Field(None, ge=0, le=1000)


class FaqOut(Schema):
    id: UUID
    organization_id: UUID
    category: str
    question_kk: str
    question_ru: str
    answer_kk: str
    answer_ru: str
    position: int


class OrganizationFilter(Schema):
    organization: UUID | None = None


class FaqFilter(Schema):
    category: str | None = None


def _detail(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    who = actor(request)
    return {
        **SurveyOut.from_orm(survey).model_dump(),
        "questions": selectors.survey_questions(survey),
        "my_roles": selectors.addressed_roles(who, survey),
        "answered": services.has_answered(who, survey),
    }


@router.get("/feedback/surveys", response={200: page_of(SurveyOut), **LIST_ERRORS})
def survey_list(
    request: HttpRequest, filters: Query[OrganizationFilter], page: Query[PageQuery]
) -> Any:
    """Surveys by `feedback.survey.view` (authors and authorities)."""
    who = actor(request)
    organization = unit_get(who, filters.organization) if filters.organization else None
    qs = selectors.survey_list(who, organization=organization)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-created_at")


@router.get("/feedback/surveys/for-me", response={200: list[SurveyOut], **LIST_ERRORS})
def surveys_for_me(request: HttpRequest) -> Any:
    """Open surveys addressed to you (by role, class or child)."""
    return [survey for survey, _roles in selectors.surveys_for_me(actor(request))]


@router.post("/feedback/surveys", response={201: SurveyOut, **WRITE_ERRORS})
def survey_create(request: HttpRequest, payload: SurveyIn) -> Any:
    """A draft survey of a school or an education authority (for its subtree)."""
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    return 201, services.survey_create(
        actor=who, organization=organization, **payload.model_dump(exclude={"organization_id"})
    )


@router.get("/feedback/surveys/{survey_id}", response={200: SurveyDetailOut, **READ_ERRORS})
def survey_get(request: HttpRequest, survey_id: UUID) -> Any:
    return _detail(request, selectors.survey_get(actor(request), survey_id))


@router.post(
    "/feedback/surveys/{survey_id}/questions", response={201: SurveyQuestionOut, **WRITE_ERRORS}
)
def survey_question_add(request: HttpRequest, survey_id: UUID, payload: SurveyQuestionIn) -> Any:
    who = actor(request)
    survey = selectors.survey_get(who, survey_id)
    return 201, services.survey_question_add(actor=who, survey=survey, **payload.model_dump())


@router.post("/feedback/surveys/{survey_id}/status", response={200: SurveyOut, **WRITE_ERRORS})
def survey_status(request: HttpRequest, survey_id: UUID, payload: StatusIn) -> Any:
    """Open a draft, or close an open survey."""
    who = actor(request)
    survey = selectors.survey_get(who, survey_id)
    return services.survey_set_status(actor=who, survey=survey, status=payload.status)


@router.post("/feedback/surveys/{survey_id}/responses", response={201: RespondOut, **WRITE_ERRORS})
def survey_respond(request: HttpRequest, survey_id: UUID, payload: RespondIn) -> Any:
    """Answer once; a second answer is 409 `survey_already_answered`, anonymous or not."""
    who = actor(request)
    survey = selectors.survey_get(who, survey_id)
    services.survey_respond(actor=who, survey=survey, answers=payload.answers)
    return 201, {"survey_id": survey.pk, "anonymous": survey.anonymous}


@router.get("/feedback/surveys/{survey_id}/results", response={200: ResultsOut, **READ_ERRORS})
def survey_results(request: HttpRequest, survey_id: UUID) -> Any:
    """Aggregated answers: counts per option, the scale's distribution and mean, free texts."""
    who = actor(request)
    survey = selectors.survey_list(who).filter(pk=survey_id).first()
    if survey is None:
        from oqu.access import scope

        raise scope.not_found(who, selectors.SURVEY_VIEW, "feedback.survey", survey_id)
    results = selectors.survey_results(survey)
    return {"survey_id": survey.pk, **results}


@router.get("/feedback/faq", response={200: page_of(FaqOut), **LIST_ERRORS})
def faq_list(request: HttpRequest, filters: Query[FaqFilter], page: Query[PageQuery]) -> Any:
    """Every FAQ entry, for everyone signed in."""
    qs = selectors.faq_list(category=filters.category)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="position")


@router.post("/feedback/faq", response={201: FaqOut, **WRITE_ERRORS})
def faq_create(request: HttpRequest, payload: FaqIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    return 201, services.faq_create(
        actor=who, organization=organization, **payload.model_dump(exclude={"organization_id"})
    )


@router.patch("/feedback/faq/{entry_id}", response={200: FaqOut, **WRITE_ERRORS})
def faq_change(request: HttpRequest, entry_id: UUID, payload: FaqPatch) -> Any:
    who = actor(request)
    entry: FaqEntry = selectors.faq_get(entry_id)
    return services.faq_change(actor=who, entry=entry, **payload.model_dump())


@router.delete("/feedback/faq/{entry_id}", response={204: None, **WRITE_ERRORS})
def faq_delete(request: HttpRequest, entry_id: UUID) -> Any:
    who = actor(request)
    services.faq_delete(actor=who, entry=selectors.faq_get(entry_id))
    return 204, None
