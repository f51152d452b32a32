"""The timetable grid in real headless Chromium: the deputy director picks a cell, the live check
names the double booking, another cell is free and the lesson appears in the grid (SEC-27.8)."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import add_capabilities, load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.school.models import (
    AcademicYear,
    SchoolClass,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 15_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data and the school capabilities again after the transactional flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    for name in ("0002_capabilities", "0004_timetable_capabilities_and_day_limits"):
        migration = importlib.import_module(f"oqu.school.migrations.{name}")
        add_capabilities(django_apps, migration.ADDITIONS)


def test_sec_27_8_deputy_edits_the_grid_with_the_live_check_in_chromium(
    page: Any, live_server: Any
):
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 21 мектеп", "school")
    deputy = f.make_user("deputy-21")
    f.grant(deputy, "school_deputy_director", school)
    teacher = f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F")
    f.employ(teacher, school)
    year = AcademicYear.objects.create(
        organization=school,
        name="2025-2026",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2026, 5, 31),
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
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, deputy.username)

    page.goto(f"{base}/school/classes/{class_a.pk}/timetable/")
    page.locator("#pl-assignment").select_option(
        str(mine.pk)
    )  # Monday, lesson 1: the teacher is busy
    page.get_by_test_id("check-conflicts").wait_for()
    assert page.locator("#tt-check [data-code=teacher_busy]").count() == 1
    page.locator("#pl-weekday").select_option("2")
    page.get_by_test_id("check-ok").wait_for()
    page.locator("[data-testid=place-form] button[type=submit]").click()
    page.get_by_test_id("cell-2-1").get_by_text("Математика").wait_for()
    assert TimetableEntry.objects.filter(assignment=mine, weekday=2, lesson_number=1).count() == 1
