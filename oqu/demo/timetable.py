"""The demo school's timetable: rooms, the bell schedule of the first shift, a grid made by the
automatic draft from the teacher assignments, and the lessons of the coming weeks (SEC-27.8).

Set-up of a demonstration: rows are created directly; a year that already has a grid is left as
it is (idempotent).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from oqu.school import timetable
from oqu.school.models import AcademicYear, BellSlot, Room, SchoolClass, TimetableEntry

ROOMS = ["101", "102", "201", "202", "Спортзал"]
FIRST_LESSON = dt.time(8, 0)
LESSON_MINUTES = 45
BREAKS = [10, 10, 20, 10, 10, 10]  # after lessons 1..6
WEEKS_OF_LESSONS = 3


def _bells() -> list[tuple[int, dt.time, dt.time]]:
    rows = []
    start = dt.datetime.combine(dt.date(2000, 1, 1), FIRST_LESSON)
    for number in range(1, len(BREAKS) + 2):
        end = start + dt.timedelta(minutes=LESSON_MINUTES)
        rows.append((number, start.time(), end.time()))
        if number <= len(BREAKS):
            start = end + dt.timedelta(minutes=BREAKS[number - 1])
    return rows


@transaction.atomic
def ensure_demo_timetable(year: AcademicYear) -> None:
    organization = year.organization
    if TimetableEntry.objects.filter(assignment__year=year).exists():
        return
    for name in ROOMS:
        Room.objects.get_or_create(organization=organization, name=name)
    for number, starts_at, ends_at in _bells():
        BellSlot.objects.get_or_create(
            organization=organization,
            year=year,
            shift=1,
            number=number,
            defaults={"starts_at": starts_at, "ends_at": ends_at},
        )
    classes = list(SchoolClass.objects.filter(year=year))
    report = timetable.compose_draft(year, classes, [1, 2, 3, 4, 5], timetable.load_grid(year))
    TimetableEntry.objects.bulk_create(
        TimetableEntry(
            organization=organization,
            assignment_id=cell.teaching.assignment_id,
            weekday=cell.weekday,
            lesson_number=cell.number,
            room_id=cell.room_id,
            valid_from=year.start_date,
        )
        for cell in report.draft.cells
    )
    today = timezone.localdate()
    timetable.lessons_generate(
        actor=None,
        year=year,
        date_from=min(max(today, year.start_date), year.end_date),
        date_to=today + dt.timedelta(weeks=WEEKS_OF_LESSONS),
    )
