"""The School section in real headless Chromium: a director creates a year and a quarter, then fills
a curriculum cell through HTMX and sees the totals (SEC-27.6/7)."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import add_capabilities, load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.school.models import Subject
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 5_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data and the school capabilities again after the transactional flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    capabilities = importlib.import_module("oqu.school.migrations.0002_capabilities")
    add_capabilities(django_apps, capabilities.ADDITIONS)


def test_sec_27_6_7_director_builds_year_and_curriculum_in_chromium(page: Any, live_server: Any):
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 21 мектеп", "school")
    director = f.make_user("director-21")
    f.grant(director, "school_director", school)
    Subject.objects.create(
        organization=school, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, director.username)

    # the organization card leads to the School section
    page.goto(f"{base}/org/{school.pk}/")
    page.get_by_test_id("school-link").click()
    page.locator("summary").first.click()
    page.locator("#year-name").fill("2025-2026")
    page.locator("#year-start").fill("2025-09-01")
    page.locator("#year-end").fill("2026-05-31")
    page.locator("#year-end").press("Enter")
    page.get_by_test_id("years").get_by_text("2025-2026").wait_for()

    # a quarter outside the year is refused with a message, one inside is added
    page.locator("details summary").nth(1).click()  # "Add a study period"
    page.locator("#p-number").fill("1")
    page.locator("#p-start").fill("2025-08-01")
    page.locator("#p-end").fill("2025-10-24")
    page.locator("#p-end").press("Enter")
    page.locator(".message-error").wait_for()
    page.locator("details summary").nth(1).click()
    page.locator("#p-number").fill("1")
    page.locator("#p-start").fill("2025-09-01")
    page.locator("#p-end").fill("2025-10-24")
    page.locator("#p-end").press("Enter")
    page.get_by_test_id("periods").get_by_text("24.10.2025").wait_for()

    # the curriculum cell is saved through HTMX and the totals follow
    page.get_by_test_id("curriculum-link").click()
    page.locator("#cu-grade").select_option("5")
    page.locator("#cu-hours").fill("5")
    page.locator("form[hx-post] button[type=submit]").click()
    page.get_by_test_id("total").first.wait_for()
    assert page.get_by_test_id("total").last.inner_text() == "5.0"
