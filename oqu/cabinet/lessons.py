"""The cabinet's view of one lesson (SEC-27.10, SEC-27.1): what the learner and their parents see
of its distance learning — the video-conference link, the link to its recording, the teacher's
announcements with files — and whether it is archived.

The person is already reached through `selectors.cabinet_person` (themselves or a ward); the
lesson must be one of their class's (or subgroup's) lessons on its date, else the same 404 a
missing lesson gets, so a parent of two sees only each child's own lessons.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from oqu.access import scope
from oqu.lms import selectors as lms
from oqu.people.models import Person
from oqu.school.models import ClassMembership, Lesson

from .selectors import VIEW, cabinet_people_rows, cabinet_person, language


def _attended_by(person: Person, lesson: Lesson) -> bool:
    """The person was in the lesson's class (and subgroup) on the lesson's date."""
    assignment = lesson.assignment
    stayed = ClassMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=lesson.date),
        person=person,
        school_class_id=assignment.school_class_id,
        start_date__lte=lesson.date,
    ).exists()
    if stayed and assignment.subgroup_id:
        return assignment.subgroup.learners.filter(pk=person.pk).exists()
    return stayed


def _lesson(lesson_id: UUID | str) -> Lesson | None:
    return (
        Lesson.objects.select_related(
            "assignment__subject", "assignment__subgroup", "teacher", "room", "organization"
        )
        .filter(pk=lesson_id)
        .first()
    )


def cabinet_lesson(actor: scope.Actor, lesson_id: UUID | str) -> dict[str, Any]:
    """The lesson as seen from the cabinet of whichever learner the actor reaches (themselves or
    a ward) was in its class: the API's view, addressed by the lesson alone."""
    lesson = _lesson(lesson_id)
    if lesson is not None:
        for row in cabinet_people_rows(actor, timezone.localdate()):
            person = cabinet_person(actor, row["id"])
            if _attended_by(person, lesson):
                return _view(lesson)
    raise scope.not_found(actor, VIEW, "school.lesson", lesson_id)


def lesson_view(actor: scope.Actor, person: Person, lesson_id: UUID | str) -> dict[str, Any]:
    """One lesson of the learner `person` (already reached through `cabinet_person`)."""
    lesson = _lesson(lesson_id)
    if lesson is None or not _attended_by(person, lesson):
        raise scope.not_found(actor, VIEW, "school.lesson", lesson_id)
    return _view(lesson)


def _view(lesson: Lesson) -> dict[str, Any]:
    lang = language()
    conference = lms.conference_of(lesson)
    teacher = lesson.teacher
    return {
        "id": str(lesson.pk),
        "date": lesson.date.isoformat(),
        "number": lesson.lesson_number,
        "subject": lesson.assignment.subject.name(lang),
        "teacher": f"{teacher.last_name_ru} {teacher.first_name_ru}".strip() if teacher else "",
        "room": lesson.room.name if lesson.room_id else "",
        "topic": lesson.topic,
        "status": lesson.status,
        "conference_url": conference.url if conference else None,
        "recording_url": (conference.recording_url or None) if conference else None,
        "recording_set_at": conference.recording_set_at.isoformat()
        if conference and conference.recording_set_at
        else None,
        "archived": lms.is_archived(lesson, timezone.localdate()),
        "archive_date": lms.archive_date(lesson).isoformat(),
        "announcements": [
            {
                "text": a.text,
                "created_at": a.created_at.isoformat(),
                "files": [
                    {"name": f.original_name, "url": reverse("lms:file", args=[f.pk])}
                    for f in a.attachments.all()
                ],
            }
            for a in lms.announcements_of(lesson)
        ],
    }
