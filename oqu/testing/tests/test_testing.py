"""Interim control tests end to end through the API and the services (SEC-27.14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.schedule import JOBS
from oqu.school.tests.conftest import put_in_class
from oqu.testing import rules, services, tasks
from oqu.testing.models import Answer, Attempt, ProctoringEvent, Question
from oqu.tests import factories as f

from .conftest import client_for, open_test

pytestmark = pytest.mark.django_db
API = "/api/v1/testing"


def start(client, test):  # type: ignore[no-untyped-def]
    response = client.post(f"{API}/tests/{test.pk}/attempts", content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    return body["attempt"], body["session_token"]


def put_answer(client, attempt_id, question_id, response, token):  # type: ignore[no-untyped-def]
    return client.put(
        f"{API}/attempts/{attempt_id}/answers/{question_id}",
        {"response": response},
        content_type="application/json",
        HTTP_X_ATTEMPT_TOKEN=token,
    )


def test_sec_27_14_teacher_keeps_the_bank_and_sets_a_test_through_the_api(tw):
    teacher = client_for(tw.teacher_user)
    created = teacher.post(
        f"{API}/questions",
        {
            "subject_id": str(tw.math.pk),
            "grade": 5,
            "topic": "Бөлшектер",
            "kind": "multiple",
            "text": "Which equal 1/2?",
            "choices": ["2/4", "3/6", "1/3"],
            "correct": [0, 1],
            "points": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    question_id = created.json()["id"]
    assert ActionRecord.objects.filter(
        action="testing.question.create", target_id=question_id
    ).exists()
    bad = teacher.post(
        f"{API}/questions",
        {
            "subject_id": str(tw.math.pk),
            "grade": 5,
            "topic": "T",
            "kind": "single",
            "text": "?",
            "choices": ["a", "b"],
            "correct": [0, 1],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "question_single"
    changed = teacher.patch(
        f"{API}/questions/{question_id}", {"points": 3}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["points"] == 3
    now = timezone.now()
    made = teacher.post(
        f"{API}/tests",
        {
            "assignment_id": str(tw.assignment.pk),
            "title": "Аралық бақылау",
            "mode": "random",
            "topic_counts": {"Бөлшектер": 2, "Теңдеулер": 1},
            "time_limit_minutes": 20,
            "opens_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["class_name"] == "5А"
    too_many = teacher.post(
        f"{API}/tests",
        {
            "assignment_id": str(tw.assignment.pk),
            "title": "Too many",
            "mode": "random",
            "topic_counts": {"Теңдеулер": 5},
            "time_limit_minutes": 20,
            "opens_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "test_topic_short"
    assert ActionRecord.objects.filter(action="testing.test.create").count() == 1


def test_sec_27_14_an_attempt_end_to_end_graded_with_results_for_the_teacher(tw):
    test = open_test(tw)
    learner = client_for(tw.learner_user)
    attempt, token = start(learner, test)
    assert "correct" not in attempt["items"][0] or attempt["items"][0]["correct"] is None
    single, _s2, _s3, short, multiple = tw.questions
    assert put_answer(learner, attempt["id"], single.pk, [0], token).status_code == 200
    assert put_answer(learner, attempt["id"], single.pk, [1], token).status_code == 200  # replaced
    assert put_answer(learner, attempt["id"], single.pk, [0], token).status_code == 200
    assert put_answer(learner, attempt["id"], short.pk, [" Екі "], token).status_code == 200
    assert put_answer(learner, attempt["id"], multiple.pk, [0], token).status_code == 200
    wrong_kind = put_answer(learner, attempt["id"], single.pk, [0, 1], token)
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["code"] == "answer_single"
    assert Answer.objects.filter(attempt_id=attempt["id"]).count() == 3
    # the result is not shown while the attempt is open
    open_view = learner.get(f"{API}/attempts/{attempt['id']}", HTTP_X_ATTEMPT_TOKEN=token).json()
    assert open_view["score"] is None
    assert all(i["correct"] is None for i in open_view["items"])
    finished = learner.post(f"{API}/attempts/{attempt['id']}/finish", HTTP_X_ATTEMPT_TOKEN=token)
    assert finished.status_code == 200, finished.content
    assert Decimal(finished.json()["score"]) == Decimal(3)  # 1 (single) + 2 (short), multiple wrong
    assert Decimal(finished.json()["max_score"]) == Decimal(7)
    assert Decimal(finished.json()["percent"]) == Decimal("42.9")
    # the learner sees their result after closing, from any session
    result = client_for(tw.learner_user).get(f"{API}/attempts/{attempt['id']}").json()
    assert result["status"] == "closed"
    assert result["items"][0]["correct"] == [0]
    assert result["events"] == []
    # answers after closing are refused
    late = put_answer(learner, attempt["id"], single.pk, [1], token)
    assert late.status_code == 409
    assert late.json()["code"] == "attempt_closed"
    # the teacher's class results: one row per learner of 5 А
    rows = client_for(tw.teacher_user).get(f"{API}/tests/{test.pk}/results").json()
    assert [(r["status"], r["score"], r["percent"]) for r in rows] == [("closed", "3.0", "42.9")]
    actions = set(ActionRecord.objects.values_list("action", flat=True))
    assert {"testing.attempt.start", "testing.answer.save", "testing.attempt.close"} <= actions


def test_sec_27_14_a_random_attempt_is_reproducible_from_its_stored_seed(tw):
    test = open_test(
        tw, mode="random", question_ids=[], topic_counts={"Бөлшектер": 2, "Теңдеулер": 1}
    )
    attempt, _token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    assert len(attempt.question_ids) == 3
    bank = {"Бөлшектер": [], "Теңдеулер": []}
    for q in Question.objects.filter(organization=tw.org):
        bank[q.topic].append(q.pk)
    redrawn = rules.draw_questions(bank, test.topic_counts, attempt.seed)
    assert [str(pk) for pk in redrawn] == attempt.question_ids
    assert attempt.max_score == sum(
        Question.objects.get(pk=pk).points for pk in attempt.question_ids
    )


def test_sec_27_14_an_answer_after_the_deadline_is_refused_and_the_attempt_closed(tw):
    test = open_test(tw)
    learner = client_for(tw.learner_user)
    attempt, token = start(learner, test)
    single = tw.questions[0]
    assert put_answer(learner, attempt["id"], single.pk, [0], token).status_code == 200
    Attempt.objects.filter(pk=attempt["id"]).update(
        deadline=timezone.now() - dt.timedelta(seconds=1)
    )
    late = put_answer(learner, attempt["id"], tw.questions[1].pk, [0], token)
    assert late.status_code == 409
    assert late.json()["code"] == "attempt_deadline_passed"
    closed = Attempt.objects.get(pk=attempt["id"])
    assert closed.status == "closed"
    assert closed.closed_by == "deadline"
    assert closed.score == Decimal(1)
    assert not Answer.objects.filter(attempt=closed, question=tw.questions[1]).exists()
    assert ProctoringEvent.objects.filter(attempt=closed, kind="late_answer").count() == 1


def test_sec_27_14_the_scheduled_job_closes_and_grades_overdue_attempts(tw):
    assert any(j.task_path == "oqu.testing.tasks.close_overdue" for j in JOBS)
    test = open_test(tw)
    attempt, token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    services.attempt_answer(
        actor=actor_for(tw.learner_user),
        attempt=attempt,
        token=token,
        question_id=tw.questions[3].pk,
        response=["2"],
    )
    assert services.close_overdue_attempts() == 0  # not due yet
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.close_overdue.call() == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.closed_by, attempt.score) == ("closed", "deadline", Decimal(2))
    assert attempt.closed_at == attempt.deadline
    assert services.close_overdue_attempts() == 0


def test_sec_27_14_one_active_session_another_session_gets_409_and_is_recorded(tw):
    test = open_test(tw)
    first = client_for(tw.learner_user)
    attempt, token = start(first, test)
    second = client_for(tw.learner_user)  # another browser of the same learner
    # no token, a wrong token, a second start: all refused and recorded
    assert second.get(f"{API}/attempts/{attempt['id']}").status_code == 409
    refused = put_answer(second, attempt["id"], tw.questions[0].pk, [0], "forged")
    assert refused.status_code == 409
    assert refused.json()["code"] == "attempt_other_session"
    again = second.post(f"{API}/tests/{test.pk}/attempts", content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "attempt_exists"
    web = second.get(f"/testing/attempts/{attempt['id']}/")
    assert web.status_code == 409
    events = ProctoringEvent.objects.filter(attempt_id=attempt["id"], kind="other_session")
    assert events.count() == 4
    assert not Answer.objects.filter(attempt_id=attempt["id"]).exists()
    # the first session goes on
    assert put_answer(first, attempt["id"], tw.questions[0].pk, [0], token).status_code == 200


def test_sec_27_14_tab_switch_and_focus_loss_are_recorded_and_the_teacher_sees_them(tw):
    test = open_test(tw)
    learner = client_for(tw.learner_user)
    attempt, token = start(learner, test)
    for kind in ("tab_hidden", "tab_visible", "focus_lost"):
        posted = learner.post(
            f"{API}/attempts/{attempt['id']}/events",
            {"kind": kind},
            content_type="application/json",
            HTTP_X_ATTEMPT_TOKEN=token,
        )
        assert posted.status_code == 201, posted.content
    forged = learner.post(
        f"{API}/attempts/{attempt['id']}/events",
        {"kind": "other_session"},
        content_type="application/json",
        HTTP_X_ATTEMPT_TOKEN=token,
    )
    assert forged.status_code == 422  # the server alone records other sessions
    seen = client_for(tw.teacher_user).get(f"{API}/attempts/{attempt['id']}").json()
    assert [e["kind"] for e in seen["events"]] == ["tab_hidden", "tab_visible", "focus_lost"]
    assert seen["items"][0]["correct"] is not None
    rows = client_for(tw.teacher_user).get(f"{API}/tests/{test.pk}/results").json()
    assert rows[0]["proctoring_events"] == 3
    assert rows[0]["status"] == "open"
    page = client_for(tw.teacher_user).get(f"/testing/attempts/{attempt['id']}/")
    assert page.status_code == 200
    assert (
        page.content.decode().count("<td>", page.content.decode().index('data-testid="events"'))
        == 6
    )


def test_sec_27_14_a_learner_of_another_class_cannot_see_or_start_the_test(tw):
    test = open_test(tw)
    other = client_for(tw.other_learner_user)
    assert other.get(f"{API}/tests/{test.pk}").status_code == 404
    assert other.post(f"{API}/tests/{test.pk}/attempts").status_code == 404
    assert other.get(f"/testing/tests/{test.pk}/").status_code == 404
    assert Attempt.objects.count() == 0
    listed = other.get(f"{API}/tests").json()["items"]
    assert listed == []
    mine = client_for(tw.learner_user).get(f"{API}/tests").json()["items"]
    assert [t["id"] for t in mine] == [str(test.pk)]


def test_sec_27_14_other_school_gets_404_and_missing_capability_403(tw, org_tree, user_with_role):
    test = open_test(tw)
    stranger = client_for(user_with_role("school_teacher", org_tree.school_a1_other))
    assert stranger.get(f"{API}/tests/{test.pk}").status_code == 404
    assert stranger.get(f"{API}/questions/{tw.questions[0].pk}").status_code == 404
    assert stranger.get(f"{API}/tests/{test.pk}/results").status_code == 404
    assert stranger.get(f"/testing/tests/{test.pk}/").status_code == 404
    # a district specialist sees the bank but may not change it; a teacher may not take tests
    specialist = client_for(user_with_role("district_specialist", org_tree.district_a1))
    assert specialist.get(f"{API}/questions/{tw.questions[0].pk}").status_code == 200
    refused = specialist.patch(
        f"{API}/questions/{tw.questions[0].pk}", {"points": 5}, content_type="application/json"
    )
    assert refused.status_code == 403
    teacher = client_for(tw.teacher_user)
    assert teacher.post(f"{API}/tests/{test.pk}/attempts").status_code == 403
    # a learner does not see the bank nor other learners' attempts
    learner = client_for(tw.learner_user)
    assert learner.get(f"{API}/questions/{tw.questions[0].pk}").status_code == 404
    assert learner.get(f"{API}/tests/{test.pk}/results").status_code in (403, 404)


def test_sec_27_14_a_test_outside_its_window_cannot_be_started(tw):
    now = timezone.now()
    later = open_test(
        tw, opens_at=now + dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=2)
    )
    answer = client_for(tw.learner_user).post(f"{API}/tests/{later.pk}/attempts")
    assert answer.status_code == 409
    assert answer.json()["code"] == "test_not_open"


def test_sec_27_14_the_deadline_never_passes_the_closing_of_the_window(tw):
    now = timezone.now()
    test = open_test(tw, time_limit_minutes=60, closes_at=now + dt.timedelta(minutes=10))
    attempt, _token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    assert attempt.deadline == test.closes_at


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"limit": 200})
    assert response.status_code == 200
    return len(queries)


def test_sec_27_14_list_query_counts_do_not_grow_with_rows(tw, org_tree):
    teacher = client_for(tw.teacher_user)
    test = open_test(tw)
    services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    urls = [f"{API}/questions", f"{API}/tests", f"{API}/attempts", f"{API}/tests/{test.pk}/results"]
    before = [_count(teacher, url) for url in urls]
    # more questions, tests, learners and attempts
    teacher_actor = actor_for(tw.teacher_user)
    for n in range(5):
        services.question_create(
            actor=teacher_actor,
            subject=tw.math,
            grade=5,
            topic="Extra",
            kind="short",
            text=f"{n}?",
            choices=[],
            correct=[str(n)],
        )
        open_test(tw, title=f"T{n}")
    from oqu.school.models import SchoolClass

    class_a = SchoolClass.objects.get(pk=tw.assignment.school_class_id)
    for n in range(4):
        person = f.make_person("Оқушы", f"Н{n}", dt.date(2014, 1, n + 1), "M")
        put_in_class(person, class_a)
        user = f.make_user(f"t-more-{n}", person=person)
        services.attempt_start(actor=actor_for(user), test=test)
    after = [_count(teacher, url) for url in urls]
    assert after == before


def test_sec_27_14_demo_data_gives_the_teacher_a_bank_and_an_open_random_test(tw):
    from oqu.feedback.demo import ensure_demo_feedback
    from oqu.feedback.models import FaqEntry, Survey
    from oqu.testing.demo import ensure_demo_tests
    from oqu.testing.models import Test

    teacher = tw.assignment.teacher
    assert ensure_demo_tests(teacher) == 1
    assert ensure_demo_tests(teacher) == 0  # idempotent
    test = Test.objects.get(assignment=tw.assignment, mode="random")
    attempt, _token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    assert len(attempt.question_ids) == 3
    ensure_demo_feedback(tw.org)
    ensure_demo_feedback(tw.org)
    assert Survey.objects.filter(organization=tw.org, status="open").count() == 2
    assert FaqEntry.objects.count() == 4
