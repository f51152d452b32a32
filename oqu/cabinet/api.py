"""The learner's and the parent's cabinet over HTTP (SEC-27.1, R503-12), under /api/v1/cabinet/.

Read-only apart from the user's own notification settings. The learner is in the path: a parent
switches between children by id; any id that is not the caller or an actively guarded child
answers 404. Dates default to today in the platform's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import BaseModel

from oqu.apikit import READ_ERRORS, WRITE_ERRORS, actor

from . import lessons, selectors, services

router = Router(tags=["cabinet"])

# The day and the week are plain pydantic models: their selectors return dicts, and ninja's Schema
# (made to read ORM objects attribute by attribute) cost 0.4 ms to validate one TODAY answer,
# seven times what pydantic takes for the same checks (`bench/parent_today.py`).


class PersonOut(BaseModel):
    id: UUID
    name: str
    class_name: str
    school: str


class CabinetPersonOut(PersonOut):
    relation: str


class SubstitutionOut(BaseModel):
    absent_teacher: str
    reason: str


class LessonOut(BaseModel):
    id: UUID
    date: dt.date
    number: int
    starts_at: str | None
    ends_at: str | None
    subject: str
    teacher: str
    room: str
    topic: str
    status: str
    substitution: SubstitutionOut | None
    attendance: str | None


class MarkOut(BaseModel):
    id: UUID
    date: dt.date
    lesson_number: int
    subject: str
    kind: str
    title: str
    points: float | None
    max_points: int


class HomeworkOut(BaseModel):
    id: UUID
    subject: str
    text: str
    due_date: dt.date
    max_points: int | None
    state: str
    points: float | None


class TodayOut(BaseModel):
    person: PersonOut
    date: dt.date
    lessons: list[LessonOut]
    marks: list[MarkOut]
    homework: list[HomeworkOut]


class WeekLessonOut(LessonOut):
    id: UUID | None  # type: ignore[assignment]
    from_timetable: bool


class DayOut(BaseModel):
    date: dt.date
    lessons: list[WeekLessonOut]


class WeekOut(BaseModel):
    person: PersonOut
    week_of: dt.date
    days: list[DayOut]


class NotificationOut(Schema):
    id: UUID
    topic: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class PreferenceIn(Schema):
    marks: bool = True
    absences: bool = True
    by_email: bool = False


class PreferenceOut(Schema):
    marks: bool
    absences: bool
    by_email: bool


def _on(date: dt.date | None) -> dt.date:
    return date or timezone.localdate()


def _person(request: HttpRequest, person_id: UUID) -> Any:
    return selectors.cabinet_person(actor(request), person_id)


@router.get("/cabinet/people", response={200: list[CabinetPersonOut], **READ_ERRORS})
def people(request: HttpRequest, date: dt.date | None = None) -> Any:
    """Whose cabinets the caller may open: themselves (a learner) and their children (a parent)."""
    return selectors.cabinet_people_rows(actor(request), _on(date))


@router.get("/cabinet/{person_id}/today", response={200: TodayOut, **READ_ERRORS})
def today(request: HttpRequest, person_id: UUID, date: dt.date | None = None) -> Any:
    """The day: lessons with times, room, teacher, topic and substitution, attendance, marks given
    that day, homework due that day and the next. A constant number of queries."""
    return selectors.today_of(actor(request), person_id, _on(date))


@router.get("/cabinet/{person_id}/week", response={200: WeekOut, **READ_ERRORS})
def week(request: HttpRequest, person_id: UUID, date: dt.date | None = None) -> Any:
    """The timetable of the week (Monday to Saturday) holding `date`, with substitutions."""
    return selectors.week(_person(request, person_id), _on(date))


@router.get("/cabinet/{person_id}/marks", response={200: dict[str, Any], **READ_ERRORS})
def marks(
    request: HttpRequest, person_id: UUID, date: dt.date | None = None, period: UUID | None = None
) -> Any:
    """The school year's marks by subject and period: kind (fo/sor/soch), points of the maximum."""
    return selectors.marks(_person(request, person_id), _on(date), period)


@router.get("/cabinet/{person_id}/attendance", response={200: dict[str, Any], **READ_ERRORS})
def attendance(request: HttpRequest, person_id: UUID, date: dt.date | None = None) -> Any:
    """Absences and lateness of the school year, summed up per quarter and listed."""
    return selectors.attendance(_person(request, person_id), _on(date))


@router.get("/cabinet/{person_id}/homework", response={200: dict[str, Any], **READ_ERRORS})
def homework(request: HttpRequest, person_id: UUID, date: dt.date | None = None) -> Any:
    """The year's homework grouped by state: open, returned, overdue, submitted, checked."""
    return selectors.homework(_person(request, person_id), _on(date))


@router.get("/cabinet/{person_id}/period-marks", response={200: dict[str, Any], **READ_ERRORS})
def period_marks(request: HttpRequest, person_id: UUID, date: dt.date | None = None) -> Any:
    """Quarter, half-year and year marks: the confirmed final mark, else the computed one
    with `preliminary: true`."""
    return selectors.period_marks(_person(request, person_id), _on(date))


@router.get("/cabinet/{person_id}/documents", response={200: dict[str, Any], **READ_ERRORS})
def documents(request: HttpRequest, person_id: UUID) -> Any:
    """The learner's data, enrolments and class history; the certificates of the learner's
    digital profile (kind, title, issuer, date, download link of the file when there is one)."""
    who = actor(request)
    return selectors.documents(selectors.cabinet_person(who, person_id), timezone.localdate(), who)


@router.get("/cabinet/lessons/{lesson_id}", response={200: dict[str, Any], **READ_ERRORS})
def lesson(request: HttpRequest, lesson_id: UUID) -> Any:
    """One lesson of the caller's (or their child's) class: its video-conference link, the link
    to its recording, the teacher's announcements with files, whether it is archived (SEC-27.10).
    A lesson of a class none of the caller's learners was in answers 404."""
    return lessons.cabinet_lesson(actor(request), lesson_id)


@router.get("/cabinet/notification-settings", response={200: PreferenceOut, **READ_ERRORS})
def preference_get(request: HttpRequest) -> Any:
    """The caller's choice of cabinet notices (new marks, absences; e-mail copy)."""
    return selectors.preference_of(actor(request).user)


@router.put("/cabinet/notification-settings", response={200: PreferenceOut, **WRITE_ERRORS})
def preference_put(request: HttpRequest, payload: PreferenceIn) -> Any:
    return services.preference_set(user=actor(request).user, **payload.dict())


@router.get("/cabinet/notifications", response={200: list[NotificationOut], **READ_ERRORS})
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    """The caller's notifications, newest first (at most 100): new marks, absences and others."""
    return selectors.notifications_of(actor(request).user, unread_only=unread)


@router.post(
    "/cabinet/notifications/{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
)
def notification_read(request: HttpRequest, notification_id: UUID) -> Any:
    """Mark one of the caller's notifications read (another user's id answers 404)."""
    user = actor(request).user
    services.notification_read(user=user, notification_id=notification_id)
    return selectors.notification_get(user, notification_id)
