"""MAP-AI-02: demand for preschool places per district for the next 3 years from the birth cohorts
known to the platform and the queue, against capacity; assumptions are an effective-dated rule."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.equeue.models import Application as QueueApplication
from oqu.forecast import rules
from oqu.forecast.method import Assumptions, forecast
from oqu.kernel.models import RuleSet
from oqu.preschool.models import AgeGroup, GroupMembership
from oqu.tests import factories as f

D = dt.date
ALMATY = dt.timezone(dt.timedelta(hours=5))
URL = "/api/v1/forecast/preschool-demand"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_map_ai_02_cohort_method_by_hand():
    """Shares 0.5 at age 1 and 1.0 at age 2; cohorts end on 1 September; today 23.11.2026."""
    births = (
        [D(2025, 10, 1)] * 3  # cohort 2026 (born 2.9.2025–1.9.2026)
        + [D(2025, 3, 1)] * 6  # cohort 2025
        + [D(2024, 1, 1)] * 3  # cohort 2024
        + [D(2026, 10, 1)]  # cohort 2027, still being born
    )
    rule = Assumptions(take_up_by_age={1: 0.5, 2: 1.0}, complete_cohorts_for_mean=3)
    years = forecast(births, capacity=5, today=D(2026, 11, 23), assumptions=rule)
    assert [(y.year, y.demand, y.capacity) for y in years] == [
        (2027, 7.5, 5),  # 3 × 0.5 + 6 × 1.0
        (2028, 5.0, 5),  # cohort 2027 estimated as mean(3, 6, 3) = 4 → 2 + 3
        (2029, 6.0, 5),  # 4 × 0.5 + 4 × 1.0
    ]
    assert years[1].ages[0].estimated
    assert not years[1].ages[1].estimated
    assert years[0].gap == 2.5


@pytest.mark.django_db
def test_map_ai_02_assumptions_are_an_effective_dated_rule_set():
    first = rules.assumptions_on(D(2026, 11, 1))
    assert first.take_up_by_age[3] == 0.85
    assert first.horizon_years == 3
    RuleSet.objects.create(
        code=rules.TAKE_UP_CODE,
        valid_from=D(2027, 1, 1),
        value={"take_up_by_age": {"2": 0.7, "3": 0.9}, "reference_day": "09-01"},
        source="test edition",
    )
    assert rules.assumptions_on(D(2026, 12, 31)).take_up_by_age[3] == 0.85
    assert rules.assumptions_on(D(2027, 1, 2)).take_up_by_age == {2: 0.7, 3: 0.9}


@pytest.fixture
def region(org_tree: Any, user_with_role: Any) -> Any:
    tree = org_tree
    parent = f.make_person("Ата", "Ана", D(1990, 1, 1), "F")
    preschool_a2 = f.make_unit(tree.district_a2, "organization", "Айгөлек", "preschool")
    # district A1: three children in the queue (ages 2, 3, 3 next September), one in a group
    for birth in (D(2024, 5, 1), D(2023, 5, 1), D(2023, 6, 1)):
        QueueApplication.objects.create(
            organization=tree.district_a1,
            child=f.make_person("Бала", "Кезек", birth, "M"),
            applicant=parent,
            desired_date=D(2027, 9, 1),
            submitted_at=timezone.now(),
        )
    group = AgeGroup.objects.create(
        organization=tree.preschool_a1,
        school_year="2026-2027",
        name="Балапан",
        kind="middle",
        capacity=2,
    )
    in_group = f.make_person("Бала", "Топта", D(2022, 4, 1), "F")
    GroupMembership.objects.create(
        organization=tree.preschool_a1,
        group=group,
        child=in_group,
        start_date=D(2025, 9, 1),
        start_move="enrolled",
    )
    AgeGroup.objects.create(
        organization=preschool_a2, school_year="2026-2027", name="Күн", kind="senior", capacity=25
    )
    # district B1: a child B's people see and A's must not
    QueueApplication.objects.create(
        organization=tree.district_b1,
        child=f.make_person("Бала", "Бе", D(2024, 1, 1), "M"),
        applicant=parent,
        desired_date=D(2027, 9, 1),
        submitted_at=timezone.now(),
    )

    class Region:
        pass

    r = Region()
    r.tree = tree
    r.district_user = user_with_role("district_specialist", tree.district_a1)
    r.region_user = user_with_role("region_head", tree.region_a)
    r.director = user_with_role("school_director", tree.school_a1)
    r.parent_user = f.make_user("fc-parent", person=parent)
    return r


@pytest.mark.django_db
def test_map_ai_02_district_sees_its_demand_queue_and_capacity(region):
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0, tzinfo=ALMATY), tick=False):
        body = _client(region.district_user).get(URL).json()
    assert body["territory_id"] == str(region.tree.district_a1.pk)
    [district] = body["districts"]
    assert (district["capacity"], district["queued_now"], district["enrolled_now"]) == (2, 3, 1)
    assert district["children_known"] == 4
    first = district["years"][0]
    assert first["school_year"] == "2027-2028"
    # on 1.9.2027: ages 3, 4, 4 (queue) and 5 (group) → 0.85 + 0.9 + 0.9 + 0.95
    assert first["demand"] == pytest.approx(3.6)
    assert first["gap"] == pytest.approx(1.6)
    assert [y["year"] for y in body["total"]] == [2027, 2028, 2029]
    assert (
        "take-up" not in body["assumptions"]["source"] or body["assumptions"]["confidence"] == "L"
    )


@pytest.mark.django_db
def test_map_ai_02_territory_scope(region):
    tree = region.tree
    regional = _client(region.region_user).get(URL, {"territory": str(tree.region_a.pk)}).json()
    names = {d["district_name"] for d in regional["districts"]}
    assert names == {tree.district_a1.name, tree.district_a2.name}
    assert sum(d["capacity"] for d in regional["districts"]) == 27
    district = _client(region.district_user)
    assert district.get(URL, {"territory": str(tree.district_a2.pk)}).status_code == 404
    assert district.get(URL, {"territory": str(tree.region_a.pk)}).status_code == 404
    assert (
        _client(region.region_user).get(URL, {"territory": str(tree.region_b.pk)}).status_code
        == 404
    )
    assert _client(region.director).get(URL).status_code == 403
    assert _client(region.parent_user).get(URL).status_code == 403
    assert _client(region.parent_user).get("/forecast/").status_code == 403
    assert _client(region.region_user).get("/forecast/", {"territory": "x"}).status_code == 404


@pytest.mark.django_db
def test_map_ai_02_page_has_chart_table_method_and_export(region):
    client = _client(region.region_user)
    page = client.get("/forecast/", {"territory": str(region.tree.region_a.pk)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert 'data-testid="forecast-table"' in html
    assert 'data-testid="forecast-method"' in html
    assert "0.85" in html
    export = client.get("/forecast/export.xlsx", {"territory": str(region.tree.region_a.pk)})
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert {row[0] for row in rows[2:]} == {
        region.tree.district_a1.name,
        region.tree.district_a2.name,
    }
    assert ActionRecord.objects.filter(action="forecast.export").count() == 1


@pytest.mark.django_db
def test_map_ai_02_query_count_does_not_grow_with_children(region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(region.region_user)
    params = {"territory": str(region.tree.region_a.pk)}
    client.get(URL, params)
    with CaptureQueriesContext(connection) as before:
        client.get(URL, params)
    for i in range(5):
        QueueApplication.objects.create(
            organization=region.tree.district_a2,
            child=f.make_person("Бала", f"Жаңа{i}", D(2024, 2, 1 + i), "M"),
            applicant=f.make_person("Ата", f"Жаңа{i}", D(1990, 1, 1 + i), "M"),
            desired_date=D(2027, 9, 1),
            submitted_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(URL, params)
    assert len(after.captured_queries) == len(before.captured_queries)
