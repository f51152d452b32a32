"""The kindergarten pages in real headless Chromium (PRE-25.5, PRE-25.11): the group's educator
marks the whole group's attendance of a day in one form and adds a photo of a child's work; the
parent then sees the photo in the child's profile (the image really loads for them)."""

from __future__ import annotations

import importlib
import os
import struct
import zlib
from typing import Any

import pytest
from django.apps import apps as django_apps

from oqu.access.reference import load_roles
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.preschool.models import Attendance, CreativeWork
from oqu.web.tests.test_browser import sign_in

from .conftest import Kindergarten

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 30_000
DAY = "2026-10-05"  # a Monday after the children's enrolment on 1 September


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data and the kindergarten capabilities again after the flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    for module in (
        "oqu.preschool.migrations.0002_capabilities",
        "oqu.preschool.migrations.0004_capabilities_and_rules",
    ):
        importlib.import_module(module).forwards(django_apps, None)


def _png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, red) PNG, so the browser can decode and show it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_pre25_5_pre25_11_educator_marks_attendance_parent_sees_the_photo_in_chromium(
    page: Any, live_server: Any, kg: Kindergarten, tmp_path: Any
) -> None:
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    child = kg.child

    # the educator opens the group on a day and marks the whole group in one form
    sign_in(page, base, kg.educator.username)
    page.goto(f"{base}/preschool/groups/{kg.group.pk}/?date={DAY}")
    page.select_option(f"select[name='status-{child.pk}']", "sick")
    page.fill(f"input[name='note-{child.pk}']", "Суық тиген")
    page.get_by_test_id("save-attendance").click()
    page.wait_for_load_state()
    mark = Attendance.objects.get(child=child)
    assert (mark.date.isoformat(), mark.status, mark.note) == (DAY, "sick", "Суық тиген")

    # and adds a photo of the child's drawing to the profile
    photo = tmp_path / "drawing.png"
    photo.write_bytes(_png())
    page.goto(f"{base}/preschool/children/{child.pk}/")
    page.fill("#w-title", "Күн суреті")
    page.set_input_files("#w-file", str(photo))
    page.locator("#w-file").evaluate("input => input.form.requestSubmit()")
    page.get_by_test_id("works").filter(has_text="Күн суреті").wait_for()
    assert CreativeWork.objects.filter(child=child).count() == 1

    # the parent signs in and sees the photo itself in their child's profile
    page.context.clear_cookies()
    sign_in(page, base, kg.parent.username)
    page.goto(f"{base}/preschool/children/{child.pk}/")
    image = page.get_by_test_id("works").locator("img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.get_attribute("alt") == "Күн суреті"
    assert image.evaluate("img => img.naturalWidth") == 2
