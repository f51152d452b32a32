"""The e-journal through the API (SEC-27.12): attendance, assessments, marks, access, the edit
window and reopening, the action journal and the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.journal import services
from oqu.journal.events import AbsencesRecorded, MarksRecorded
from oqu.journal.models import Assessment, Attendance, Mark
from oqu.kernel import events
from oqu.kernel.errors import NotFound

from .conftest import JournalWorld, build_world

pytestmark = pytest.mark.django_db

ATT = "/api/v1/journal/lessons/{}/attendance"


def _att(lesson: Any) -> str:
    return ATT.format(lesson.pk)


def _statuses(lesson: Any) -> dict[Any, str]:
    return dict(Attendance.objects.filter(lesson=lesson).values_list("learner_id", "status"))


# -- attendance ---------------------------------------------------------------------------------------


def test_sec_27_12_whole_class_attendance_in_one_action(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today)
    absent, late = jw.learners[1], jw.learners[2]
    body = {
        "exceptions": [
            {"learner_id": str(absent.pk), "status": "absent_unexcused"},
            {"learner_id": str(late.pk), "status": "late", "note": "10 min"},
        ]
    }
    with CaptureQueriesContext(connection) as queries:
        response = api(jw.teacher_user).put(_att(lesson), body)
    assert response.status_code == 200, response.content
    assert response.json()["changed"] == 3
    assert _statuses(lesson) == {
        jw.learners[0].pk: "present",
        absent.pk: "absent_unexcused",
        late.pk: "late",
    }
    # one multi-row write for the whole class, not a round trip per learner
    inserts = [
        q for q in queries.captured_queries if 'INSERT INTO "journal_attendance"' in q["sql"]
    ]
    assert len(inserts) == 1
    # and one journal record carrying the changed rows
    record = ActionRecord.objects.get(action="journal.attendance.record")
    assert record.after[str(absent.pk)] == {"status": "absent_unexcused"}
    assert record.before == {}


def test_sec_27_12_one_cell_changes_one_learner_with_before_and_after(
    jw: JournalWorld, api: Any
) -> None:
    lesson = jw.lesson(jw.today)
    client = api(jw.teacher_user)
    assert client.put(_att(lesson), {}).status_code == 200
    learner = jw.learners[1]
    response = client.put(f"{_att(lesson)}/{learner.pk}", {"status": "sick"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sick"
    assert _statuses(lesson)[learner.pk] == "sick"
    assert _statuses(lesson)[jw.learners[0].pk] == "present"
    record = ActionRecord.objects.filter(action="journal.attendance.record").order_by("-at")[0]
    assert record.before == {str(learner.pk): {"status": "present"}}
    assert record.after == {str(learner.pk): {"status": "sick"}}


def test_sec_27_12_attendance_of_a_learner_not_in_the_class_is_refused(
    jw: JournalWorld, api: Any, family: Any
) -> None:
    lesson = jw.lesson(jw.today)
    body = {"exceptions": [{"learner_id": str(family.learner.pk), "status": "sick"}]}
    response = api(jw.teacher_user).put(_att(lesson), body)
    assert response.status_code == 400
    assert response.json()["code"] == "learner_not_in_lesson"
    assert not Attendance.objects.filter(lesson=lesson).exists()


def test_sec_27_12_attendance_for_a_future_lesson_is_refused(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today + dt.timedelta(days=2))
    response = api(jw.teacher_user).put(_att(lesson), {})
    assert response.status_code == 400
    assert response.json()["code"] == "lesson_in_future"


def test_sec_27_12_absences_recorded_event_published(
    jw: JournalWorld, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[Any] = []
    events.subscribe(AbsencesRecorded, seen.append)
    lesson = jw.lesson(jw.today)
    body = {"exceptions": [{"learner_id": str(jw.learners[2].pk), "status": "sick"}]}
    with django_capture_on_commit_callbacks(execute=True):
        assert api(jw.teacher_user).put(_att(lesson), body).status_code == 200
    assert seen == [AbsencesRecorded(jw.org.pk, lesson.pk, (jw.learners[2].pk,))]


# -- who may write --------------------------------------------------------------------------------------


def test_sec_27_12_teacher_cannot_mark_another_teachers_class(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today, assignment=jw.other_assignment)
    client = api(jw.teacher_user)
    assert client.put(_att(lesson), {}).status_code == 404
    assert client.get(f"/api/v1/journal/lessons/{lesson.pk}").status_code == 404
    assert client.get(f"/api/v1/journal/assignments/{jw.other_assignment.pk}").status_code == 404
    response = client.post(f"/api/v1/journal/lessons/{lesson.pk}/assessments", {"kind": "fo"})
    assert response.status_code == 404
    assert not Attendance.objects.filter(lesson=lesson).exists()
    # nor through the service directly
    with pytest.raises(NotFound):
        services.attendance_record_class(actor=jw.actor(jw.teacher_user), lesson=lesson)


def test_sec_27_12_substitute_fills_the_lesson_they_teach(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today, assignment=jw.other_assignment, teacher=jw.teacher)
    response = api(jw.teacher_user).put(_att(lesson), {})
    assert response.status_code == 200
    # but not the other lessons of that class-subject
    other_day = jw.lesson(jw.today - dt.timedelta(days=1), assignment=jw.other_assignment)
    assert api(jw.teacher_user).put(_att(other_day), {}).status_code == 404


def test_sec_27_12_deputy_director_sees_and_fills_every_class(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today, assignment=jw.other_assignment)
    client = api(jw.deputy_user)
    assert client.put(_att(lesson), {}).status_code == 200
    assert client.get(f"/api/v1/journal/assignments/{jw.other_assignment.pk}").status_code == 200
    listed = client.get("/api/v1/journal/assignments").json()["items"]
    assert {row["id"] for row in listed} == {str(jw.assignment.pk), str(jw.other_assignment.pk)}
    own = api(jw.teacher_user).get("/api/v1/journal/assignments").json()["items"]
    assert [row["id"] for row in own] == [str(jw.assignment.pk)]


@pytest.mark.parametrize("who", ["parent_user", "learner_user"])
def test_sec_27_12_parent_and_learner_cannot_write(jw: JournalWorld, api: Any, who: str) -> None:
    lesson = jw.lesson(jw.today)
    assessment = Assessment.objects.create(
        organization=jw.org, lesson=lesson, period=jw.q1, kind="fo", max_points=10
    )
    client = api(getattr(jw, who))
    assert client.put(_att(lesson), {}).status_code in (403, 404)
    marks = {"marks": [{"learner_id": str(jw.learners[0].pk), "points": 10}]}
    url = f"/api/v1/journal/assessments/{assessment.pk}/marks"
    assert client.put(url, marks).status_code in (403, 404)
    assert not Attendance.objects.exists()
    assert not Mark.objects.exists()


def test_sec_27_12_other_school_cannot_reach_the_journal(
    jw: JournalWorld, api: Any, org_tree: Any, user_with_role: Any
) -> None:
    lesson = jw.lesson(jw.today)
    stranger = user_with_role("school_deputy_director", org_tree.school_a1_other)
    assert api(stranger).put(_att(lesson), {}).status_code == 404
    assert api(stranger).get(f"/api/v1/journal/assignments/{jw.assignment.pk}").status_code == 404


# -- the edit window and reopening ----------------------------------------------------------------------


def test_sec_27_12_edit_after_the_window_refused_without_reopening(
    jw: JournalWorld, api: Any
) -> None:
    old = jw.lesson(jw.today - dt.timedelta(days=10))
    response = api(jw.teacher_user).put(_att(old), {})
    assert response.status_code == 403
    assert response.json()["code"] == "lesson_closed"
    assert not Attendance.objects.filter(lesson=old).exists()


def test_sec_27_12_edit_after_the_window_allowed_once_reopened(jw: JournalWorld, api: Any) -> None:
    old = jw.lesson(jw.today - dt.timedelta(days=10))
    until = (timezone.now() + dt.timedelta(days=2)).isoformat()
    reopen_url = f"/api/v1/journal/lessons/{old.pk}/reopenings"
    # a teacher cannot reopen
    refused = api(jw.teacher_user).post(reopen_url, {"reason": "sick leave", "until": until})
    assert refused.status_code == 403
    response = api(jw.deputy_user).post(reopen_url, {"reason": "sick leave", "until": until})
    assert response.status_code == 201, response.content
    assert api(jw.teacher_user).put(_att(old), {}).status_code == 200
    record = ActionRecord.objects.get(action="journal.lesson.reopen")
    assert record.after["reason"] == "sick leave"


def test_sec_27_12_window_is_a_rule_set_in_force_on_the_lesson_date(
    jw: JournalWorld, api: Any
) -> None:
    from oqu.kernel.models import RuleSet

    lesson = jw.lesson(jw.today - dt.timedelta(days=10))
    RuleSet.objects.create(
        code="school.journal.edit_window",
        valid_from=jw.today - dt.timedelta(days=20),
        value={"days": 14},
    )
    assert api(jw.teacher_user).put(_att(lesson), {}).status_code == 200


def test_sec_27_12_expired_reopening_does_not_open(jw: JournalWorld, api: Any) -> None:
    from oqu.journal.models import Reopening

    old = jw.lesson(jw.today - dt.timedelta(days=10))
    Reopening.objects.create(
        organization=jw.org,
        lesson=old,
        granted_by=jw.deputy,
        reason="x",
        until=timezone.now() - dt.timedelta(minutes=1),
    )
    assert api(jw.teacher_user).put(_att(old), {}).status_code == 403


# -- assessments and marks -----------------------------------------------------------------------------


def _assess(client: Any, lesson: Any, kind: str, max_points: int | None = None) -> Any:
    body: dict[str, Any] = {"kind": kind, "title": kind}
    if max_points:
        body["max_points"] = max_points
    return client.post(f"/api/v1/journal/lessons/{lesson.pk}/assessments", body)


def _mark(client: Any, assessment_id: Any, learner: Any, points: Any) -> Any:
    body = {"marks": [{"learner_id": str(learner.pk), "points": points}]}
    return client.put(f"/api/v1/journal/assessments/{assessment_id}/marks", body)


def test_sec_27_12_formative_mark_on_the_scale_in_force(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    lesson = jw.lesson(jw.today)
    created = _assess(client, lesson, "fo", 50)
    assert created.status_code == 201, created.content
    assert created.json()["max_points"] == 10  # the ФО scale in force, not what was asked
    fo = created.json()["id"]
    assert _mark(client, fo, jw.learners[0], 9).status_code == 200
    for bad in (11, 0, 7.5):
        response = _mark(client, fo, jw.learners[1], bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "mark_out_of_scale"


def test_sec_27_12_points_over_the_maximum_refused(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    lesson = jw.lesson(jw.today)
    sor = _assess(client, lesson, "sor", 15).json()["id"]
    response = _mark(client, sor, jw.learners[0], 16)
    assert response.status_code == 400
    assert response.json()["code"] == "points_over_max"
    assert response.json()["message"]
    assert not Mark.objects.exists()
    assert _mark(client, sor, jw.learners[0], "14.5").status_code == 200


def test_sec_27_12_summative_needs_its_maximum(jw: JournalWorld, api: Any) -> None:
    response = _assess(api(jw.teacher_user), jw.lesson(jw.today), "soch")
    assert response.status_code == 400
    assert response.json()["code"] == "max_points_range"


def test_sec_27_12_marks_journaled_and_event_published(
    jw: JournalWorld, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[Any] = []
    events.subscribe(MarksRecorded, seen.append)
    client = api(jw.teacher_user)
    lesson = jw.lesson(jw.today)
    sor = _assess(client, lesson, "sor", 20).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert _mark(client, sor, jw.learners[0], 12).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert _mark(client, sor, jw.learners[0], 18).status_code == 200
    records = ActionRecord.objects.filter(action="journal.marks.record").order_by("at")
    assert [r.after for r in records] == [
        {str(jw.learners[0].pk): {"points": "12.0"}},
        {str(jw.learners[0].pk): {"points": "18.0"}},
    ]
    assert records[1].before == {str(jw.learners[0].pk): {"points": "12.0"}}
    assert [e.learner_ids for e in seen] == [(jw.learners[0].pk,), (jw.learners[0].pk,)]
    assert ActionRecord.objects.filter(action="journal.assessment.create").count() == 1


def test_sec_27_12_mark_removed_with_null(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    sor = _assess(client, jw.lesson(jw.today), "sor", 20).json()["id"]
    _mark(client, sor, jw.learners[0], 12)
    assert _mark(client, sor, jw.learners[0], None).status_code == 200
    assert not Mark.objects.exists()


def test_sec_27_12_grade_1_gets_no_marks(org_tree: Any, api: Any) -> None:
    world = build_world(org_tree.school_a2, grade=1)
    response = _assess(api(world.teacher_user), world.lesson(world.today), "fo")
    assert response.status_code == 400
    assert response.json()["code"] == "grade_not_marked"


# -- when a СОЧ may be held ----------------------------------------------------------------------------


def test_sec_27_12_soch_at_most_three_a_day_for_the_class(jw: JournalWorld, api: Any) -> None:
    from oqu.school.models import Subject, TeachingAssignment

    day = jw.today + dt.timedelta(days=1)
    assignments = []
    for n in range(4):
        subject = Subject.objects.create(
            organization=jw.org, code=f"S{n}", name_kk=f"S{n}", name_ru=f"S{n}"
        )
        assignments.append(
            TeachingAssignment.objects.create(
                organization=jw.org,
                year=jw.year,
                teacher=jw.teacher,
                school_class=jw.class_5a,
                subject=subject,
                hours_per_week=3,
            )
        )
    client = api(jw.teacher_user)
    for n, assignment in enumerate(assignments[:3]):
        response = _assess(client, jw.lesson(day, n + 1, assignment), "soch", 25)
        assert response.status_code == 201, response.content
    refused = _assess(client, jw.lesson(day, 4, assignments[3]), "soch", 25)
    assert refused.status_code == 400
    assert refused.json()["code"] == "soch_too_many_per_day"
    assert Assessment.objects.filter(kind="soch").count() == 3
    # another day is fine
    assert (
        _assess(
            client, jw.lesson(day + dt.timedelta(days=1), 1, assignments[3]), "soch", 25
        ).status_code
        == 201
    )


def test_sec_27_12_soch_not_on_the_last_day_of_the_quarter(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    response = _assess(client, jw.lesson(jw.q1.end_date), "soch", 25)
    assert response.status_code == 400
    assert response.json()["code"] == "soch_on_last_day_of_quarter"
    # a СОР that day is allowed
    assert _assess(client, jw.lesson(jw.q1.end_date, 2), "sor", 10).status_code == 201


def test_sec_27_12_soch_not_on_the_day_of_a_sor_in_that_subject(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    day = jw.today + dt.timedelta(days=2)
    assert _assess(client, jw.lesson(day, 1), "sor", 10).status_code == 201
    refused = _assess(client, jw.lesson(day, 2), "soch", 25)
    assert refused.status_code == 400
    assert refused.json()["code"] == "soch_same_day_as_sor"
    # the other way round too, and another subject that day is fine
    other_day = day + dt.timedelta(days=1)
    assert _assess(client, jw.lesson(other_day, 1), "soch", 25).status_code == 201
    assert (
        _assess(client, jw.lesson(other_day, 2), "sor", 10).json()["code"] == "soch_same_day_as_sor"
    )
    other = api(jw.other_user)
    kaz = jw.lesson(day, 3, jw.other_assignment)
    assert _assess(other, kaz, "soch", 25).status_code == 201


def test_sec_27_12_schedule_message_in_russian(jw: JournalWorld, api: Any, client: Any) -> None:
    jw.teacher_user.language = "ru"
    jw.teacher_user.save()
    api(jw.teacher_user)
    lesson = jw.lesson(jw.q1.end_date)
    response = client.post(
        f"/api/v1/journal/lessons/{lesson.pk}/assessments",
        {"kind": "soch", "max_points": 20},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert "четверт" in response.json()["message"]


# -- the class journal -----------------------------------------------------------------------------------


def _fill(world: JournalWorld, lessons: int) -> None:
    teacher = world.actor(world.teacher_user)
    for n in range(lessons):
        lesson = world.lesson(world.today - dt.timedelta(days=n % 3), n + 1)
        services.attendance_record_class(actor=teacher, lesson=lesson)
        fo = services.assessment_create(actor=teacher, lesson=lesson, kind="fo")
        services.marks_record(
            actor=teacher,
            assessment=fo,
            entries=[services.MarkEntry(p.pk, 7) for p in world.learners],
        )


def _journal_queries(client: Any, world: JournalWorld) -> tuple[int, Any]:
    url = f"/api/v1/journal/assignments/{world.assignment.pk}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, period=str(world.q1.pk))
    assert response.status_code == 200
    return len(queries.captured_queries), response.json()


def test_sec_27_12_class_journal_query_count_does_not_grow(
    org_tree: Any, api: Any, client: Any
) -> None:
    small = build_world(org_tree.school_a1, learner_count=2)
    _fill(small, 2)
    count_small, body = _journal_queries(api(small.teacher_user), small)
    assert len(body["learners"]) == 2
    assert len(body["lessons"]) == 2
    client.logout()
    big = build_world(org_tree.school_a2, learner_count=7, tag="-big")
    _fill(big, 6)
    count_big, body = _journal_queries(api(big.teacher_user), big)
    assert len(body["learners"]) == 7
    assert len(body["lessons"]) == 6
    assert len(body["attendance"]) == 42
    assert len(body["marks"]) == 42
    assert count_big == count_small


@pytest.mark.smoke  # hand-written SQL: PostgreSQL and SQLite alike
def test_sec_27_12_class_journal_shape(jw: JournalWorld, api: Any) -> None:
    lesson = jw.lesson(jw.today)
    teacher = jw.actor(jw.teacher_user)
    services.attendance_record_class(
        actor=teacher,
        lesson=lesson,
        exceptions=[services.AttendanceEntry(jw.learners[0].pk, "sick")],
    )
    sor = services.assessment_create(actor=teacher, lesson=lesson, kind="sor", max_points=10)
    services.marks_record(
        actor=teacher, assessment=sor, entries=[services.MarkEntry(jw.learners[1].pk, 8)]
    )
    body = api(jw.teacher_user).get(f"/api/v1/journal/assignments/{jw.assignment.pk}").json()
    assert body["period"]["id"] == str(jw.q1.pk)
    assert body["assignment"]["class_name"] == "5А"
    assert [row["id"] for row in body["lessons"]] == [str(lesson.pk)]
    assert {
        "lesson_id": str(lesson.pk),
        "learner_id": str(jw.learners[0].pk),
        "status": "sick",
    } in body["attendance"]
    assert body["assessments"] == [
        {
            "id": str(sor.pk),
            "lesson_id": str(lesson.pk),
            "kind": "sor",
            "title": "",
            "max_points": 10,
        }
    ]
    assert body["marks"] == [
        {"assessment_id": str(sor.pk), "learner_id": str(jw.learners[1].pk), "points": "8.0"}
    ]
    sheet = api(jw.teacher_user).get(f"/api/v1/journal/lessons/{lesson.pk}").json()
    assert sheet["editable"] is True
    assert len(sheet["learners"]) == 3


def test_sec_27_12_assessment_removed_with_its_marks_journaled(jw: JournalWorld, api: Any) -> None:
    client = api(jw.teacher_user)
    sor = _assess(client, jw.lesson(jw.today), "sor", 20).json()["id"]
    _mark(client, sor, jw.learners[0], 12)
    assert api(jw.other_user).delete(f"/api/v1/journal/assessments/{sor}").status_code == 404
    assert api(jw.teacher_user).delete(f"/api/v1/journal/assessments/{sor}").status_code == 204
    assert not Assessment.objects.exists()
    assert not Mark.objects.exists()
    record = ActionRecord.objects.get(action="journal.assessment.delete")
    assert record.before["marks"] == {str(jw.learners[0].pk): "12.0"}
