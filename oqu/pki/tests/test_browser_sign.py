"""The example signing page in real headless Chromium: the pluggable signer (the software signer
here, NCALayer in production) signs in the browser's flow and the platform verifies the
signature as the signed-in head's (EDMS-23, G-5.3)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.pki.models import Verification
from oqu.pki.tests.conftest import software_signer_with_key
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
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)


def test_edms23_head_signs_with_the_software_signer_in_chromium(
    page: Any, live_server: Any, test_ca: Any, tmp_path: Any, settings: Any
):
    # given a head with a test key from the test CA, and the software signer switched on
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 21 мектеп", "school", bin="940140000385")
    person = f.make_person("Ахметова", "Гүлнар", dt.date(1978, 2, 3), "F")
    f.employ(person, school, position="director")
    head = f.make_user("head-21", person=person)
    f.grant(head, "school_director", school)
    software_signer_with_key(settings, tmp_path, test_ca, person, school)
    # when the head opens the signing page, keeps the software signer and signs
    sign_in(page, live_server.url, "head-21")
    page.goto(f"{live_server.url}/pki/sign/")
    page.select_option("#s-signer", "software")
    page.get_by_test_id("pki-sign").click()
    # then the result page shows a valid signature of the head
    result = page.get_by_test_id("pki-result")
    result.wait_for(timeout=TIMEOUT_MS)
    assert result.get_attribute("data-outcome") == "valid"
    assert person.iin in result.inner_text()
    row = Verification.objects.get()
    assert (row.signer_iin, row.expected_person_id) == (person.iin, person.pk)


def test_g5_3_ncalayer_signer_says_so_when_ncalayer_is_not_running(
    page: Any, live_server: Any, settings: Any
):
    # with no NCALayer on this machine the page tells the user instead of failing silently
    settings.OQU_PKI_SOFTWARE_SIGNER_DIR = ""
    person = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    f.make_user("user-nca", person=person, language="ru")
    sign_in(page, live_server.url, "user-nca")
    page.goto(f"{live_server.url}/pki/sign/")
    page.get_by_test_id("pki-sign").click()
    status = page.locator("#s-status")
    status.filter(has_text="NCALayer").wait_for(timeout=TIMEOUT_MS)
    assert Verification.objects.count() == 0
