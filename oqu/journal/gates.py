"""Who may reach which class-subject, and whether a lesson's journal is still open for edits.

Shared by services and selectors. A holder of `journal.class_journal.manage` reaches every class-subject of the
schools where they hold it; anyone else holding its view / write capabilities reaches only what
they teach: the assignment's teacher reaches the whole class-subject, a substitute the lessons they
taught. Everything else answers 404, like an object of another school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Forbidden, ValidationError
from oqu.kernel.rules import rule_value, rule_value_subquery
from oqu.school.models import ClassMembership, Lesson, Subgroup, TeachingAssignment

from .models import Reopening

VIEW = "journal.class_journal.view"
WRITE = "journal.class_journal.write"
MANAGE = "journal.class_journal.manage"
EDIT_WINDOW = "school.journal.edit_window"
CONFIRMATION = "school.journal.period_mark_confirmation"


class LessonClosed(Forbidden):
    code = "lesson_closed"


def _managed(actor: Actor, action: str, via: str) -> Q:
    return scope.path_filter(actor, MANAGE, via) & scope.path_filter(actor, action, via)


def assignment_filter(actor: Actor, action: str) -> Q:
    """Assignments the actor reaches for `action` (all of a managed school, else their own)."""
    via = "organization__path"
    reach = _managed(actor, action, via) if actor.paths_for(MANAGE) else Q(pk__in=[])
    if actor.is_platform_admin:
        return Q()
    if actor.person_id and actor.paths_for(action):
        taught = Lesson.objects.filter(teacher_id=actor.person_id).values("assignment_id")
        reach |= scope.path_filter(actor, action, via) & (
            Q(teacher_id=actor.person_id) | Q(pk__in=taught)
        )
    return reach


def visible_assignments(actor: Actor, action: str = VIEW) -> QuerySet[TeachingAssignment]:
    if actor.is_anonymous:
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(assignment_filter(actor, action))


def visible_lessons(actor: Actor, action: str = VIEW) -> QuerySet[Lesson]:
    if actor.is_anonymous:
        return Lesson.objects.none()
    if actor.is_platform_admin:
        return Lesson.objects.all()
    via = "organization__path"
    reach = _managed(actor, action, via) if actor.paths_for(MANAGE) else Q(pk__in=[])
    if actor.person_id and actor.paths_for(action):
        reach |= scope.path_filter(actor, action, via) & (
            Q(teacher_id=actor.person_id) | Q(assignment__teacher_id=actor.person_id)
        )
    return Lesson.objects.filter(reach)


def manages(actor: Actor, organization: Any) -> bool:
    return actor.can_at(MANAGE, organization.path)


def teaches_assignment(actor: Actor, assignment: TeachingAssignment) -> bool:
    return bool(actor.person_id) and actor.person_id == assignment.teacher_id


def teaches_lesson(actor: Actor, lesson: Lesson) -> bool:
    return bool(actor.person_id) and actor.person_id in (
        lesson.teacher_id,
        lesson.assignment.teacher_id,
    )


def require_assignment(actor: Actor, action: str, assignment: TeachingAssignment) -> None:
    """The capability on the school, and the class-subject is the actor's own or managed."""
    scope.require(actor, action, assignment.organization, target=assignment)
    if manages(actor, assignment.organization) or teaches_assignment(actor, assignment):
        return
    raise scope.not_found(actor, action, "school.teachingassignment", assignment.pk)


def require_lesson(actor: Actor, action: str, lesson: Lesson) -> None:
    scope.require(actor, action, lesson.organization, target=lesson)
    if manages(actor, lesson.organization) or teaches_lesson(actor, lesson):
        return
    raise scope.not_found(actor, action, "school.lesson", lesson.pk)


# -- the edit window -----------------------------------------------------------------------------


def edit_window_days(lesson_date: dt.date) -> int:
    return int(rule_value(EDIT_WINDOW, lesson_date)["days"])


# The annotation `with_edit_window` gives a lesson: the edit-window rule in force on its date,
# read with the lesson itself (the attendance write would otherwise spend a round trip on it).
EDIT_WINDOW_ANNOTATION = "edit_window_rule"


def with_edit_window(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return lessons.annotate(**{EDIT_WINDOW_ANNOTATION: rule_value_subquery(EDIT_WINDOW, "date")})


def open_until(lesson: Lesson) -> dt.date:
    """The last day the lesson's journal is open without a reopening."""
    rule = getattr(lesson, EDIT_WINDOW_ANNOTATION, None)
    days = int(rule["days"]) if rule is not None else edit_window_days(lesson.date)
    return lesson.date + dt.timedelta(days=days)


def active_reopening(lesson: Lesson, now: dt.datetime | None = None) -> Reopening | None:
    now = now or timezone.now()
    return Reopening.objects.filter(lesson=lesson, until__gt=now).order_by("-until").first()


def require_open(lesson: Lesson) -> None:
    """Refuse edits after the window unless the deputy director has reopened the lesson."""
    if lesson.status == Lesson.Status.CANCELLED:
        raise ValidationError(
            _("The lesson was cancelled: its journal cannot be filled."), code="lesson_cancelled"
        )
    if timezone.localdate() <= open_until(lesson) or active_reopening(lesson) is not None:
        return
    raise LessonClosed(
        _(
            "The journal of this lesson is closed: it could be changed until %(date)s. "
            "Ask the deputy director to reopen the lesson."
        )
        % {"date": open_until(lesson).strftime("%d.%m.%Y")}
    )


def require_held(lesson: Lesson) -> None:
    """Attendance and marks are for a lesson that has taken place (today or earlier)."""
    if lesson.date > timezone.localdate():
        raise ValidationError(
            _("The lesson has not taken place yet: attendance and marks come after it."),
            code="lesson_in_future",
        )


# -- who is in the class ----------------------------------------------------------------------------


def roster_filter(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> Q:
    """Class stays of the assignment's class (or subgroup) that overlap [start, end].

    A move closes a stay on the day of the move and opens the next one on the same day, so a stay
    counts on the days from its start up to the day before its end.
    """
    query = Q(school_class_id=assignment.school_class_id, start_date__lte=end) & (
        Q(end_date__isnull=True) | Q(end_date__gt=start)
    )
    if assignment.subgroup_id:
        query &= Q(
            person_id__in=Subgroup.learners.through.objects.filter(
                subgroup_id=assignment.subgroup_id
            ).values("person_id")
        )
    return query


def roster_ids(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[Any]:
    return list(
        ClassMembership.objects.filter(roster_filter(assignment, start, end))
        .values_list("person_id", flat=True)
        .distinct()
    )
