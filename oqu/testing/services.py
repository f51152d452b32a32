"""Changes of the testing app: validate → `scope.require` → change → journal, in one transaction.

An attempt is bound to the session that started it: the start returns a random token once and
keeps only its SHA-256. A request with another token (another browser or device) is refused with
409 and recorded as a proctoring event — in its own statement, so the refusal does not roll the
record back. An answer after the deadline is refused, and the attempt is closed and graded then;
the scheduled job `testing.close_overdue_attempts` closes the ones nobody touches again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import LEARNER_ROLE, Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError

from . import rules, selectors
from .models import Answer, Attempt, ProctoringEvent, Question, QuestionKind, Test

BANK_MANAGE = selectors.BANK_MANAGE
TAKE = selectors.TAKE
MAX_OPTIONS = 10
MAX_POINTS = 100
MAX_TIME_LIMIT = 300
CLIENT_EVENT_KINDS = {
    ProctoringEvent.Kind.TAB_HIDDEN,
    ProctoringEvent.Kind.TAB_VISIBLE,
    ProctoringEvent.Kind.FOCUS_LOST,
    ProctoringEvent.Kind.FOCUS_BACK,
}
QUESTION_FIELDS = ["subject_id", "grade", "topic", "kind", "text", "choices", "correct", "points"]


# -- the question bank -------------------------------------------------------------------------


def _clean_question(
    kind: str, text: str, choices: list[str], correct: list[Any], points: int, topic: str
) -> tuple[str, list[str], list[Any], str]:
    text, topic = (text or "").strip(), (topic or "").strip()
    if kind not in QuestionKind.values:
        raise ValidationError(code="question_kind", fields={"kind": ["invalid"]})
    if not text:
        raise ValidationError(
            _("Write the question."), code="question_text", fields={"text": ["required"]}
        )
    if not topic:
        raise ValidationError(
            _("Name the topic of the question."),
            code="question_topic",
            fields={"topic": ["required"]},
        )
    if not 1 <= points <= MAX_POINTS:
        raise ValidationError(
            _("Points must be from 1 to 100."), code="question_points", fields={"points": ["range"]}
        )
    if kind == QuestionKind.SHORT:
        accepted = [str(a).strip() for a in correct if str(a).strip()]
        if not accepted:
            raise ValidationError(
                _("Give at least one accepted answer."),
                code="question_accepted",
                fields={"correct": ["required"]},
            )
        return text, [], accepted, topic
    options = [str(c).strip() for c in choices if str(c).strip()]
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(
            _("A choice question needs from 2 to 10 options."),
            code="question_options",
            fields={"choices": ["count"]},
        )
    try:
        right = sorted({int(i) for i in correct})
    except (TypeError, ValueError):
        raise ValidationError(code="question_correct", fields={"correct": ["invalid"]}) from None
    if not right or any(not 0 <= i < len(options) for i in right):
        raise ValidationError(
            _("Mark the right options among the ones given."),
            code="question_correct",
            fields={"correct": ["invalid"]},
        )
    if kind == QuestionKind.SINGLE and len(right) != 1:
        raise ValidationError(
            _("A single-choice question has exactly one right option."),
            code="question_single",
            fields={"correct": ["one"]},
        )
    return text, options, right, topic


@transaction.atomic
def question_create(
    *,
    actor: Actor,
    subject: Any,
    grade: int,
    topic: str,
    kind: str,
    text: str,
    choices: list[str],
    correct: list[Any],
    points: int = 1,
) -> Question:
    """A question of the school's bank for a subject and grade (SEC-27.14)."""
    scope.require(actor, BANK_MANAGE, subject.organization, target=subject)
    if not 1 <= grade <= 12:
        raise ValidationError(code="grade_range", fields={"grade": ["range"]})
    text, choices, correct, topic = _clean_question(kind, text, choices, correct, points, topic)
    question = Question.objects.create(
        organization=subject.organization,
        subject=subject,
        grade=grade,
        topic=topic,
        kind=kind,
        text=text,
        choices=choices,
        correct=correct,
        points=points,
        author_id=actor.person_id,
    )
    journal.record(
        actor=actor,
        action="testing.question.create",
        target=question,
        after=journal.snapshot(question, QUESTION_FIELDS),
    )
    return question


@transaction.atomic
def question_change(*, actor: Actor, question: Question, **fields: Any) -> Question:
    """Edit a question or take it out of use; closed attempts keep the points they were given."""
    scope.require(actor, BANK_MANAGE, question.organization, target=question)
    before = journal.snapshot(question, [*QUESTION_FIELDS, "is_active"])
    merged = {
        name: fields[name] if fields.get(name) is not None else getattr(question, name)
        for name in ("kind", "text", "choices", "correct", "points", "topic")
    }
    text, choices, correct, topic = _clean_question(**merged)
    question.text, question.choices, question.correct, question.topic = (
        text,
        choices,
        correct,
        topic,
    )
    question.kind, question.points = merged["kind"], merged["points"]
    if fields.get("is_active") is not None:
        question.is_active = bool(fields["is_active"])
    question.save()
    old, new = journal.changed(before, journal.snapshot(question, [*QUESTION_FIELDS, "is_active"]))
    journal.record(
        actor=actor, action="testing.question.change", target=question, before=old, after=new
    )
    return question


# -- tests -------------------------------------------------------------------------------------


def _bank_for(assignment: Any) -> Any:
    return Question.objects.filter(
        organization_id=assignment.organization_id,
        subject_id=assignment.subject_id,
        grade=assignment.school_class.grade,
        is_active=True,
    )


def _check_fixed(assignment: Any, question_ids: list[Any]) -> list[Question]:
    if not question_ids:
        raise ValidationError(
            _("Choose at least one question."),
            code="control_test_questions",
            fields={"question_ids": ["required"]},
        )
    questions = list(_bank_for(assignment).filter(pk__in=question_ids))
    if len(questions) != len(set(map(str, question_ids))):
        raise ValidationError(
            _("Every question must come from the bank of this subject and grade."),
            code="test_question_foreign",
            fields={"question_ids": ["foreign"]},
        )
    return questions


def _check_random(assignment: Any, topic_counts: dict[str, int]) -> dict[str, int]:
    counts = {str(t).strip(): int(n) for t, n in (topic_counts or {}).items() if int(n) > 0}
    if not counts:
        raise ValidationError(
            _("Say how many questions to draw from which topic."),
            code="test_topics",
            fields={"topic_counts": ["required"]},
        )
    available = defaultdict(int)
    for topic in _bank_for(assignment).filter(topic__in=counts).values_list("topic", flat=True):
        available[topic] += 1
    short = sorted(t for t, n in counts.items() if available[t] < n)
    if short:
        raise ValidationError(
            _("The bank has too few questions on: %(topics)s.") % {"topics": ", ".join(short)},
            code="test_topic_short",
            fields={"topic_counts": short},
        )
    return counts


def _require_own_class_subject(actor: Actor, assignment: Any) -> None:
    if selectors.reaches_assignment(actor, assignment):
        return
    error = Forbidden(
        _("You can set interim control tests only for the class-subjects you teach."),
        code="test_not_own_class_subject",
    )
    error.denial = scope.Denial(  # type: ignore[attr-defined]
        actor, selectors.ALL_CLASSES, "school.teachingassignment", str(assignment.pk), "not_own"
    )
    raise error


@transaction.atomic
def control_test_create(
    *,
    actor: Actor,
    assignment: Any,
    title: str,
    mode: str,
    time_limit_minutes: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    question_ids: list[Any] | None = None,
    topic_counts: dict[str, int] | None = None,
) -> Test:
    """An interim control test for a class-subject: fixed questions or N random per topic.

    A teacher sets tests only for the class-subjects they teach; the director and the deputy
    director (`testing.class.all`) for every class of the school (SEC-27.14).
    """
    scope.require(actor, BANK_MANAGE, assignment.organization, target=assignment)
    _require_own_class_subject(actor, assignment)
    title = (title or "").strip()
    if not title:
        raise ValidationError(code="test_title", fields={"title": ["required"]})
    if not 1 <= time_limit_minutes <= MAX_TIME_LIMIT:
        raise ValidationError(
            _("The time limit must be from 1 to 300 minutes."),
            code="test_time_limit",
            fields={"time_limit_minutes": ["range"]},
        )
    if closes_at <= opens_at:
        raise ValidationError(
            _("The test must close after it opens."),
            code="test_window",
            fields={"closes_at": ["before_opens"]},
        )
    questions: list[Question] = []
    counts: dict[str, int] = {}
    if mode == Test.Mode.FIXED:
        questions = _check_fixed(assignment, question_ids or [])
    elif mode == Test.Mode.RANDOM:
        counts = _check_random(assignment, topic_counts or {})
    else:
        raise ValidationError(code="test_mode", fields={"mode": ["invalid"]})
    test = Test.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        title=title,
        mode=mode,
        topic_counts=counts,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=actor.person_id,
    )
    test.questions.set(questions)
    after = journal.snapshot(test)
    after["question_ids"] = sorted(str(q.pk) for q in questions)
    journal.record(actor=actor, action="testing.test.create", target=test, after=after)
    return test


# -- attempts ----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_learner(actor: Actor, test: Test) -> None:
    """The actor takes the test as a learner of its class now (else: not theirs to see)."""
    if selectors.is_learner_of(actor, test):
        return
    # staff who see the test but are not its learners: 403; anyone else: 404
    scope.require(actor, TAKE, test.organization, target=test)
    raise scope.not_found(actor, TAKE, "testing.test", test.pk)


def _draw(test: Test, seed: int) -> list[Question]:
    if test.mode == Test.Mode.FIXED:
        return selectors.control_test_questions(test)
    bank = _bank_for(test.assignment).filter(topic__in=list(test.topic_counts))
    by_topic: dict[str, list[Any]] = defaultdict(list)
    questions = {}
    for question in bank:
        by_topic[question.topic].append(question.pk)
        questions[question.pk] = question
    try:
        ids = rules.draw_questions(by_topic, test.topic_counts, seed)
    except ValueError:
        raise Conflict(
            _("The question bank no longer has enough questions for this test."),
            code="test_bank_short",
        ) from None
    return [questions[pk] for pk in ids]


def attempt_start(
    *, actor: Actor, test: Test, now: dt.datetime | None = None
) -> tuple[Attempt, str]:
    """Start the learner's one attempt; returns it with the session token (shown once)."""
    now = now or timezone.now()
    _require_learner(actor, test)
    existing = Attempt.objects.filter(test=test, learner_id=actor.person_id).first()
    if existing is not None:
        if existing.status == Attempt.Status.OPEN:
            _record_event(existing, ProctoringEvent.Kind.OTHER_SESSION, now, {"on": "start"})
        raise Conflict(
            _("You have already started this test; continue it where you started it."),
            code="attempt_exists",
        )
    if not test.opens_at <= now < test.closes_at:
        raise Conflict(_("The test is not open now."), code="test_not_open")
    token = secrets.token_urlsafe(32)
    seed = secrets.randbits(62)
    questions = _draw(test, seed)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                organization=test.organization,
                test=test,
                learner_id=actor.person_id,
                seed=seed,
                question_ids=[str(q.pk) for q in questions],
                session_token_hash=token_hash(token),
                started_at=now,
                deadline=min(now + dt.timedelta(minutes=test.time_limit_minutes), test.closes_at),
                max_score=sum((Decimal(q.points) for q in questions), Decimal(0)),
            )
            journal.record(
                actor=actor,
                action="testing.attempt.start",
                target=attempt,
                after=journal.snapshot(
                    attempt, ["test_id", "learner_id", "seed", "question_ids", "deadline"]
                ),
            )
    except IntegrityError:
        raise Conflict(
            _("You have already started this test; continue it where you started it."),
            code="attempt_exists",
        ) from None
    return attempt, token


def _record_event(attempt: Attempt, kind: str, at: dt.datetime, details: dict[str, Any]) -> None:
    ProctoringEvent.objects.create(
        organization_id=attempt.organization_id, attempt=attempt, kind=kind, at=at, details=details
    )


def _require_own(actor: Actor, attempt: Attempt) -> None:
    if not (actor.person_id == attempt.learner_id and actor.relation_can(LEARNER_ROLE, TAKE)):
        raise scope.not_found(actor, TAKE, "testing.attempt", attempt.pk)


def check_session(
    *, actor: Actor, attempt: Attempt, token: str | None, now: dt.datetime | None = None
) -> None:
    """Refuse (409) a request of the attempt's learner from a session other than the one that
    started it, and record it as a proctoring event."""
    _require_own(actor, attempt)
    if token and hmac.compare_digest(token_hash(token), attempt.session_token_hash):
        return
    if attempt.status == Attempt.Status.OPEN:
        _record_event(
            attempt, ProctoringEvent.Kind.OTHER_SESSION, now or timezone.now(), {"on": "request"}
        )
    raise Conflict(
        _("This attempt is open in another browser or device; continue it there."),
        code="attempt_other_session",
    )


def _grade(attempt: Attempt) -> Decimal:
    questions = Question.objects.in_bulk(attempt.question_ids)
    total = Decimal(0)
    for answer in Answer.objects.filter(attempt=attempt):
        question = questions.get(answer.question_id)
        if question is None:
            continue
        answer.points = rules.question_points(
            question.kind, question.correct, answer.response, question.points
        )
        answer.save(update_fields=["points"])
        total += answer.points
    return total


def _close(actor: Actor | None, attempt: Attempt, by: str, at: dt.datetime) -> Attempt:
    """Grade and close an open attempt (locked first, so two closers grade it once)."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status != Attempt.Status.OPEN:
            return locked
        locked.score = _grade(locked)
        locked.status = Attempt.Status.CLOSED
        locked.closed_at = min(at, locked.deadline)
        locked.closed_by = by
        locked.save(update_fields=["score", "status", "closed_at", "closed_by", "updated_at"])
        journal.record(
            actor=actor,
            action="testing.attempt.close",
            target=locked,
            before={"status": Attempt.Status.OPEN},
            after=journal.snapshot(
                locked, ["status", "closed_by", "closed_at", "score", "max_score"]
            ),
        )
    return locked


def is_overdue(attempt: Attempt, now: dt.datetime | None = None) -> bool:
    return attempt.status == Attempt.Status.OPEN and (now or timezone.now()) >= attempt.deadline


def close_if_overdue(attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """An open attempt whose deadline has passed is closed and graded as of its deadline."""
    now = now or timezone.now()
    if is_overdue(attempt, now):
        return _close(None, attempt, Attempt.ClosedBy.DEADLINE, now)
    return attempt


def close_overdue_attempts(now: dt.datetime | None = None) -> int:
    """Close every open attempt past its deadline (the scheduled job); returns how many."""
    now = now or timezone.now()
    closed = 0
    for attempt in Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lte=now):
        close_if_overdue(attempt, now)
        closed += 1
    return closed


def _clean_response(question: Question, response: list[Any]) -> list[Any]:
    if question.kind == QuestionKind.SHORT:
        value = str(response[0]).strip() if response else ""
        if len(value) > 500:
            raise ValidationError(code="answer_too_long", fields={"response": ["too_long"]})
        return [value] if value else []
    try:
        chosen = sorted({int(i) for i in response})
    except (TypeError, ValueError):
        raise ValidationError(code="answer_invalid", fields={"response": ["invalid"]}) from None
    if any(not 0 <= i < len(question.choices) for i in chosen):
        raise ValidationError(code="answer_invalid", fields={"response": ["out_of_range"]})
    if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
        raise ValidationError(
            _("Choose one option."), code="answer_single", fields={"response": ["one"]}
        )
    return chosen


def _refuse_if_closed(actor: Actor, attempt: Attempt, now: dt.datetime) -> None:
    if attempt.status != Attempt.Status.OPEN:
        raise Conflict(_("This attempt is closed."), code="attempt_closed")
    if now >= attempt.deadline:
        _record_event(attempt, ProctoringEvent.Kind.LATE_ANSWER, now, {})
        close_if_overdue(attempt, now)
        raise Conflict(
            _("The time for this attempt is over; answers are no longer accepted."),
            code="attempt_deadline_passed",
        )


def attempt_answer(
    *,
    actor: Actor,
    attempt: Attempt,
    token: str | None,
    question_id: Any,
    response: list[Any],
    now: dt.datetime | None = None,
) -> Answer:
    """Save (or replace) the answer to one question while the attempt is open."""
    now = now or timezone.now()
    check_session(actor=actor, attempt=attempt, token=token, now=now)
    _refuse_if_closed(actor, attempt, now)
    if str(question_id) not in attempt.question_ids:
        raise NotFound(code="question_not_in_attempt")
    question = Question.objects.get(pk=question_id)
    cleaned = _clean_response(question, response)
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update().filter(attempt=attempt, question=question).first()
        )
        before = {"response": answer.response} if answer else None
        if answer is None:
            answer = Answer(
                organization_id=attempt.organization_id, attempt=attempt, question=question
            )
        answer.response, answer.saved_at = cleaned, now
        answer.save()
        journal.record(
            actor=actor,
            action="testing.answer.save",
            target=attempt,
            before=before,
            after={"question_id": str(question.pk), "response": cleaned},
        )
    return answer


def attempt_finish(
    *, actor: Actor, attempt: Attempt, token: str | None, now: dt.datetime | None = None
) -> Attempt:
    """The learner hands the attempt in: it is graded and closed."""
    now = now or timezone.now()
    check_session(actor=actor, attempt=attempt, token=token, now=now)
    if attempt.status != Attempt.Status.OPEN:
        raise Conflict(_("This attempt is closed."), code="attempt_closed")
    by = Attempt.ClosedBy.DEADLINE if now >= attempt.deadline else Attempt.ClosedBy.LEARNER
    return _close(actor, attempt, by, now)


def attempt_event(
    *,
    actor: Actor,
    attempt: Attempt,
    token: str | None,
    kind: str,
    now: dt.datetime | None = None,
) -> ProctoringEvent:
    """A proctoring event the attempt page reports (tab switch, focus loss), stamped by the server."""
    now = now or timezone.now()
    check_session(actor=actor, attempt=attempt, token=token, now=now)
    if kind not in CLIENT_EVENT_KINDS:
        raise ValidationError(code="event_kind", fields={"kind": ["invalid"]})
    if attempt.status != Attempt.Status.OPEN:
        raise Conflict(_("This attempt is closed."), code="attempt_closed")
    with transaction.atomic():
        event = ProctoringEvent.objects.create(
            organization_id=attempt.organization_id, attempt=attempt, kind=kind, at=now
        )
        journal.record(
            actor=actor,
            action="testing.proctoring.event",
            target=attempt,
            after={"kind": kind, "at": now},
        )
    return event
