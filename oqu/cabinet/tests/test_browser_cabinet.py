"""A teacher marks attendance and the parent then sees it, in real headless Chromium (SEC-27.12,
SEC-27.1, R503-12: current attendance for parents)."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from oqu.access.reference import add_capabilities, load_roles
from oqu.journal.models import AttendanceStatus
from oqu.journal.tests.conftest import build_world
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data and the capabilities of the school, journal and cabinet after the flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    school = importlib.import_module("oqu.school.migrations.0002_capabilities")
    add_capabilities(django_apps, school.ADDITIONS)
    for module in (
        "oqu.journal.migrations.0003_capabilities_and_rules",
        "oqu.cabinet.migrations.0002_capabilities",
    ):
        importlib.import_module(module).forwards(django_apps, None)


def test_sec_27_12_teacher_marks_an_absence_and_the_parent_sees_it_in_chromium(
    page: Any, live_server: Any, browser: Any
) -> None:
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 22 мектеп", "school")
    world = build_world(school)
    child = world.learners[0]  # the world's parent is this learner's guardian
    lesson = world.lesson(world.today)
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)

    sign_in(page, base, world.teacher_user.username)
    page.goto(f"{base}/journal/lessons/{lesson.pk}/")
    page.locator(f"#st-{child.pk}").select_option("absent_unexcused")
    page.get_by_test_id("attendance-form").locator("button[type=submit]").click()
    page.locator(".message-success, .message").first.wait_for()

    parent_page = browser.new_context().new_page()  # a different person, a different browser
    parent_page.set_default_timeout(TIMEOUT_MS)
    sign_in(parent_page, base, world.parent_user.username)
    parent_page.goto(f"{base}/cabinet/{child.pk}/")
    lessons = parent_page.get_by_test_id("today-lessons")
    lessons.wait_for()
    with translation.override(world.parent_user.language):
        absent = str(AttendanceStatus.ABSENT_UNEXCUSED.label)
    assert absent in lessons.inner_text()
    parent_page.context.close()
