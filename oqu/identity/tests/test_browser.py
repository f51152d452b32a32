"""The first sign-in with a one-time password, in real headless Chromium (G-5.9).

Set up like `oqu/web/tests/test_browser.py`: a transactional database for the live server's thread,
and the migrations' reference data loaded again after each flush.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import load_roles
from oqu.access.scope import actor_for
from oqu.identity import services
from oqu.identity.models import User
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 5_000
NEW_PASSWORD = "Көктем-жаңбыры-77"


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)


def test_g5_9_first_login_in_the_browser_leads_to_the_password_change(
    page: Any, live_server: Any
) -> None:
    # given an account just created by the platform administrator with a one-time password
    admin = f.make_user("platform", is_superuser=True)
    person = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    issued = services.account_create(actor=actor_for(admin), person=person, username="aigul")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # when the user signs in with it
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill("aigul")
    page.locator("#id_password").fill(issued.password)
    page.locator('[data-testid="login-form"] button[type="submit"]').click()

    # then they land on the password change, and the start page sends them back there
    page.wait_for_url(re.compile(r"/accounts/password/change/$"))
    assert page.get_by_test_id("password-change-required").is_visible()
    page.goto(f"{base}/people/")
    page.wait_for_url(re.compile(r"/accounts/password/change/$"))

    # when they choose their IIN as the new password, it is refused with a message on the page
    page.locator("#id_oldpassword").fill(issued.password)
    page.locator("#id_password1").fill(person.iin)
    page.locator("#id_password2").fill(person.iin)
    page.locator("main form button[type='submit']").click()
    page.locator(".has-error").first.wait_for()
    assert page.url.endswith("/accounts/password/change/")

    # when they choose a good one
    page.locator("#id_oldpassword").fill(issued.password)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type='submit']").click()

    # then the obligation is gone and the next step is setting up MFA (G-5.11)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    page.goto(f"{base}/people/")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    account = User.objects.get(username="aigul")
    assert not account.must_change_password
    assert account.check_password(NEW_PASSWORD)
