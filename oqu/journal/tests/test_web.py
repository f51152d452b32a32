"""The e-journal's web pages (SEC-27.12, SEC-27.8): the grid with HTMX cells, the lesson page with
the whole class's attendance in one form, reopening, period marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from oqu.journal import services
from oqu.journal.models import Attendance, Mark, PeriodMark, Reopening
from oqu.kernel.models import RuleSet

from .conftest import JournalWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client: Any) -> Any:
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


def test_sec_27_12_menu_and_index_list_own_class_subjects(jw: JournalWorld, web: Any) -> None:
    page = web(jw.teacher_user).get("/journal/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/journal/assignments/{jw.assignment.pk}/" in text
    assert f"/journal/assignments/{jw.other_assignment.pk}/" not in text
    assert 'href="/journal/"' in text


def test_sec_27_12_lesson_page_fills_whole_class_in_one_form(jw: JournalWorld, web: Any) -> None:
    lesson = jw.lesson(jw.today)
    client = web(jw.teacher_user)
    page = client.get(f"/journal/lessons/{lesson.pk}/")
    assert page.status_code == 200
    assert 'data-testid="attendance-form"' in page.content.decode()
    absent = jw.learners[1]
    response = client.post(
        f"/journal/lessons/{lesson.pk}/attendance/",
        {
            f"status-{jw.learners[0].pk}": "present",
            f"status-{absent.pk}": "absent_excused",
            f"status-{jw.learners[2].pk}": "present",
        },
    )
    assert response.status_code == 302
    statuses = dict(Attendance.objects.filter(lesson=lesson).values_list("learner_id", "status"))
    assert statuses[absent.pk] == "absent_excused"
    assert list(statuses.values()).count("present") == 2


def test_sec_27_12_grid_cells_edit_in_place_with_htmx(jw: JournalWorld, web: Any) -> None:
    lesson = jw.lesson(jw.today)
    teacher = jw.actor(jw.teacher_user)
    services.attendance_record_class(actor=teacher, lesson=lesson)
    sor = services.assessment_create(actor=teacher, lesson=lesson, kind="sor", max_points=10)
    client = web(jw.teacher_user)
    page = client.get(f"/journal/assignments/{jw.assignment.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-testid="att-{lesson.pk}-{jw.learners[0].pk}"' in text
    assert f'data-testid="mark-{sor.pk}-{jw.learners[0].pk}"' in text
    learner = jw.learners[0]
    cell = client.post(
        f"/journal/lessons/{lesson.pk}/attendance/{learner.pk}/",
        {"status": "late"},
        HTTP_HX_REQUEST="true",
    )
    assert cell.status_code == 200
    assert cell.content.decode().startswith("<td")
    assert Attendance.objects.get(lesson=lesson, learner=learner).status == "late"
    mark = client.post(
        f"/journal/assessments/{sor.pk}/marks/{learner.pk}/",
        {"points": "9"},
        HTTP_HX_REQUEST="true",
    )
    assert mark.status_code == 200
    assert 'value="9"' in mark.content.decode()
    # over the maximum: the cell shows the kk/ru message and nothing is stored
    over = client.post(
        f"/journal/assessments/{sor.pk}/marks/{jw.learners[1].pk}/",
        {"points": "11"},
        HTTP_HX_REQUEST="true",
    )
    assert over.status_code == 200
    assert 'role="alert"' in over.content.decode()
    assert Mark.objects.filter(assessment=sor).count() == 1


def test_sec_27_12_web_teacher_cannot_open_another_teachers_journal(
    jw: JournalWorld, web: Any
) -> None:
    lesson = jw.lesson(jw.today, assignment=jw.other_assignment)
    client = web(jw.teacher_user)
    assert client.get(f"/journal/assignments/{jw.other_assignment.pk}/").status_code == 404
    assert client.get(f"/journal/lessons/{lesson.pk}/").status_code == 404
    learner = jw.learners[0]
    response = client.post(
        f"/journal/lessons/{lesson.pk}/attendance/{learner.pk}/", {"status": "sick"}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_sec_27_12_web_closed_lesson_refused_then_reopened(jw: JournalWorld, web: Any) -> None:
    old = jw.lesson(jw.today - dt.timedelta(days=10))
    client = web(jw.teacher_user)
    page = client.get(f"/journal/lessons/{old.pk}/")
    assert 'data-testid="closed"' in page.content.decode()
    response = client.post(f"/journal/lessons/{old.pk}/attendance/", {}, follow=True)
    assert not Attendance.objects.exists()
    assert "message-error" in response.content.decode()
    deputy = web(jw.deputy_user)
    until = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    deputy.post(f"/journal/lessons/{old.pk}/reopen/", {"reason": "illness", "until": until})
    assert Reopening.objects.filter(lesson=old).exists()
    client = web(jw.teacher_user)
    client.post(f"/journal/lessons/{old.pk}/attendance/", {})
    assert Attendance.objects.filter(lesson=old).count() == 3


def test_sec_27_8_period_marks_page_computes_and_confirms(jw: JournalWorld, web: Any) -> None:
    lesson = jw.lesson(jw.today)
    teacher = jw.actor(jw.teacher_user)
    fo = services.assessment_create(actor=teacher, lesson=lesson, kind="fo")
    services.marks_record(
        actor=teacher, assessment=fo, entries=[services.MarkEntry(jw.learners[0].pk, 7)]
    )
    RuleSet.objects.filter(code="school.journal.period_mark_confirmation").update(
        value={"days_before_period_end": 30}
    )
    client = web(jw.teacher_user)
    url = f"/journal/assignments/{jw.assignment.pk}/period-marks/"
    # typing a mark is refused
    typed = client.post(
        f"{url}recompute/", {"period": str(jw.q1.pk), "final_mark": "5"}, follow=True
    )
    assert not PeriodMark.objects.exists()
    assert "message-error" in typed.content.decode()
    client.post(f"{url}recompute/", {"period": str(jw.q1.pk)})
    row = PeriodMark.objects.get(learner=jw.learners[0], period=jw.q1)
    assert row.computed_mark == 4
    page = client.get(url, {"period": str(jw.q1.pk)})
    assert f"/journal/period-marks/{row.pk}/confirm/" in page.content.decode()
    client.post(f"/journal/period-marks/{row.pk}/confirm/")
    row.refresh_from_db()
    assert row.final_mark == 4
    assert client.get(url, {"period": "year"}).status_code == 200
