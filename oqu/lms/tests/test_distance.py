"""Distance learning (SEC-27.10): a lesson's video-conference link, class chat moderated by the
teacher, announcements with files, all archived (read-only) after the rule's number of days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, ValidationError
from oqu.kernel.models import RuleSet
from oqu.lms import selectors, services
from oqu.lms.models import ChatMessage, Conference

from .conftest import PDF, make_lesson

API = "/api/v1/lms"


def _json(client: Any, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(f"{API}{path}", payload or {}, content_type="application/json")


@pytest.mark.parametrize(
    "url",
    [
        "http://meet.example.kz/abc",
        "javascript:alert(1)",
        "https://",
        "https://user:pw@meet.kz/x",
        "https://localhost/x",
        "meet.kz/abc",
    ],
)
def test_sec_27_10_conference_link_must_be_https(lms, url):
    with pytest.raises(ValidationError) as error:
        services.conference_set(actor=lms.actor(lms.teacher_user), lesson=lms.lesson, url=url)
    assert error.value.code == "url_invalid"


def test_sec_27_10_teacher_sets_link_learners_chat_teacher_moderates(lms, login):
    teacher = login(lms.teacher_user)
    link = _json(
        teacher,
        "put",
        f"/lessons/{lms.lesson.pk}/conference",
        {"url": "https://meet.example.kz/5a-math"},
    )
    assert link.status_code == 200, link.json()
    assert link.json()["conference_url"] == "https://meet.example.kz/5a-math"
    assert link.json()["archived"] is False
    assert (
        _json(
            teacher, "post", f"/lessons/{lms.lesson.pk}/chat", {"text": "Сәлеметсіздер ме!"}
        ).status_code
        == 201
    )
    learner = login(lms.learner_user)
    distance = learner.get(f"{API}/lessons/{lms.lesson.pk}/distance").json()
    assert distance["role"] == "learner"
    assert distance["conference_url"].startswith("https://")
    posted = _json(learner, "post", f"/lessons/{lms.lesson.pk}/chat", {"text": "Орынсыз сөз"})
    assert posted.status_code == 201
    message_id = posted.json()["id"]
    assert _json(learner, "delete", f"/chat/{message_id}").status_code == 403
    teacher = login(lms.teacher_user)
    assert _json(teacher, "delete", f"/chat/{message_id}").status_code == 204
    record = ActionRecord.objects.filter(action="lms.chat.delete").get()
    assert record.before["text"] == "Орынсыз сөз"
    messages = teacher.get(f"{API}/lessons/{lms.lesson.pk}/chat").json()
    assert [m["deleted"] for m in messages] == [False, True]
    assert messages[1]["text"] == ""
    assert ActionRecord.objects.filter(action="lms.conference.set").exists()


def test_sec_27_10_learner_of_another_class_parent_and_other_school_cannot_see_or_post(lms, login):
    other = login(lms.other_learner_user)
    assert other.get(f"{API}/lessons/{lms.lesson.pk}/distance").status_code == 404
    assert _json(other, "post", f"/lessons/{lms.lesson.pk}/chat", {"text": "x"}).status_code == 404
    assert other.get(f"/lms/lessons/{lms.lesson.pk}/chat/").status_code == 404
    parent = login(lms.parent_user)  # a parent reads homework, not the class chat
    assert parent.get(f"{API}/lessons/{lms.lesson.pk}/distance").status_code == 404
    b_teacher = login(lms.b_teacher_user)
    assert b_teacher.get(f"{API}/lessons/{lms.lesson.pk}/distance").status_code == 404
    colleague = login(lms.colleague_user)
    assert (
        _json(colleague, "post", f"/lessons/{lms.lesson.pk}/chat", {"text": "x"}).status_code == 403
    )
    assert (
        _json(
            colleague, "put", f"/lessons/{lms.lesson.pk}/conference", {"url": "https://meet.kz/x"}
        ).status_code
        == 403
    )
    deputy = login(lms.deputy_user)
    assert deputy.get(f"{API}/lessons/{lms.lesson.pk}/distance").json()["role"] == "supervisor"
    assert _json(deputy, "post", f"/lessons/{lms.lesson.pk}/chat", {"text": "x"}).status_code == 403
    assert not ChatMessage.objects.exists()
    assert not Conference.objects.exists()


def test_sec_27_10_announcement_with_file_reaches_the_class(lms, login):
    teacher = login(lms.teacher_user)
    created = _json(
        teacher, "post", f"/lessons/{lms.lesson.pk}/announcements", {"text": "Ертең онлайн сабақ"}
    )
    assert created.status_code == 201
    announcement_id = created.json()["id"]
    files = teacher.post(
        f"{API}/announcements/{announcement_id}/attachments",
        {"files": [SimpleUploadedFile("жоспар.pdf", PDF)]},
    )
    assert files.status_code == 201
    learner = login(lms.learner_user)
    body = learner.get(f"{API}/announcements/{announcement_id}").json()
    assert body["text"] == "Ертең онлайн сабақ"
    assert body["attachments"][0]["original_name"] == "жоспар.pdf"
    assert learner.get(body["attachments"][0]["url"]).status_code == 200
    assert login(lms.other_learner_user).get(body["attachments"][0]["url"]).status_code == 404


def test_sec_27_10_lesson_is_archived_after_the_rule_days_and_rule_is_effective_dated(lms, login):
    old = make_lesson(lms.assignment, lms.lesson.date - dt.timedelta(days=20), 3)
    recent = make_lesson(lms.assignment, lms.lesson.date - dt.timedelta(days=10), 4)
    assert selectors.is_archived(old, lms.lesson.date)
    assert not selectors.is_archived(recent, lms.lesson.date)
    teacher = lms.actor(lms.teacher_user)
    with pytest.raises(Conflict) as error:
        services.message_post(actor=teacher, lesson=old, text="x")
    assert error.value.code == "lesson_archived"
    with pytest.raises(Conflict):
        services.conference_set(actor=teacher, lesson=old, url="https://meet.kz/x")
    api = login(lms.learner_user)
    assert api.get(f"{API}/lessons/{old.pk}/distance").json()["archived"] is True  # still readable
    # a new edition of the rule, in force from the old lesson's date, keeps lessons open longer
    RuleSet.objects.create(
        code="lms.distance.archive_after_days",
        valid_from=old.date,
        value=30,
    )
    assert not selectors.is_archived(old, lms.lesson.date)
    services.message_post(actor=teacher, lesson=old, text="Архивке дейін")


def test_sec_27_10_chat_list_query_count_does_not_grow(lms, login):
    teacher = lms.actor(lms.teacher_user)
    services.message_post(actor=teacher, lesson=lms.lesson, text="1")
    api = login(lms.teacher_user)
    with CaptureQueriesContext(connection) as few:
        assert api.get(f"{API}/lessons/{lms.lesson.pk}/distance").status_code == 200
    for n in range(5):
        services.message_post(actor=teacher, lesson=lms.lesson, text=str(n))
        services.announcement_post(
            actor=teacher,
            lesson=lms.lesson,
            text=str(n),
            uploads=[SimpleUploadedFile("a.txt", b"x")],
        )
    with CaptureQueriesContext(connection) as many:
        response = api.get(f"{API}/lessons/{lms.lesson.pk}/distance")
    assert len(response.json()["messages"]) == 6
    assert len(response.json()["announcements"]) == 5
    assert len(many) <= len(few) + 2  # the announcements' files: one prefetch once there are any


def test_sec_27_10_web_chat_by_htmx_and_moderation(lms, login):
    client = login(lms.learner_user)
    page = client.get(f"/lms/lessons/{lms.lesson.pk}/")
    assert page.status_code == 200
    assert b'hx-trigger="every 5s"' in page.content
    posted = client.post(
        f"/lms/lessons/{lms.lesson.pk}/chat/post/", {"text": "Сұрағым бар"}, HTTP_HX_REQUEST="true"
    )
    assert posted.status_code == 200
    assert "Сұрағым бар" in posted.content.decode()
    assert b"chat-text" in posted.content
    message = ChatMessage.objects.get()
    poll = client.get(f"/lms/lessons/{lms.lesson.pk}/chat/", HTTP_HX_REQUEST="true")
    assert "Сұрағым бар" in poll.content.decode()
    assert b"chat_delete" not in poll.content
    client = login(lms.teacher_user)
    client.post(
        f"/lms/lessons/{lms.lesson.pk}/conference/", {"url": "https://meet.example.kz/room"}
    )
    assert Conference.objects.get().url == "https://meet.example.kz/room"
    bad = client.post(
        f"/lms/lessons/{lms.lesson.pk}/conference/",
        {"url": "http://meet.example.kz/room"},
        follow=True,
    )
    assert "https://" in bad.content.decode()
    assert Conference.objects.get().url.startswith("https://meet.example.kz/room")
    deleted = client.post(f"/lms/chat/{message.pk}/delete/", HTTP_HX_REQUEST="true")
    assert deleted.status_code == 200
    assert "Сұрағым бар" not in deleted.content.decode()
    client.post(
        f"/lms/lessons/{lms.lesson.pk}/announcements/",
        {"text": "Хабарландыру", "files": [SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000")]},
    )
    assert (
        "Хабарландыру"
        in login(lms.learner_user).get(f"/lms/lessons/{lms.lesson.pk}/").content.decode()
    )
