"""Documents in real headless Chromium (EDMS-23 p.1): the kind's fields arrive by HTMX, a PDF is
attached and previewed, the route is chosen on the card, and the search box finds the registered
document by a part of a word of its PDF, through HTMX."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import add_capabilities, load_roles
from oqu.access.scope import actor_for
from oqu.edms import services
from oqu.edms.kinds import seed_kinds
from oqu.edms.models import Document, DocumentKind, DocumentStatus, Signature, StepStatus
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.pki.tests.conftest import software_signer_with_key
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

from .conftest import pdf_with_text

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data, the document kinds and capabilities again after the flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    seed_kinds(django_apps)
    edms = importlib.import_module("oqu.edms.migrations.0003_capabilities")
    add_capabilities(django_apps, edms.ADDITIONS)


def test_edms_23_create_attach_route_and_search_in_chromium(page: Any, live_server: Any) -> None:
    school = f.make_unit(
        f.make_unit(f.region("75"), "district", "Алмалы ауданы"),
        "organization",
        "№ 7 мектеп",
        "school",
    )
    deputy, head = f.make_user("edms-deputy"), f.make_user("edms-head")
    f.grant(deputy, "school_deputy_director", school)
    f.grant(head, "school_director", school)
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, deputy.username)

    # the kind's own fields come in by HTMX when the kind is chosen
    page.goto(f"{base}/edms/")
    page.locator("#d-kind").select_option("internal")
    page.locator("#field-addressee").wait_for()
    page.locator("#d-title").fill("Пәндік олимпиада кестесі")
    page.locator("#field-addressee").fill("Әдістемелік бірлестікке")
    page.locator("form[action$='/edms/documents/add/'] button[type='submit']").click()
    page.get_by_test_id("card").wait_for()
    document = Document.objects.get(title="Пәндік олимпиада кестесі")
    assert document.fields == {"addressee": "Әдістемелік бірлестікке"}

    # a PDF attached from the card is previewed in the page
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "olympiad.pdf"
        pdf.write_bytes(pdf_with_text("Химиядан аудандық олимпиада"))
        page.locator("#a-file").set_input_files(str(pdf))
        page.locator("form[action$='/attach/'] button[type='submit']").click()
        page.locator("iframe.preview").wait_for()
    preview = page.request.get(base + page.locator("iframe.preview").get_attribute("src"))
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"

    # the route is chosen on the card: the head in the first stage
    page.locator(f"[data-testid='route-form'] input[name='stage_1'][value='{head.pk}']").check()
    page.locator("[data-testid='route-form'] button[type='submit']").click()
    page.get_by_test_id("steps").wait_for()
    document.refresh_from_db()
    assert document.status == DocumentStatus.ON_ROUTE
    step = document.steps.get(status=StepStatus.PENDING)
    services.step_approve(actor=actor_for(head), step=step)

    # the search box finds it by a part of a word of the PDF, without reloading the page
    page.goto(f"{base}/edms/")
    page.locator("#q").fill("олимпиа")
    page.get_by_test_id("documents").get_by_text("Пәндік олимпиада кестесі").wait_for()
    document.refresh_from_db()
    assert document.number in page.get_by_test_id("documents").inner_text()


def test_edms_23_head_signs_the_order_on_its_card_in_chromium(
    page: Any, live_server: Any, test_ca: Any, tmp_path: Any, settings: Any
) -> None:
    # given an order at the head's signature step, and the head's test key for the software
    # signer (NCALayer takes its place in production)
    school = f.make_unit(
        f.make_unit(f.region("75"), "district", "Алмалы ауданы"),
        "organization",
        "№ 9 мектеп",
        "school",
        bin="940140000385",
    )
    person = f.make_person("Ахметова", "Гүлнар", dt.date(1978, 2, 3), "F")
    f.employ(person, school, position="director")
    head = f.make_user("edms-signing-head", person=person)
    f.grant(head, "school_director", school)
    software_signer_with_key(settings, tmp_path, test_ca, person, school)
    kind = DocumentKind.objects.get(code="order")
    document = services.document_create(
        actor=actor_for(head),
        organization=school,
        kind=kind,
        title="Оқу жылының басталуы туралы",
        body="Бұйырамын",
        fields={"effective_date": "2026-09-01"},
    )
    services.route_start(
        actor=actor_for(head),
        document=document,
        stages=[[{"assignee_id": head.pk, "days": 1, "signature": True}]],
    )
    # when the head opens the card and signs with the software signer
    sign_in(page, live_server.url, head.username)
    page.goto(f"{live_server.url}/edms/documents/{document.pk}/")
    page.locator("#g-signer").select_option("software")
    page.get_by_test_id("sign").click()
    # then the platform checked the signature, registered the order and shows the signer
    page.get_by_test_id("signatures").wait_for(timeout=TIMEOUT_MS)
    assert "АХМЕТОВА ГҮЛНАР" in page.get_by_test_id("signatures").inner_text()
    document.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED
    signature = Signature.objects.get(document=document)
    assert signature.verification.is_valid
    assert signature.verification.signer_iin == person.iin
