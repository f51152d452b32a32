"""The web interface in real headless Chromium (Debian's `/usr/bin/chromium`, see the root conftest).

Playwright's sync API runs an event loop in this thread, so Django's async-safety guard is lifted
for the module; the live server runs in its own thread with the test database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from oqu.access.reference import load_roles
from oqu.access.scope import actor_for
from oqu.identity.models import User
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.orgs.services import attribute_value_set
from oqu.tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Passw0rd!-test"
TIMEOUT_MS = 5_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Load the migrations' reference data again (idempotent): regions, types, roles.

    A transactional test flushes the database when it ends, and `serialized_rollback` cannot put
    the data back here: while Playwright's event loop runs in this thread, asgiref's thread-critical
    `Local` hands Django a different connection object from the one the test database was
    serialized on, so the serialized copy is not found.
    """
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)


def translated(message: str, language: str) -> str:
    """What the page should say for `message` in `language` (the catalog's text, if any)."""
    with translation.override(language):
        return translation.gettext(message)


@dataclass
class District:
    district: Any
    school: Any
    other_school: Any


def build_district() -> District:
    """A district of Almaty city with a school whose names differ in Kazakh and Russian."""
    city = f.region("75")
    district = f.make_unit(city, "district", "Алмалы ауданы")
    district.name_ru = "Алмалинский район"
    district.save()
    school = f.make_unit(district, "organization", "№ 15 мектеп-гимназия", "school")
    school.name_ru = "Школа-гимназия № 15"
    school.save()
    other_school = f.make_unit(
        f.make_unit(f.region("10"), "district", "Абай ауданы"),
        "organization",
        "№ 4 мектеп",
        "school",
    )
    return District(district=district, school=school, other_school=other_school)


def sign_in(page: Any, base_url: str, username: str) -> None:
    """Password, then the code of the user's authenticator app (G-5.11)."""
    page.goto(f"{base_url}/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator('[data-testid="login-form"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(f.mfa_code(User.objects.get(username=username)))
    page.locator("form[action$='/2fa/authenticate/'] button[type='submit']").first.click()
    page.wait_for_url(f"{base_url}/")


def test_g17_login_switch_language_and_open_card(page: Any, live_server: Any) -> None:
    # given a district head whose account keeps the default language, Kazakh
    place = build_district()
    head = f.make_user("head")
    f.grant(head, "district_head", place.district)
    actor = actor_for(head)
    attribute_value_set(actor=actor, organization=place.school, code="small_class", value=True)
    attribute_value_set(
        actor=actor, organization=place.school, code="operating_mode", value="two_shifts"
    )
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # when they sign in, the tree is in Kazakh and opened down to their district
    sign_in(page, base, "head")
    html = page.locator("html")
    assert html.get_attribute("lang") == "kk"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == translated("Education hierarchy", "kk")
    tree = page.get_by_test_id("tree")
    assert tree.get_by_text("Алматы қаласы", exact=True).is_visible()
    assert tree.get_by_text("Алмалы ауданы", exact=True).is_visible()

    # when they switch to Russian, the same page comes back in Russian
    page.get_by_role("button", name="Русский").click()
    page.wait_for_function("document.documentElement.lang === 'ru'")
    assert heading.inner_text() == translated("Education hierarchy", "ru")
    assert tree.get_by_text("город Алматы", exact=True).is_visible()
    assert page.get_by_role("button", name="Русский").get_attribute("aria-pressed") == "true"

    # when they expand the district (HTMX loads its schools) and open a school's card
    tree.locator("summary", has_text="Алмалинский район").click()
    school_link = tree.get_by_role("link", name="Школа-гимназия № 15")
    school_link.wait_for()
    assert tree.get_by_text("№ 4 мектеп").count() == 0
    school_link.click()
    page.wait_for_url(re.compile(r"/org/"))

    # then the card shows the school's attributes labelled in Russian, choices by label
    assert page.get_by_test_id("card-title").inner_text() == "Школа-гимназия № 15"
    attributes = page.get_by_test_id("attributes")
    assert attributes.get_by_text("Малокомплектная школа").is_visible()
    assert attributes.get_by_text("Режим работы").is_visible()
    assert attributes.get_by_text("Две смены").is_visible()

    # when they sign out, forget the browser's cookies and sign in again
    page.locator("header form[action$='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    assert html.get_attribute("lang") == "kk"
    sign_in(page, base, "head")

    # then Russian, remembered on the account, applies again
    assert html.get_attribute("lang") == "ru"
    assert page.get_by_test_id("tree").get_by_text("город Алматы", exact=True).is_visible()


def test_g5_10_web_person_search_within_scope(page: Any, live_server: Any) -> None:
    # given a teacher of one school, a learner there and a learner of a school in another region
    place = build_district()
    teacher = f.make_user("teacher")
    f.grant(teacher, "school_teacher", place.school)
    own = f.make_person("Серікұлы", "Нұрлан", dt.date(2012, 3, 4), "M")
    stranger = f.make_person("Иванов", "Пётр", dt.date(2011, 1, 2), "M")
    f.enrol(own, place.school, grade=8)
    f.enrol(stranger, place.other_school, grade=9)
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url
    sign_in(page, base, "teacher")

    # when the teacher types their learner's IIN into the search
    page.goto(f"{base}/people/")
    search = page.locator("#people-q")
    search.fill(own.iin)

    # then the learner is found (results arrive through HTMX without leaving the page)
    results = page.get_by_test_id("people-results")
    results.get_by_role("link", name="Серікұлы Нұрлан").wait_for()
    assert results.get_by_text(own.iin).is_visible()

    # when they type the IIN of the learner of the other school
    search.fill(stranger.iin)

    # then nobody is found
    page.get_by_test_id("no-results").wait_for()
    assert page.get_by_text("Иванов").count() == 0
    assert page.url.endswith(f"q={stranger.iin}")
