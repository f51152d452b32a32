"""Interim control tests through the web pages (SEC-27.14): the bank, setting a test, taking it
with answers saved through HTMX, the result, the class results and the proctoring events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oqu.testing.models import Answer, Attempt, ProctoringEvent, Question, Test

from .conftest import client_for, open_test

pytestmark = pytest.mark.django_db


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_sec_27_14_teacher_adds_questions_and_sets_a_test_on_the_bank_page(tw):
    teacher = client_for(tw.teacher_user)
    page = teacher.get(f"/testing/org/{tw.org.pk}/")
    assert page.status_code == 200
    assert "x + 3 = 5" in page.content.decode()
    added = teacher.post(
        f"/testing/org/{tw.org.pk}/questions/add/",
        {
            "subject": tw.math.pk,
            "grade": "5",
            "topic": "Бөлшектер",
            "kind": "single",
            "text": "3/6 = ?",
            "choices": "1/2\n1/3\n",
            "correct": ["1"],
            "points": "1",
        },
    )
    assert added.status_code == 302
    question = Question.objects.get(text="3/6 = ?")
    assert question.choices == ["1/2", "1/3"]
    assert question.correct == [0]
    refused = teacher.post(
        f"/testing/org/{tw.org.pk}/questions/add/",
        {
            "subject": tw.math.pk,
            "grade": "5",
            "topic": "T",
            "kind": "short",
            "text": "?",
            "points": "1",
        },
        follow=True,
    )
    assert refused.status_code == 200
    assert not Question.objects.filter(topic="T").exists()
    now = timezone.now()
    made = teacher.post(
        f"/testing/org/{tw.org.pk}/tests/add/",
        {
            "assignment": tw.assignment.pk,
            "title": "Тоқсандық бақылау",
            "mode": "random",
            "topic_counts": "Бөлшектер: 2\nТеңдеулер: 1",
            "time_limit_minutes": "25",
            "opens_at": _local(now - dt.timedelta(minutes=5)),
            "closes_at": _local(now + dt.timedelta(days=1)),
        },
    )
    assert made.status_code == 302
    test = Test.objects.get(title="Тоқсандық бақылау")
    assert test.topic_counts == {"Бөлшектер": 2, "Теңдеулер": 1}
    assert "Тоқсандық бақылау" in teacher.get(f"/testing/org/{tw.org.pk}/").content.decode()
    teacher.post(f"/testing/questions/{question.pk}/use/", {"active": "0"})
    question.refresh_from_db()
    assert question.is_active is False


def test_sec_27_14_learner_takes_a_test_in_the_browser_session(tw):
    test = open_test(tw)
    learner = client_for(tw.learner_user)
    assert test.title in learner.get("/testing/").content.decode()
    assert 'data-testid="start"' in learner.get(f"/testing/tests/{test.pk}/").content.decode()
    started = learner.post(f"/testing/tests/{test.pk}/start/")
    attempt = Attempt.objects.get(test=test)
    assert started.status_code == 302
    assert started["Location"] == f"/testing/attempts/{attempt.pk}/"
    page = learner.get(started["Location"]).content.decode()
    assert "testing/attempt.js" in page
    assert "data-token=" in page
    assert "/api/v1/testing/attempts/" in page
    single, _q2, _q3, short, _multiple = tw.questions
    saved = learner.post(
        f"/testing/attempts/{attempt.pk}/answer/",
        {"question": single.pk, "choice": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert 'role="status"' in saved.content.decode()
    learner.post(
        f"/testing/attempts/{attempt.pk}/answer/",
        {"question": short.pk, "text": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert Answer.objects.filter(attempt=attempt).count() == 2
    # the JS on the page reports a tab switch with the token it was given
    token = page.split('data-token="')[1].split('"')[0]
    event = learner.post(
        f"/api/v1/testing/attempts/{attempt.pk}/events",
        {"kind": "tab_hidden"},
        content_type="application/json",
        HTTP_X_ATTEMPT_TOKEN=token,
    )
    assert event.status_code == 201
    finished = learner.post(f"/testing/attempts/{attempt.pk}/finish/", follow=True)
    body = finished.content.decode()
    assert 'data-testid="score"' in body
    assert "3.0 / 7.0" in body
    # the teacher's class results and the attempt with its events
    teacher = client_for(tw.teacher_user)
    results = teacher.get(f"/testing/tests/{test.pk}/").content.decode()
    assert "42.9" in results
    assert "Бекұлы" in results
    review = teacher.get(f"/testing/attempts/{attempt.pk}/").content.decode()
    assert 'data-testid="events"' in review
    assert ProctoringEvent.objects.filter(attempt=attempt, kind="tab_hidden").exists()


def test_sec_27_14_late_answer_through_htmx_shows_the_refusal(tw):
    test = open_test(tw)
    learner = client_for(tw.learner_user)
    learner.post(f"/testing/tests/{test.pk}/start/")
    attempt = Attempt.objects.get(test=test)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    late = learner.post(
        f"/testing/attempts/{attempt.pk}/answer/",
        {"question": tw.questions[0].pk, "choice": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 409
    assert "attempt_deadline_passed" in late.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "closed"
    result = learner.get(f"/testing/attempts/{attempt.pk}/").content.decode()
    assert 'data-testid="score"' in result
