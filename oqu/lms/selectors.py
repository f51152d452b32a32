"""Reads of the LMS, scoped by the actor: homework, submissions, overdue lists, lesson plans and
the distance part of a lesson (SEC-27.9, SEC-27.10, SEC-27.11).

Who may act on a lesson is decided by `lesson_role`: its teacher (the lesson's or the
assignment's teacher holding the `manage` capability there), a supervisor (the `view` capability
on the school), a learner of the class or subgroup (the `learner` relation role) or a parent of
one (the `parent` relation role). Anyone else gets 404, or 403 when they see the school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.people.models import Guardianship, Person
from oqu.school.models import ClassMembership, Lesson, Subgroup, TeachingAssignment

from .models import (
    Announcement,
    Attachment,
    ChatMessage,
    Conference,
    Homework,
    HomeworkSubmission,
    LessonPlan,
    LessonPlanUse,
)
from .roles import (  # noqa: F401 - the lesson roles and capability codes, re-exported
    AREAS,
    DISTANCE_MANAGE,
    DISTANCE_POST,
    DISTANCE_VIEW,
    HOMEWORK_MANAGE,
    HOMEWORK_SUBMIT,
    HOMEWORK_VIEW,
    LEARNER,
    LESSON_RELATED,
    PARENT,
    PLAN_MANAGE,
    PLAN_REVIEW,
    PLAN_VIEW,
    SUPERVISOR,
    TEACHER,
    archive_date,
    is_archived,
    learner_ids,
    lesson_role,
    teaches,
)


def lesson_get(actor: Actor, lesson_id: UUID | str, area: str = "homework") -> tuple[Lesson, str]:
    """The lesson and the actor's part in it; 404 when missing or out of reach."""
    lesson = Lesson.objects.select_related(*LESSON_RELATED).filter(pk=lesson_id).first()
    if lesson is None:
        raise scope.not_found(actor, AREAS[area][0], "school.lesson", lesson_id)
    return lesson, lesson_role(actor, lesson, area)


def teacher_lessons(actor: Actor, *, date_from: dt.date, date_to: dt.date) -> QuerySet[Lesson]:
    """The actor's own lessons between two dates (where they hold a `manage` capability)."""
    if not actor.person_id:
        return Lesson.objects.none()
    qs = scope.visible(
        actor, HOMEWORK_MANAGE, Lesson.objects.select_related(*LESSON_RELATED)
    ).filter(Q(teacher_id=actor.person_id) | Q(assignment__teacher_id=actor.person_id))
    return qs.filter(date__gte=date_from, date__lte=date_to).order_by("date", "lesson_number")


# -- homework ---------------------------------------------------------------------------------

HOMEWORK_RELATED = (
    "lesson",
    "lesson__organization",
    "assignment",
    "assignment__school_class",
    "assignment__subject",
    "assignment__subgroup",
    "organization",
)


def homework_rows() -> QuerySet[Homework]:
    return Homework.objects.select_related(*HOMEWORK_RELATED).prefetch_related("attachments")


def homework_of_lesson(lesson: Lesson) -> list[Homework]:
    """The homework of a lesson (the caller has the lesson through `lesson_get`)."""
    return list(homework_rows().filter(lesson=lesson).order_by("created_at", "pk"))


def homework_get(actor: Actor, homework_id: UUID | str) -> tuple[Homework, str]:
    homework = homework_rows().filter(pk=homework_id).first()
    if homework is None:
        raise scope.not_found(actor, HOMEWORK_VIEW, "lms.homework", homework_id)
    return homework, lesson_role(actor, homework.lesson, "homework")


def homework_list(actor: Actor) -> QuerySet[Homework]:
    """Homework a member of staff sees: the school's (supervisors) or their own lessons' (teachers)."""
    supervised = scope.path_filter(actor, HOMEWORK_VIEW, "organization__path")
    own = scope.path_filter(actor, HOMEWORK_MANAGE, "organization__path") & (
        Q(lesson__teacher_id=actor.person_id) | Q(assignment__teacher_id=actor.person_id)
    )
    if actor.is_anonymous:
        return Homework.objects.none()
    if not actor.person_id:
        own = Q(pk__in=[])
    return homework_rows().filter(supervised | own)


def _learner_assignments(person: Any) -> QuerySet[TeachingAssignment]:
    classes = ClassMembership.objects.filter(person=person, end_date__isnull=True).values(
        "school_class_id"
    )
    return TeachingAssignment.objects.filter(school_class_id__in=classes).filter(
        Q(subgroup__isnull=True) | Q(subgroup__learners=person)
    )


@dataclass
class LearnerHomework:
    homework: Homework
    submission: HomeworkSubmission | None
    overdue: bool


def homework_for_learner(
    actor: Actor, learner: Person, *, today: dt.date, overdue_only: bool = False
) -> list[LearnerHomework]:
    """The homework of a learner's current class (and subgroups), newest due date first, each with
    the learner's own submission and whether it is overdue (past due and not submitted, or
    returned for revision). For the learner, their parent (read-only) and the school's staff; the
    cabinet's "homework of a learner". Four queries whatever the number of rows."""
    scope.require_person(actor, HOMEWORK_VIEW, learner)
    rows = list(
        homework_rows()
        .filter(assignment__in=_learner_assignments(learner))
        .order_by("-due_date", "-created_at")
    )
    submissions = {
        s.homework_id: s
        for s in HomeworkSubmission.objects.filter(
            learner=learner, homework_id__in=[h.pk for h in rows]
        ).prefetch_related("attachments")
    }
    result = []
    for homework in rows:
        submission = submissions.get(homework.pk)
        overdue = homework.due_date < today and (
            submission is None or submission.status == HomeworkSubmission.Status.RETURNED
        )
        if overdue or not overdue_only:
            result.append(LearnerHomework(homework, submission, overdue))
    return result


def submissions_of(homework: Homework, role: str, actor: Actor) -> list[HomeworkSubmission]:
    """Submissions of a homework as the actor may see them: all (teacher, supervisor), their own
    (learner) or their children's (parent)."""
    qs = (
        HomeworkSubmission.objects.filter(homework=homework)
        .select_related("learner")
        .prefetch_related("attachments")
        .order_by("learner__last_name_ru", "learner__first_name_ru", "pk")
    )
    if role == LEARNER:
        qs = qs.filter(learner_id=actor.person_id)
    elif role == PARENT:
        wards = Guardianship.objects.filter(
            guardian_id=actor.person_id, end_date__isnull=True
        ).values("child_id")
        qs = qs.filter(learner_id__in=wards)
    return list(qs)


def submission_get(actor: Actor, submission_id: UUID | str) -> tuple[HomeworkSubmission, str]:
    submission = (
        HomeworkSubmission.objects.select_related(
            "learner", *(f"homework__{name}" for name in HOMEWORK_RELATED)
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise scope.not_found(actor, HOMEWORK_VIEW, "lms.homeworksubmission", submission_id)
    role = lesson_role(actor, submission.homework.lesson, "homework")
    if role in (TEACHER, SUPERVISOR):
        return submission, role
    if role == LEARNER and submission.learner_id == actor.person_id:
        return submission, role
    if (
        role == PARENT
        and Guardianship.objects.filter(
            guardian_id=actor.person_id, child_id=submission.learner_id, end_date__isnull=True
        ).exists()
    ):
        return submission, role
    raise scope.not_found(actor, HOMEWORK_VIEW, "lms.homeworksubmission", submission_id)


@dataclass
class Overdue:
    homework: Homework
    missing: list[Person] = field(default_factory=list)


def overdue_for_teacher(actor: Actor, *, today: dt.date) -> list[Overdue]:
    """The teacher's homework past its due date with the learners who have not submitted it (a
    returned submission counts as not submitted). Four queries whatever the number of rows."""
    if not actor.person_id:
        return []
    rows = list(
        homework_rows()
        .filter(
            scope.path_filter(actor, HOMEWORK_MANAGE, "organization__path"),
            Q(lesson__teacher_id=actor.person_id) | Q(assignment__teacher_id=actor.person_id),
            due_date__lt=today,
        )
        .order_by("due_date", "pk")
    )
    class_ids = {h.assignment.school_class_id for h in rows}
    members: dict[Any, list[Person]] = defaultdict(list)
    for m in (
        ClassMembership.objects.filter(school_class_id__in=class_ids, end_date__isnull=True)
        .select_related("person")
        .order_by("person__last_name_ru", "person__first_name_ru")
    ):
        members[m.school_class_id].append(m.person)
    subgroup_ids = {h.assignment.subgroup_id for h in rows if h.assignment.subgroup_id}
    in_subgroup: dict[Any, set[Any]] = defaultdict(set)
    for sub_id, person_id in Subgroup.learners.through.objects.filter(
        subgroup_id__in=subgroup_ids
    ).values_list("subgroup_id", "person_id"):
        in_subgroup[sub_id].add(person_id)
    done = set(
        HomeworkSubmission.objects.filter(homework__in=[h.pk for h in rows])
        .exclude(status=HomeworkSubmission.Status.RETURNED)
        .values_list("homework_id", "learner_id")
    )
    result = []
    for homework in rows:
        learners = members[homework.assignment.school_class_id]
        if homework.assignment.subgroup_id:
            learners = [p for p in learners if p.pk in in_subgroup[homework.assignment.subgroup_id]]
        missing = [p for p in learners if (homework.pk, p.pk) not in done]
        if missing:
            result.append(Overdue(homework, missing))
    return result


# -- lesson plans -----------------------------------------------------------------------------


def plan_list(actor: Actor) -> QuerySet[LessonPlan]:
    """Plans the actor may read: their own, those colleagues of the school share, and every plan
    of the school for reviewers (methodologist, deputy director, director)."""
    if actor.is_anonymous:
        return LessonPlan.objects.none()
    own = (
        scope.path_filter(actor, PLAN_MANAGE, "organization__path") & Q(author_id=actor.person_id)
        if actor.person_id
        else Q(pk__in=[])
    )
    shared = scope.path_filter(actor, PLAN_VIEW, "organization__path") & Q(shared=True)
    reviewed = scope.path_filter(actor, PLAN_REVIEW, "organization__path")
    return LessonPlan.objects.select_related("author", "subject", "organization").filter(
        own | shared | reviewed
    )


def plan_get(actor: Actor, plan_id: UUID | str) -> LessonPlan:
    return scope.get_in(plan_list(actor).prefetch_related("attachments"), plan_id, actor, PLAN_VIEW)


def plan_uses(plan: LessonPlan) -> list[LessonPlanUse]:
    return list(
        LessonPlanUse.objects.filter(plan=plan)
        .select_related("lesson", "lesson__assignment__school_class", "lesson__assignment__subject")
        .order_by("-lesson__date", "lesson__lesson_number")
    )


def plans_of_lesson(lesson: Lesson) -> list[LessonPlan]:
    return list(
        LessonPlan.objects.filter(uses__lesson=lesson)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("title")
    )


# -- distance learning ------------------------------------------------------------------------


def conference_of(lesson: Lesson) -> Conference | None:
    return Conference.objects.filter(lesson=lesson).first()


def chat_messages(lesson: Lesson, *, after: Any = None) -> list[ChatMessage]:
    qs = ChatMessage.objects.filter(lesson=lesson).select_related("author")
    if after is not None:
        qs = qs.filter(created_at__gt=after)
    return list(qs.order_by("created_at", "pk")[:500])


def announcements_of(lesson: Lesson) -> list[Announcement]:
    return list(
        Announcement.objects.filter(lesson=lesson)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-created_at", "pk")
    )


def message_get(actor: Actor, message_id: UUID | str) -> tuple[ChatMessage, str]:
    message = (
        ChatMessage.objects.select_related(*(f"lesson__{name}" for name in LESSON_RELATED))
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise scope.not_found(actor, DISTANCE_VIEW, "lms.chatmessage", message_id)
    return message, lesson_role(actor, message.lesson, "distance")


def announcement_get(actor: Actor, announcement_id: UUID | str) -> tuple[Announcement, str]:
    row = (
        Announcement.objects.select_related(*(f"lesson__{name}" for name in LESSON_RELATED))
        .filter(pk=announcement_id)
        .first()
    )
    if row is None:
        raise scope.not_found(actor, DISTANCE_VIEW, "lms.announcement", announcement_id)
    return row, lesson_role(actor, row.lesson, "distance")


# -- files ------------------------------------------------------------------------------------


def attachment_get(actor: Actor, attachment_id: UUID | str) -> Attachment:
    """The file, when the actor may read what it is attached to (else 404/403 like its owner)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise scope.not_found(actor, HOMEWORK_VIEW, "lms.attachment", attachment_id)
    if attachment.homework_id:
        homework_get(actor, attachment.homework_id)
    elif attachment.submission_id:
        submission_get(actor, attachment.submission_id)
    elif attachment.plan_id:
        plan_get(actor, attachment.plan_id)
    else:
        announcement_get(actor, attachment.announcement_id)
    return attachment


def prefetch_attachments() -> Prefetch:
    return Prefetch("attachments", queryset=Attachment.objects.order_by("created_at"))
