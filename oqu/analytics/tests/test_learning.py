"""Learning analytics: quality of knowledge, success and attendance of a class, a school, a district
(the LMS analytics module and the monitoring of the learning process, O456 p.27 sub.5 and 15;
R503-5 results flow; SEC-27.12 journal of attendance and progress). The expected figures are
computed by hand from the example in `conftest.py`."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oqu.access.scope import actor_for
from oqu.analytics import selectors
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden, NotFound
from oqu.school.models import StudyPeriod
from oqu.school.tests.conftest import make_class
from oqu.tests import factories as f

from .conftest import Builder, Example, quarters

P = Decimal


def _report(user: Any, target: selectors.Target, **kwargs: Any) -> selectors.LearningReport:
    return selectors.learning_report(actor_for(user), target, **kwargs)


def _unit_report(user: Any, unit: Any, **kwargs: Any) -> selectors.LearningReport:
    actor = actor_for(user)
    return selectors.learning_report(actor, selectors.target_for_unit(actor, unit.pk), **kwargs)


def _class_report(user: Any, school_class: Any, **kwargs: Any) -> selectors.LearningReport:
    actor = actor_for(user)
    target = selectors.target_for_class(actor, school_class.pk)
    return selectors.learning_report(actor, target, **kwargs)


def _subject(report: selectors.LearningReport, code: str) -> selectors.Line:
    return next(line for line in report.subjects if line.key == code)


def _by_name(lines: list[selectors.Line], name: str) -> selectors.Line:
    return next(line for line in lines if line.name == name)


def _rate(rate: selectors.MarkRate) -> tuple[Any, ...]:
    return (
        rate.learners,
        rate.assessed,
        rate.quality,
        rate.success,
        rate.quality_percent,
        rate.success_percent,
    )


# -- the figures -----------------------------------------------------------------------------


def test_lms_analytics_r503_5_class_quality_and_success_by_subject(
    example: Example, user_with_role
):
    """Final mark when confirmed, else computed; a row without a mark is not assessed."""
    director = user_with_role("school_director", example.tree.school_a1)
    report = _class_report(director, example.class_5a, period="q1")
    assert report.period == "q1"
    # L1 5, L2 final 4 (confirmed), L3 computed 3 (final 5 not confirmed), L4 no mark
    assert _rate(_subject(report, "MATH").mark("q1")) == (4, 3, 2, 3, P("50.0"), P("75.0"))
    assert _rate(_subject(report, "KAZ").mark("q1")) == (3, 3, 1, 2, P("33.3"), P("66.7"))
    # over all subjects: L1 (5, 4) quality; L2 (4, 3) success; L3 (3, 2) neither; L4 not assessed
    assert _rate(report.total.mark("q1")) == (4, 3, 1, 2, P("25.0"), P("50.0"))
    assert _rate(_subject(report, "MATH").mark("year")) == (1, 1, 1, 1, P("100.0"), P("100.0"))
    assert report.breakdown == []


def test_lms_analytics_sec27_12_attendance_by_subject_and_period(example: Example, user_with_role):
    """Present and late count as attended; absences with/without reason and sick apart; a
    cancelled lesson does not count; quarters fold into their half-year and the year."""
    director = user_with_role("school_director", example.tree.school_a1)
    math = _subject(_class_report(director, example.class_5a), "MATH")
    q1 = math.attendance_in("q1")
    assert (q1.recorded, q1.attended, q1.present, q1.late) == (8, 5, 4, 1)
    assert (q1.absent_excused, q1.absent_unexcused, q1.sick, q1.percent) == (1, 1, 1, P("62.5"))
    assert math.attendance_in("h1").recorded == 8
    assert (math.attendance_in("q3").recorded, math.attendance_in("q3").percent) == (1, P("100.0"))
    assert math.attendance_in("h2").recorded == 1
    assert (math.attendance_in("year").recorded, math.attendance_in("year").percent) == (
        9,
        P("66.7"),
    )
    assert math.attendance_in("q2").percent is None


def test_lms_analytics_school_excludes_grade_1_marks_but_not_its_attendance(
    example: Example, user_with_role
):
    director = user_with_role("school_director", example.tree.school_a1)
    report = _unit_report(director, example.tree.school_a1, period="q1")
    assert report.ungraded_grades == [1]
    # 5А L1..L4 and 5Ә L5 (5), L6 (2); 1А L7 left out
    assert _rate(_subject(report, "MATH").mark("q1")) == (6, 5, 3, 4, P("50.0"), P("66.7"))
    attendance = _subject(report, "MATH").attendance_in("q1")
    assert (attendance.recorded, attendance.attended, attendance.absent_unexcused) == (9, 5, 2)
    assert attendance.percent == P("55.6")
    assert _rate(report.total.mark("q1")) == (6, 5, 2, 3, P("33.3"), P("50.0"))
    assert report.breakdown_kind == "class"
    by_class = {line.name: line for line in report.breakdown}
    assert set(by_class) == {"5А", "5Ә", "1А"}  # the empty 6А has no rows
    assert _rate(by_class["5А"].mark("q1")) == (4, 3, 1, 2, P("25.0"), P("50.0"))
    assert _rate(by_class["5Ә"].mark("q1")) == (2, 2, 1, 1, P("50.0"), P("50.0"))
    assert by_class["1А"].mark("q1").learners == 0
    assert by_class["1А"].attendance_in("q1").percent == P("0.0")


def test_lms_analytics_empty_class_has_no_figures_and_no_division_by_zero(
    example: Example, user_with_role
):
    director = user_with_role("school_director", example.tree.school_a1)
    report = _class_report(director, example.class_6a)
    assert report.subjects == []
    assert report.periods_with_data == []
    assert report.period == "q1"
    assert report.total.mark("q1").quality_percent is None
    assert report.total.attendance_in("q1").percent is None


def test_lms_analytics_district_aggregates_its_two_schools_only(example: Example, user_with_role):
    specialist = user_with_role("district_specialist", example.tree.district_a1)
    report = _unit_report(specialist, example.tree.district_a1, period="q1")
    # A1 math: 6 learners, 3 with 4–5, 4 with 3+; A1-other: L8 4, L9 3; B1's three 2s stay out
    assert _rate(_subject(report, "MATH").mark("q1")) == (8, 7, 4, 6, P("50.0"), P("75.0"))
    assert report.breakdown_kind == "organization"
    schools = {line.name: line for line in report.breakdown}
    assert set(schools) == {example.tree.school_a1.name, example.tree.school_a1_other.name}
    assert _rate(schools[example.tree.school_a1.name].mark("q1")) == (
        6,
        5,
        2,
        3,
        P("33.3"),
        P("50.0"),
    )
    assert _rate(schools[example.tree.school_a1_other.name].mark("q1")) == (
        2,
        2,
        1,
        2,
        P("50.0"),
        P("100.0"),
    )
    assert _rate(report.total.mark("q1")) == (8, 7, 3, 5, P("37.5"), P("62.5"))


def test_lms_analytics_region_breaks_down_by_district(example: Example, user_with_role):
    head = user_with_role("region_head", example.tree.region_a)
    report = _unit_report(head, example.tree.region_a, period="q1")
    assert report.breakdown_kind == "district"
    assert [line.name for line in report.breakdown] == [example.tree.district_a1.name]
    assert report.breakdown[0].mark("q1").learners == 8


def test_lms_analytics_default_period_is_the_latest_with_data(example: Example, user_with_role):
    director = user_with_role("school_director", example.tree.school_a1)
    report = _unit_report(director, example.tree.school_a1)
    assert report.periods_with_data == ["q1", "h1", "q3", "h2", "year"]
    assert report.period == "year"
    assert report.year == "2025-2026"
    assert report.years == ["2025-2026"]


# -- scope -----------------------------------------------------------------------------------


def test_lms_analytics_another_district_or_school_is_not_found(example: Example, user_with_role):
    specialist = actor_for(user_with_role("district_specialist", example.tree.district_a1))
    with pytest.raises(NotFound):
        selectors.target_for_unit(specialist, example.tree.school_b1.pk)
    with pytest.raises(NotFound):
        selectors.target_for_unit(specialist, example.tree.district_b1.pk)
    with pytest.raises(NotFound):
        selectors.target_for_class(specialist, example.class_9a.pk)
    director = actor_for(user_with_role("school_director", example.tree.school_a1))
    with pytest.raises(NotFound):
        selectors.target_for_unit(director, example.tree.district_a1.pk)
    with pytest.raises(NotFound):
        selectors.target_for_unit(director, example.tree.school_a1_other.pk)


def test_lms_analytics_teacher_sees_only_their_class_subjects(example: Example):
    teacher = actor_for(example.teacher_user)
    target = selectors.target_for_unit(teacher, example.tree.school_a1.pk)
    assert target.own_only
    report = selectors.learning_report(teacher, target, period="q1")
    assert [line.key for line in report.subjects] == ["MATH"]
    assert _rate(_subject(report, "MATH").mark("q1")) == (4, 3, 2, 3, P("50.0"), P("75.0"))
    assert [line.name for line in report.breakdown] == ["5А"]
    # another teacher's class in their own school: visible, not allowed → 403
    with pytest.raises(Forbidden):
        selectors.target_for_class(teacher, example.class_5b.pk)
    with pytest.raises(NotFound):
        selectors.target_for_unit(teacher, example.tree.district_a1.pk)


def test_lms_analytics_homeroom_teacher_sees_every_subject_of_their_class(example: Example):
    report = _class_report(example.homeroom_user, example.class_5a, period="q1")
    assert report.target.own_only
    assert {line.key for line in report.subjects} == {"MATH", "KAZ"}
    school = _unit_report(example.homeroom_user, example.tree.school_a1, period="q1")
    assert [line.name for line in school.breakdown] == ["5А"]


def test_lms_analytics_role_without_the_capability_is_refused(example: Example, user_with_role):
    head = actor_for(user_with_role("preschool_head", example.tree.preschool_a1))
    with pytest.raises(NotFound):
        selectors.target_for_unit(head, example.tree.school_a1.pk)
    with pytest.raises(Forbidden):
        selectors.target_for_unit(head, example.tree.preschool_a1.pk)


# -- query counts ----------------------------------------------------------------------------


def _queries(user: Any, unit: Any) -> int:
    actor = actor_for(user)
    with CaptureQueriesContext(connection) as captured:
        selectors.learning_report(actor, selectors.target_for_unit(actor, unit.pk), period="q1")
    return len(captured)


def _grow(example: Example, build: Builder) -> None:
    """Three more classes in school A1 and a new school in the district, with marks and attendance."""
    tree = example.tree
    q = quarters(example.year)
    for letter in ("Б", "В", "Г"):
        school_class = make_class(example.year, 5, letter)
        assignment = build.assignment(school_class, example.math_5a.subject, example.teacher)
        learners = [build.person() for _ in range(3)]
        for mark, learner in zip((5, 4, 2), learners, strict=True):
            build.period_mark(assignment, learner, q[1], mark)
        build.lesson(assignment, q[1], example.year.start_date, dict.fromkeys(learners, "present"))
    school = f.make_unit(tree.district_a1, "organization", "№ 5 мектеп", "school")
    from oqu.school.tests.conftest import make_year

    year = make_year(school)
    school_class = make_class(year, 8, "А")
    subject = build.subject(school, "PHYS", "Физика", "Физика")
    assignment = build.assignment(school_class, subject, build.person())
    learner = build.person()
    build.period_mark(assignment, learner, StudyPeriod.objects.get(year=year, number=1), 4)


def test_lms_analytics_query_count_does_not_grow_with_classes_or_schools(
    example: Example, build: Builder, user_with_role
):
    specialist = user_with_role("district_specialist", example.tree.district_a1)
    director = user_with_role("school_director", example.tree.school_a1)
    before = (
        _queries(specialist, example.tree.district_a1),
        _queries(director, example.tree.school_a1),
    )
    _grow(example, build)
    after = (
        _queries(specialist, example.tree.district_a1),
        _queries(director, example.tree.school_a1),
    )
    assert after == before
    assert before[0] <= 8
    report = _unit_report(specialist, example.tree.district_a1, period="q1")
    assert len(report.breakdown) == 3
    assert _subject(report, "PHYS").mark("q1").learners == 1


def test_lms_analytics_api_query_count_is_constant(
    example: Example, build: Builder, user_with_role, client
):
    client.force_login(user_with_role("district_specialist", example.tree.district_a1))
    url = f"/api/v1/analytics/learning/units/{example.tree.district_a1.pk}?period=q1"
    client.get(url)  # warm caches (capabilities, translations)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    _grow(example, build)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert response.status_code == 200
    assert len(second) == len(first)


# -- web pages, API, XLSX ----------------------------------------------------------------------


def test_lms_analytics_web_page_has_charts_with_their_tables(
    example: Example, user_with_role, client
):
    client.force_login(user_with_role("school_director", example.tree.school_a1))
    response = client.get(
        reverse("analytics:unit", args=[example.tree.school_a1.pk]), {"period": "q1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg role="img"') == 3  # marks and attendance by subject, by class
    assert 'aria-labelledby="chart-subject-marks"' in html
    assert 'data-testid="subjects"' in html
    assert 'data-testid="breakdown"' in html
    assert "50.0%" in html
    assert "66.7%" in html
    assert "55.6%" in html
    assert reverse("analytics:class", args=[example.class_5a.pk]) in html
    assert 'data-testid="ungraded"' in html
    assert '<script src="http' not in html  # no CDN: every script is served by the platform
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_lms_analytics_web_scope_404_and_403(example: Example, user_with_role, client):
    client.force_login(user_with_role("district_specialist", example.tree.district_a1))
    assert (
        client.get(reverse("analytics:unit", args=[example.tree.district_b1.pk])).status_code == 404
    )
    assert client.get(reverse("analytics:class", args=[example.class_9a.pk])).status_code == 404
    assert (
        client.get(reverse("analytics:unit_xlsx", args=[example.tree.school_b1.pk])).status_code
        == 404
    )
    client.force_login(example.teacher_user)
    assert client.get(reverse("analytics:class", args=[example.class_5b.pk])).status_code == 403
    page = client.get(reverse("analytics:class", args=[example.class_5a.pk]))
    assert page.status_code == 200
    assert 'data-testid="own-only"' in page.content.decode()


def test_lms_analytics_menu_and_school_pages_link_to_analytics(
    example: Example, user_with_role, client
):
    client.force_login(user_with_role("school_director", example.tree.school_a1))
    start = client.get(reverse("analytics:start"))
    assert start.status_code == 302
    assert start["Location"] == reverse("analytics:unit", args=[example.tree.school_a1.pk])
    overview = client.get(
        reverse("school:overview", args=[example.tree.school_a1.pk])
    ).content.decode()
    assert 'data-testid="school-analytics"' in overview
    card = client.get(reverse("school:class", args=[example.class_5a.pk])).content.decode()
    assert 'data-testid="class-analytics"' in card
    assert reverse("analytics:start") in card  # the menu item


def test_lms_analytics_api_report(example: Example, user_with_role, client):
    client.force_login(user_with_role("district_specialist", example.tree.district_a1))
    body = client.get(
        f"/api/v1/analytics/learning/units/{example.tree.district_a1.pk}", {"period": "q1"}
    ).json()
    assert body["target"]["kind"] == "unit"
    assert body["breakdown_kind"] == "organization"
    assert body["mark_source"].startswith("final_mark when confirmed")
    math = next(line for line in body["subjects"] if line["key"] == "MATH")
    q1 = next(p for p in math["periods"] if p["period"] == "q1")
    assert q1["marks"]["learners"] == 8
    assert Decimal(q1["marks"]["quality_percent"]) == P("50.0")
    assert Decimal(q1["marks"]["success_percent"]) == P("75.0")
    assert {u["name"] for u in body["units"]} == {
        example.tree.school_a1.name,
        example.tree.school_a1_other.name,
    }
    other = client.get(f"/api/v1/analytics/learning/units/{example.tree.district_b1.pk}")
    assert other.status_code == 404
    assert other.json()["code"]
    bad = client.get(f"/api/v1/analytics/learning/units/{example.tree.district_a1.pk}?period=q9")
    assert bad.status_code == 422


def test_lms_analytics_api_class_report_for_the_teacher(example: Example, client):
    client.force_login(example.teacher_user)
    body = client.get(f"/api/v1/analytics/learning/classes/{example.class_5a.pk}?period=q1").json()
    assert body["target"]["own_only"] is True
    assert [line["key"] for line in body["subjects"]] == ["MATH"]
    assert (
        client.get(f"/api/v1/analytics/learning/classes/{example.class_5b.pk}").status_code == 403
    )
    assert (
        client.get(f"/api/v1/analytics/learning/classes/{example.class_9a.pk}").status_code == 404
    )


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_lms_analytics_xlsx_contents_and_the_export_is_journaled(
    example: Example, user_with_role, client
):
    client.force_login(user_with_role("district_specialist", example.tree.district_a1))
    response = client.get(
        f"/api/v1/analytics/learning/units/{example.tree.district_a1.pk}/xlsx",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    assert len(sheets) == 4
    marks, attendance, unit_marks, _unit_attendance = sheets.values()
    assert len(marks[0]) == 8
    assert len(attendance[0]) == 10
    math_q1 = next(
        row
        for row in marks[1:]
        if row[0] == "Математика" and row[1] == str(selectors.PERIOD_LABELS["q1"])
    )
    assert math_q1[2:] == (8, 4, 6, 1, 50.0, 75.0)
    school_q1 = next(
        row
        for row in unit_marks[1:]
        if row[0] == example.tree.school_a1.name and row[1] == math_q1[1]
    )
    assert school_q1[2:] == (6, 2, 3, 1, 33.3, 50.0)
    math_att = next(
        row for row in attendance[1:] if row[0] == "Математика" and row[1] == math_q1[1]
    )
    assert math_att[2:] == (9, 5, 4, 1, 1, 2, 1, 55.6)
    record = ActionRecord.objects.get(action="analytics.learning.export")
    assert record.target_id == str(example.tree.district_a1.pk)
    assert record.after["year"] == "2025-2026"


def test_lms_analytics_class_xlsx_from_the_web_page(example: Example, user_with_role, client):
    client.force_login(user_with_role("school_deputy_director", example.tree.school_a1))
    response = client.get(reverse("analytics:class_xlsx", args=[example.class_5a.pk]))
    assert response.status_code == 200
    sheets = _sheets(response.content)
    assert len(sheets) == 2  # a class has no units below
    assert ActionRecord.objects.filter(
        action="analytics.learning.export", target_id=str(example.class_5a.pk)
    ).exists()


def test_lms_analytics_chart_escapes_labels_and_draws_no_bar_for_missing_values():
    from oqu.analytics.charts import Series, percent_bars

    svg = str(
        percent_bars(
            "c1",
            "Title <i>",
            [("<script>x</script>", [P("50.0"), None])],
            [Series("A", "bar-quality"), Series("B", "bar-success")],
        )
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'width="197.0"' in svg  # half of the 394-unit bar area
    assert 'width="0"' in svg
    assert "—" in svg


def test_lms_analytics_year_is_chosen_by_name_across_schools(
    example: Example, user_with_role, client
):
    from oqu.school.models import AcademicYear

    older = AcademicYear.objects.create(
        organization=example.tree.school_a1,
        name="2024-2025",
        start_date=example.year.start_date.replace(year=2024),
        end_date=example.year.end_date.replace(year=2025),
    )
    director = user_with_role("school_director", example.tree.school_a1)
    report = _unit_report(director, example.tree.school_a1, year=older.name)
    assert report.years == ["2025-2026", "2024-2025"]
    assert report.year == "2024-2025"
    assert report.subjects == []
    assert _unit_report(director, example.tree.school_a1).year == "2025-2026"
    client.force_login(director)
    url = f"/api/v1/analytics/learning/units/{example.tree.school_a1.pk}?year=1999-2000"
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "analytics_year_unknown"
