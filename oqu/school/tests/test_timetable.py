"""The timetable (SEC-27.8): rooms and bells, the weekly grid with hard conflicts refused and soft
ones warned, the automatic draft, lessons generated for dates, substitutions; scope and capability."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.access import scope
from oqu.audit.models import ActionRecord
from oqu.journal.models import Attendance
from oqu.kernel.models import CalendarDay, RuleSet
from oqu.kernel.schedule import JOBS
from oqu.school import timetable as services
from oqu.school import timetable_plan as plan
from oqu.school.models import (
    BellSlot,
    CurriculumLine,
    Lesson,
    Room,
    StudyPeriod,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
    Vacation,
)
from oqu.tests import factories as f

from .conftest import make_class

API = "/api/v1"
D = dt.date
MONDAY = D(2025, 9, 8)  # a school Monday of the first quarter
FROM = "2025-09-01"


def _send(client: Any, path: str, payload: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(f"{API}{path}", payload, content_type="application/json")


@dataclass
class World:
    school: Any
    deputy: Any
    deputy_actor: Any
    teacher2: Any
    math_5a: TeachingAssignment
    kaz_5a: TeachingAssignment
    math_5b: TeachingAssignment
    room_101: Room
    room_102: Room


def assign(school_class: Any, subject: Any, teacher: Any, hours: Any, subgroup: Any = None) -> Any:
    return TeachingAssignment.objects.create(
        organization=school_class.organization,
        year=school_class.year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        subgroup=subgroup,
        hours_per_week=Decimal(hours),
    )


def place(assignment: Any, weekday: int, number: int, room: Any = None, **extra: Any) -> Any:
    return TimetableEntry.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        weekday=weekday,
        lesson_number=number,
        room=room,
        valid_from=extra.get("valid_from", assignment.year.start_date),
    )


@pytest.fixture
def tt(school, user_with_role, login) -> World:  # type: ignore[no-untyped-def]
    org = school.year.organization
    teacher2 = f.make_person("Омарова", "Дана", D(1985, 1, 1), "F")
    f.employ(teacher2, org)
    for number in range(1, 8):
        start = dt.time(8 + number - 1, 0)
        BellSlot.objects.create(
            organization=org,
            year=school.year,
            shift=1,
            number=number,
            starts_at=start,
            ends_at=dt.time(start.hour, 45),
        )
    for subject, hours in ((school.math, 3), (school.kazakh, 2)):
        CurriculumLine.objects.create(
            organization=org,
            year=school.year,
            subject=subject,
            grade=5,
            part="invariant",
            hours_per_week=hours,
        )
    deputy_user = user_with_role("school_deputy_director", org)
    return World(
        school=school,
        deputy=login(deputy_user),
        deputy_actor=scope.actor_for(deputy_user),
        teacher2=teacher2,
        math_5a=assign(school.class_5a, school.math, school.teacher, 3),
        kaz_5a=assign(school.class_5a, school.kazakh, teacher2, 2),
        math_5b=assign(school.class_5b, school.math, school.teacher, 2),
        room_101=Room.objects.create(organization=org, name="101"),
        room_102=Room.objects.create(organization=org, name="102"),
    )


def _entry(tt: World, assignment: Any, weekday: int, number: int, room: Any = None) -> Any:
    payload = {
        "assignment_id": str(assignment.pk),
        "weekday": weekday,
        "lesson_number": number,
        "valid_from": FROM,
    }
    if room is not None:
        payload["room_id"] = str(room.pk)
    return _send(tt.deputy, "/school/timetable/entries", payload)


# -- hard conflicts --------------------------------------------------------------------------------


def test_sec_27_8_teacher_in_two_places_is_refused_with_409(tt):
    assert _entry(tt, tt.math_5a, 1, 1).status_code == 201
    response = _entry(tt, tt.math_5b, 1, 1)
    assert response.status_code == 409
    assert response.json()["code"] == "teacher_busy"
    assert TimetableEntry.objects.filter(assignment=tt.math_5b).count() == 0


def test_sec_27_8_room_in_two_places_is_refused_with_409(tt):
    assert _entry(tt, tt.math_5a, 1, 1, tt.room_101).status_code == 201
    other = assign(tt.school.class_5b, tt.school.kazakh, tt.teacher2, 2)
    response = _entry(tt, other, 1, 1, tt.room_101)
    assert (response.status_code, response.json()["code"]) == (409, "room_busy")
    assert _entry(tt, other, 1, 1, tt.room_102).status_code == 201


def test_sec_27_8_class_twice_refused_but_parallel_subgroups_allowed(tt):
    school = tt.school
    assert _entry(tt, tt.math_5a, 2, 3).status_code == 201
    response = _entry(tt, tt.kaz_5a, 2, 3)
    assert (response.status_code, response.json()["code"]) == (409, "class_busy")
    # two language subgroups side by side at one time are fine; the whole class with one is not
    group_1 = Subgroup.objects.create(
        organization=school.class_5a.organization, school_class=school.class_5a, name="1"
    )
    group_2 = Subgroup.objects.create(
        organization=school.class_5a.organization, school_class=school.class_5a, name="2"
    )
    third = f.make_person("Үшінші", "Мұғалім", D(1979, 5, 5), "M")
    f.employ(third, school.class_5a.organization)
    english = Subject.objects.create(
        organization=school.class_5a.organization,
        code="ENG",
        name_kk="Ағылшын",
        name_ru="Английский",
    )
    eng_1 = assign(school.class_5a, english, tt.teacher2, 2, group_1)
    eng_2 = assign(school.class_5a, english, third, 2, group_2)
    assert _entry(tt, eng_1, 3, 1, tt.room_101).status_code == 201
    assert _entry(tt, eng_2, 3, 1, tt.room_102).status_code == 201
    response = _entry(tt, tt.math_5a, 3, 1)
    assert (response.status_code, response.json()["code"]) == (409, "class_busy")


def test_sec_27_8_second_shift_lesson_one_is_not_the_first_shifts(tt):
    school = tt.school
    org = school.year.organization
    for number in (1, 2):
        BellSlot.objects.create(
            organization=org,
            year=school.year,
            shift=2,
            number=number,
            starts_at=dt.time(14 + number - 1, 0),
            ends_at=dt.time(14 + number - 1, 45),
        )
    class_7 = make_class(school.year, 7, "А", shift=2)
    math_7 = assign(class_7, school.math, school.teacher, 4)
    assert _entry(tt, tt.math_5a, 1, 1).status_code == 201
    assert _entry(tt, math_7, 1, 1).status_code == 201  # 14:00, not 08:00


def test_sec_27_8_live_check_reports_without_saving(tt):
    place(tt.math_5a, 1, 1, tt.room_101)
    response = _send(
        tt.deputy,
        "/school/timetable/check",
        {
            "assignment_id": str(tt.math_5b.pk),
            "weekday": 1,
            "lesson_number": 1,
            "room_id": str(tt.room_101.pk),
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is False
    assert {c["code"] for c in body["conflicts"]} == {"teacher_busy", "room_busy"}
    assert TimetableEntry.objects.count() == 1


# -- soft problems: warnings -----------------------------------------------------------------------


def test_sec_27_8_hours_not_covered_and_exceeded_are_warnings(tt):
    body = _entry(tt, tt.math_5a, 1, 1).json()
    codes = {(w["code"], w["assignment_id"]) for w in body["warnings"]}
    assert ("hours_not_covered", str(tt.math_5a.pk)) in codes
    for weekday in (2, 3, 4):
        _entry(tt, tt.math_5a, weekday, 1)
    grid = tt.deputy.get(f"{API}/school/classes/{tt.school.class_5a.pk}/timetable").json()
    codes = {w["code"] for w in grid["warnings"]}
    assert {"hours_exceeded", "curriculum_exceeded"} <= codes  # 4 lessons, 3 hours
    assert "curriculum_not_covered" in codes  # Kazakh: 0 of 2
    assert len(grid["entries"]) == 4


def test_sec_27_8_day_limit_comes_from_the_rule_set_in_force(tt):
    assert services.day_limits(tt.school.year.start_date)[5] == 6
    rule = RuleSet.objects.get(code=services.DAY_LIMIT_RULE)
    assert rule.confidence == "L"
    assert "UNCONFIRMED" in rule.source
    extra = Subject.objects.create(
        organization=tt.school.year.organization, code="ART", name_kk="Сурет", name_ru="ИЗО"
    )
    art = assign(tt.school.class_5a, extra, tt.teacher2, 3)
    for number, assignment in enumerate([tt.math_5a, tt.math_5a, tt.kaz_5a], start=1):
        place(assignment, 1, number)
    body = _entry(tt, art, 1, 4).json()
    assert "day_limit_exceeded" not in {w["code"] for w in body["warnings"]}
    # a new edition of the rule (from the year's start) lowers the limit for grade 5 to 3
    RuleSet.objects.create(
        code=services.DAY_LIMIT_RULE,
        valid_from=D(2025, 1, 1),
        value={"by_grade": {"5": 3}},
        source="test edition",
        confidence="H",
    )
    grid = tt.deputy.get(f"{API}/school/classes/{tt.school.class_5a.pk}/timetable").json()
    over = [w for w in grid["warnings"] if w["code"] == "day_limit_exceeded"]
    assert [(w["weekday"], w["placed"]) for w in over] == [(1, 4)]


# -- forbidden paths -------------------------------------------------------------------------------


def test_sec_27_8_teacher_sees_the_grid_but_cannot_edit_it(tt, login):
    place(tt.math_5a, 1, 1)
    teacher = login(tt.school.teacher_user)
    assert teacher.get(f"{API}/school/classes/{tt.school.class_5a.pk}/timetable").status_code == 200
    response = _send(
        teacher,
        "/school/timetable/entries",
        {"assignment_id": str(tt.kaz_5a.pk), "weekday": 2, "lesson_number": 1},
    )
    assert response.status_code == 403
    response = _send(
        teacher,
        "/school/rooms",
        {"organization_id": str(tt.school.year.organization_id), "name": "X"},
    )
    assert response.status_code == 403
    year = tt.school.year.pk
    draft = _send(teacher, f"/school/years/{year}/timetable/draft", {"class_ids": []})
    assert draft.status_code == 403
    generate = _send(
        teacher,
        f"/school/years/{year}/lessons/generate",
        {"date_from": "2025-09-01", "date_to": "2025-09-30"},
    )
    assert generate.status_code == 403
    assert TimetableEntry.objects.count() == 1
    assert not Lesson.objects.exists()


def test_sec_27_8_other_school_gets_404(tt, org_tree, user_with_role, login):
    entry = place(tt.math_5a, 1, 1, tt.room_101)
    outsider = login(user_with_role("school_deputy_director", org_tree.school_b1))
    assert outsider.get(f"{API}/school/timetable/entries/{entry.pk}").status_code == 404
    assert outsider.get(f"{API}/school/rooms/{tt.room_101.pk}").status_code == 404
    assert (
        outsider.get(f"{API}/school/classes/{tt.school.class_5a.pk}/timetable").status_code == 404
    )
    assert outsider.delete(f"{API}/school/timetable/entries/{entry.pk}").status_code == 404
    response = _send(
        outsider,
        "/school/timetable/entries",
        {"assignment_id": str(tt.kaz_5a.pk), "weekday": 2, "lesson_number": 1},
    )
    assert response.status_code == 404
    assert TimetableEntry.objects.count() == 1


# -- rooms and bells -------------------------------------------------------------------------------


def test_sec_27_8_rooms_and_bells_create_change_delete(tt):
    org_id = str(tt.school.year.organization_id)
    room = _send(
        tt.deputy, "/school/rooms", {"organization_id": org_id, "name": "Химия", "capacity": 24}
    )
    assert room.status_code == 201
    room_id = room.json()["id"]
    assert (
        _send(tt.deputy, "/school/rooms", {"organization_id": org_id, "name": "Химия"}).status_code
        == 409
    )
    assert (
        _send(tt.deputy, f"/school/rooms/{room_id}", {"name": "Химия-2"}, "patch").json()["name"]
        == "Химия-2"
    )
    place(tt.math_5a, 1, 1, tt.room_101)
    assert tt.deputy.delete(f"{API}/school/rooms/{tt.room_101.pk}").json()["code"] == "room_in_use"
    assert tt.deputy.delete(f"{API}/school/rooms/{room_id}").status_code == 204
    year = tt.school.year.pk
    bell = _send(
        tt.deputy,
        f"/school/years/{year}/bells",
        {"shift": 1, "number": 1, "starts_at": "08:00", "ends_at": "08:40"},
        "put",
    )
    assert bell.status_code == 200
    assert bell.json()["ends_at"].startswith("08:40")
    overlap = _send(
        tt.deputy,
        f"/school/years/{year}/bells",
        {"shift": 1, "number": 2, "starts_at": "08:30", "ends_at": "09:10"},
        "put",
    )
    assert overlap.json()["code"] == "bell_overlap"
    assert len(tt.deputy.get(f"{API}/school/years/{year}/bells").json()) == 7
    assert tt.deputy.delete(f"{API}/school/bells/{bell.json()['id']}").status_code == 204
    actions = set(ActionRecord.objects.values_list("action", flat=True))
    assert {
        "school.room.create",
        "school.room.change",
        "school.room.delete",
        "school.bell.set",
        "school.bell.delete",
    } <= actions


# -- the automatic draft ---------------------------------------------------------------------------


def test_sec_27_8_draft_places_every_hour_spread_and_is_deterministic(tt):
    place(tt.math_5b, 1, 1)  # 5Ә's math fixes the teacher on Monday, lesson 1
    url = f"/school/years/{tt.school.year.pk}/timetable/draft"
    payload = {"class_ids": [str(tt.school.class_5a.pk)]}
    first = _send(tt.deputy, url, payload).json()
    again = _send(tt.deputy, url, payload).json()
    assert first == again
    placed = first["placed"]
    assert len(placed) == 5
    assert first["unplaced"] == []
    math_days = [p["weekday"] for p in placed if p["assignment_id"] == str(tt.math_5a.pk)]
    assert len(set(math_days)) == 3  # spread over the week
    assert not any(
        p["weekday"] == 1
        and p["lesson_number"] == 1
        and p["teacher_id"] == str(tt.school.teacher.pk)
        for p in placed
    )
    assert (
        TimetableEntry.objects.filter(assignment__school_class=tt.school.class_5a).count() == 0
    )  # nothing saved


def test_sec_27_8_draft_reports_what_it_cannot_place_and_why(tt):
    org = tt.school.year.organization
    history = Subject.objects.create(
        organization=org, code="HIST", name_kk="Тарих", name_ru="История"
    )
    CurriculumLine.objects.create(
        organization=org,
        year=tt.school.year,
        subject=history,
        grade=5,
        part="invariant",
        hours_per_week=2,
    )
    # the Kazakh teacher is busy elsewhere in every slot of the week but one
    busy = make_class(tt.school.year, 6, "А")
    other_subject = Subject.objects.create(
        organization=org, code="LIT", name_kk="Әдебиет", name_ru="Литература"
    )
    elsewhere = assign(busy, other_subject, tt.teacher2, 34)
    for weekday in range(1, 6):
        for number in range(1, 8):
            if (weekday, number) != (5, 7):
                place(elsewhere, weekday, number)
    body = _send(
        tt.deputy,
        f"/school/years/{tt.school.year.pk}/timetable/draft",
        {"class_ids": [str(tt.school.class_5a.pk)]},
    ).json()
    reasons = {(u["subject_id"], u["reason"], float(u["missing"])) for u in body["unplaced"]}
    assert (str(tt.school.kazakh.pk), "teacher_busy", 1.0) in reasons
    assert (str(history.pk), "no_assignment", 2.0) in reasons
    kaz = [p for p in body["placed"] if p["assignment_id"] == str(tt.kaz_5a.pk)]
    assert [(p["weekday"], p["lesson_number"]) for p in kaz] == [(5, 7)]


def test_sec_27_8_draft_respects_the_day_limit():
    teachings = [
        plan.Teaching(i, "c", "05A", 1, 1, f"s{i}", f"S{i}", f"t{i}", None, Decimal(5))
        for i in range(2)
    ]
    draft = plan.build_draft(
        teachings=teachings, fixed=[], times={}, rooms=[], weekdays=[1, 2, 3], day_limit={1: 2}
    )
    assert len(draft.cells) == 6
    assert {(u.reason, u.missing) for u in draft.unplaced} == {("day_limit", 2)}
    assert max(plan.lessons_per_day(draft.cells).values()) == 2


def test_sec_27_8_draft_apply_replaces_the_grid_in_one_journaled_transaction(tt):
    old = place(tt.math_5a, 4, 6)
    url = f"/school/years/{tt.school.year.pk}/timetable/draft"
    payload: dict[str, Any] = {"class_ids": [str(tt.school.class_5a.pk)]}
    draft = _send(tt.deputy, url, payload).json()
    stale = _send(
        tt.deputy, f"{url}/apply", {**payload, "fingerprint": "0" * 32, "valid_from": FROM}
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "draft_stale")
    applied = _send(
        tt.deputy,
        f"{url}/apply",
        {**payload, "fingerprint": draft["fingerprint"], "valid_from": FROM},
    )
    assert applied.status_code == 200, applied.json()
    rows = TimetableEntry.objects.filter(
        assignment__school_class=tt.school.class_5a, valid_to__isnull=True
    )
    assert rows.count() == 5
    assert not TimetableEntry.objects.filter(pk=old.pk).exists()
    record = ActionRecord.objects.get(action="school.timetable.draft_apply")
    assert len(record.after["entries"]) == 5
    assert len(record.before["entries"]) == 1


# -- lessons for dates -----------------------------------------------------------------------------


def test_sec_27_8_generation_is_idempotent_and_skips_holidays_and_vacations(tt):
    year = tt.school.year
    place(tt.math_5a, 1, 1, tt.room_101)  # Mondays
    place(tt.kaz_5a, 2, 2)  # Tuesdays
    CalendarDay.objects.get_or_create(date=D(2025, 9, 15), defaults={"kind": "holiday"})
    Vacation.objects.create(
        organization=year.organization,
        year=year,
        name_kk="К",
        name_ru="К",
        start_date=D(2025, 9, 22),
        end_date=D(2025, 9, 23),
    )
    url = f"/school/years/{year.pk}/lessons/generate"
    first = _send(tt.deputy, url, {"date_from": "2025-09-01", "date_to": "2025-09-30"})
    assert first.status_code == 200, first.json()
    dates = sorted(Lesson.objects.values_list("date", flat=True))
    # Mondays 1, 8, 29 (15 a holiday, 22 vacation); Tuesdays 2, 9, 16, 30 (23 vacation)
    assert dates == sorted(D(2025, 9, d) for d in (1, 8, 29, 2, 9, 16, 30))
    assert first.json()["created"] == 7
    second = _send(tt.deputy, url, {"date_from": "2025-09-01", "date_to": "2025-09-30"}).json()
    assert (second["created"], second["updated"], second["removed"]) == (0, 0, 0)
    assert Lesson.objects.count() == 7
    lesson = Lesson.objects.get(date=D(2025, 9, 1))
    assert (lesson.teacher, lesson.room, lesson.period.kind, lesson.period.number) == (
        tt.school.teacher,
        tt.room_101,
        "quarter",
        1,
    )


def test_sec_27_8_one_hour_subjects_get_the_half_year(tt):
    year = tt.school.year
    StudyPeriod.objects.create(
        organization=year.organization,
        year=year,
        kind="half_year",
        number=1,
        start_date=D(2025, 9, 1),
        end_date=D(2025, 12, 26),
    )
    music = Subject.objects.create(
        organization=year.organization, code="MUS", name_kk="Музыка", name_ru="Музыка"
    )
    one_hour = assign(tt.school.class_5a, music, tt.teacher2, 1)
    place(one_hour, 3, 4)
    place(tt.math_5a, 3, 1)
    services.lessons_generate(
        actor=tt.deputy_actor, year=year, date_from=MONDAY, date_to=MONDAY + dt.timedelta(days=4)
    )
    kinds = {lesson.assignment_id: lesson.period.kind for lesson in Lesson.objects.all()}
    assert kinds == {one_hour.pk: "half_year", tt.math_5a.pk: "quarter"}


def test_sec_27_8_changed_grid_changes_future_lessons_only_never_journal_data(tt):
    year = tt.school.year
    entry = place(tt.math_5a, 1, 1, tt.room_101)
    today = D(2025, 9, 15)
    services.lessons_generate(
        actor=tt.deputy_actor,
        year=year,
        date_from=D(2025, 9, 1),
        date_to=D(2025, 10, 6),
        today=today,
    )
    assert Lesson.objects.count() == 6  # Mondays 1, 8, 15, 22, 29 Sep and 6 Oct
    marked = Lesson.objects.get(date=D(2025, 9, 22))
    Attendance.objects.create(
        organization=year.organization, lesson=marked, learner=tt.school.learner, status="present"
    )
    # from 15 September math moves to Wednesday lesson 2 in room 102
    services.entry_move(
        actor=tt.deputy_actor, entry=entry, weekday=3, lesson_number=2, room=tt.room_102, on=today
    )
    result = services.lessons_generate(
        actor=tt.deputy_actor,
        year=year,
        date_from=D(2025, 9, 1),
        date_to=D(2025, 10, 8),
        today=today,
    )
    mondays = set(Lesson.objects.filter(lesson_number=1).values_list("date", flat=True))
    # the past Mondays stay, the lesson with attendance stays, the other future Mondays go
    assert mondays == {D(2025, 9, 1), D(2025, 9, 8), D(2025, 9, 22)}
    wednesdays = Lesson.objects.filter(lesson_number=2).order_by("date")
    assert [lesson.date for lesson in wednesdays] == [
        D(2025, 9, 17),
        D(2025, 9, 24),
        D(2025, 10, 1),
        D(2025, 10, 8),
    ]
    assert {lesson.room for lesson in wednesdays} == {tt.room_102}
    assert (result.removed, result.kept) == (3, 1)
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == D(2025, 9, 14)


def test_sec_27_8_scheduled_job_generates_the_coming_weeks(tt):
    assert any(job.task_path == "oqu.school.tasks.generate_lessons" for job in JOBS)
    place(tt.math_5a, 1, 1)
    totals = services.generate_coming_weeks(today=D(2025, 9, 1), weeks=2)
    assert totals["created"] == 3  # Mondays 1, 8 and 15 September
    assert services.generate_coming_weeks(today=D(2025, 9, 1), weeks=2)["created"] == 0
    assert Lesson.objects.count() == 3


# -- substitutions ---------------------------------------------------------------------------------


def _lessons_of_monday(tt: World) -> None:
    place(tt.math_5a, 1, 1)
    place(tt.kaz_5a, 1, 2)
    services.lessons_generate(
        actor=tt.deputy_actor, year=tt.school.year, date_from=MONDAY, date_to=MONDAY
    )


def test_sec_27_8_substitute_is_offered_when_free_recorded_and_undone(tt):
    _lessons_of_monday(tt)
    lesson = Lesson.objects.get(date=MONDAY, lesson_number=1)
    free = tt.deputy.get(f"{API}/school/lessons/{lesson.pk}/free-teachers").json()
    assert [p["id"] for p in free] == [str(tt.teacher2.pk)]  # the math teacher teaches it
    response = _send(
        tt.deputy,
        f"/school/lessons/{lesson.pk}/substitution",
        {"substitute_id": str(tt.teacher2.pk), "reason": "Болезнь"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["teacher_id"], body["substitute_for_id"]) == (
        str(tt.teacher2.pk),
        str(tt.school.teacher.pk),
    )
    assert Substitution.objects.get(lesson=lesson).reason == "Болезнь"
    again = _send(
        tt.deputy,
        f"/school/lessons/{lesson.pk}/substitution",
        {"substitute_id": str(tt.teacher2.pk)},
    )
    assert again.json()["code"] == "already_substituted"
    undone = tt.deputy.delete(f"{API}/school/lessons/{lesson.pk}/substitution")
    assert undone.json()["teacher_id"] == str(tt.school.teacher.pk)
    assert not Substitution.objects.exists()
    actions = list(
        ActionRecord.objects.filter(action__startswith="school.substitution").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["school.substitution.create", "school.substitution.undo"]


def test_sec_27_8_busy_substitute_is_refused(tt):
    _lessons_of_monday(tt)
    lesson = Lesson.objects.get(date=MONDAY, lesson_number=2)  # Kazakh, teacher2
    # the math teacher also teaches lesson 2 of 5Ә that Monday
    place(tt.math_5b, 1, 2)
    services.lessons_generate(
        actor=tt.deputy_actor, year=tt.school.year, date_from=MONDAY, date_to=MONDAY
    )
    response = _send(
        tt.deputy,
        f"/school/lessons/{lesson.pk}/substitution",
        {"substitute_id": str(tt.school.teacher.pk)},
    )
    assert (response.status_code, response.json()["code"]) == (409, "substitute_busy")
    assert Lesson.objects.get(pk=lesson.pk).teacher == tt.teacher2


# -- query counts ----------------------------------------------------------------------------------


def test_sec_27_8_grid_and_lesson_lists_do_not_grow_with_rows(tt):
    url = f"{API}/school/classes/{tt.school.class_5a.pk}/timetable"

    def count(path: str) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as queries:
            response = tt.deputy.get(path)
        assert response.status_code == 200
        return len(queries), response.json()

    place(tt.math_5a, 1, 1, tt.room_101)
    few, _ = count(url)
    for weekday in (2, 3, 4):
        place(tt.math_5a, weekday, 1, tt.room_101)
        place(tt.kaz_5a, weekday, 2, tt.room_102)
    many, body = count(url)
    assert len(body["entries"]) == 7
    assert few == many
    services.lessons_generate(
        actor=tt.deputy_actor,
        year=tt.school.year,
        date_from=MONDAY,
        date_to=MONDAY + dt.timedelta(days=27),
    )
    lessons = f"{API}/school/lessons?organization={tt.school.year.organization_id}"
    small, page = count(f"{lessons}&limit=1")
    large, page_all = count(f"{lessons}&limit=200")
    assert len(page["items"]) == 1
    assert len(page_all["items"]) >= 20
    assert small == large
