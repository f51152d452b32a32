"""A parent registers in real headless Chromium: IIN and phone, the SMS code, the password (G-5.7)."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from oqu.access.reference import load_roles
from oqu.notifications.backends import MemorySmsBackend
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 5_000
PASSWORD = "kokterek-Alma-2026"


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data again after the flush of transactional tests (see oqu/web/tests/test_browser)."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)


def test_g5_7_parent_registers_in_the_browser(page: Any, live_server: Any) -> None:
    MemorySmsBackend.outbox.clear()
    iin = f.free_iin(dt.date(1987, 11, 23), "F")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # given the login page, the parent follows "Register as a parent"
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("register-parent").click()
    page.wait_for_url(f"{base}/registration/")

    # when they type the IIN and the phone as people do, with spaces
    page.locator("#id_iin").fill(iin)
    page.locator("#id_phone").fill("8 701 555 12 34")
    page.locator('[data-testid="registration-start"] button[type="submit"]').click()
    page.wait_for_url(f"{base}/registration/code/")
    assert "+7701***1234" in page.locator("main").inner_text()

    # then a code arrives by SMS; a wrong one is refused on the page
    phone, text = MemorySmsBackend.outbox[-1]
    assert phone == "+77015551234"
    code = re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
    page.locator("#id_code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.locator('[data-testid="registration-verify"] button[type="submit"]').click()
    assert page.locator(".field.has-error").count() == 1
    page.locator("#id_code").fill(code)
    page.locator('[data-testid="registration-verify"] button[type="submit"]').click()
    page.wait_for_url(f"{base}/registration/account/")

    # when they give names and a password
    for field, value in {
        "last_name_kk": "Нұрланова",
        "first_name_kk": "Сәуле",
        "last_name_ru": "Нурланова",
        "first_name_ru": "Сауле",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator('[data-testid="registration-complete"] button[type="submit"]').click()

    # then the account exists and they are sent to sign in with the IIN
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert iin in page.locator("main").inner_text()
    user = get_user_model().objects.get(username=iin)
    assert user.person.last_name_kk == "Нұрланова"
