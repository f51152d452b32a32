"""An attempt in real headless Chromium (SEC-27.14): the learner answers through HTMX, the page's
script reports focus loss and a tab switch, a second browser of the same learner is refused with
409, and the handed-in attempt shows its score."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from oqu.access.reference import add_capabilities, load_roles
from oqu.access.scope import actor_for
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.school.models import Subject, TeachingAssignment
from oqu.school.tests.conftest import make_class, make_year, put_in_class
from oqu.testing import services
from oqu.testing.models import Answer, Attempt, ProctoringEvent
from oqu.tests import factories as f
from oqu.web.tests.test_browser import sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 15_000


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """Reference data and the testing capabilities again after the transactional flush."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    capabilities = importlib.import_module("oqu.testing.migrations.0002_capabilities")
    add_capabilities(django_apps, capabilities.ADDITIONS)


def _wait_for(page: Any, condition: Any) -> bool:
    for _ in range(50):  # bounded: 5 seconds
        if condition():
            return True
        page.wait_for_timeout(100)
    return False


def test_sec_27_14_attempt_with_proctoring_in_chromium(page: Any, browser: Any, live_server: Any):
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 21 мектеп", "school")
    year = make_year(school)
    school_class = make_class(year, 5, "А")
    math = Subject.objects.create(
        organization=school, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    teacher = f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F")
    f.employ(teacher, school)
    teacher_user = f.make_user("b-teacher", person=teacher)
    f.grant(teacher_user, "school_teacher", school)
    learner = f.make_person("Бекұлы", "Ерлан", dt.date(2014, 4, 5), "M")
    put_in_class(learner, school_class)
    learner_user = f.make_user("b-learner", person=learner)
    assignment = TeachingAssignment.objects.create(
        organization=school,
        year=year,
        teacher=teacher,
        school_class=school_class,
        subject=math,
        hours_per_week=5,
    )
    who = actor_for(teacher_user)
    question = services.question_create(
        actor=who,
        subject=math,
        grade=5,
        topic="Бөлшектер",
        kind="single",
        text="1/2 + 1/2 = ?",
        choices=["1", "2"],
        correct=[0],
        points=2,
    )
    now = timezone.now()
    test = services.control_test_create(
        actor=who,
        assignment=assignment,
        title="Бөлшектер",
        mode="fixed",
        question_ids=[question.pk],
        time_limit_minutes=30,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
    )
    base = live_server.url
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base, learner_user.username)

    # the learner starts the test and answers; HTMX saves the answer at once
    page.goto(f"{base}/testing/tests/{test.pk}/")
    page.get_by_test_id("start").click()
    page.wait_for_url(f"{base}/testing/attempts/**")
    attempt = Attempt.objects.get(test=test)
    page.get_by_label("1", exact=True).check()
    page.locator(".saved [role=status]").wait_for()
    assert Answer.objects.get(attempt=attempt).response == [0]

    # the page's script reports losing focus and the tab being hidden
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    assert _wait_for(
        page,
        lambda: (
            set(ProctoringEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))
            >= {"focus_lost", "focus_back"}
        ),
    )

    # a second browser of the same learner is refused and the refusal recorded
    other = browser.new_context().new_page()
    other.set_default_timeout(TIMEOUT_MS)
    sign_in(other, base, learner_user.username)
    refused = other.goto(f"{base}/testing/attempts/{attempt.pk}/")
    assert refused is not None
    assert refused.status == 409
    assert ProctoringEvent.objects.filter(attempt=attempt, kind="other_session").count() == 1
    other.context.close()

    # the first browser hands in and sees the score
    page.get_by_test_id("finish").click()
    page.get_by_test_id("score").wait_for()
    assert "2.0 / 2.0" in page.get_by_test_id("score").inner_text()
