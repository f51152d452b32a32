"""Lesson plans built by teachers (SEC-27.9): own plans with objectives, materials and files,
shared with colleagues, read by the methodologist, copied and attached to several lessons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden
from oqu.lms import services
from oqu.lms.models import Attachment, LessonPlan, LessonPlanUse

from .conftest import PDF, make_assignment, make_class, make_lesson, make_year

API = "/api/v1/lms"


def _json(client: Any, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(f"{API}{path}", payload or {}, content_type="application/json")


def _plan(lms: Any, **extra: Any) -> LessonPlan:
    values = {
        "title": "Жай бөлшектер",
        "objectives": "5.1.2.1",
        "materials": "Оқулық",
        "body": "Кіріспе",
    }
    values.update(extra)
    return services.plan_create(actor=lms.actor(lms.teacher_user), organization=lms.org, **values)


def test_sec_27_9_teacher_writes_plan_and_attaches_it_to_lessons_of_two_classes_and_years(
    lms, login
):
    api = login(lms.teacher_user)
    created = _json(
        api,
        "post",
        "/plans",
        {
            "organization_id": str(lms.org.pk),
            "title": "Бөлшектер",
            "subject_id": str(lms.math.pk),
            "grade": 5,
            "objectives": "5.1.2.1 салыстыру",
            "materials": "Карточкалар",
            "body": "1. Сәлемдесу",
        },
    )
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    files = api.post(
        f"{API}/plans/{plan_id}/attachments", {"files": [SimpleUploadedFile("slides.pdf", PDF)]}
    )
    assert files.status_code == 201
    next_year = make_year(lms.org, "2026-2027")
    class_6a = make_class(next_year, 6, "А")
    later = make_lesson(
        make_assignment(next_year, lms.teacher, class_6a, lms.math),
        lms.lesson.date + dt.timedelta(days=1),
    )
    for lesson in (lms.lesson, later):
        attached = _json(api, "post", f"/plans/{plan_id}/lessons", {"lesson_id": str(lesson.pk)})
        assert attached.status_code == 201, attached.json()
    assert set(api.get(f"{API}/plans/{plan_id}").json()["lesson_ids"]) == {
        str(lms.lesson.pk),
        str(later.pk),
    }
    again = _json(api, "post", f"/plans/{plan_id}/lessons", {"lesson_id": str(later.pk)})
    assert again.status_code == 409
    foreign = _json(api, "post", f"/plans/{plan_id}/lessons", {"lesson_id": str(lms.lesson_5b.pk)})
    assert foreign.status_code == 403
    changed = _json(api, "patch", f"/plans/{plan_id}", {"title": "Жай бөлшектер", "shared": True})
    assert changed.status_code == 200
    assert changed.json()["shared"] is True
    record = ActionRecord.objects.filter(action="lms.plan.change").get()
    assert record.before == {"title": "Бөлшектер", "shared": False}
    assert api.delete(f"{API}/plans/{plan_id}/lessons/{later.pk}").status_code == 204
    assert LessonPlanUse.objects.count() == 1


def test_sec_27_9_private_plan_is_hidden_from_colleagues_shared_one_is_readable_and_copyable(
    lms, login
):
    private = _plan(lms, title="Жеке")
    shared = _plan(lms, title="Ортақ", shared=True, uploads=[SimpleUploadedFile("a.pdf", PDF)])
    colleague = login(lms.colleague_user)
    titles = {p["title"] for p in colleague.get(f"{API}/plans").json()["items"]}
    assert titles == {"Ортақ"}
    assert colleague.get(f"{API}/plans/{private.pk}").status_code == 404
    assert _json(colleague, "patch", f"/plans/{shared.pk}", {"title": "Менікі"}).status_code == 403
    copy = _json(colleague, "post", f"/plans/{shared.pk}/copy", {"title": "Көшірме"})
    assert copy.status_code == 201, copy.json()
    body = copy.json()
    assert body["copied_from_id"] == str(shared.pk)
    assert body["shared"] is False
    assert body["author_id"] != str(lms.teacher.pk)
    copied_file = Attachment.objects.get(pk=body["attachments"][0]["id"])
    assert copied_file.sha256 == shared.attachments.get().sha256
    assert colleague.get(f"/lms/files/{copied_file.pk}/").status_code == 200


def test_sec_27_9_methodologist_reads_every_plan_but_cannot_write(lms, login, user_with_role):
    private = _plan(lms, title="Жеке")
    methodologist = login(user_with_role("school_methodologist", lms.org))
    assert methodologist.get(f"{API}/plans/{private.pk}").status_code == 200
    refused = _json(
        methodologist, "post", "/plans", {"organization_id": str(lms.org.pk), "title": "x"}
    )
    assert refused.status_code == 403
    assert _json(methodologist, "post", f"/plans/{private.pk}/copy").status_code == 403


def test_sec_27_9_other_school_and_learners_do_not_see_plans(lms, login):
    plan = _plan(lms, shared=True)
    assert login(lms.b_teacher_user).get(f"{API}/plans/{plan.pk}").status_code == 404
    assert login(lms.b_teacher_user).get(f"/lms/plans/{plan.pk}/").status_code == 404
    learner = login(lms.learner_user)
    assert learner.get(f"{API}/plans/{plan.pk}").status_code == 404
    assert learner.get(f"{API}/plans").json()["items"] == []
    with pytest.raises(Forbidden):
        services.plan_change(actor=lms.actor(lms.colleague_user), plan=plan, title="x")


def test_sec_27_9_web_plan_create_attach_from_lesson_page_and_copy(lms, login):
    client = login(lms.teacher_user)
    response = client.post(
        "/lms/plans/",
        {
            "organization": str(lms.org.pk),
            "title": "Веб жоспар",
            "subject_id": str(lms.math.pk),
            "grade": "5",
            "objectives": "Мақсат",
            "materials": "",
            "body": "Барысы",
            "shared": "on",
            "files": [SimpleUploadedFile("plan.docx", b"not a zip")],
        },
        follow=True,
    )
    assert not LessonPlan.objects.exists()  # the bad file refused the whole plan
    assert "does not match" in response.content.decode() or response.status_code == 200
    response = client.post(
        "/lms/plans/",
        {"organization": str(lms.org.pk), "title": "Веб жоспар", "grade": "5", "shared": "on"},
    )
    plan = LessonPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lms/plans/{plan.pk}/"
    page = client.get(f"/lms/lessons/{lms.lesson.pk}/").content.decode()
    assert "Веб жоспар" in page
    client.post(f"/lms/lessons/{lms.lesson.pk}/plans/", {"plan_id": str(plan.pk)})
    assert LessonPlanUse.objects.filter(plan=plan, lesson=lms.lesson).exists()
    assert (
        "Веб жоспар"
        in login(lms.deputy_user).get(f"/lms/lessons/{lms.lesson.pk}/").content.decode()
    )
    client = login(lms.colleague_user)
    assert "Веб жоспар" in client.get("/lms/plans/").content.decode()
    copied = client.post(f"/lms/plans/{plan.pk}/copy/", {"title": "Менің нұсқам"})
    assert copied.status_code == 302
    assert LessonPlan.objects.filter(title="Менің нұсқам", copied_from=plan).exists()


def test_sec_27_9_plan_list_query_count_does_not_grow(lms, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _plan(lms, shared=True)
    api = login(lms.colleague_user)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"{API}/plans").json()["items"]) == 1
    for n in range(5):
        _plan(lms, title=f"Жоспар {n}", shared=True)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(f"{API}/plans?limit=3").json()["items"]) == 3
    assert len(many) == len(few)
