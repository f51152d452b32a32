"""The teaching load of a school year: per teacher, by class-subject, for the year, exported
(SEC-27.13)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.access import scope
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden, NotFound
from oqu.school import load
from oqu.school.models import (
    AcademicYear,
    Lesson,
    StudyPeriod,
    Subgroup,
    Substitution,
    TeachingAssignment,
)
from oqu.tests import factories as f

from .conftest import make_class

D = dt.date


def assign(school: Any, teacher: Any, school_class: Any, subject: Any, hours: str, **extra: Any):
    return TeachingAssignment.objects.create(
        organization=school.year.organization,
        year=school.year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        hours_per_week=Decimal(hours),
        **extra,
    )


def lesson_of(assignment: Any, day: dt.date, number: int = 1, **extra: Any) -> Lesson:
    return Lesson.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        date=day,
        lesson_number=number,
        teacher=extra.pop("teacher", assignment.teacher),
        **extra,
    )


def substitute(lesson: Lesson, substitute_teacher: Any) -> Substitution:
    lesson.teacher = substitute_teacher
    lesson.save()
    return Substitution.objects.create(
        organization=lesson.organization,
        lesson=lesson,
        absent_teacher=lesson.assignment.teacher,
        substitute=substitute_teacher,
        reason="болеет",
    )


@pytest.fixture
def staffed(school: Any) -> dict[str, Any]:
    """Teacher S: 5+4+3 = 12 h (underload); teacher B: 10+8 = 18 h (overload at 16)."""
    org = school.year.organization
    other = f.make_person("Байжанов", "Марат", D(1975, 1, 1), "M")
    f.employ(other, org)
    group = Subgroup.objects.create(organization=org, school_class=school.class_5a, name="1")
    return {
        "other": other,
        "s_math": assign(school, school.teacher, school.class_5a, school.math, "5"),
        "s_kaz": assign(school, school.teacher, school.class_5b, school.kazakh, "4"),
        "s_group": assign(
            school, school.teacher, school.class_5a, school.kazakh, "3", subgroup=group
        ),
        "b_math": assign(school, other, school.class_5b, school.math, "10"),
        "b_kaz": assign(school, other, school.class_5a, school.kazakh, "8"),
    }


def _row(result: load.SchoolLoad, person: Any) -> load.TeacherLoad:
    return next(r for r in result.rows if r.teacher.pk == person.pk)


def test_sec27_13_load_per_teacher_against_the_rate_in_force(school, staffed, user_with_role):
    director = scope.actor_for(user_with_role("school_director", school.year.organization))
    result = load.school_load(director, school.year, as_of=D(2026, 5, 31))
    assert result.rate == Decimal(16)  # the year starts after 01.09.2021
    s_row, b_row = _row(result, school.teacher), _row(result, staffed["other"])
    assert (s_row.load.hours, s_row.load.difference, s_row.status) == (
        Decimal(12),
        Decimal(-4),
        "underload",
    )
    assert (b_row.load.hours, b_row.load.difference, b_row.status) == (
        Decimal(18),
        Decimal(2),
        "overload",
    )
    assert [(line.class_name, line.subject_code, line.subgroup_name) for line in s_row.lines] == [
        ("5А", "KAZ", "1"),
        ("5А", "MATH", ""),
        ("5Ә", "KAZ", ""),
    ]
    assert (result.overloaded, result.underloaded) == (1, 1)


def test_sec27_13_hours_for_the_year_are_weekly_hours_times_study_weeks(
    school, staffed, user_with_role
):
    director = scope.actor_for(user_with_role("school_director", school.year.organization))
    result = load.school_load(director, school.year)
    assert Decimal(30) <= result.study_weeks <= Decimal(36)
    row = _row(result, school.teacher)
    assert row.hours_per_year == (Decimal(12) * result.study_weeks).quantize(Decimal("0.1"))
    math = next(line for line in row.lines if line.subject_code == "MATH")
    assert math.hours_per_year == (Decimal(5) * result.study_weeks).quantize(Decimal("0.1"))


def test_sec27_13_study_weeks_count_working_days_of_the_quarters(school):
    """Two quarters of two plain weeks each (no holidays in them): 20 working days = 4.0 weeks."""
    org = school.year.organization
    year = AcademicYear.objects.create(
        organization=org, name="2030-2031", start_date=D(2030, 9, 2), end_date=D(2031, 5, 30)
    )
    for number, (start, end) in enumerate(
        [(D(2030, 9, 2), D(2030, 9, 13)), (D(2030, 11, 11), D(2030, 11, 22))], start=1
    ):
        StudyPeriod.objects.create(
            organization=org,
            year=year,
            kind="quarter",
            number=number,
            start_date=start,
            end_date=end,
        )
    assert load.study_weeks(year) == Decimal("4.0")


def test_sec27_13_rate_before_september_2021_is_18(school, user_with_role):
    org = school.year.organization
    old = AcademicYear.objects.create(
        organization=org, name="2020-2021", start_date=D(2020, 9, 1), end_date=D(2021, 5, 25)
    )
    TeachingAssignment.objects.create(
        organization=org,
        year=old,
        teacher=school.teacher,
        school_class=make_class(old, 7, "А"),
        subject=school.math,
        hours_per_week=Decimal(18),
    )
    director = scope.actor_for(user_with_role("school_director", org))
    result = load.school_load(director, old)
    assert result.rate == Decimal(18)
    assert _row(result, school.teacher).status == "normal"


def test_sec27_13_substitutions_are_counted_apart(school, staffed, user_with_role):
    """Held substitutions up to the day count for the substitute, not in the weekly load."""
    s_math = staffed["s_math"]
    other = staffed["other"]
    substitute(lesson_of(s_math, D(2025, 10, 6)), other)
    substitute(lesson_of(s_math, D(2025, 10, 7)), other)
    substitute(lesson_of(s_math, D(2025, 10, 8), status=Lesson.Status.CANCELLED), other)
    substitute(lesson_of(s_math, D(2026, 4, 8)), other)  # after `as_of`: not held yet
    substitute(lesson_of(staffed["b_math"], D(2025, 10, 9)), school.teacher)
    director = scope.actor_for(user_with_role("school_director", school.year.organization))
    result = load.school_load(director, school.year, as_of=D(2025, 12, 1))
    b_row, s_row = _row(result, other), _row(result, school.teacher)
    assert (b_row.substitutions_held, b_row.lessons_given_away) == (2, 1)
    assert (s_row.substitutions_held, s_row.lessons_given_away) == (1, 2)
    assert b_row.load.hours == Decimal(18)  # the load itself is unchanged


def test_sec27_13_a_teacher_sees_only_their_own_load(school, staffed):
    teacher = scope.actor_for(school.teacher_user)
    mine = load.school_load(teacher, school.year)
    assert [r.teacher.pk for r in mine.rows] == [school.teacher.pk]
    assert mine.whole_school is False
    with pytest.raises(Forbidden):
        load.school_load(teacher, school.year, teacher_id=staffed["other"].pk)
    with pytest.raises(Forbidden):
        load.load_export(teacher, school.year)


def test_sec27_13_other_school_answers_404(school, staffed, org_tree, user_with_role, login):
    stranger = user_with_role("school_director", org_tree.school_b1)
    with pytest.raises(NotFound):
        load.load_year_get(scope.actor_for(stranger), school.year.pk)
    client = login(stranger)
    assert client.get(f"/api/v1/school/years/{school.year.pk}/load").status_code == 404
    assert client.get(f"/school/years/{school.year.pk}/load/").status_code == 404
    assert client.get(f"/school/years/{school.year.pk}/load.xlsx").status_code == 404


def test_sec27_13_api_and_missing_capability(school, staffed, login, user_with_role):
    api = login(school.teacher_user)
    own = api.get(f"/api/v1/school/years/{school.year.pk}/load").json()
    assert own["whole_school"] is False
    assert [t["teacher_id"] for t in own["teachers"]] == [str(school.teacher.pk)]
    assert own["teachers"][0]["status"] == "underload"
    refused = api.get(f"/api/v1/school/years/{school.year.pk}/load?teacher={staffed['other'].pk}")
    assert refused.status_code == 403
    assert api.get(f"/api/v1/school/years/{school.year.pk}/load/xlsx").status_code == 403

    director = login(user_with_role("school_director", school.year.organization))
    body = director.get(f"/api/v1/school/years/{school.year.pk}/load").json()
    assert body["rate"] == "16" or Decimal(body["rate"]) == 16
    assert {t["teacher_id"] for t in body["teachers"]} == {
        str(school.teacher.pk),
        str(staffed["other"].pk),
    }
    one = director.get(
        f"/api/v1/school/years/{school.year.pk}/load?teacher={staffed['other'].pk}"
    ).json()
    assert [t["status"] for t in one["teachers"]] == ["overload"]


def test_sec27_13_xlsx_export_is_journaled(school, staffed, login, user_with_role):
    director = login(user_with_role("school_director", school.year.organization))
    response = director.get(f"/api/v1/school/years/{school.year.pk}/load/xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 5 + 2  # header, five class-subjects, a total per teacher
    totals = [r for r in rows[1:] if len(r) > 6 and r[6] is not None]
    assert sorted(r[4] for r in totals) == [12.0, 18.0]
    assert ActionRecord.objects.filter(
        action="school.load.export", target_id=str(school.year.pk)
    ).exists()
    web = director.get(f"/school/years/{school.year.pk}/load.xlsx")
    assert web.status_code == 200
    assert web["Content-Type"].startswith("application/vnd.openxml")


def test_sec27_13_web_page_for_the_director_and_the_teacher(school, staffed, login, user_with_role):
    overview = login(school.teacher_user).get(f"/school/org/{school.year.organization_id}/")
    assert 'data-testid="load-link"' in overview.content.decode()
    own = login(school.teacher_user).get(f"/school/years/{school.year.pk}/load/").content.decode()
    assert own.count('data-testid="load-row"') == 1
    assert 'data-testid="load-export"' not in own
    director = login(user_with_role("school_director", school.year.organization))
    page = director.get(f"/school/years/{school.year.pk}/load/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="load-row"') == 2
    assert 'data-status="overload"' in html
    assert 'data-status="underload"' in html
    assert 'data-testid="load-export"' in html


def test_sec27_13_query_count_does_not_grow_with_teachers(school, staffed, user_with_role):
    director = scope.actor_for(user_with_role("school_director", school.year.organization))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            load.school_load(director, school.year)
        return len(queries)

    before = count()
    for i in range(5):
        person = f.make_person("Мұғалім", f"Н{i}", D(1990, 1, 1 + i), "F")
        f.employ(person, school.year.organization)
        lesson = lesson_of(
            assign(school, person, school.class_5b, school.kazakh, "2"), D(2025, 9, 8 + i)
        )
        substitute(lesson, school.teacher)
    assert count() == before
