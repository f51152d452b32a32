# ruff: noqa: F811
"""Moving a lesson by drag and drop in real headless Chromium (SEC-27.8): a drop on a cell where
the teacher is busy is refused in place; a drop on a free cell moves the lesson, journaled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from oqu.audit.models import ActionRecord
from oqu.school.models import (
    AcademicYear,
    BellSlot,
    SchoolClass,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

# The markers and the reference data after the transactional flush come from the grid's test.
from .test_browser_timetable import TIMEOUT_MS, pytestmark, reference_data  # noqa: F401


def test_sec_27_8_deputy_drags_a_lesson_to_another_cell_in_chromium(page: Any, live_server: Any):
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 22 мектеп", "school")
    deputy = f.make_user("deputy-22")
    f.grant(deputy, "school_deputy_director", school)
    teacher = f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F")
    f.employ(teacher, school)
    year = AcademicYear.objects.create(
        organization=school,
        name="2025-2026",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2026, 5, 31),
    )
    for number in (1, 2, 3):
        BellSlot.objects.create(
            organization=school,
            year=year,
            shift=1,
            number=number,
            starts_at=dt.time(7 + number, 0),
            ends_at=dt.time(7 + number, 45),
        )
    math = Subject.objects.create(
        organization=school, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    class_a, class_b = (
        SchoolClass.objects.create(
            organization=school, year=year, grade=5, letter=letter, language="kk"
        )
        for letter in ("А", "Б")
    )
    mine, other = (
        TeachingAssignment.objects.create(
            organization=school,
            year=year,
            teacher=teacher,
            school_class=c,
            subject=math,
            hours_per_week=Decimal(3),
        )
        for c in (class_a, class_b)
    )
    TimetableEntry.objects.create(
        organization=school,
        assignment=other,
        weekday=1,
        lesson_number=1,
        valid_from=year.start_date,
    )
    entry = TimetableEntry.objects.create(
        organization=school, assignment=mine, weekday=2, lesson_number=1, valid_from=year.start_date
    )
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, deputy.username)
    page.goto(f"{base}/school/classes/{class_a.pk}/timetable/")
    page.wait_for_load_state("networkidle")

    lesson = "[data-testid=cell-2-1] .tt-entry"
    page.drag_and_drop(lesson, "[data-testid=cell-1-1]")  # the teacher is busy there
    page.get_by_test_id("grid-error").wait_for()
    assert TimetableEntry.objects.get(pk=entry.pk).weekday == 2

    page.drag_and_drop("[data-testid=cell-2-1] .tt-entry", "[data-testid=cell-3-2]")
    page.get_by_test_id("cell-3-2").get_by_text("Математика").wait_for()
    moved = TimetableEntry.objects.get(assignment=mine, valid_to__isnull=True)
    assert (moved.weekday, moved.lesson_number) == (3, 2)
    assert ActionRecord.objects.filter(action="school.timetable.move").count() == 1
