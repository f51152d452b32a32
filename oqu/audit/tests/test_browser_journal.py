"""The journal viewer and the usage report in real headless Chromium (G-5.13, G-5.15)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Passw0rd!-test"
TIMEOUT_MS = 5_000
SCREENSHOTS = os.environ.get("OQU_SCREENSHOTS", "")


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data again after the transactional flush (see oqu/web/tests/test_browser.py)."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)


def _shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_g5_13_g5_15_journal_picker_and_usage_chart_in_chromium(page: Any, live_server: Any):
    # given a school whose director and deputy both signed in through the login form
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 15 мектеп", "school")
    director = f.make_user("director-15")
    f.grant(director, "school_director", school)
    deputy = f.make_user("deputy-15", person=f.make_person("Әлиева", "Дана"))
    f.grant(deputy, "school_deputy_director", school)
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    for user in (deputy, director):
        page.context.clear_cookies()
        sign_in(page, base, user.username)

    # when the director finds the deputy by name in the picker (HTMX) and shows the journal
    page.goto(f"{base}/audit/journal/")
    page.locator("#user_q").fill("Әлиева")
    page.wait_for_function(
        "document.querySelectorAll('#user option').length === 2", timeout=TIMEOUT_MS
    )
    page.locator("#user").select_option(str(deputy.pk))
    page.locator('[data-testid="journal-show"]').click()
    page.wait_for_url(f"**user={deputy.pk}**")

    # then only the deputy's sign-in is listed
    rows = page.locator('[data-testid="journal-row"]')
    assert rows.count() == 1
    assert "identity.login" in rows.first.inner_text()
    _shot(page, "journal")

    # and the usage report draws its chart on the server
    page.goto(f"{base}/audit/reports/?grouping=user")
    assert page.locator('[data-testid="usage-row"]').count() == 2
    assert page.locator("svg rect.usage-bar-logins").count() == 2
    assert page.locator("svg rect.usage-bar-logins").first.bounding_box()["width"] > 50
    _shot(page, "report")
