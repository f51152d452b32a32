"""A parent accepts a direction by signing it in real headless Chromium (MAP-QUEUE §3,
MAP-SVC-05): the page hands the statement's bytes to the pluggable signer (the software signer
here, NCALayer in production) and the platform verifies the signature as the applicant's."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from oqu.access import scope
from oqu.equeue import services
from oqu.equeue.models import Application, Direction, Preference
from oqu.pki.models import Verification
from oqu.pki.tests.conftest import software_signer_with_key
from oqu.preschool.models import AgeGroup
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

from .conftest import DISTRICT_KATO, toddler_birth

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("queue_reference_data"),
]

TIMEOUT_MS = 30_000


def test_map_queue_parent_signs_the_acceptance_in_chromium(
    page: Any, live_server: Any, test_ca: Any, tmp_path: Any, settings: Any
) -> None:
    # given a direction issued to the parent's child by an allocation run
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы", kato_code=DISTRICT_KATO)
    preschool = f.make_unit(district, "organization", "Балапан бөбекжайы", "preschool")
    group = AgeGroup.objects.create(
        organization=preschool, school_year="2026-2027", name="Кіші топ", kind="junior", capacity=20
    )
    specialist = f.make_user("browser-district")
    f.grant(specialist, "district_specialist", district)
    parent = f.make_person("Серікова", "Айгүл", dt.date(1990, 6, 7), "F")
    parent_user = f.make_user("browser-parent", person=parent)
    child = f.make_person("Серікұлы", "Арман", toddler_birth(), "M")
    application = Application.objects.create(
        organization=district,
        child=child,
        applicant=parent,
        desired_date=timezone.localdate(),
        submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    Preference.objects.create(application=application, preschool=preschool, rank=1)
    staff = scope.actor_for(specialist)
    services.places_publish(actor=staff, group=group, places=1)
    services.allocation_run(actor=staff, district=district, seed="browser")
    direction = Direction.objects.get(application=application)
    # and the parent's test key behind the software signer
    software_signer_with_key(settings, tmp_path, test_ca, parent, None)
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)

    # when the parent opens the application, goes to accept, reads the statement and signs
    sign_in(page, base, parent_user.username)
    page.goto(f"{base}/equeue/applications/{application.pk}/")
    page.get_by_test_id("accept").click()
    assert child.iin in page.get_by_test_id("statement").inner_text()
    page.select_option("#a-signer", "software")
    page.get_by_test_id("accept-sign").click()

    # then the place is accepted with the parent's verified signature and a day to enrol by
    page.get_by_test_id("enrol-by").wait_for()
    direction.refresh_from_db()
    assert direction.status == "accepted"
    verification = Verification.objects.get(pk=direction.signature_id)
    assert (verification.outcome, verification.signer_iin) == ("valid", parent.iin)
    assert direction.enrol_by is not None
