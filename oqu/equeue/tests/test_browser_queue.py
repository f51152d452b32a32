"""A parent puts a child in the preschool queue and sees the status, in real headless Chromium
(MAP-QUEUE, MAP-SVC-05). The person register is the simulated peer, a real local HTTP server."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone, translation

from oqu.equeue.models import Application
from oqu.preschool.models import AgeGroup
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

from .conftest import DISTRICT_KATO, register_entry, toddler_birth

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("queue_reference_data"),
]

TIMEOUT_MS = 30_000


def test_map_queue_parent_applies_and_sees_the_status_in_chromium(
    page: Any, live_server: Any, person_register: Any
) -> None:
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы", kato_code=DISTRICT_KATO)
    preschool = f.make_unit(district, "organization", "Балапан бөбекжайы", "preschool")
    AgeGroup.objects.create(
        organization=preschool, school_year="2026-2027", name="Кіші топ", kind="junior", capacity=20
    )
    parent = f.make_person("Серікова", "Айгүл", dt.date(1990, 6, 7), "F")
    parent_user = f.make_user("browser-parent", person=parent)
    child = f.make_person("Серікұлы", "Арман", toddler_birth(), "M")
    person_register(persons=[register_entry(child, [(parent, "mother")])])
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)

    sign_in(page, base, parent_user.username)
    page.goto(f"{base}/equeue/")
    page.get_by_test_id("apply-link").click()
    page.locator("#id_child_iin").fill(child.iin)
    page.get_by_test_id("child-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("district").inner_text() == "Алмалы ауданы"
    page.locator("#id_choice_1").select_option(str(preschool.pk))
    page.locator("#id_desired_date").fill(timezone.localdate().isoformat())
    page.get_by_test_id("apply-form").locator("button[type=submit]").click()

    status = page.get_by_test_id("application-status")
    status.wait_for()
    with translation.override(parent_user.language):
        queued = str(Application.Status.QUEUED.label)
    assert status.inner_text() == queued
    assert "Балапан бөбекжайы" in page.get_by_test_id("positions").inner_text()
    assert Application.objects.get(child=child).applicant == parent
    page.goto(f"{base}/equeue/")
    assert queued in page.get_by_test_id("my-applications").inner_text()
