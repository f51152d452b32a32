"""Homework (SEC-27.11): set per lesson with files, submitted by learners, checked and marked by
the lesson's teacher; late flags, resubmission, overdue lists; the forbidden paths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.lms import selectors, services
from oqu.lms.models import Attachment, Homework, HomeworkSubmission

from .conftest import PDF, make_learner

API = "/api/v1/lms"


def _json(client: Any, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(f"{API}{path}", payload or {}, content_type="application/json")


def _set(lms: Any, lesson: Any = None, **extra: Any) -> Homework:
    values = {
        "text": "№ 12, 14 есептер",
        "due_date": (lesson or lms.lesson).date + dt.timedelta(days=2),
    }
    values.update(extra)
    return services.homework_set(
        actor=lms.actor(lms.teacher_user), lesson=lesson or lms.lesson, **values
    )


def test_sec_27_11_teacher_sets_homework_with_file_and_learner_submits_then_teacher_marks(
    lms, login
):
    teacher = login(lms.teacher_user)
    due = (lms.lesson.date + dt.timedelta(days=3)).isoformat()
    response = _json(
        teacher,
        "post",
        f"/lessons/{lms.lesson.pk}/homework",
        {"text": "Есептер", "due_date": due, "max_points": 10},
    )
    assert response.status_code == 201, response.json()
    homework_id = response.json()["id"]
    upload = SimpleUploadedFile("тапсырма.pdf", PDF, content_type="application/pdf")
    files = teacher.post(f"{API}/homework/{homework_id}/attachments", {"files": [upload]})
    assert files.status_code == 201, files.json()
    attachment = files.json()[0]
    assert attachment["original_name"] == "тапсырма.pdf"
    assert attachment["sha256"] == Attachment.objects.get().sha256

    learner = login(lms.learner_user)
    listed = learner.get(f"{API}/learners/{lms.learner.pk}/homework").json()
    assert [row["homework"]["id"] for row in listed] == [homework_id]
    assert listed[0]["submission"] is None
    assert listed[0]["overdue"] is False
    download = learner.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    submitted = _json(learner, "post", f"/homework/{homework_id}/submission", {"text": "Жауабым"})
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["late"] is False
    submission_id = submitted.json()["id"]

    teacher = login(lms.teacher_user)
    too_many = _json(
        teacher, "post", f"/submissions/{submission_id}/check", {"decision": "mark", "points": "11"}
    )
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "points_range"
    marked = _json(
        teacher,
        "post",
        f"/submissions/{submission_id}/check",
        {"decision": "mark", "points": "8.5", "comment": "Жақсы"},
    )
    assert marked.status_code == 200, marked.json()
    assert marked.json()["status"] == "checked"
    assert marked.json()["points"] == "8.5"
    record = ActionRecord.objects.filter(action="lms.submission.mark").get()
    assert record.after["points"] == "8.5"
    assert record.before["status"] == "submitted"

    learner = login(lms.learner_user)
    again = _json(learner, "post", f"/homework/{homework_id}/submission", {"text": "Тағы"})
    assert again.status_code == 409
    assert again.json()["code"] == "submission_checked"


def test_sec_27_11_returned_work_is_resubmitted_and_late_submission_is_flagged(lms):
    homework = _set(
        lms, lms.old_lesson, due_date=lms.old_lesson.date + dt.timedelta(days=1), max_points=5
    )
    learner = lms.actor(lms.learner_user)
    submission = services.submission_submit(actor=learner, homework=homework, text="Бірінші")
    assert submission.late is True
    teacher = lms.actor(lms.teacher_user)
    with pytest.raises(ValidationError):
        services.submission_check(actor=teacher, submission=submission, decision="return")
    services.submission_check(
        actor=teacher, submission=submission, decision="return", comment="Түзетіңіз"
    )
    rows = selectors.homework_for_learner(learner, lms.learner, today=timezone.localdate())
    assert rows[0].overdue is True  # returned past its due date: still to do
    again = services.submission_submit(actor=learner, homework=homework, text="Екінші")
    assert again.pk == submission.pk
    assert again.status == HomeworkSubmission.Status.SUBMITTED
    assert ActionRecord.objects.filter(
        action="lms.submission.resubmit", target_id=str(again.pk)
    ).exists()


def test_sec_27_11_due_date_before_lesson_and_empty_answer_are_refused(lms):
    with pytest.raises(ValidationError) as error:
        _set(lms, due_date=lms.lesson.date - dt.timedelta(days=1))
    assert error.value.code == "due_before_lesson"
    homework = _set(lms)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=lms.actor(lms.learner_user), homework=homework, text="  ")
    assert error.value.code == "answer_required"
    assert not HomeworkSubmission.objects.exists()


def test_sec_27_11_bad_file_is_refused_and_nothing_is_written(lms):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        _set(lms, uploads=[fake])
    assert error.value.code == "file_content"


def test_sec_27_11_colleague_cannot_set_or_check_homework_of_another_teachers_class(lms, login):
    homework = _set(lms, max_points=5)
    submission = services.submission_submit(
        actor=lms.actor(lms.learner_user), homework=homework, text="Жауап"
    )
    colleague = login(lms.colleague_user)
    refused = _json(
        colleague,
        "post",
        f"/lessons/{lms.lesson.pk}/homework",
        {"text": "x", "due_date": lms.lesson.date.isoformat()},
    )
    assert refused.status_code == 403
    check = _json(
        colleague,
        "post",
        f"/submissions/{submission.pk}/check",
        {"decision": "mark", "points": "5"},
    )
    assert check.status_code == 403
    assert colleague.get(f"{API}/homework/{homework.pk}").status_code == 403
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_sec_27_11_deputy_director_sees_but_cannot_mark(lms, login):
    homework = _set(lms, max_points=5)
    submission = services.submission_submit(
        actor=lms.actor(lms.learner_user), homework=homework, text="Жауап"
    )
    deputy = login(lms.deputy_user)
    detail = deputy.get(f"{API}/homework/{homework.pk}").json()
    assert detail["role"] == "supervisor"
    assert len(detail["submissions"]) == 1
    assert (
        _json(
            deputy,
            "post",
            f"/submissions/{submission.pk}/check",
            {"decision": "mark", "points": "5"},
        ).status_code
        == 403
    )


def test_sec_27_11_learner_of_another_class_and_other_school_get_404(lms, login):
    homework = _set(lms)
    other = login(lms.other_learner_user)
    assert other.get(f"{API}/homework/{homework.pk}").status_code == 404
    assert (
        _json(other, "post", f"/homework/{homework.pk}/submission", {"text": "x"}).status_code
        == 404
    )
    assert other.get(f"{API}/learners/{lms.learner.pk}/homework").status_code == 404
    b_teacher = login(lms.b_teacher_user)
    assert b_teacher.get(f"{API}/homework/{homework.pk}").status_code == 404
    assert b_teacher.get(f"{API}/lessons/{lms.lesson.pk}/homework").status_code == 404
    assert not HomeworkSubmission.objects.exists()


def test_sec_27_11_learner_sees_only_own_submission_and_parent_reads_child_without_submitting(
    lms, login
):
    homework = _set(lms)
    classmate_user = make_learner(lms.class_5a, "Серікұлы", "lms-classmate")[1]
    services.submission_submit(actor=lms.actor(classmate_user), homework=homework, text="Менікі")
    mine = services.submission_submit(
        actor=lms.actor(lms.learner_user), homework=homework, text="Жауап"
    )
    learner = login(lms.learner_user)
    assert [
        s["id"] for s in learner.get(f"{API}/homework/{homework.pk}").json()["submissions"]
    ] == [str(mine.pk)]
    other_submission = HomeworkSubmission.objects.exclude(pk=mine.pk).get()
    assert learner.get(f"{API}/submissions/{other_submission.pk}").status_code == 404

    parent = login(lms.parent_user)
    detail = parent.get(f"{API}/homework/{homework.pk}").json()
    assert detail["role"] == "parent"
    assert [s["id"] for s in detail["submissions"]] == [str(mine.pk)]
    assert parent.get(f"{API}/learners/{lms.learner.pk}/homework").status_code == 200
    assert (
        _json(parent, "post", f"/homework/{homework.pk}/submission", {"text": "x"}).status_code
        == 403
    )
    page = parent.get(f"/lms/homework/{homework.pk}/")
    assert page.status_code == 200
    assert "Жауап" in page.content.decode()
    assert b'name="decision"' not in page.content
    assert b"homework_submit" not in page.content


def test_sec_27_11_overdue_lists_for_teacher_and_learner(lms, login):
    past = _set(lms, lms.old_lesson, due_date=lms.old_lesson.date + dt.timedelta(days=1))
    _set(lms)  # not yet due
    services.submission_submit(actor=lms.actor(lms.learner_user), homework=past, text="Кеш")
    teacher = login(lms.teacher_user)
    rows = teacher.get(f"{API}/overdue").json()
    assert [r["homework"]["id"] for r in rows] == [str(past.pk)]
    assert [m["id"] for m in rows[0]["missing"]] == [str(lms.classmate.pk)]
    learner = login(lms.learner_user)
    assert learner.get(f"{API}/learners/{lms.learner.pk}/homework?overdue=true").json() == []
    page = login(lms.teacher_user).get("/lms/")
    assert page.status_code == 200
    assert "Арманұлы" in page.content.decode()


def _count(client: Any, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), len(response.json())


def test_sec_27_11_list_query_counts_do_not_grow_with_rows(lms, login):
    learner = login(lms.learner_user)
    services.submission_submit(actor=lms.actor(lms.learner_user), homework=_set(lms), text="a")
    few = _count(learner, f"{API}/learners/{lms.learner.pk}/homework")
    for _ in range(4):
        homework = _set(lms, lms.old_lesson, due_date=lms.old_lesson.date)
        services.submission_submit(actor=lms.actor(lms.learner_user), homework=homework, text="a")
    many = _count(learner, f"{API}/learners/{lms.learner.pk}/homework")
    assert many[1] == 5
    assert many[0] == few[0]
    teacher = login(lms.teacher_user)
    few_overdue = _count(teacher, f"{API}/overdue")
    make_learner(lms.class_5a, "Жаңаұлы", None)
    _set(lms, lms.old_lesson, due_date=lms.old_lesson.date)
    more_overdue = _count(teacher, f"{API}/overdue")
    assert more_overdue[1] == few_overdue[1] + 1
    assert more_overdue[0] == few_overdue[0]
    lesson_few = _count(teacher, f"{API}/lessons/{lms.old_lesson.pk}/homework")
    _set(lms, lms.old_lesson, uploads=[SimpleUploadedFile("a.txt", b"hello")])
    lesson_more = _count(teacher, f"{API}/lessons/{lms.old_lesson.pk}/homework")
    assert lesson_more[1] == lesson_few[1] + 1
    assert lesson_more[0] == lesson_few[0]


def test_sec_27_11_web_teacher_sets_homework_learner_submits_with_file_teacher_checks(lms, login):
    client = login(lms.teacher_user)
    page = client.get(f"/lms/lessons/{lms.lesson.pk}/")
    assert page.status_code == 200
    assert b"hw-text" in page.content
    due = (lms.lesson.date + dt.timedelta(days=1)).isoformat()
    upload = SimpleUploadedFile("task.txt", "Есеп 1".encode())
    response = client.post(
        f"/lms/lessons/{lms.lesson.pk}/homework/",
        {"text": "Веб тапсырма", "due_date": due, "max_points": "5", "files": [upload]},
    )
    assert response.status_code == 302
    homework = Homework.objects.get()
    assert homework.attachments.get().original_name == "task.txt"

    client = login(lms.learner_user)
    assert "Веб тапсырма" in client.get("/lms/").content.decode()
    response = client.post(
        f"/lms/homework/{homework.pk}/submit/",
        {"text": "Менің жауабым", "files": [SimpleUploadedFile("answer.pdf", PDF)]},
    )
    assert response.status_code == 302
    submission = HomeworkSubmission.objects.get()
    assert submission.attachments.count() == 1

    client = login(lms.teacher_user)
    page = client.get(f"/lms/homework/{homework.pk}/").content.decode()
    assert "Менің жауабым" in page
    assert "answer.pdf" in page
    client.post(
        f"/lms/submissions/{submission.pk}/check/",
        {"decision": "mark", "points": "4,5", "comment": "Жарайсың"},
    )
    submission.refresh_from_db()
    assert submission.points == Decimal("4.5")
    assert submission.status == "checked"
    bad = client.post(
        f"/lms/submissions/{submission.pk}/check/",
        {"decision": "return", "comment": "x"},
        follow=True,
    )
    assert bad.status_code == 200
    submission.refresh_from_db()
    assert submission.status == "checked"


def test_sec_27_11_files_are_served_only_through_the_access_check(lms, login):
    homework = _set(lms, uploads=[SimpleUploadedFile("a.pdf", PDF)])
    submission = services.submission_submit(
        actor=lms.actor(lms.learner_user),
        homework=homework,
        uploads=[SimpleUploadedFile("b.pdf", PDF)],
    )
    task_file = homework.attachments.get()
    answer_file = submission.attachments.get()
    assert "a.pdf" not in task_file.file.name
    assert "b.pdf" not in answer_file.file.name
    other = login(lms.other_learner_user)
    assert other.get(f"/lms/files/{task_file.pk}/").status_code == 404
    assert other.get(f"{API}/attachments/{answer_file.pk}").status_code == 404
    classmate_user = make_learner(lms.class_5a, "Досұлы", "lms-classmate2")[1]
    classmate = login(classmate_user)
    assert classmate.get(f"/lms/files/{task_file.pk}/").status_code == 200
    assert classmate.get(f"/lms/files/{answer_file.pk}/").status_code == 404
    assert login(lms.teacher_user).get(f"/lms/files/{answer_file.pk}/").status_code == 200


def test_sec_27_11_services_refuse_without_person_or_role(lms, user_with_role):
    outsider = lms.actor(user_with_role("school_teacher", lms.org))
    with pytest.raises(Forbidden):
        services.homework_set(actor=outsider, lesson=lms.lesson, text="x", due_date=lms.lesson.date)
    stranger = lms.actor(user_with_role("school_teacher", lms.b_lesson.organization))
    with pytest.raises(NotFound):
        services.homework_set(actor=stranger, lesson=lms.lesson, text="x", due_date=lms.lesson.date)
    homework = _set(lms)
    with pytest.raises(Forbidden):
        services.submission_submit(actor=lms.actor(lms.teacher_user), homework=homework, text="x")
    homework.max_points = None
    homework.save()
    submission = services.submission_submit(
        actor=lms.actor(lms.learner_user), homework=homework, text="x"
    )
    with pytest.raises(ValidationError):
        services.submission_check(
            actor=lms.actor(lms.teacher_user),
            submission=submission,
            decision="mark",
            points=Decimal(3),
        )
    checked = services.submission_check(
        actor=lms.actor(lms.teacher_user), submission=submission, decision="mark", comment="ok"
    )
    assert checked.status == "checked"
    assert checked.points is None
    with pytest.raises(Conflict):
        services.submission_check(
            actor=lms.actor(lms.teacher_user), submission=checked, decision="return", comment="x"
        )


def test_sec_27_11_staff_homework_list_is_scoped_and_its_query_count_is_flat(lms, login):
    _set(lms)
    colleague_actor = lms.actor(lms.colleague_user)
    services.homework_set(
        actor=colleague_actor, lesson=lms.lesson_5b, text="5Ә", due_date=lms.lesson_5b.date
    )
    teacher = login(lms.teacher_user)
    with CaptureQueriesContext(connection) as few:
        own = teacher.get(f"{API}/homework").json()["items"]
    assert [h["class_name"] for h in own] == ["5А"]
    for _ in range(4):
        _set(lms, uploads=[SimpleUploadedFile("a.txt", b"x")])
    with CaptureQueriesContext(connection) as many:
        assert len(teacher.get(f"{API}/homework").json()["items"]) == 5
    assert len(many) <= len(few) + 1  # the files' prefetch, once there are any
    deputy = login(lms.deputy_user)
    assert len(deputy.get(f"{API}/homework?limit=200").json()["items"]) == 6
    filtered = deputy.get(f"{API}/homework", {"class": str(lms.class_5b.pk)}).json()["items"]
    assert [h["class_name"] for h in filtered] == ["5Ә"]
    assert login(lms.learner_user).get(f"{API}/homework").json()["items"] == []
