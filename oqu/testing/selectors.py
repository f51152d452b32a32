"""Reads of the question bank, tests, attempts and results, scoped by the actor.

Staff see what their grants cover (`testing.bank.view`, `testing.result.view`); a learner sees
the tests of the classes (and subgroups) they are in now, and their own attempts, through the
`learner` relation role.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from oqu.access import scope
from oqu.access.scope import LEARNER_ROLE, Actor
from oqu.school.models import ClassMembership

from .models import Answer, Attempt, ProctoringEvent, Question, Test

BANK_VIEW = "testing.bank.view"
BANK_MANAGE = "testing.bank.manage"
RESULT_VIEW = "testing.result.view"
TAKE = "testing.attempt.take"
ALL_CLASSES = "testing.class.all"


def staff_reach(actor: Actor, action: str, via: str = "") -> Q:
    """Rows of tests the actor reaches as staff for `action` (SEC-27.14).

    Holders of `testing.class.all` (the director, the deputy director, inspectors) reach every
    class of their area; any other holder of `action` (a teacher) only the class-subjects they
    teach — another teacher's class answers 404, as if it did not exist.
    """
    path = f"{via}organization__path"
    if actor.is_platform_admin:
        return Q()
    own = Q(pk__in=[])
    if actor.person_id:
        own = Q(**{f"{via}assignment__teacher_id": actor.person_id})
    return scope.path_filter(actor, action, path) & (
        scope.path_filter(actor, ALL_CLASSES, path) | own
    )


def reaches_assignment(actor: Actor, assignment: Any) -> bool:
    """The actor may set tests for this class-subject: the whole school, or it is theirs."""
    return actor.can_at(ALL_CLASSES, assignment.organization.path) or (
        bool(actor.person_id) and actor.person_id == assignment.teacher_id
    )


def settable_assignments(actor: Actor, assignments: QuerySet[Any]) -> QuerySet[Any]:
    """The class-subjects of `assignments` the actor may set interim control tests for."""
    if actor.is_platform_admin:
        return assignments
    own = Q(teacher_id=actor.person_id) if actor.person_id else Q(pk__in=[])
    return assignments.filter(
        scope.path_filter(actor, BANK_MANAGE, "organization__path")
        & (scope.path_filter(actor, ALL_CLASSES, "organization__path") | own)
    )


def question_list(
    actor: Actor,
    *,
    organization: Any = None,
    subject_id: Any = None,
    grade: int | None = None,
    topic: str | None = None,
) -> QuerySet[Question]:
    qs = scope.visible(actor, BANK_VIEW, Question.objects.select_related("subject"))
    if organization is not None:
        qs = qs.filter(organization=organization)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if grade is not None:
        qs = qs.filter(grade=grade)
    if topic:
        qs = qs.filter(topic=topic)
    return qs


def question_get(actor: Actor, question_id: UUID | str) -> Question:
    return scope.get_in(question_list(actor), question_id, actor, BANK_VIEW)


def _learner_test_filter(actor: Actor) -> Q:
    """Tests of the classes the actor is a learner of now (and of their subgroup, if any)."""
    if not actor.person_id or not actor.relation_can(LEARNER_ROLE, TAKE):
        return Q(pk__in=[])
    classes = ClassMembership.objects.filter(
        person_id=actor.person_id, end_date__isnull=True
    ).values("school_class_id")
    return Q(assignment__school_class_id__in=classes) & (
        Q(assignment__subgroup__isnull=True) | Q(assignment__subgroup__learners=actor.person_id)
    )


def is_learner_of(actor: Actor, test: Test) -> bool:
    return Test.objects.filter(_learner_test_filter(actor), pk=test.pk).exists()


def control_test_list(actor: Actor, *, organization: Any = None) -> QuerySet[Test]:
    """Tests the actor may see: by grant, or as a learner of the class."""
    if actor.is_anonymous:
        return Test.objects.none()
    base = Test.objects.select_related(
        "assignment__school_class", "assignment__subject", "organization"
    )
    qs = base.filter(staff_reach(actor, BANK_VIEW) | _learner_test_filter(actor)).distinct()
    return qs.filter(organization=organization) if organization is not None else qs


def control_test_get(actor: Actor, test_id: UUID | str) -> Test:
    return scope.get_in(control_test_list(actor), test_id, actor, BANK_VIEW)


def control_test_questions(test: Test) -> list[Question]:
    return list(test.questions.select_related("subject").order_by("created_at", "pk"))


def attempt_list(actor: Actor, *, test: Test | None = None) -> QuerySet[Attempt]:
    """Attempts the actor may see: by `testing.result.view`, or their own as a learner."""
    if actor.is_anonymous:
        return Attempt.objects.none()
    own = Q(pk__in=[])
    if actor.person_id and actor.relation_can(LEARNER_ROLE, TAKE):
        own = Q(learner_id=actor.person_id)
    qs = Attempt.objects.select_related("test", "learner", "organization").filter(
        staff_reach(actor, RESULT_VIEW, via="test__") | own
    )
    return qs.filter(test=test) if test is not None else qs


def attempt_get(actor: Actor, attempt_id: UUID | str) -> Attempt:
    return scope.get_in(attempt_list(actor), attempt_id, actor, RESULT_VIEW)


def own_attempt(actor: Actor, test: Test) -> Attempt | None:
    if not actor.person_id:
        return None
    return Attempt.objects.filter(test=test, learner_id=actor.person_id).first()


def attempt_questions(attempt: Attempt) -> list[tuple[Question, Answer | None]]:
    """The attempt's questions in the order drawn, each with the saved answer (two queries)."""
    questions = Question.objects.in_bulk(attempt.question_ids)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    return [
        (questions[UUID(str(pk))], answers.get(UUID(str(pk))))
        for pk in attempt.question_ids
        if UUID(str(pk)) in questions
    ]


def attempt_events(attempt: Attempt) -> list[ProctoringEvent]:
    return list(ProctoringEvent.objects.filter(attempt=attempt).order_by("at", "pk"))


def class_results(test: Test) -> list[dict[str, Any]]:
    """One row per learner of the test's class (or subgroup) now: the attempt, score and %.

    Three queries whatever the size of the class: members, attempts, event counts.
    """
    from django.db.models import Count

    members = ClassMembership.objects.filter(
        school_class_id=test.assignment.school_class_id, end_date__isnull=True
    ).select_related("person")
    if test.assignment.subgroup_id:
        members = members.filter(person__in=test.assignment.subgroup.learners.all())
    attempts = {
        a.learner_id: a
        for a in Attempt.objects.filter(test=test)
        .select_related("learner")
        .annotate(event_count=Count("events"))
    }
    rows = []
    for member in members.order_by("person__last_name_ru", "person__first_name_ru"):
        attempt = attempts.pop(member.person_id, None)
        rows.append({"learner": member.person, "attempt": attempt})
    for attempt in attempts.values():  # learners who have left the class since
        rows.append({"learner": attempt.learner, "attempt": attempt})
    return rows
