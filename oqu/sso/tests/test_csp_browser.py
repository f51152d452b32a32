"""The web UI works in real Chromium with the Content-Security-Policy enforced (G-11): no inline
script or style is blocked, HTMX still loads parts of pages, and the pages of this part (my data,
privacy policy, digital resources) render. Sign-in is a session cookie set in the browser, so the
test does not depend on how the login and MFA screens work.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import add_capabilities, load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f

from .conftest import session_cookie

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 5_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reload the migrations' reference data (idempotent), as in oqu/web/tests/test_browser.py."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    add_capabilities(django_apps, {"platform_admin": ["sso.client.manage"]})


def test_g11_pages_work_under_the_enforced_content_security_policy(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.OQU_CONTENT_SECURITY_POLICY_REPORT_ONLY = False
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    f.make_unit(district, "organization", "№ 15 мектеп-гимназия", "school")
    head = f.make_user("csp-head")
    f.grant(head, "district_head", district)
    admin = f.make_user("csp-admin", is_superuser=True)
    base = live_server.url

    def sign_in_as(user: Any) -> None:
        name, value = session_cookie(user)
        page.context.clear_cookies()
        page.context.add_cookies([{"name": name, "value": value, "url": base}])

    sign_in_as(head)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(TIMEOUT_MS)

    response = page.goto(f"{base}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # HTMX (a static file, no inline code) loads the district's schools into the tree.
    tree = page.get_by_test_id("tree")
    tree.locator("summary", has_text="Алмалы ауданы").first.click()
    tree.get_by_role("link", name="№ 15 мектеп-гимназия").wait_for()

    page.goto(f"{base}/my-data/")
    page.get_by_test_id("my-data-download").wait_for()
    page.goto(f"{base}/privacy/")
    page.get_by_test_id("privacy-policy").wait_for()
    sign_in_as(admin)
    page.goto(f"{base}/sso/clients/")
    page.locator("form[action='/sso/clients/'] button[type=submit]").wait_for()
    assert violations == []
