"""The learner's and the parent's cabinet through the API and the web pages (SEC-27.1, R503-12)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from oqu.journal.models import PeriodMark
from oqu.lms.models import HomeworkSubmission
from oqu.people.models import Guardianship
from oqu.school.models import Substitution
from oqu.tests import factories as f

from .conftest import DAY, attend, homework, lesson, mark

pytestmark = pytest.mark.django_db
API = "/api/v1/cabinet"


def _day_of(cab: Any) -> dict[str, Any]:
    """Three lessons of the child's class on DAY (one substituted), and one of the other class."""
    first = lesson(cab.assignments["math_5a"], DAY, 1, room=cab.room, topic="Дроби")
    second = lesson(cab.assignments["kazakh_5a"], DAY, 2, teacher=cab.substitute, topic="Етістік")
    Substitution.objects.create(
        organization=cab.org,
        lesson=second,
        absent_teacher=cab.teacher,
        substitute=cab.substitute,
        reason="Болезнь",
    )
    third = lesson(cab.assignments["math_5a"], DAY, 3)
    other = lesson(cab.assignments["math_5b"], DAY, 1, topic="Углы")
    return {"first": first, "second": second, "third": third, "other": other}


@pytest.mark.smoke  # hand-written SQL: PostgreSQL and SQLite alike
def test_sec_27_1_parent_sees_today_of_own_child(cab, api):
    """R503-12: the parent sees the current progress and attendance of the day."""
    day = _day_of(cab)
    attend(day["first"], cab.child, "present")
    attend(day["second"], cab.child, "late")
    given = mark(day["first"], cab.child, "8", kind="fo", max_points=10)
    mark(day["first"], cab.classmate, "3")
    due_today = homework(day["first"], DAY, "Задача 1")
    homework(day["first"], DAY + dt.timedelta(days=1), "Задача 2")
    homework(day["first"], DAY + dt.timedelta(days=2), "Later")
    HomeworkSubmission.objects.create(
        organization=cab.org,
        homework=due_today,
        learner=cab.child,
        text="Ответ",
        submitted_at=timezone.now(),
    )

    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/today", {"date": DAY}).json()

    assert body["person"]["class_name"] == "5А"
    assert [(x["number"], x["subject"]) for x in body["lessons"]] == [
        (1, "Математика"),
        (2, "Казахский язык"),
        (3, "Математика"),
    ]
    first, second = body["lessons"][0], body["lessons"][1]
    assert (first["starts_at"], first["ends_at"], first["room"], first["topic"]) == (
        "08:00",
        "08:45",
        "204",
        "Дроби",
    )
    assert first["teacher"] == "Ахметова Сәуле"
    assert first["attendance"] == "present"
    assert second["teacher"] == "Омаров Бауыржан"
    assert second["substitution"] == {"absent_teacher": "Ахметова Сәуле", "reason": "Болезнь"}
    assert second["attendance"] == "late"
    assert [(m["id"], m["points"], m["max_points"], m["kind"]) for m in body["marks"]] == [
        (str(given.pk), 8.0, 10, "fo")
    ]
    assert [(h["text"], h["state"]) for h in body["homework"]] == [
        ("Задача 1", "submitted"),
        ("Задача 2", "open"),
    ]


def test_sec_27_1_parent_gets_404_for_a_child_not_theirs(cab, api):
    """A parent sees only their child: a classmate, a stranger or a missing id answer 404."""
    client = api(cab.parent_user)
    assert client.get(f"{API}/{cab.child.pk}/today").status_code == 200
    for other in (cab.classmate, cab.teacher, f.make_person("Чужой", "Ребёнок")):
        assert client.get(f"{API}/{other.pk}/today").status_code == 404
        assert client.get(f"{API}/{other.pk}/marks").status_code == 404
        assert client.get(f"/cabinet/{other.pk}/").status_code == 404
    assert client.get(f"{API}/{cab.parent.pk}/today").status_code == 404  # not enrolled


def test_sec_27_1_ended_guardianship_closes_the_cabinet(cab, api):
    Guardianship.objects.filter(guardian=cab.parent, child=cab.second_child).update(end_date=DAY)
    client = api(cab.parent_user)
    assert client.get(f"{API}/{cab.second_child.pk}/today").status_code == 404
    assert [p["id"] for p in client.get(f"{API}/people").json()] == [str(cab.child.pk)]


def test_sec_27_1_parent_switches_between_two_children(cab, api):
    _day_of(cab)
    client = api(cab.parent_user)
    people = client.get(f"{API}/people", {"date": DAY}).json()
    assert {(p["id"], p["class_name"], p["relation"]) for p in people} == {
        (str(cab.child.pk), "5А", "child"),
        (str(cab.second_child.pk), "5Ә", "child"),
    }
    first = client.get(f"{API}/{cab.child.pk}/today", {"date": DAY}).json()
    second = client.get(f"{API}/{cab.second_child.pk}/today", {"date": DAY}).json()
    assert len(first["lessons"]) == 3
    assert [x["topic"] for x in second["lessons"]] == ["Углы"]
    # the web page offers the switch, staying on the same tab
    page = client.get(f"/cabinet/{cab.second_child.pk}/marks/").content.decode()
    assert f"/cabinet/{cab.child.pk}/marks/" in page
    assert 'data-testid="switcher"' in page
    # with several children the cabinet starts with the choice
    index = client.get("/cabinet/").content.decode()
    assert str(cab.child.pk) in index
    assert str(cab.second_child.pk) in index


def test_sec_27_1_learner_sees_only_themselves(cab, api):
    """A learner cannot see a classmate (404), only their own cabinet."""
    client = api(cab.child_user)
    assert client.get(f"{API}/{cab.child.pk}/today").status_code == 200
    assert client.get(f"{API}/{cab.classmate.pk}/today").status_code == 404
    assert client.get(f"{API}/{cab.second_child.pk}/today").status_code == 404
    assert client.get(f"/cabinet/{cab.classmate.pk}/week/").status_code == 404
    assert [p["relation"] for p in client.get(f"{API}/people").json()] == ["self"]
    response = client.get("/cabinet/")
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/{cab.child.pk}/"


def test_sec_27_1_staff_grant_does_not_open_a_cabinet(cab, api):
    """A teacher of the class reads the journal, not the family's cabinet."""
    client = api(cab.teacher_user)
    assert client.get(f"{API}/{cab.child.pk}/today").status_code == 404
    assert client.get(f"/cabinet/{cab.child.pk}/").status_code == 404


def test_sec_27_1_anonymous_is_refused(cab, client):
    assert client.get(f"{API}/{cab.child.pk}/today").status_code == 401
    assert client.get(f"/cabinet/{cab.child.pk}/").status_code == 302


def test_sec_27_1_marks_by_subject_and_period_with_kind_and_points(cab, api):
    q1_lesson = lesson(cab.assignments["math_5a"], DAY, 1)
    q2_lesson = lesson(cab.assignments["math_5a"], dt.date(2025, 11, 10), 1)
    kaz_lesson = lesson(cab.assignments["kazakh_5a"], DAY, 2)
    mark(q1_lesson, cab.child, "7", kind="fo")
    mark(q1_lesson, cab.child, "15", kind="sor", max_points=20)
    mark(q2_lesson, cab.child, "9.5", kind="soch", max_points=25)
    mark(kaz_lesson, cab.child, "6")
    mark(kaz_lesson, cab.classmate, "1")

    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/marks", {"date": DAY}).json()

    assert [p["name"] for p in body["periods"]][:1]
    by_subject = {s["subject"]: s["periods"] for s in body["subjects"]}
    assert set(by_subject) == {"Математика", "Казахский язык"}
    math = by_subject["Математика"]
    assert [len(p["marks"]) for p in math] == [2, 1]
    assert [(m["kind"], m["points"], m["max_points"]) for m in math[0]["marks"]] == [
        ("fo", 7.0, 10),
        ("sor", 15.0, 20),
    ]
    assert (math[1]["marks"][0]["kind"], math[1]["marks"][0]["points"]) == ("soch", 9.5)
    assert [m["points"] for m in by_subject["Казахский язык"][0]["marks"]] == [6.0]
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/marks/", {"date": DAY})
    assert page.status_code == 200
    assert re.search(r"<strong>9[.,]5</strong> / 25", page.content.decode())


def test_sec_27_1_period_marks_final_or_preliminary(cab, api):
    quarters = list(cab.year.periods.order_by("number"))
    common = {"organization": cab.org, "learner": cab.child, "computed_at": timezone.now()}
    PeriodMark.objects.create(
        assignment=cab.assignments["math_5a"],
        period=quarters[0],
        percent=Decimal("86.00"),
        computed_mark=5,
        final_mark=5,
        confirmed_by=cab.teacher,
        confirmed_at=timezone.now(),
        **common,
    )
    PeriodMark.objects.create(
        assignment=cab.assignments["math_5a"],
        period=quarters[1],
        percent=Decimal("70.00"),
        computed_mark=4,
        **common,
    )
    PeriodMark.objects.create(
        assignment=cab.assignments["math_5a"], period=None, computed_mark=4, **common
    )

    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/period-marks", {"date": DAY}).json()

    (math,) = body["subjects"]
    assert math["marks"][str(quarters[0].pk)] == {"mark": 5, "percent": 86.0, "preliminary": False}
    assert math["marks"][str(quarters[1].pk)]["preliminary"] is True
    assert math["marks"]["year"]["mark"] == 4
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/period-marks/", {"date": DAY})
    assert "4*" in page.content.decode()


def test_sec_27_1_attendance_by_period_with_absences_summary(cab, api):
    lessons = [lesson(cab.assignments["math_5a"], DAY, n) for n in (1, 2, 3, 4)]
    q2 = lesson(cab.assignments["math_5a"], dt.date(2025, 11, 10), 1)
    attend(lessons[0], cab.child, "present")
    attend(lessons[1], cab.child, "absent_unexcused")
    attend(lessons[2], cab.child, "sick")
    attend(lessons[3], cab.child, "late")
    attend(q2, cab.child, "absent_excused")
    attend(lessons[1], cab.classmate, "absent_unexcused")

    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/attendance", {"date": DAY}).json()

    summary = {
        p["number"]: (p["absent"], p["absent_with_reason"], p["late"]) for p in body["periods"]
    }
    assert summary == {1: (2, 1, 1), 2: (1, 1, 0), 3: (0, 0, 0), 4: (0, 0, 0)}
    assert len(body["records"]) == 4
    assert api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/attendance/").status_code == 200


def test_sec_27_1_homework_open_submitted_checked_overdue(cab, api):
    made = lesson(cab.assignments["math_5a"], DAY, 1)
    open_one = homework(made, DAY + dt.timedelta(days=3), "open")
    overdue = homework(made, DAY - dt.timedelta(days=1), "overdue")
    submitted = homework(made, DAY, "submitted")
    checked = homework(made, DAY - dt.timedelta(days=2), "checked")
    now = timezone.now()
    HomeworkSubmission.objects.create(
        organization=cab.org, homework=submitted, learner=cab.child, submitted_at=now
    )
    HomeworkSubmission.objects.create(
        organization=cab.org,
        homework=checked,
        learner=cab.child,
        submitted_at=now,
        status="checked",
        points=Decimal("9"),
    )
    # the classmate's submission does not count for the child
    HomeworkSubmission.objects.create(
        organization=cab.org, homework=overdue, learner=cab.classmate, submitted_at=now
    )

    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/homework", {"date": DAY}).json()

    groups = {g["state"]: [h["id"] for h in g["items"]] for g in body["groups"]}
    assert groups["open"] == [str(open_one.pk)]
    assert groups["overdue"] == [str(overdue.pk)]
    assert groups["submitted"] == [str(submitted.pk)]
    assert groups["checked"] == [str(checked.pk)]
    assert body["total"] == 4
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/homework/", {"date": DAY})
    assert 'data-testid="homework-overdue"' in page.content.decode()


def test_sec_27_1_subgroup_lessons_only_for_its_members(cab, api):
    from oqu.school.models import Subgroup, TeachingAssignment

    group = Subgroup.objects.create(organization=cab.org, school_class=cab.class_5a, name="1")
    group.learners.add(cab.classmate)
    english = TeachingAssignment.objects.create(
        organization=cab.org,
        year=cab.year,
        teacher=cab.teacher,
        school_class=cab.class_5a,
        subject=cab.kazakh,
        subgroup=group,
        hours_per_week=1,
    )
    lesson(english, DAY, 5)
    lesson(cab.assignments["math_5a"], DAY, 1)
    child = api(cab.child_user).get(f"{API}/{cab.child.pk}/today", {"date": DAY}).json()
    assert [x["number"] for x in child["lessons"]] == [1]
    mate = api(cab.classmate_user).get(f"{API}/{cab.classmate.pk}/today", {"date": DAY}).json()
    assert [x["number"] for x in mate["lessons"]] == [1, 5]


def test_sec_27_1_week_timetable(cab, api):
    _day_of(cab)
    lesson(cab.assignments["math_5a"], DAY + dt.timedelta(days=2), 4)
    body = (
        api(cab.parent_user)
        .get(f"{API}/{cab.child.pk}/week", {"date": DAY + dt.timedelta(days=3)})
        .json()
    )
    assert body["week_of"] == DAY.isoformat()
    assert [len(d["lessons"]) for d in body["days"]] == [3, 0, 1, 0, 0, 0]
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/week/", {"date": DAY})
    assert page.content.decode().count('data-testid="week-day"') == 6


def test_sec_27_1_week_shows_the_timetable_where_lessons_are_not_generated(cab, api):
    from oqu.school.models import TimetableEntry

    lesson(cab.assignments["math_5a"], DAY, 1)  # Monday's lessons exist
    for weekday, number in ((1, 2), (2, 1), (2, 3), (6, 1)):
        TimetableEntry.objects.create(
            organization=cab.org,
            assignment=cab.assignments["kazakh_5a"],
            weekday=weekday,
            lesson_number=number,
            room=cab.room,
            valid_from=cab.year.start_date,
        )
    TimetableEntry.objects.create(  # another class's grid
        organization=cab.org,
        assignment=cab.assignments["math_5b"],
        weekday=2,
        lesson_number=2,
        valid_from=cab.year.start_date,
    )
    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/week", {"date": DAY}).json()
    monday, tuesday = body["days"][0]["lessons"], body["days"][1]["lessons"]
    assert [(x["number"], x["from_timetable"]) for x in monday] == [(1, False)]
    assert [(x["number"], x["subject"], x["room"]) for x in tuesday] == [
        (1, "Казахский язык", "204"),
        (3, "Казахский язык", "204"),
    ]
    assert all(x["from_timetable"] and x["id"] is None for x in tuesday)
    assert tuesday[0]["starts_at"] == "08:00"
    assert len(body["days"][5]["lessons"]) == 1  # Saturday
    # an autumn-break week shows no grid
    holiday = api(cab.parent_user).get(f"{API}/{cab.child.pk}/week", {"date": "2025-10-28"})
    assert all(d["lessons"] == [] for d in holiday.json()["days"])


def test_sec_27_1_documents_and_certificates_section(cab, api):
    body = api(cab.parent_user).get(f"{API}/{cab.child.pk}/documents").json()
    assert body["person"]["iin"] == cab.child.iin
    assert body["class_history"][0]["class_name"] == "5А"
    assert body["profiles_installed"] is True  # the digital profiles app is part of the platform
    assert body["certificates"] == []
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/documents/").content.decode()
    assert 'data-testid="certificates"' in page


def test_sec_27_1_every_tab_renders_with_the_free_no_ads_footer(cab, api):
    _day_of(cab)
    client = api(cab.parent_user)
    for tab in ("", "week/", "marks/", "period-marks/", "attendance/", "homework/", "documents/"):
        response = client.get(f"/cabinet/{cab.child.pk}/{tab}", {"date": DAY})
        assert response.status_code == 200, tab
        assert 'data-testid="cabinet-footer"' in response.content.decode(), tab
        assert '<script src="http' not in response.content.decode()
    partial = client.get(f"/cabinet/{cab.child.pk}/", {"date": DAY}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "Дроби" in body
    assert "<html" not in body
    # the menu leads to the cabinet
    assert 'href="/cabinet/"' in client.get("/").content.decode()


def test_sec_27_1_notification_settings_api_and_page(cab, api):
    client = api(cab.parent_user)
    assert client.get(f"{API}/notification-settings").json() == {
        "marks": True,
        "absences": True,
        "by_email": False,
    }
    response = client.put(
        f"{API}/notification-settings",
        {"marks": False, "absences": True, "by_email": True},
        content_type="application/json",
    )
    assert response.json() == {"marks": False, "absences": True, "by_email": True}
    client.post("/cabinet/settings/", {"marks": "on"})
    assert client.get(f"{API}/notification-settings").json() == {
        "marks": True,
        "absences": False,
        "by_email": False,
    }
