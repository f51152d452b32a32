"""Statistical usage reports (G-5.15): sign-ins, actions and active users by subsystem, by role and
by user over a period, saved and re-run, shown as a chart and downloaded as XLSX; counted in SQL."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.audit import journal
from oqu.audit.models import ActionRecord, UsageReport
from oqu.tests import factories as f

API = "/api/v1/audit"
ALMATY = ZoneInfo("Asia/Almaty")
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 9, 30, tzinfo=ALMATY)


def _act(user, action: str, day: int, organization) -> None:
    with time_machine.travel(_at(day), tick=False):
        journal.record(
            actor=user,
            action=action,
            target=user,
            organization_id=organization.pk if organization else None,
        )


@pytest.fixture
def usage(org_tree, family, user_with_role):
    """A hand-made month of use (the expected counts are written out in each test)."""
    a1, b1 = org_tree.school_a1, org_tree.school_b1
    since = {"valid_from": dt.datetime(2026, 1, 1, tzinfo=ALMATY)}
    clerk = user_with_role("school_deputy_director", a1, **since)
    director = user_with_role("school_director", a1, **since)
    director_b = user_with_role("school_director", b1, **since)
    newcomer = user_with_role(
        "school_teacher", a1, valid_from=dt.datetime(2026, 3, 15, tzinfo=ALMATY)
    )
    for day in (2, 3):
        _act(clerk, "identity.login", day, a1)
    for day in (2, 3, 4):
        _act(clerk, "people.person.change", day, a1)
    _act(clerk, "access.grant.create", 5, a1)
    _act(director, "identity.login", 6, a1)
    _act(director, "audit.journal.export", 6, a1)
    _act(newcomer, "people.person.change", 10, a1)  # before the grant: without a role
    _act(newcomer, "people.person.change", 20, a1)
    _act(director_b, "identity.login", 7, b1)
    _act(director_b, "people.enrolment.create", 7, b1)
    _act(director_b, "people.enrolment.create", 8, b1)
    _act(family.parent_user, "identity.login", 9, None)
    _act(clerk, "people.person.change", 1, a1)  # 1 March in Almaty, still 28 February in UTC
    _act(clerk, "people.person.change", 31, a1)
    with time_machine.travel(dt.datetime(2026, 2, 27, 12, tzinfo=ALMATY), tick=False):
        journal.record(actor=clerk, action="people.person.change", organization_id=a1.pk)
    return {"clerk": clerk, "director": director, "director_b": director_b, "newcomer": newcomer}


def _table(body) -> dict[str, tuple[int, int, int]]:
    return {
        row["key"]: (row["logins"], row["actions"], row["active_users"]) for row in body["rows"]
    }


def test_g5_15_report_by_subsystem_matches_the_fixture(usage):
    body = _client(usage["director"]).get(f"{API}/usage", {"grouping": "subsystem", **MARCH})
    assert body.status_code == 200
    # people: clerk 5 (2nd, 3rd, 4th, 1st, 31st) + newcomer 2 = 7
    assert _table(body.json()) == {
        "identity": (3, 0, 2),
        "people": (0, 7, 2),
        "access": (0, 1, 1),
        "audit": (0, 1, 1),
    }
    totals = body.json()["totals"]
    assert (totals["logins"], totals["actions"], totals["active_users"]) == (3, 9, 3)


def test_g5_15_report_by_role_counts_the_role_held_at_the_time(usage):
    body = _client(usage["director"]).get(f"{API}/usage", {"grouping": "role", **MARCH}).json()
    assert _table(body) == {
        "school_deputy_director": (2, 6, 1),
        "school_director": (1, 1, 1),
        "school_teacher": (0, 1, 1),
        "": (0, 1, 1),  # the newcomer's action before their grant
    }


def test_g5_15_report_by_user(usage):
    body = _client(usage["director"]).get(f"{API}/usage", {"grouping": "user", **MARCH}).json()
    assert _table(body) == {
        str(usage["clerk"].pk): (2, 6, 1),
        str(usage["newcomer"].pk): (0, 2, 1),
        str(usage["director"].pk): (1, 1, 1),
    }
    assert body["rows"][0]["label"] == usage["clerk"].username


def test_g5_15_platform_administrator_counts_every_organization_and_platform_rows(usage, family):
    admin = f.make_user("root", is_superuser=True)
    body = _client(admin).get(f"{API}/usage", {"grouping": "role", **MARCH}).json()
    table = _table(body)
    assert table["school_director"] == (2, 3, 2)
    assert table[""] == (1, 1, 2)  # the parent's sign-in and the newcomer's early action
    by_user = _table(_client(admin).get(f"{API}/usage", {"grouping": "user", **MARCH}).json())
    assert by_user[str(family.parent_user.pk)] == (1, 0, 1)


def test_g5_15_a_period_and_an_organization_narrow_the_report(usage, org_tree):
    client = _client(usage["director"])
    body = client.get(
        f"{API}/usage",
        {"grouping": "subsystem", "date_from": "2026-03-02", "date_to": "2026-03-03"},
    ).json()
    assert _table(body) == {"identity": (2, 0, 1), "people": (0, 2, 1)}
    other = client.get(
        f"{API}/usage",
        {"grouping": "subsystem", "organization": str(org_tree.school_b1.pk), **MARCH},
    )
    assert other.status_code == 404


def test_g5_15_reports_need_the_journal_capability(usage, org_tree, user_with_role):
    teacher = _client(user_with_role("school_teacher", org_tree.school_a1))
    assert teacher.get(f"{API}/usage", {"grouping": "user", **MARCH}).status_code == 403
    assert teacher.get("/audit/reports/").status_code == 403


def test_g5_15_bad_grouping_or_period_answers_400(usage):
    client = _client(usage["director"])
    bad = client.get(f"{API}/usage", {"grouping": "weather", **MARCH})
    assert (bad.status_code, bad.json()["code"]) == (400, "grouping_unknown")
    reversed_period = client.get(
        f"{API}/usage", {"grouping": "user", "date_from": "2026-03-31", "date_to": "2026-03-01"}
    )
    assert reversed_period.json()["code"] == "period_invalid"


def test_g5_15_query_count_does_not_grow_with_the_journal(usage, org_tree):
    client = _client(usage["director"])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/usage", {"grouping": "role", **MARCH}).status_code == 200
        counts.append(len(queries))
        for day in range(1, 29):  # many more rows and users the second time
            _act(
                f.make_user(f"extra-{day}-{len(counts)}"),
                "people.person.change",
                day,
                org_tree.school_a1,
            )
    assert counts[0] == counts[1]


def test_g5_15_saved_report_is_rerun_exported_and_private(usage, org_tree):
    owner = _client(usage["director"])
    created = owner.post(
        f"{API}/reports",
        {"name": "Март", "grouping": "subsystem", **MARCH},
        content_type="application/json",
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    assert [r["name"] for r in owner.get(f"{API}/reports").json()["items"]] == ["Март"]
    run = owner.get(f"{API}/reports/{report_id}/run").json()
    assert _table(run)["people"] == (0, 7, 2)
    # re-run on the journal as it is now: a new action counts
    _act(usage["clerk"], "people.person.change", 15, org_tree.school_a1)
    assert _table(owner.get(f"{API}/reports/{report_id}/run").json())["people"] == (0, 8, 2)
    # downloaded as XLSX, journaled as an export
    xlsx = owner.get(f"{API}/reports/{report_id}/xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][1:] == (0, 8, 2)
    assert rows[-1][1:] == (3, 10, 3)
    assert ActionRecord.objects.filter(
        action="audit.report.export", actor=usage["director"]
    ).exists()
    # another head sees nothing of it
    other = _client(usage["director_b"])
    assert other.get(f"{API}/reports/{report_id}").status_code == 404
    assert other.get(f"{API}/reports/{report_id}/run").status_code == 404
    assert other.delete(f"{API}/reports/{report_id}").status_code == 404
    assert owner.delete(f"{API}/reports/{report_id}").status_code == 204
    assert not UsageReport.objects.exists()


def test_g5_15_web_report_shows_a_chart_and_saves(usage):
    client = _client(usage["director"])
    page = client.get("/audit/reports/", {"grouping": "role", **MARCH})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="usage-row"') == 4
    assert "<svg" in html
    assert html.count('class="usage-bar-actions"') == 4
    saved = client.post("/audit/reports/", {"name": "Роли", "grouping": "role", **MARCH})
    report = UsageReport.objects.get(name="Роли")
    assert saved.status_code == 302
    assert saved["Location"] == f"/audit/reports/{report.pk}/"
    detail = client.get(saved["Location"])
    assert detail.status_code == 200
    assert "<svg" in detail.content.decode()
    xlsx = client.get(f"/audit/reports/{report.pk}/usage.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 6
    nameless = client.post("/audit/reports/", {"name": " ", "grouping": "role", **MARCH})
    assert nameless.status_code == 400
