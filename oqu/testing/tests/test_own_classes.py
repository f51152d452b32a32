"""SEC-27.14: a teacher sets and runs interim control tests only for the class-subjects they teach;
the deputy director and the director for the whole school; the forbidden paths are closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from oqu.access.scope import actor_for
from oqu.audit.models import FailedAccess
from oqu.kernel.errors import Forbidden
from oqu.school.models import TeachingAssignment
from oqu.testing import services
from oqu.testing.models import Test
from oqu.tests import factories as f

from .conftest import TestingWorld, client_for, open_test

pytestmark = pytest.mark.django_db
API = "/api/v1/testing"
D = dt.date


def _staff(tw: TestingWorld, username: str, role: str) -> Any:
    person = f.make_person("Нұрланова", username.title(), D(1985, 1, 2), "F")
    f.employ(person, tw.org)
    user = f.make_user(username, person=person)
    f.grant(user, role, tw.org)
    return user


def _payload(tw: TestingWorld, assignment: TeachingAssignment) -> dict[str, Any]:
    now = timezone.now()
    return {
        "assignment_id": str(assignment.pk),
        "title": "Аралық бақылау",
        "mode": "fixed",
        "question_ids": [str(q.pk) for q in tw.questions[:2]],
        "time_limit_minutes": 20,
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(hours=1)).isoformat(),
    }


def _web_form(tw: TestingWorld, assignment: TeachingAssignment) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "assignment": str(assignment.pk),
        "title": "Аралық бақылау",
        "mode": "fixed",
        "questions": [str(q.pk) for q in tw.questions[:2]],
        "time_limit_minutes": "20",
        "opens_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


def test_sec_27_14_a_teacher_cannot_set_a_test_for_another_teachers_class(tw):
    other = client_for(_staff(tw, "t-other-teacher", "school_teacher"))
    answer = other.post(
        f"{API}/tests", _payload(tw, tw.assignment), content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "test_not_own_class_subject"
    assert FailedAccess.objects.filter(
        action="testing.class.all", target_id=str(tw.assignment.pk)
    ).exists()
    web = other.post(f"/testing/org/{tw.org.pk}/tests/add/", _web_form(tw, tw.assignment))
    assert web.status_code == 403
    with pytest.raises(Forbidden):
        services.control_test_create(
            actor=actor_for(_staff_user(other)),
            assignment=tw.assignment,
            title="x",
            mode="fixed",
            question_ids=[tw.questions[0].pk],
            time_limit_minutes=10,
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(hours=1),
        )
    assert Test.objects.count() == 0


def _staff_user(client: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_sec_27_14_the_own_teacher_sets_a_test_through_the_web_form(tw):
    teacher = client_for(tw.teacher_user)
    page = teacher.get(f"/testing/org/{tw.org.pk}/")
    assert page.status_code == 200
    assert str(tw.assignment.pk) in page.content.decode()
    done = teacher.post(f"/testing/org/{tw.org.pk}/tests/add/", _web_form(tw, tw.assignment))
    assert done.status_code == 302
    assert Test.objects.filter(assignment=tw.assignment).count() == 1


def test_sec_27_14_another_teacher_does_not_see_the_test_its_results_or_attempts(tw):
    test = open_test(tw)
    attempt, _token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    other_user = _staff(tw, "t-other-teacher", "school_teacher")
    other = client_for(other_user)
    assert other.get(f"{API}/tests/{test.pk}").status_code == 404
    assert other.get(f"{API}/tests/{test.pk}/results").status_code == 404
    assert other.get(f"{API}/attempts/{attempt.pk}").status_code == 404
    assert other.get(f"{API}/tests").json()["items"] == []
    assert other.get(f"{API}/attempts").json()["items"] == []
    assert other.get(f"/testing/tests/{test.pk}/").status_code == 404
    assert other.get(f"/testing/attempts/{attempt.pk}/").status_code == 404
    page = other.get(f"/testing/org/{tw.org.pk}/").content.decode()
    assert str(test.pk) not in page
    # the class-subject is not offered in the other teacher's form
    assert str(tw.assignment.pk) not in page
    # the question bank stays shared by the school's subject teachers
    assert other.get(f"{API}/questions/{tw.questions[0].pk}").status_code == 200
    # the test's own teacher still sees everything
    own = client_for(tw.teacher_user)
    assert own.get(f"{API}/tests/{test.pk}/results").status_code == 200
    assert own.get(f"{API}/attempts/{attempt.pk}").status_code == 200


def test_sec_27_14_a_teacher_of_the_class_in_another_subject_is_refused_too(tw):
    """Teaching the same class is not enough: the class-subject must be the teacher's own."""
    user = _staff(tw, "t-kazakh-teacher", "school_teacher")
    kazakh = tw.math.__class__.objects.create(
        organization=tw.org, code="KAZ", name_kk="Қазақ тілі", name_ru="Казахский язык"
    )
    own = TeachingAssignment.objects.create(
        organization=tw.org,
        year=tw.assignment.year,
        teacher=user.person,
        school_class=tw.assignment.school_class,
        subject=kazakh,
        hours_per_week=3,
    )
    test = open_test(tw)
    client = client_for(user)
    assert client.get(f"{API}/tests/{test.pk}").status_code == 404
    refused = client.post(
        f"{API}/tests", _payload(tw, tw.assignment), content_type="application/json"
    )
    assert refused.status_code == 403
    page = client.get(f"/testing/org/{tw.org.pk}/").content.decode()
    assert str(own.pk) in page
    assert str(tw.assignment.pk) not in page


@pytest.mark.parametrize("role", ["school_deputy_director", "school_director"])
def test_sec_27_14_the_deputy_director_and_director_reach_the_whole_school(tw, role):
    test = open_test(tw)
    attempt, _token = services.attempt_start(actor=actor_for(tw.learner_user), test=test)
    head = client_for(_staff(tw, f"t-{role}", role))
    created = head.post(
        f"{API}/tests", _payload(tw, tw.assignment), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert head.get(f"{API}/tests/{test.pk}/results").status_code == 200
    assert head.get(f"{API}/attempts/{attempt.pk}").status_code == 200
    listed = {t["id"] for t in head.get(f"{API}/tests").json()["items"]}
    assert listed == {str(test.pk), created.json()["id"]}
    page = head.get(f"/testing/org/{tw.org.pk}/").content.decode()
    assert str(tw.assignment.pk) in page


def test_sec_27_14_a_district_specialist_reads_every_class_but_sets_no_test(tw, org_tree):
    test = open_test(tw)
    specialist = f.make_user("t-district")
    f.grant(specialist, "district_specialist", org_tree.district_a1)
    client = client_for(specialist)
    assert client.get(f"{API}/tests/{test.pk}/results").status_code == 200
    refused = client.post(
        f"{API}/tests", _payload(tw, tw.assignment), content_type="application/json"
    )
    assert refused.status_code == 403
