"""The e-journal in real headless Chromium (SEC-27.12): a teacher marks a whole class's attendance in
one form, then changes one cell of the class journal in place through HTMX (with its CSRF header)."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import add_capabilities, load_roles
from oqu.journal.models import Attendance
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

from .conftest import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 30_000  # a loaded CI machine; the waits end as soon as the page is there


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data, the journal capabilities and its rule sets again after the flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    school = importlib.import_module("oqu.school.migrations.0002_capabilities")
    add_capabilities(django_apps, school.ADDITIONS)
    journal = importlib.import_module("oqu.journal.migrations.0003_capabilities_and_rules")
    journal.forwards(django_apps, None)


def _status(world: Any, lesson: Any, n: int) -> str | None:
    row = Attendance.objects.filter(lesson=lesson, learner=world.learners[n]).first()
    return row.status if row else None


def test_sec_27_12_teacher_marks_attendance_in_chromium(page: Any, live_server: Any) -> None:
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 21 мектеп", "school")
    world = build_world(school)
    lesson = world.lesson(world.today)
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, world.teacher_user.username)

    # the whole class in one form: everyone present but one
    page.goto(f"{base}/journal/")
    page.get_by_test_id("journal-assignments").get_by_role("link").first.click()
    page.get_by_test_id("class-journal").wait_for()
    page.goto(f"{base}/journal/lessons/{lesson.pk}/")
    page.locator(f"#st-{world.learners[1].pk}").select_option("absent_unexcused")
    page.get_by_test_id("attendance-form").locator("button[type=submit]").click()
    page.locator(".message-success, .message").first.wait_for()
    assert _status(world, lesson, 0) == "present"
    assert _status(world, lesson, 1) == "absent_unexcused"

    # one cell of the grid, saved in place through HTMX
    page.goto(f"{base}/journal/assignments/{world.assignment.pk}/")
    cell = page.get_by_test_id(f"att-{lesson.pk}-{world.learners[2].pk}")
    with page.expect_response(lambda r: "/attendance/" in r.url and r.status == 200):
        cell.locator("select").select_option("late")
    page.get_by_test_id(f"att-{lesson.pk}-{world.learners[2].pk}").locator(
        "option[value=late][selected]"
    ).wait_for(state="attached")
    assert _status(world, lesson, 2) == "late"
