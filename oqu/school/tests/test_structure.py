"""The academic year, its periods and vacations, subjects and the curriculum (SEC-27.6/7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from oqu.audit.models import ActionRecord
from oqu.kernel.models import CalendarDay
from oqu.school.models import AcademicYear, CurriculumLine, StudyPeriod

API = "/api/v1"
D = dt.date


def _post(api: Any, path: str, payload: dict[str, Any], method: str = "post") -> Any:
    return getattr(api, method)(f"{API}{path}", payload, content_type="application/json")


def test_sec_27_6_director_creates_year_with_quarters_and_vacation(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    year = _post(
        api,
        "/school/years",
        {
            "organization_id": str(org_tree.school_a1.pk),
            "name": "2026-2027",
            "start_date": "2026-09-01",
            "end_date": "2027-05-31",
        },
    )
    assert year.status_code == 201, year.json()
    year_id = year.json()["id"]
    q1 = _post(
        api,
        f"/school/years/{year_id}/periods",
        {"kind": "quarter", "number": 1, "start_date": "2026-09-01", "end_date": "2026-10-23"},
    )
    assert q1.status_code == 201, q1.json()
    vacation = _post(
        api,
        f"/school/years/{year_id}/vacations",
        {
            "name_kk": "Күзгі демалыс",
            "name_ru": "Осенние каникулы",
            "start_date": "2026-10-26",
            "end_date": "2026-11-01",
        },
    )
    assert vacation.status_code == 201, vacation.json()
    detail = api.get(f"{API}/school/years/{year_id}").json()
    assert [p["number"] for p in detail["periods"]] == [1]
    assert detail["periods"][0]["working_days"] > 30
    assert detail["vacations"][0]["name_ru"] == "Осенние каникулы"
    created = ActionRecord.objects.filter(action="school.period.create").get()
    assert created.after["start_date"] == "2026-09-01"


def test_sec_27_6_period_overlap_and_bounds_are_refused_in_both_languages(
    school, user_with_role, login
):
    api = login(user_with_role("school_deputy_director", school.year.organization))
    url = f"/school/years/{school.year.pk}/periods"
    outside = {
        "kind": "half_year",
        "number": 1,
        "start_date": "2025-08-25",
        "end_date": "2025-12-26",
    }
    overlap = {"kind": "quarter", "number": 1, "start_date": "2025-09-01", "end_date": "2025-10-24"}
    StudyPeriod.objects.filter(year=school.year, number=1).delete()
    overlap_q2 = {
        "kind": "quarter",
        "number": 1,
        "start_date": "2025-09-01",
        "end_date": "2025-11-05",
    }
    response = _post(api, url, outside)
    assert response.status_code == 400
    assert response.json()["code"] == "outside_year"
    response = _post(api, url, overlap_q2)
    assert response.status_code == 400
    assert response.json()["code"] == "period_overlap"
    # the quarter that fits is accepted
    assert _post(api, url, overlap).status_code == 201
    # messages are translated
    with translation.override("ru"):
        from oqu.school import services

        assert "учебного года" in str(
            _error(lambda: services._check_inside_year(school.year, D(2025, 8, 1), D(2025, 9, 5)))
        )
    with translation.override("kk"):
        assert "оқу жылы" in str(
            _error(lambda: services._check_inside_year(school.year, D(2025, 8, 1), D(2025, 9, 5)))
        )


def _error(call: Any) -> Any:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the message is what is checked
        return error.message  # type: ignore[attr-defined]
    raise AssertionError("no error")


def test_sec_27_6_period_must_start_on_a_working_day(school, user_with_role, login):
    CalendarDay.objects.update_or_create(date=D(2025, 9, 1), defaults={"kind": "holiday"})
    StudyPeriod.objects.filter(year=school.year).delete()
    api = login(user_with_role("school_director", school.year.organization))
    response = _post(
        api,
        f"/school/years/{school.year.pk}/periods",
        {"kind": "half_year", "number": 1, "start_date": "2025-09-01", "end_date": "2025-12-26"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "period_starts_on_day_off"


def test_sec_27_6_vacation_cannot_overlap_a_quarter(school, user_with_role, login):
    api = login(user_with_role("school_director", school.year.organization))
    response = _post(
        api,
        f"/school/years/{school.year.pk}/vacations",
        {
            "name_kk": "Демалыс",
            "name_ru": "Каникулы",
            "start_date": "2025-10-20",
            "end_date": "2025-10-31",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "vacation_overlaps_period"


def test_sec_27_6_years_of_a_school_do_not_overlap(school, user_with_role, login):
    api = login(user_with_role("school_director", school.year.organization))
    response = _post(
        api,
        "/school/years",
        {
            "organization_id": str(school.year.organization_id),
            "name": "2026",
            "start_date": "2026-05-01",
            "end_date": "2027-04-30",
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "year_overlap"
    assert AcademicYear.objects.count() == 1


def test_sec_27_7_curriculum_grid_totals_per_grade_and_part(school, user_with_role, login):
    api = login(user_with_role("school_director", school.year.organization))
    url = f"/school/years/{school.year.pk}/curriculum"
    cells = [
        (school.math, 5, "invariant", "5"),
        (school.math, 6, "invariant", "5"),
        (school.kazakh, 5, "invariant", "3"),
        (school.math, 5, "variant", "1"),
        (school.kazakh, 6, "variant", "0.5"),
    ]
    for subject, grade, part, hours in cells:
        response = _post(
            api,
            url,
            {"subject_id": str(subject.pk), "grade": grade, "part": part, "hours_per_week": hours},
            method="put",
        )
        assert response.status_code == 200, response.json()
    grid = api.get(f"{API}{url}").json()
    assert grid["grades"] == [5, 6]
    assert [float(x) for x in grid["total_invariant"]] == [8.0, 5.0]
    assert [float(x) for x in grid["total_variant"]] == [1.0, 0.5]
    assert [float(x) for x in grid["total"]] == [9.0, 5.5]
    # zero hours removes a cell, journaled with its old value
    _post(
        api,
        url,
        {"subject_id": str(school.math.pk), "grade": 5, "part": "variant", "hours_per_week": "0"},
        method="put",
    )
    assert CurriculumLine.objects.filter(year=school.year, part="variant").count() == 1
    removed = ActionRecord.objects.get(action="school.curriculum.remove")
    assert removed.before == {"hours_per_week": "1.0"}


def test_sec_27_7_curriculum_hours_in_half_steps(school, user_with_role, login):
    api = login(user_with_role("school_director", school.year.organization))
    response = _post(
        api,
        f"/school/years/{school.year.pk}/curriculum",
        {
            "subject_id": str(school.math.pk),
            "grade": 5,
            "part": "invariant",
            "hours_per_week": "1.3",
        },
        method="put",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "hours_range"


def test_sec_27_6_teacher_views_structure_but_cannot_change_it(school, login):
    api = login(school.teacher_user)
    assert api.get(f"{API}/school/years/{school.year.pk}").status_code == 200
    assert api.get(f"{API}/school/years/{school.year.pk}/curriculum").status_code == 200
    response = _post(
        api,
        f"/school/years/{school.year.pk}/vacations",
        {
            "name_kk": "Демалыс",
            "name_ru": "Каникулы",
            "start_date": "2025-10-27",
            "end_date": "2025-11-02",
        },
    )
    assert response.status_code == 403


def test_sec_27_6_other_school_teacher_gets_404(school, org_tree, user_with_role, login):
    api = login(user_with_role("school_teacher", org_tree.school_b1))
    assert api.get(f"{API}/school/years/{school.year.pk}").status_code == 404
    assert api.get(f"{API}/school/years/{school.year.pk}/curriculum").status_code == 404
    assert api.get(f"{API}/school/years").json()["items"] == []


@pytest.mark.parametrize("path", ["/school/years", "/school/subjects"])
def test_sec_27_6_structure_lists_constant_queries(school, org_tree, user_with_role, login, path):
    from oqu.school.models import Subject
    from oqu.school.tests.conftest import make_year

    for n in range(8):
        Subject.objects.create(
            organization=org_tree.school_a1, code=f"S{n}", name_kk=f"П{n}", name_ru=f"П{n}"
        )
    for n in range(3):
        AcademicYear.objects.create(
            organization=org_tree.school_a1,
            name=f"20{10 + n}",
            start_date=D(2010 + n, 9, 1),
            end_date=D(2011 + n, 5, 31),
        )
    assert make_year  # the fixture's year is there too
    api = login(user_with_role("district_specialist", org_tree.district_a1))

    def run(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}{path}?limit={limit}")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small = run(1)
    large = run(200)
    assert large[1] > small[1] == 1
    assert small[0] == large[0]
