"""Interim control tests over HTTP (SEC-27.14), under /api/v1/testing/. Thin: selectors read,
services change.

An attempt's changes carry the session token its start returned, in the `X-Attempt-Token`
header; a request from another session answers 409 `attempt_other_session` and is recorded as a
proctoring event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from oqu.access import scope
from oqu.apikit import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageQuery, actor, page_of, paginate
from oqu.orgs.selectors import unit_get
from oqu.school import selectors as school_selectors

from . import rules, selectors, services
from .models import Attempt, Question

router = Router(tags=["testing"])
TOKEN_HEADER = "HTTP_X_ATTEMPT_TOKEN"  # noqa: S105 - a header name, not a secret


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _token(request: HttpRequest) -> str | None:
    return request.META.get(TOKEN_HEADER)


# -- schemas ---------------------------------------------------------------------------------


class QuestionIn(Schema):
    subject_id: UUID
    grade: int = Field(..., ge=1, le=12)
    topic: str = Field(..., min_length=1, max_length=150)
    kind: Literal["single", "multiple", "short"]
    text: str = Field(..., min_length=1, max_length=4000)
    choices: list[str] = Field(default_factory=list, max_length=10)
    correct: list[Any] = Field(
        ...,
        max_length=20,
        description="Indexes (from 0) of the right options, or the accepted short answers.",
    )
    points: int = Field(1, ge=1, le=100)


class QuestionPatch(Schema):
    topic: str | None = Field(None, min_length=1, max_length=150)
    kind: Literal["single", "multiple", "short"] | None = None
    text: str | None = Field(None, min_length=1, max_length=4000)
    choices: list[str] | None = Field(None, max_length=10)
    correct: list[Any] | None = Field(None, max_length=20)
    points: int | None = Field(None, ge=1, le=100)
    is_active: bool | None = None


class QuestionOut(Schema):
    id: UUID
    organization_id: UUID
    subject_id: UUID
    subject_code: str
    grade: int
    topic: str
    kind: str
    text: str
    choices: list[str]
    correct: list[Any]
    points: int
    is_active: bool

    @staticmethod
    def resolve_subject_code(obj: Question) -> str:
        return obj.subject.code


class QuestionFilter(Schema):
    organization: UUID | None = None
    subject: UUID | None = None
    grade: int | None = Field(None, ge=1, le=12)
    topic: str | None = None


class TestIn(Schema):
    assignment_id: UUID
    title: str = Field(..., min_length=1, max_length=200)
    mode: Literal["fixed", "random"]
    question_ids: list[UUID] = Field(default_factory=list, max_length=200)
    topic_counts: dict[str, int] = Field(
        default_factory=dict, description="Random mode: how many questions to draw per topic."
    )
    time_limit_minutes: int = Field(..., ge=1, le=300)
    opens_at: dt.datetime
    closes_at: dt.datetime


class TestOut(Schema):
    id: UUID
    organization_id: UUID
    assignment_id: UUID
    class_name: str
    subject_code: str
    title: str
    mode: str
    topic_counts: dict[str, int]
    time_limit_minutes: int
    opens_at: dt.datetime
    closes_at: dt.datetime

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        if isinstance(obj, dict):  # already resolved (detail views)
            return obj["class_name"]
        return str(obj.assignment.school_class)

    @staticmethod
    def resolve_subject_code(obj: Any) -> str:
        if isinstance(obj, dict):  # already resolved (detail views)
            return obj["subject_code"]
        return obj.assignment.subject.code


class TestDetailOut(TestOut):
    question_ids: list[UUID] = Field(
        ..., description="Fixed mode, for those who keep the bank; empty otherwise."
    )
    my_attempt_id: UUID | None


class ResultRowOut(Schema):
    learner_id: UUID
    learner_name: str
    attempt_id: UUID | None
    status: str
    score: Decimal | None
    max_score: Decimal | None
    percent: Decimal | None
    proctoring_events: int


class ItemOut(Schema):
    """A question as the learner sees it: no right answers."""

    question_id: UUID
    kind: str
    text: str
    choices: list[str]
    points: int
    response: list[Any]
    earned: Decimal | None = Field(None, description="Points earned, once the attempt is closed.")
    correct: list[Any] | None = Field(None, description="Shown once the attempt is closed.")


class EventOut(Schema):
    id: UUID
    kind: str
    at: dt.datetime


class AttemptOut(Schema):
    id: UUID
    test_id: UUID
    test_title: str
    learner_id: UUID
    learner_name: str
    seed: int
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    closed_at: dt.datetime | None
    closed_by: str
    score: Decimal | None
    max_score: Decimal
    percent: Decimal | None

    @staticmethod
    def resolve_test_title(obj: Attempt) -> str:
        if isinstance(obj, dict):  # already resolved (detail views)
            return obj["test_title"]
        return obj.test.title

    @staticmethod
    def resolve_learner_name(obj: Attempt) -> str:
        if isinstance(obj, dict):  # already resolved (detail views)
            return obj["learner_name"]
        return obj.learner.full_name(_language())

    @staticmethod
    def resolve_percent(obj: Attempt) -> Decimal | None:
        if isinstance(obj, dict):  # already resolved (detail views)
            return obj["percent"]
        return rules.percent(obj.score, obj.max_score) if obj.score is not None else None


class AttemptDetailOut(AttemptOut):
    items: list[ItemOut]
    events: list[EventOut]


class StartOut(Schema):
    attempt: AttemptDetailOut
    session_token: str = Field(
        ..., description="Send as `X-Attempt-Token` with every change of this attempt."
    )


class AnswerIn(Schema):
    response: list[Any] = Field(
        ..., max_length=10, description="Chosen option indexes, or `[text]` for a short answer."
    )


class AnswerOut(Schema):
    question_id: UUID
    response: list[Any]
    saved_at: dt.datetime


class EventIn(Schema):
    kind: Literal["tab_hidden", "tab_visible", "focus_lost", "focus_back"]


class AttemptFilter(Schema):
    test: UUID | None = None


class OrganizationFilter(Schema):
    organization: UUID | None = None


def _organization(request: HttpRequest, organization_id: UUID | None) -> Any:
    return unit_get(actor(request), organization_id) if organization_id else None


def _attempt_detail(attempt: Attempt, *, staff: bool) -> dict[str, Any]:
    closed = attempt.status == Attempt.Status.CLOSED
    items = [
        {
            "question_id": question.pk,
            "kind": question.kind,
            "text": question.text,
            "choices": question.choices,
            "points": question.points,
            "response": answer.response if answer else [],
            "earned": answer.points if (answer and closed) else (Decimal(0) if closed else None),
            "correct": question.correct if (closed or staff) else None,
        }
        for question, answer in selectors.attempt_questions(attempt)
    ]
    events = selectors.attempt_events(attempt) if staff else []
    return {**AttemptOut.from_orm(attempt).model_dump(), "items": items, "events": events}


def _is_staff_reader(who: Any, attempt: Attempt) -> bool:
    return who.can_at(selectors.RESULT_VIEW, attempt.organization.path)


# -- the question bank -------------------------------------------------------------------------


@router.get("/testing/questions", response={200: page_of(QuestionOut), **LIST_ERRORS})
def question_list(
    request: HttpRequest, filters: Query[QuestionFilter], page: Query[PageQuery]
) -> Any:
    qs = selectors.question_list(
        actor(request),
        organization=_organization(request, filters.organization),
        subject_id=filters.subject,
        grade=filters.grade,
        topic=filters.topic,
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="created_at")


@router.post("/testing/questions", response={201: QuestionOut, **WRITE_ERRORS})
def question_create(request: HttpRequest, payload: QuestionIn) -> Any:
    """A question of the school's bank; the subject names the school."""
    who = actor(request)
    subject = school_selectors.subject_get(who, payload.subject_id)
    data = payload.model_dump(exclude={"subject_id"})
    return 201, services.question_create(actor=who, subject=subject, **data)


@router.get("/testing/questions/{question_id}", response={200: QuestionOut, **READ_ERRORS})
def question_get(request: HttpRequest, question_id: UUID) -> Any:
    return selectors.question_get(actor(request), question_id)


@router.patch("/testing/questions/{question_id}", response={200: QuestionOut, **WRITE_ERRORS})
def question_change(request: HttpRequest, question_id: UUID, payload: QuestionPatch) -> Any:
    who = actor(request)
    question = selectors.question_get(who, question_id)
    return services.question_change(actor=who, question=question, **payload.model_dump())


# -- tests -------------------------------------------------------------------------------------


@router.get("/testing/tests", response={200: page_of(TestOut), **LIST_ERRORS})
def control_test_list(
    request: HttpRequest, filters: Query[OrganizationFilter], page: Query[PageQuery]
) -> Any:
    """Tests by grant, and for a learner the tests of their class."""
    qs = selectors.control_test_list(
        actor(request), organization=_organization(request, filters.organization)
    )
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-opens_at")


@router.post("/testing/tests", response={201: TestOut, **WRITE_ERRORS})
def control_test_create(request: HttpRequest, payload: TestIn) -> Any:
    who = actor(request)
    assignment = school_selectors.assignment_get(who, payload.assignment_id)
    return 201, services.control_test_create(
        actor=who, assignment=assignment, **payload.model_dump(exclude={"assignment_id"})
    )


@router.get("/testing/tests/{test_id}", response={200: TestDetailOut, **READ_ERRORS})
def control_test_get(request: HttpRequest, test_id: UUID) -> Any:
    who = actor(request)
    test = selectors.control_test_get(who, test_id)
    keeper = who.can_at(selectors.BANK_VIEW, test.organization.path)
    mine = selectors.own_attempt(who, test)
    return {
        **TestOut.from_orm(test).model_dump(),
        "question_ids": [q.pk for q in selectors.control_test_questions(test)] if keeper else [],
        "my_attempt_id": mine.pk if mine else None,
    }


@router.get("/testing/tests/{test_id}/results", response={200: list[ResultRowOut], **READ_ERRORS})
def control_test_results(request: HttpRequest, test_id: UUID) -> Any:
    """The class's results: one row per learner with the score and % (overdue attempts closed)."""
    who = actor(request)
    test = selectors.control_test_get(who, test_id)
    scope.require(who, selectors.RESULT_VIEW, test.organization, target=test)
    results = selectors.class_results(test)
    overdue = [r["attempt"] for r in results if r["attempt"] and services.is_overdue(r["attempt"])]
    if overdue:
        for attempt in overdue:
            services.close_if_overdue(attempt)
        results = selectors.class_results(test)
    rows = []
    language = _language()
    for row in results:
        attempt = row["attempt"]
        rows.append(
            {
                "learner_id": row["learner"].pk,
                "learner_name": row["learner"].full_name(language),
                "attempt_id": attempt.pk if attempt else None,
                "status": attempt.status if attempt else "not_started",
                "score": attempt.score if attempt else None,
                "max_score": attempt.max_score if attempt else None,
                "percent": rules.percent(attempt.score, attempt.max_score)
                if attempt and attempt.score is not None
                else None,
                "proctoring_events": getattr(attempt, "event_count", 0) if attempt else 0,
            }
        )
    return rows


@router.post("/testing/tests/{test_id}/attempts", response={201: StartOut, **WRITE_ERRORS})
def attempt_start(request: HttpRequest, test_id: UUID) -> Any:
    """Start the learner's one attempt; the answer carries the session token, shown once."""
    who = actor(request)
    test = selectors.control_test_get(who, test_id)
    attempt, token = services.attempt_start(actor=who, test=test)
    return 201, {"attempt": _attempt_detail(attempt, staff=False), "session_token": token}


# -- attempts ----------------------------------------------------------------------------------


@router.get("/testing/attempts", response={200: page_of(AttemptOut), **LIST_ERRORS})
def attempt_list(
    request: HttpRequest, filters: Query[AttemptFilter], page: Query[PageQuery]
) -> Any:
    who = actor(request)
    test = selectors.control_test_get(who, filters.test) if filters.test else None
    qs = selectors.attempt_list(who, test=test)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-started_at")


@router.get("/testing/attempts/{attempt_id}", response={200: AttemptDetailOut, **READ_ERRORS})
def attempt_get(request: HttpRequest, attempt_id: UUID) -> Any:
    """Staff see answers, points and proctoring events; the learner sees their open attempt
    (from the session that started it) or, once closed, their result."""
    who = actor(request)
    attempt = services.close_if_overdue(selectors.attempt_get(who, attempt_id))
    staff = _is_staff_reader(who, attempt)
    if not staff and attempt.status == Attempt.Status.OPEN:
        services.check_session(actor=who, attempt=attempt, token=_token(request))
    return _attempt_detail(attempt, staff=staff)


@router.put(
    "/testing/attempts/{attempt_id}/answers/{question_id}",
    response={200: AnswerOut, **WRITE_ERRORS},
)
def attempt_answer(
    request: HttpRequest, attempt_id: UUID, question_id: UUID, payload: AnswerIn
) -> Any:
    who = actor(request)
    attempt = selectors.attempt_get(who, attempt_id)
    return services.attempt_answer(
        actor=who,
        attempt=attempt,
        token=_token(request),
        question_id=question_id,
        response=payload.response,
    )


@router.post("/testing/attempts/{attempt_id}/finish", response={200: AttemptOut, **WRITE_ERRORS})
def attempt_finish(request: HttpRequest, attempt_id: UUID) -> Any:
    who = actor(request)
    attempt = selectors.attempt_get(who, attempt_id)
    return services.attempt_finish(actor=who, attempt=attempt, token=_token(request))


@router.post("/testing/attempts/{attempt_id}/events", response={201: EventOut, **WRITE_ERRORS})
def attempt_event(request: HttpRequest, attempt_id: UUID, payload: EventIn) -> Any:
    """A tab switch or focus change reported by the attempt page; the server stamps the time."""
    who = actor(request)
    attempt = selectors.attempt_get(who, attempt_id)
    return 201, services.attempt_event(
        actor=who, attempt=attempt, token=_token(request), kind=payload.kind
    )
