"""Surveys and the FAQ (shared LMS feedback items, O456 p.25/27/34/36) through the API and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.feedback import services
from oqu.feedback.models import FaqEntry, SurveyAnswer, SurveyResponse
from oqu.school.tests.conftest import make_class, make_year, put_in_class
from oqu.tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"
D = dt.date


def client_for(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(org_tree, user_with_role):  # type: ignore[no-untyped-def]
    """School A1 with a director, a teacher, class 5 А (a learner and their parent) and 5 Ә."""
    org = org_tree.school_a1
    year = make_year(org)
    class_a, class_b = make_class(year, 5, "А"), make_class(year, 5, "Ә")
    learner = f.make_person("Бекұлы", "Ерлан", D(2014, 4, 5), "M")
    put_in_class(learner, class_a)
    other = f.make_person("Сейіт", "Аружан", D(2014, 6, 7), "F")
    put_in_class(other, class_b)
    parent = f.make_person("Бекова", "Гүлнар", D(1985, 1, 1), "F")
    f.guard(parent, learner)
    return {
        "org": org,
        "class_a": class_a,
        "director": user_with_role("school_director", org),
        "teacher": user_with_role("school_teacher", org),
        "learner": f.make_user("fb-learner", person=learner),
        "other_learner": f.make_user("fb-other", person=other),
        "parent": f.make_user("fb-parent", person=parent),
    }


def make_survey(client, org, **extra):  # type: ignore[no-untyped-def]
    body = {
        "organization_id": str(org.pk),
        "title": "Мектеп асханасы",
        "target_roles": ["school_teacher"],
    }
    body.update(extra)
    created = client.post(f"{API}/surveys", body, content_type="application/json")
    assert created.status_code == 201, created.content
    survey_id = created.json()["id"]
    questions = [
        {"kind": "single", "text": "Ас ұнай ма?", "choices": ["Иә", "Жоқ"]},
        {"kind": "multiple", "text": "Не қосу керек?", "choices": ["Жеміс", "Сүт", "Нан"]},
        {"kind": "scale", "text": "Бағаңыз", "scale_max": 5},
        {"kind": "text", "text": "Ұсыныс"},
    ]
    ids = []
    for q in questions:
        added = client.post(
            f"{API}/surveys/{survey_id}/questions", q, content_type="application/json"
        )
        assert added.status_code == 201, added.content
        ids.append(added.json()["id"])
    opened = client.post(
        f"{API}/surveys/{survey_id}/status", {"status": "open"}, content_type="application/json"
    )
    assert opened.status_code == 200
    return survey_id, ids


def answers(ids, single=0, multiple=(0, 1), scale=4, text="Көбірек жеміс"):  # type: ignore[no-untyped-def]
    return {"answers": {ids[0]: single, ids[1]: list(multiple), ids[2]: scale, ids[3]: text}}


def test_lms_feedback_survey_by_role_answered_once_and_aggregated(people):
    director = client_for(people["director"])
    survey_id, ids = make_survey(director, people["org"])
    teacher = client_for(people["teacher"])
    assert [s["id"] for s in teacher.get(f"{API}/surveys/for-me").json()] == [survey_id]
    detail = teacher.get(f"{API}/surveys/{survey_id}").json()
    assert detail["my_roles"] == ["school_teacher"]
    assert not detail["answered"]
    sent = teacher.post(
        f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
    )
    assert sent.status_code == 201, sent.content
    again = teacher.post(
        f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "survey_already_answered"
    assert SurveyResponse.objects.get().respondent == people["teacher"]
    # learners are not addressed by this survey
    learner = client_for(people["learner"])
    assert learner.get(f"{API}/surveys/{survey_id}").status_code == 404
    refused = learner.post(
        f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
    )
    assert refused.status_code == 404
    results = director.get(f"{API}/surveys/{survey_id}/results").json()
    assert results["responses"] == 1
    single, multiple, scale, text = results["questions"]
    assert [o["count"] for o in single["options"]] == [1, 0]
    assert [o["count"] for o in multiple["options"]] == [1, 1, 0]
    assert scale["mean"] == 4.0
    assert [d["count"] for d in scale["distribution"]] == [0, 0, 0, 1, 0]
    assert text["texts"] == ["Көбірек жеміс"]
    assert teacher.get(f"{API}/surveys/{survey_id}/results").status_code == 404
    assert ActionRecord.objects.filter(action="feedback.survey.respond").count() == 1


def test_lms_feedback_invalid_answers_are_refused_with_nothing_written(people):
    survey_id, ids = make_survey(client_for(people["director"]), people["org"])
    teacher = client_for(people["teacher"])
    for bad in (answers(ids, single=5), answers(ids, scale=9), answers(ids, multiple=())):
        sent = teacher.post(
            f"{API}/surveys/{survey_id}/responses", bad, content_type="application/json"
        )
        assert sent.status_code == 400, sent.content
    assert SurveyResponse.objects.count() == 0
    assert SurveyAnswer.objects.count() == 0


def test_lms_feedback_anonymous_survey_keeps_no_link_but_prevents_a_second_answer(people):
    director = client_for(people["director"])
    survey_id, ids = make_survey(
        director, people["org"], anonymous=True, target_roles=["learner", "parent"]
    )
    learner = client_for(people["learner"])
    assert (
        learner.post(
            f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
        ).status_code
        == 201
    )
    again = learner.post(
        f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
    )
    assert again.status_code == 409
    response = SurveyResponse.objects.get()
    assert response.respondent is None
    assert str(people["learner"].pk) not in response.respondent_key
    assert len(response.respondent_key) == 64
    # the journal says that the survey was answered, not what was answered
    record = ActionRecord.objects.get(action="feedback.survey.respond")
    assert record.after == {"anonymous": True}
    # the parent answers too, in their own name's key
    parent = client_for(people["parent"])
    assert parent.get(f"{API}/surveys/{survey_id}").json()["my_roles"] == ["parent"]
    assert (
        parent.post(
            f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
        ).status_code
        == 201
    )
    assert SurveyResponse.objects.filter(respondent__isnull=True).count() == 2


def test_lms_feedback_survey_targets_classes_for_learners(people):
    director = client_for(people["director"])
    survey_id, ids = make_survey(
        director,
        people["org"],
        target_roles=["learner"],
        target_class_ids=[str(people["class_a"].pk)],
    )
    assert client_for(people["learner"]).get(f"{API}/surveys/{survey_id}").status_code == 200
    other = client_for(people["other_learner"])
    assert other.get(f"{API}/surveys/for-me").json() == []
    assert other.get(f"{API}/surveys/{survey_id}").status_code == 404


def test_lms_feedback_an_education_authority_surveys_its_subtree(org_tree, user_with_role):
    district = client_for(user_with_role("district_specialist", org_tree.district_a1))
    survey_id, ids = make_survey(district, org_tree.district_a1)
    inside = client_for(user_with_role("school_teacher", org_tree.school_a1_other))
    outside = client_for(user_with_role("school_teacher", org_tree.school_a2))
    assert [s["id"] for s in inside.get(f"{API}/surveys/for-me").json()] == [survey_id]
    assert outside.get(f"{API}/surveys/for-me").json() == []
    assert outside.get(f"{API}/surveys/{survey_id}").status_code == 404
    assert (
        inside.post(
            f"{API}/surveys/{survey_id}/responses", answers(ids), content_type="application/json"
        ).status_code
        == 201
    )


def test_lms_feedback_forbidden_paths(people, org_tree, user_with_role):
    teacher = client_for(people["teacher"])
    refused = teacher.post(
        f"{API}/surveys",
        {"organization_id": str(people["org"].pk), "title": "X", "target_roles": ["learner"]},
        content_type="application/json",
    )
    assert refused.status_code == 403
    survey_id, ids = make_survey(client_for(people["director"]), people["org"])
    stranger = client_for(user_with_role("school_director", org_tree.school_b1))
    assert stranger.get(f"{API}/surveys/{survey_id}").status_code == 404
    assert (
        stranger.post(
            f"{API}/surveys/{survey_id}/status",
            {"status": "closed"},
            content_type="application/json",
        ).status_code
        == 404
    )
    # a closed survey takes no answers
    client_for(people["director"]).post(
        f"{API}/surveys/{survey_id}/status", {"status": "closed"}, content_type="application/json"
    )
    assert teacher.get(f"{API}/surveys/{survey_id}").status_code == 404


def test_lms_feedback_faq_in_kk_and_ru_read_by_all_edited_by_heads(
    people, org_tree, user_with_role
):
    director = client_for(people["director"])
    entry = {
        "organization_id": str(people["org"].pk),
        "category": "account",
        "question_kk": "Құпиясөзді қалай өзгертемін?",
        "question_ru": "Как сменить пароль?",
        "answer_kk": "Мәзірден «Құпиясөз» бөлімін ашыңыз.",
        "answer_ru": "Откройте раздел «Пароль» в меню.",
    }
    created = director.post(f"{API}/faq", entry, content_type="application/json")
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    learner = client_for(people["learner"])
    listed = learner.get(f"{API}/faq", {"category": "account"}).json()["items"]
    assert [e["question_ru"] for e in listed] == ["Как сменить пароль?"]
    assert (
        learner.patch(
            f"{API}/faq/{entry_id}", {"position": 3}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client_for(people["teacher"]).delete(f"{API}/faq/{entry_id}").status_code == 403
    changed = director.patch(
        f"{API}/faq/{entry_id}", {"answer_ru": "Меню → «Пароль»."}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["answer_ru"] == "Меню → «Пароль»."
    assert ActionRecord.objects.filter(action__startswith="feedback.faq.").count() == 2
    page = learner.get("/feedback/faq/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Құпиясөзді қалай өзгертемін?" in page
    assert director.delete(f"{API}/faq/{entry_id}").status_code == 204
    assert not FaqEntry.objects.exists()


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"limit": 200}).status_code == 200
    return len(queries)


def test_lms_feedback_list_query_counts_do_not_grow_with_rows(people):
    director = client_for(people["director"])
    teacher = client_for(people["teacher"])
    make_survey(director, people["org"])
    services.faq_create(
        actor=actor_for(people["director"]),
        organization=people["org"],
        category="other",
        question_kk="С",
        question_ru="В",
        answer_kk="Ж",
        answer_ru="О",
    )
    checks = [
        (director, f"{API}/surveys"),
        (teacher, f"{API}/surveys/for-me"),
        (teacher, f"{API}/faq"),
    ]
    before = [_count(c, u) for c, u in checks]
    for n in range(4):
        make_survey(director, people["org"], title=f"S{n}")
        services.faq_create(
            actor=actor_for(people["director"]),
            organization=people["org"],
            category="other",
            question_kk=f"С{n}",
            question_ru=f"В{n}",
            answer_kk="Ж",
            answer_ru="О",
        )
    assert [_count(c, u) for c, u in checks] == before


def test_lms_feedback_web_pages_create_open_answer_and_see_results(people):
    director = client_for(people["director"])
    created = director.post(
        "/feedback/surveys/add/",
        {
            "organization": people["org"].pk,
            "title": "Ата-аналар сауалнамасы",
            "target_roles": ["parent"],
            "anonymous": "on",
        },
    )
    assert created.status_code == 302
    page_url = created["Location"]
    director.post(
        page_url + "questions/add/", {"kind": "scale", "text": "Мектепке баға", "scale_max": "5"}
    )
    director.post(
        page_url + "questions/add/",
        {"kind": "single", "text": "Жиналыс уақыты", "choices": "18:00\n19:00"},
    )
    director.post(page_url + "status/", {"status": "open"})
    parent = client_for(people["parent"])
    assert "Ата-аналар сауалнамасы" in parent.get("/feedback/").content.decode()
    form = parent.get(page_url).content.decode()
    assert "Мектепке баға" in form
    from oqu.feedback.models import Survey

    survey = Survey.objects.get(title="Ата-аналар сауалнамасы")
    q_scale, q_single = survey.questions.order_by("number")
    parent.post(page_url + "respond/", {f"q-{q_scale.pk}": "5", f"q-{q_single.pk}": "1"})
    assert 'data-testid="answered"' in parent.get(page_url).content.decode()
    results = director.get(page_url).content.decode()
    assert 'data-testid="response-count"' in results
    assert ": 1" in results
    faq = director.post(
        "/feedback/faq/add/",
        {
            "organization": people["org"].pk,
            "category": "parents",
            "question_kk": "Сұрақ",
            "question_ru": "Вопрос",
            "answer_kk": "Жауап",
            "answer_ru": "Ответ",
            "position": "1",
        },
    )
    assert faq.status_code == 302
    assert FaqEntry.objects.filter(question_ru="Вопрос").exists()
