"""SEC-27.10: the recording of a lesson's video conference — a link kept with the conference,
set by the lesson's teacher after the lesson, archived (read-only) with the lesson, and shown to
the class's learners and their parents in the cabinet's lesson view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict
from oqu.lms import services
from oqu.lms.models import Conference

from .conftest import make_lesson

pytestmark = pytest.mark.django_db
API = "/api/v1"
REC = "https://video.example.kz/rec/5a-math"


def _put(client: Any, path: str, payload: dict[str, Any]) -> Any:
    return client.put(f"{API}{path}", payload, content_type="application/json")


def _conference(lms: Any, lesson: Any = None) -> Conference:
    return services.conference_set(
        actor=lms.actor(lms.teacher_user),
        lesson=lesson or lms.lesson,
        url="https://meet.example.kz/5a-math",
    )


def test_sec_27_10_teacher_keeps_the_recording_with_the_conference_journaled(lms, login):
    teacher = login(lms.teacher_user)
    missing = _put(teacher, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": REC})
    assert (missing.status_code, missing.json()["code"]) == (409, "conference_missing")
    _conference(lms)
    bad = _put(teacher, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": "http://x.kz/r"})
    assert (bad.status_code, bad.json()["code"]) == (400, "url_invalid")
    done = _put(teacher, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": REC})
    assert done.status_code == 200, done.content
    assert done.json()["recording_url"] == REC
    assert done.json()["recording_set_at"] is not None
    record = ActionRecord.objects.get(action="lms.conference.recording")
    assert (record.before, record.after) == ({"recording_url": ""}, {"recording_url": REC})
    # the link cannot go while the recording is kept with it
    gone = _put(teacher, f"/lms/lessons/{lms.lesson.pk}/conference", {"url": ""})
    assert (gone.status_code, gone.json()["code"]) == (409, "conference_has_recording")
    learner = login(lms.learner_user)
    seen = learner.get(f"{API}/lms/lessons/{lms.lesson.pk}/distance").json()
    assert seen["recording_url"] == REC
    # the learner may not set it
    refused = _put(learner, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": ""})
    assert refused.status_code == 403
    teacher = login(lms.teacher_user)
    removed = _put(teacher, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": ""})
    assert removed.json()["recording_url"] is None
    assert ActionRecord.objects.filter(action="lms.conference.recording").count() == 2


def test_sec_27_10_no_recording_before_the_lesson_nor_by_another_teacher(lms, login):
    future = make_lesson(lms.assignment, lms.lesson.date + dt.timedelta(days=3), 5)
    _conference(lms, future)
    teacher = login(lms.teacher_user)
    early = _put(teacher, f"/lms/lessons/{future.pk}/recording", {"url": REC})
    assert (early.status_code, early.json()["code"]) == (400, "lesson_in_future")
    _conference(lms)
    colleague = login(lms.colleague_user)
    assert _put(colleague, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": REC}).status_code in (
        403,
        404,
    )
    outsider = login(lms.b_teacher_user)
    assert (
        _put(outsider, f"/lms/lessons/{lms.lesson.pk}/recording", {"url": REC}).status_code == 404
    )
    assert Conference.objects.get(lesson=lms.lesson).recording_url == ""


def test_sec_27_10_the_recording_is_archived_with_the_lesson(lms, login):
    old = make_lesson(lms.assignment, lms.lesson.date - dt.timedelta(days=20), 3)
    Conference.objects.create(
        organization=lms.org,
        lesson=old,
        url="https://meet.example.kz/old",
        set_by=lms.teacher,
        recording_url=REC,
    )
    with pytest.raises(Conflict) as error:
        services.recording_set(actor=lms.actor(lms.teacher_user), lesson=old, url="")
    assert error.value.code == "lesson_archived"
    parent = login(lms.parent_user)
    body = parent.get(f"{API}/cabinet/lessons/{old.pk}").json()
    assert body["recording_url"] == REC
    assert body["archived"] is True


def test_sec_27_10_learner_and_parent_see_the_recording_in_the_cabinets_lesson_view(lms, login):
    _conference(lms)
    services.recording_set(actor=lms.actor(lms.teacher_user), lesson=lms.lesson, url=REC)
    for user in (lms.parent_user, lms.learner_user):
        client = login(user)
        body = client.get(f"{API}/cabinet/lessons/{lms.lesson.pk}").json()
        assert body["recording_url"] == REC
        assert body["conference_url"] == "https://meet.example.kz/5a-math"
        assert body["subject"] == "Математика"
        page = client.get(f"/cabinet/{lms.learner.pk}/lessons/{lms.lesson.pk}/").content.decode()
        assert REC in page
        assert 'data-testid="recording"' in page
        today = client.get(f"/cabinet/{lms.learner.pk}/").content.decode()
        assert f"/cabinet/{lms.learner.pk}/lessons/{lms.lesson.pk}/" in today


def test_sec_27_10_cabinet_lesson_view_forbidden_paths(lms, login):
    _conference(lms)
    parent = login(lms.parent_user)
    # another class's lesson through the child's cabinet: as if it did not exist
    assert parent.get(f"{API}/cabinet/lessons/{lms.lesson_5b.pk}").status_code == 404
    assert parent.get(f"/cabinet/{lms.learner.pk}/lessons/{lms.b_lesson.pk}/").status_code == 404
    other = login(lms.other_learner_user)
    # another learner's cabinet, and the lesson of another class through their own
    assert other.get(f"{API}/cabinet/lessons/{lms.lesson.pk}").status_code == 404
    assert other.get(f"/cabinet/{lms.learner.pk}/lessons/{lms.lesson.pk}/").status_code == 404
    own_id = other.get(f"{API}/cabinet/people").json()[0]["id"]
    assert other.get(f"/cabinet/{own_id}/lessons/{lms.lesson.pk}/").status_code == 404


def test_sec_27_10_web_recording_form_on_the_lesson_page(lms, login):
    _conference(lms)
    teacher = login(lms.teacher_user)
    page = teacher.get(f"/lms/lessons/{lms.lesson.pk}/").content.decode()
    assert 'data-testid="recording-form"' in page
    teacher.post(f"/lms/lessons/{lms.lesson.pk}/recording/", {"url": REC})
    assert Conference.objects.get(lesson=lms.lesson).recording_url == REC
    learner = login(lms.learner_user)
    seen = learner.get(f"/lms/lessons/{lms.lesson.pk}/").content.decode()
    assert REC in seen
    assert 'data-testid="recording-form"' not in seen
