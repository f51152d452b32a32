"""Who is who on a lesson, for homework and distance learning, and when a lesson is archived.

The lesson's teacher (the lesson's or the assignment's teacher, holding the area's `manage`
capability on the school), a supervisor (the area's `view` capability on the school), a learner
of the class or subgroup (the `learner` relation role) or a parent of one (the `parent` relation
role). Anyone else gets 404, or 403 when they see the school. Used by services and selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oqu.access import scope
from oqu.access.scope import LEARNER_ROLE, PARENT_ROLE, Actor
from oqu.kernel.errors import Forbidden
from oqu.kernel.rules import rule_value
from oqu.people.models import Guardianship
from oqu.school.models import ClassMembership, Lesson, TeachingAssignment

TEACHER = "teacher"
SUPERVISOR = "supervisor"
LEARNER = "learner"
PARENT = "parent"

HOMEWORK_VIEW = "lms.homework.view"
HOMEWORK_MANAGE = "lms.homework.manage"
HOMEWORK_SUBMIT = "lms.homework.submit"
PLAN_VIEW = "lms.plan.view"
PLAN_REVIEW = "lms.plan.review"
PLAN_MANAGE = "lms.plan.manage"
DISTANCE_VIEW = "lms.distance.view"
DISTANCE_MANAGE = "lms.distance.manage"
DISTANCE_POST = "lms.distance.post"
ARCHIVE_RULE = "lms.distance.archive_after_days"
AREAS = {
    "homework": (HOMEWORK_VIEW, HOMEWORK_MANAGE),
    "distance": (DISTANCE_VIEW, DISTANCE_MANAGE),
}
LESSON_RELATED = (
    "organization",
    "assignment",
    "assignment__school_class",
    "assignment__subject",
    "assignment__subgroup",
)


# -- who is who on a lesson -------------------------------------------------------------------


def teaches(actor: Actor, lesson: Lesson) -> bool:
    person_id = actor.person_id
    return bool(person_id) and person_id in (lesson.teacher_id, lesson.assignment.teacher_id)


def learner_ids(assignment: TeachingAssignment) -> set[Any]:
    """Active learners of the assignment's class, or of its subgroup when it has one."""
    ids = set(
        ClassMembership.objects.filter(
            school_class_id=assignment.school_class_id, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    if assignment.subgroup_id:
        ids &= set(assignment.subgroup.learners.values_list("pk", flat=True))
    return ids


def _is_learner_of(person_id: Any, assignment: TeachingAssignment) -> bool:
    member = ClassMembership.objects.filter(
        person_id=person_id, school_class_id=assignment.school_class_id, end_date__isnull=True
    ).exists()
    if member and assignment.subgroup_id:
        return assignment.subgroup.learners.filter(pk=person_id).exists()
    return member


def _children_in(actor: Actor, assignment: TeachingAssignment) -> list[Any]:
    wards = Guardianship.objects.filter(
        guardian_id=actor.person_id, end_date__isnull=True
    ).values_list("child_id", flat=True)
    return [child for child in wards if _is_learner_of(child, assignment)]


def _refused(actor: Actor, action: str, target: Any, unit: Any) -> Exception:
    error_class = Forbidden if actor.sees_path(unit.path) else None
    if error_class is None:
        return scope.not_found(actor, action, target._meta.label_lower, target.pk)
    error = Forbidden()
    error.denial = scope.Denial(  # type: ignore[attr-defined]
        actor, action, target._meta.label_lower, str(target.pk), "not_own_lesson"
    )
    return error


def lesson_role(actor: Actor, lesson: Lesson, area: str) -> str:
    """The actor's part in the lesson for `area` ("homework" or "distance"), or the denial."""
    view, manage = AREAS[area]
    if actor.is_anonymous:
        raise scope.not_found(actor, view, "school.lesson", lesson.pk)
    path = lesson.organization.path
    if actor.can_at(manage, path) and teaches(actor, lesson):
        return TEACHER
    if actor.can_at(view, path):
        return SUPERVISOR
    if actor.person_id:
        if actor.relation_can(LEARNER_ROLE, view) and _is_learner_of(
            actor.person_id, lesson.assignment
        ):
            return LEARNER
        if actor.relation_can(PARENT_ROLE, view) and _children_in(actor, lesson.assignment):
            return PARENT
    raise _refused(actor, view, lesson, lesson.organization)


def archive_date(lesson: Lesson) -> dt.date:
    """The last day a lesson's chat and announcements may change (the rule in force on its date)."""
    return lesson.date + dt.timedelta(days=int(rule_value(ARCHIVE_RULE, lesson.date)))


def is_archived(lesson: Lesson, today: dt.date) -> bool:
    return today > archive_date(lesson)
