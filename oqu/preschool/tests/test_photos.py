"""Photos of creative works: checked by content, seen by the child's parent, deleted one calendar
month later (same day of the next month, clamped) by the scheduled job, with proof (PRE-25.11)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string
from hypothesis import given
from hypothesis import strategies as st

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden, NotFound, ValidationError
from oqu.kernel.schedule import JOBS
from oqu.preschool import rules, selectors, services
from oqu.preschool.models import CreativeWork

from .conftest import PNG

ALMATY = ZoneInfo("Asia/Almaty")


def _photo(name: str = "drawing.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_pre25_11_retention_date_is_the_same_day_next_month_clamped() -> None:
    assert rules.same_day_next_month(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)
    assert rules.same_day_next_month(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert rules.same_day_next_month(dt.date(2027, 3, 31)) == dt.date(2027, 4, 30)
    assert rules.same_day_next_month(dt.date(2027, 12, 15)) == dt.date(2028, 1, 15)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_pre25_11_retention_never_exceeds_one_calendar_month(day: dt.date) -> None:
    kept_until = rules.same_day_next_month(day)
    assert (kept_until.year * 12 + kept_until.month) - (day.year * 12 + day.month) == 1
    assert kept_until.day == day.day or (
        kept_until.day < day.day and (kept_until + dt.timedelta(days=1)).day == 1
    )


def test_pre25_11_files_are_checked_by_content(kg: Any) -> None:
    educator = actor_for(kg.educator)
    with pytest.raises(ValidationError) as renamed:
        services.work_add(
            actor=educator, child=kg.child, title="X", upload=_photo("x.png", b"MZ\x90\x00")
        )
    assert renamed.value.code == "file_content"
    with pytest.raises(ValidationError) as not_photo:
        services.work_add(
            actor=educator, child=kg.child, title="X", upload=_photo("x.pdf", b"%PDF-1.4 x")
        )
    assert not_photo.value.code == "file_type"
    assert not CreativeWork.objects.exists()


def test_pre25_10_photos_by_the_groups_educator_seen_by_the_parent_only(kg: Any) -> None:
    with pytest.raises(Forbidden):
        services.work_add(
            actor=actor_for(kg.other_educator), child=kg.child, title="X", upload=_photo()
        )
    work = services.work_add(
        actor=actor_for(kg.educator), child=kg.child, title="Күн", upload=_photo()
    )
    assert selectors.work_get(actor_for(kg.parent), work.pk) == work
    with pytest.raises(NotFound):
        selectors.work_get(actor_for(kg.other_parent), work.pk)
    with pytest.raises(NotFound):
        selectors.work_get(actor_for(kg.foreign_head), work.pk)


def _add_on(kg: Any, moment: dt.datetime) -> CreativeWork:
    with time_machine.travel(moment, tick=False):
        return services.work_add(
            actor=actor_for(kg.educator), child=kg.child, title="Сурет", upload=_photo()
        )


@pytest.mark.parametrize(
    ("uploaded", "deleted"),
    [
        (dt.datetime(2027, 1, 31, 9, 0, tzinfo=ALMATY), dt.date(2027, 2, 28)),
        (dt.datetime(2028, 1, 31, 9, 0, tzinfo=ALMATY), dt.date(2028, 2, 29)),
        (dt.datetime(2027, 5, 14, 9, 0, tzinfo=ALMATY), dt.date(2027, 6, 14)),
    ],
)
def test_pre25_11_scheduled_job_deletes_file_and_row_on_the_day_with_proof(
    kg: Any, django_capture_on_commit_callbacks: Any, uploaded: dt.datetime, deleted: dt.date
) -> None:
    work = _add_on(kg, uploaded)
    assert work.delete_on == deleted
    stored = work.file.name
    storage = work.file.storage
    purge = import_string(
        next(j for j in JOBS if j.name == "preschool.purge_creative_works").task_path
    )
    the_day_before = dt.datetime.combine(deleted - dt.timedelta(days=1), dt.time(23, 59), ALMATY)
    with (
        time_machine.travel(the_day_before, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert purge.call() == 0
    assert CreativeWork.objects.filter(pk=work.pk).exists()
    assert storage.exists(stored)
    on_the_day = dt.datetime.combine(deleted, dt.time(0, 30), ALMATY)
    with (
        time_machine.travel(on_the_day, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert purge.call() == 1
    assert not CreativeWork.objects.filter(pk=work.pk).exists()
    assert not storage.exists(stored)
    proof = ActionRecord.objects.get(action="preschool.photo.purged", target_id=str(work.pk))
    assert proof.before["sha256"] == work.sha256
    assert proof.after["deleted_on"] == deleted.isoformat()
