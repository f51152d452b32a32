"""Reads of the timetable, scoped by the actor (start from `scope.visible`): rooms, bells, the
grid of a class, lessons of a date, a class's and a teacher's week (SEC-27.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.people.models import Employment, Person

from .models import AcademicYear, BellSlot, Lesson, Room, SchoolClass, TimetableEntry
from .timetable import TIMETABLE_VIEW, open_entries


def room_list(actor: Actor, *, organization: Any = None) -> QuerySet[Room]:
    qs = scope.visible(actor, TIMETABLE_VIEW, Room.objects.all())
    return qs.filter(organization=organization) if organization is not None else qs


def room_get(actor: Actor, room_id: UUID | str) -> Room:
    return scope.get_in(room_list(actor), room_id, actor, TIMETABLE_VIEW)


def bell_list(year: AcademicYear) -> list[BellSlot]:
    """The bells of a year the caller already reached through `year_get`."""
    return list(BellSlot.objects.filter(year=year).order_by("shift", "number"))


def bell_get(actor: Actor, bell_id: UUID | str) -> BellSlot:
    qs = scope.visible(actor, TIMETABLE_VIEW, BellSlot.objects.select_related("organization"))
    return scope.get_in(qs, bell_id, actor, TIMETABLE_VIEW)


def entries(actor: Actor) -> QuerySet[TimetableEntry]:
    return scope.visible(
        actor,
        TIMETABLE_VIEW,
        TimetableEntry.objects.select_related(
            "assignment__subject",
            "assignment__teacher",
            "assignment__subgroup",
            "assignment__school_class",
            "assignment__year",
            "room",
        ),
    )


def entry_get(actor: Actor, entry_id: UUID | str) -> TimetableEntry:
    return scope.get_in(entries(actor), entry_id, actor, TIMETABLE_VIEW)


def class_entries(actor: Actor, school_class: SchoolClass) -> list[TimetableEntry]:
    """The open grid of a class, weekday and lesson number in order."""
    year_open = open_entries(school_class.year).values("pk")
    return list(
        entries(actor)
        .filter(assignment__school_class=school_class, pk__in=year_open)
        .order_by("weekday", "lesson_number", "assignment__subgroup__name")
    )


def lessons(actor: Actor) -> QuerySet[Lesson]:
    return scope.visible(
        actor,
        TIMETABLE_VIEW,
        Lesson.objects.select_related(
            "assignment__subject",
            "assignment__school_class",
            "assignment__subgroup",
            "teacher",
            "room",
            "period",
            "substitution",
            "substitution__absent_teacher",
        ),
    )


def lesson_get(actor: Actor, lesson_id: UUID | str) -> Lesson:
    return scope.get_in(lessons(actor), lesson_id, actor, TIMETABLE_VIEW)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def class_week(actor: Actor, school_class: SchoolClass, day: dt.date) -> list[Lesson]:
    start, end = week_of(day)
    return list(
        lessons(actor)
        .filter(assignment__school_class=school_class, date__gte=start, date__lte=end)
        .order_by("date", "lesson_number", "assignment__subgroup__name")
    )


def teacher_of_school(actor: Actor, organization: Any, person_id: UUID | str) -> Person:
    """A person who works (or worked) at the school, for their week; others look missing (404)."""
    if not actor.can_at(TIMETABLE_VIEW, organization.path):
        raise scope.not_found(actor, TIMETABLE_VIEW, "people.person", person_id)
    employment = (
        Employment.objects.filter(organization=organization, person_id=person_id)
        .select_related("person")
        .first()
    )
    if employment is None:
        raise scope.not_found(actor, TIMETABLE_VIEW, "people.person", person_id)
    return employment.person


def teacher_week(actor: Actor, organization: Any, teacher: Person, day: dt.date) -> list[Lesson]:
    start, end = week_of(day)
    return list(
        lessons(actor)
        .filter(organization=organization, teacher=teacher, date__gte=start, date__lte=end)
        .order_by("date", "lesson_number")
    )


def date_lessons(actor: Actor, organization: Any, day: dt.date) -> list[Lesson]:
    return list(
        lessons(actor)
        .filter(organization=organization, date=day)
        .order_by(
            "lesson_number",
            "assignment__school_class__grade",
            "assignment__school_class__letter",
            "assignment__subgroup__name",
        )
    )
