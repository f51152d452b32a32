# ruff: noqa: F811
"""The timetable pages (SEC-27.8): the deputy edits a class's grid with the live check, reviews and
applies the automatic draft, manages rooms, bells and lessons, substitutes a teacher; a teacher
only looks; another school's pages answer 404."""

from __future__ import annotations

import datetime as dt

from oqu.school import timetable as services
from oqu.school.models import BellSlot, Lesson, Room, Substitution, TimetableEntry

# The `tt` fixture is imported from the API tests; pytest passes it by name (hence F811).
from .test_timetable import MONDAY, place, tt  # noqa: F401

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_sec_27_8_web_grid_place_with_live_check_and_refused_double_booking(tt):
    school = tt.school
    page = tt.deputy.get(f"/school/classes/{school.class_5a.pk}/timetable/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="place-form"' in html
    assert 'data-testid="timetable-grid"' in html
    place(tt.math_5b, 1, 1, tt.room_101)
    form = {
        "assignment": tt.math_5a.pk,
        "weekday": "1",
        "lesson_number": "1",
        "room": tt.room_101.pk,
    }
    check = tt.deputy.post(f"/school/classes/{school.class_5a.pk}/timetable/check/", form, **HTMX)
    body = check.content.decode()
    assert 'data-testid="check-conflicts"' in body
    assert 'data-code="teacher_busy"' in body
    assert 'data-code="room_busy"' in body
    refused = tt.deputy.post(f"/school/classes/{school.class_5a.pk}/timetable/place/", form, **HTMX)
    assert 'data-testid="grid-error"' in refused.content.decode()
    assert not TimetableEntry.objects.filter(assignment=tt.math_5a).exists()
    form.update(weekday="2", room="")
    ok = tt.deputy.post(f"/school/classes/{school.class_5a.pk}/timetable/place/", form, **HTMX)
    html = ok.content.decode()
    assert 'data-testid="cell-2-1"' in html
    assert "Математика" in html
    assert 'data-code="hours_not_covered"' in html
    entry = TimetableEntry.objects.get(assignment=tt.math_5a)
    removed = tt.deputy.post(f"/school/timetable/entries/{entry.pk}/remove/", {}, **HTMX)
    assert removed.status_code == 200
    assert not TimetableEntry.objects.filter(assignment=tt.math_5a).exists()


def test_sec_27_8_web_teacher_sees_grid_without_forms_and_cannot_place(tt, login):
    school = tt.school
    teacher = login(school.teacher_user)
    page = teacher.get(f"/school/classes/{school.class_5a.pk}/timetable/").content.decode()
    assert 'data-testid="timetable-grid"' in page
    assert 'data-testid="place-form"' not in page
    form = {"assignment": tt.math_5a.pk, "weekday": "1", "lesson_number": "1"}
    response = teacher.post(f"/school/classes/{school.class_5a.pk}/timetable/place/", form)
    assert response.status_code == 403
    assert (
        teacher.post(
            f"/school/years/{school.year.pk}/timetable/rooms/add/", {"name": "X"}
        ).status_code
        == 403
    )
    assert not TimetableEntry.objects.exists()


def test_sec_27_8_web_other_school_pages_answer_404(tt, org_tree, user_with_role, login):
    school = tt.school
    outsider = login(user_with_role("school_deputy_director", org_tree.school_b1))
    org = school.year.organization_id
    for url in (
        f"/school/classes/{school.class_5a.pk}/timetable/",
        f"/school/years/{school.year.pk}/timetable/",
        f"/school/classes/{school.class_5a.pk}/week/",
        f"/school/org/{org}/teachers/{school.teacher.pk}/week/",
        f"/school/org/{org}/lessons/",
    ):
        assert outsider.get(url).status_code == 404, url


def test_sec_27_8_web_draft_review_and_apply(tt):
    school = tt.school
    review = tt.deputy.get(
        f"/school/years/{school.year.pk}/timetable/draft/?class={school.class_5a.pk}"
    )
    html = review.content.decode()
    assert review.status_code == 200
    assert 'data-testid="draft-placed"' in html
    assert "Everything has been placed." in html or "Барлығы" in html or "Всё" in html
    report = services.draft_build(
        actor=tt.deputy_actor, year=school.year, classes=[school.class_5a]
    )
    applied = tt.deputy.post(
        f"/school/years/{school.year.pk}/timetable/draft/apply/",
        {"class": school.class_5a.pk, "days": "5", "fingerprint": report.draft.fingerprint()},
    )
    assert applied.status_code == 302
    assert TimetableEntry.objects.filter(assignment__school_class=school.class_5a).count() == 5


def test_sec_27_8_web_year_page_rooms_bells_and_generation(tt):
    school = tt.school
    url = f"/school/years/{school.year.pk}/timetable/"
    assert tt.deputy.get(url).status_code == 200
    tt.deputy.post(
        f"/school/years/{school.year.pk}/timetable/rooms/add/",
        {"name": "Спортзал", "capacity": "60"},
    )
    gym = Room.objects.get(name="Спортзал")
    assert gym.capacity == 60
    tt.deputy.post(
        f"/school/rooms/{gym.pk}/edit/", {"year": school.year.pk, "name": "Зал", "capacity": ""}
    )
    assert Room.objects.get(pk=gym.pk).name == "Зал"
    tt.deputy.post(f"/school/rooms/{gym.pk}/edit/", {"year": school.year.pk, "delete": "1"})
    assert not Room.objects.filter(pk=gym.pk).exists()
    tt.deputy.post(
        f"/school/years/{school.year.pk}/timetable/bells/",
        {"shift": "2", "number": "1", "starts_at": "14:00", "ends_at": "14:45"},
    )
    assert BellSlot.objects.filter(year=school.year, shift=2, number=1).exists()
    place(tt.math_5a, 1, 1)
    tt.deputy.post(
        f"/school/years/{school.year.pk}/timetable/generate/",
        {"date_from": "2025-09-01", "date_to": "2025-09-14"},
    )
    assert Lesson.objects.count() == 2
    page = tt.deputy.get(url).content.decode()
    assert 'data-testid="bells"' in page
    assert "14:00" in page


def test_sec_27_8_web_lessons_of_a_date_substitute_and_undo_and_weeks(tt, login):
    school = tt.school
    place(tt.math_5a, 1, 1)
    place(tt.kaz_5a, 1, 2)
    services.lessons_generate(
        actor=tt.deputy_actor, year=school.year, date_from=MONDAY, date_to=MONDAY
    )
    org = school.year.organization_id
    day = tt.deputy.get(f"/school/org/{org}/lessons/?date={MONDAY.isoformat()}").content.decode()
    assert 'data-testid="date-lessons"' in day
    lesson = Lesson.objects.get(lesson_number=1)
    form = tt.deputy.get(f"/school/lessons/{lesson.pk}/substitute/", **HTMX).content.decode()
    assert str(tt.teacher2.pk) in form
    assert str(school.teacher.pk) not in form  # the absent teacher is not offered
    tt.deputy.post(
        f"/school/lessons/{lesson.pk}/substitute/set/",
        {"substitute": tt.teacher2.pk, "reason": "Курсы"},
    )
    assert Lesson.objects.get(pk=lesson.pk).teacher == tt.teacher2
    assert Substitution.objects.get(lesson=lesson).absent_teacher == school.teacher
    tt.deputy.post(f"/school/lessons/{lesson.pk}/substitute/undo/", {})
    assert Lesson.objects.get(pk=lesson.pk).teacher == school.teacher
    teacher = login(school.teacher_user)
    week = teacher.get(f"/school/classes/{school.class_5a.pk}/week/?date={MONDAY.isoformat()}")
    assert week.status_code == 200
    assert "Математика" in week.content.decode()
    mine = teacher.get(
        f"/school/org/{org}/teachers/{school.teacher.pk}/week/?date={MONDAY.isoformat()}"
    )
    assert "5А" in mine.content.decode()
    assert teacher.get(f"/school/lessons/{lesson.pk}/substitute/").status_code == 403
    next_week = (MONDAY + dt.timedelta(days=7)).isoformat()
    assert (
        'data-testid="week"'
        in teacher.get(
            f"/school/classes/{school.class_5a.pk}/week/?date={next_week}"
        ).content.decode()
    )
