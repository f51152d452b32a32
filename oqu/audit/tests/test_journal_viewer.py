"""The journal viewer (G-5.13): the action journal for a chosen user over a chosen period, filtered by
object and action, scoped to the viewer's subtrees, exported to XLSX (journaled); sign-ins journaled."""

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
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.tests import factories as f

API = "/api/v1/audit/journal"
ALMATY = ZoneInfo("Asia/Almaty")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=ALMATY)


def _record(when: dt.datetime, **kwargs) -> ActionRecord:
    with time_machine.travel(when, tick=False):
        return journal.record(**kwargs)


@pytest.fixture
def journal_rows(org_tree, family, user_with_role):
    """Two clerks of school A1 and one of school B1 act on people on several days of March 2026."""
    clerk = user_with_role("school_deputy_director", org_tree.school_a1)
    other_clerk = user_with_role("school_deputy_director", org_tree.school_a1)
    clerk_b = user_with_role("school_deputy_director", org_tree.school_b1)
    learner, other = family.learner, family.other_learner
    rows = {
        "in_period": _record(
            _at(10),
            actor=clerk,
            action="people.person.change",
            target=learner,
            before={"last_name_ru": "Серикулы"},
            after={"last_name_ru": "Серікұлы"},
            organization_id=org_tree.school_a1.pk,
        ),
        "in_period_2": _record(
            _at(12),
            actor=clerk,
            action="people.enrolment.create",
            target=learner,
            after={"grade": 8},
            organization_id=org_tree.school_a1.pk,
        ),
        "before_period": _record(
            _at(1),
            actor=clerk,
            action="people.person.change",
            target=learner,
            organization_id=org_tree.school_a1.pk,
        ),
        "after_period": _record(
            _at(25),
            actor=clerk,
            action="people.person.change",
            target=learner,
            organization_id=org_tree.school_a1.pk,
        ),
        "other_user": _record(
            _at(11),
            actor=other_clerk,
            action="people.person.change",
            target=learner,
            organization_id=org_tree.school_a1.pk,
        ),
        "other_org": _record(
            _at(11),
            actor=clerk_b,
            action="people.person.change",
            target=other,
            organization_id=org_tree.school_b1.pk,
        ),
        "platform": _record(
            _at(11), actor=clerk, action="orgs.unit.change", target=org_tree.district_a1
        ),
    }
    return clerk, clerk_b, rows


PERIOD = {"date_from": "2026-03-05", "date_to": "2026-03-20"}


def test_g5_13_viewer_shows_the_chosen_users_actions_in_the_period_only(
    org_tree, journal_rows, user_with_role
):
    clerk, _, rows = journal_rows
    head = user_with_role("school_director", org_tree.school_a1)
    response = _client(head).get(API, {"user": str(clerk.pk), **PERIOD})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [
        str(rows["in_period_2"].pk),
        str(rows["in_period"].pk),
    ]
    assert items[1]["changes"] == [
        {"field": "last_name_ru", "before": "Серикулы", "after": "Серікұлы", "changed": True}
    ]
    assert items[1]["organization_name"] == org_tree.school_a1.name


def test_g5_13_viewer_filters_by_object_and_action(org_tree, family, journal_rows, user_with_role):
    clerk, _, rows = journal_rows
    api = _client(user_with_role("school_director", org_tree.school_a1))

    def ids(**params):
        body = api.get(API, {**PERIOD, **params}).json()
        return {item["id"] for item in body["items"]}

    assert ids(action="people.enrolment.create") == {str(rows["in_period_2"].pk)}
    assert ids(action="people.", user=str(clerk.pk)) == {
        str(rows["in_period"].pk),
        str(rows["in_period_2"].pk),
    }
    assert ids(target_type="people.person", target_id=str(family.learner.pk)) == {
        str(rows["in_period"].pk),
        str(rows["in_period_2"].pk),
        str(rows["other_user"].pk),
    }


def test_g5_13_other_organizations_rows_are_invisible_to_a_head(
    org_tree, journal_rows, user_with_role
):
    _, clerk_b, rows = journal_rows
    api = _client(user_with_role("school_director", org_tree.school_a1))
    # the other school's clerk: nothing, as if they had done nothing
    assert api.get(API, {"user": str(clerk_b.pk), **PERIOD}).json()["items"] == []
    seen = {item["id"] for item in api.get(API, PERIOD).json()["items"]}
    assert str(rows["other_org"].pk) not in seen
    assert str(rows["platform"].pk) not in seen  # platform-level rows: the administrator only
    # naming the other school answers 404, like a missing one, and is journaled
    response = api.get(API, {"organization": str(org_tree.school_b1.pk), **PERIOD})
    assert response.status_code == 404
    assert FailedAccess.objects.filter(action="audit.journal.view", status=404).exists()


def test_g5_13_platform_rows_are_shown_to_the_platform_administrator(journal_rows):
    _, _, rows = journal_rows
    admin = f.make_user("root", is_superuser=True)
    seen = {item["id"] for item in _client(admin).get(API, PERIOD).json()["items"]}
    assert {str(rows["platform"].pk), str(rows["other_org"].pk)} <= seen


def test_g5_13_district_head_sees_the_schools_of_the_district(
    org_tree, journal_rows, user_with_role
):
    _, _, rows = journal_rows
    head = user_with_role("district_head", org_tree.district_a1)
    seen = {item["id"] for item in _client(head).get(API, PERIOD).json()["items"]}
    assert seen == {str(rows[k].pk) for k in ("in_period", "in_period_2", "other_user")}


def test_g5_13_viewer_without_capability_answers_403(org_tree, journal_rows, user_with_role):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    client = _client(teacher)
    assert client.get(API, PERIOD).status_code == 403
    assert client.get(f"{API}/export", PERIOD).status_code == 403
    assert client.get("/audit/journal/").status_code == 403
    assert not ActionRecord.objects.filter(action="audit.journal.export").exists()


def test_g5_13_bad_period_and_cursor_answer_400(org_tree, journal_rows, user_with_role):
    api = _client(user_with_role("school_director", org_tree.school_a1))
    response = api.get(API, {"date_from": "2026-03-20", "date_to": "2026-03-01"})
    assert (response.status_code, response.json()["code"]) == (400, "period_invalid")
    response = api.get(API, {**PERIOD, "cursor": "not-a-cursor"})
    assert (response.status_code, response.json()["code"]) == (400, "cursor_invalid")


def test_g5_13_keyset_pages_cover_every_row_once(org_tree, journal_rows, user_with_role):
    api = _client(user_with_role("school_director", org_tree.school_a1))
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        body = api.get(API, {**PERIOD, "limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 3


def test_g5_13_query_count_does_not_grow_with_the_page_size(org_tree, family, user_with_role):
    head = user_with_role("school_director", org_tree.school_a1)
    for day in range(1, 29):
        _record(
            _at(day),
            actor=head,
            action="people.person.change",
            target=family.learner,
            after={"n": day},
            organization_id=org_tree.school_a1.pk,
        )
    api = _client(head)
    counts = []
    for limit in (2, 25):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(
                API, {"date_from": "2026-03-01", "date_to": "2026-03-31", "limit": limit}
            )
        assert len(body.json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- export -----------------------------------------------------------------------------------


def test_g5_13_xlsx_export_opens_contains_the_rows_and_is_journaled(
    org_tree, journal_rows, user_with_role
):
    clerk, _, rows = journal_rows
    head = user_with_role("school_director", org_tree.school_a1)
    response = _client(head).get(f"{API}/export", {"user": str(clerk.pk), **PERIOD})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3  # the header and two rows
    assert [row[2] for row in values[1:]] == ["people.enrolment.create", "people.person.change"]
    assert values[2][1] == clerk.username
    assert "Серікұлы" in values[2][8]
    assert values[2][0] == dt.datetime(2026, 3, 10, 10, 0)
    export = ActionRecord.objects.get(action="audit.journal.export")
    assert (export.actor, export.after["rows"], export.after["filters"]["user_id"]) == (
        head,
        2,
        str(clerk.pk),
    )


def test_g5_13_export_above_the_bound_is_refused_with_a_clear_error(
    org_tree, journal_rows, user_with_role, settings
):
    settings.OQU_JOURNAL_EXPORT_MAX_ROWS = 2
    client = _client(user_with_role("school_director", org_tree.school_a1))
    response = client.get(f"{API}/export", PERIOD)
    assert response.status_code == 400
    assert response.json()["code"] == "export_too_large"
    assert response.json()["fields"]["rows"] == [3]
    assert not ActionRecord.objects.filter(action="audit.journal.export").exists()
    page = client.get("/audit/journal/export.xlsx", PERIOD, follow=True)
    assert page.status_code == 200
    assert "2" in page.content.decode()
    assert 'class="message message-error"' in page.content.decode()


# -- web --------------------------------------------------------------------------------------


def test_g5_13_web_page_shows_rows_diff_and_user_picker(org_tree, journal_rows, user_with_role):
    clerk, clerk_b, rows = journal_rows
    client = _client(user_with_role("school_director", org_tree.school_a1))
    page = client.get("/audit/journal/", {"user": str(clerk.pk), **PERIOD})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="journal-row"') == 2
    assert "<del>Серикулы</del>" in html
    assert "<ins>Серікұлы</ins>" in html
    assert f'value="{clerk.pk}" selected' in html
    options = client.get("/audit/journal/users/", {"user_q": clerk.username[:10]}).content.decode()
    assert clerk.username in options
    assert clerk_b.username not in options  # another school's staff are not offered
    xlsx = client.get("/audit/journal/export.xlsx", {"user": str(clerk.pk), **PERIOD})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3


def test_g5_13_menu_shows_the_journal_to_holders_only(org_tree, user_with_role):
    head = _client(user_with_role("school_director", org_tree.school_a1)).get("/")
    teacher = _client(user_with_role("school_teacher", org_tree.school_a1)).get("/")
    assert b'href="/audit/journal/"' in head.content
    assert b'href="/audit/journal/"' not in teacher.content


# -- sign-ins ---------------------------------------------------------------------------------


def test_g5_13_a_successful_sign_in_is_journaled_in_the_users_organization(
    org_tree, user_with_role
):
    user = user_with_role("school_teacher", org_tree.school_a1)
    response = f.sign_in_through_forms(Client(), user.username)
    assert response.status_code == 302
    login = ActionRecord.objects.get(action="identity.login")
    assert (login.actor, login.organization_id, login.ip) == (
        user,
        org_tree.school_a1.pk,
        "127.0.0.1",
    )
    # a failed attempt writes no sign-in row
    Client().post("/accounts/login/", {"login": user.username, "password": "wrong-password"})
    assert ActionRecord.objects.filter(action="identity.login").count() == 1


def test_g5_13_web_filter_by_organization_offers_the_district_schools(
    org_tree, journal_rows, user_with_role
):
    _, _, rows = journal_rows
    client = _client(user_with_role("district_head", org_tree.district_a1))
    page = client.get("/audit/journal/", {"organization": str(org_tree.school_a1.pk), **PERIOD})
    html = page.content.decode()
    assert f'value="{org_tree.school_a1.pk}" selected' in html
    assert f'value="{org_tree.school_a1_other.pk}"' in html
    assert f'value="{org_tree.school_b1.pk}"' not in html
    assert html.count('data-testid="journal-row"') == 3
    other = client.get("/audit/journal/", {"organization": str(org_tree.school_b1.pk), **PERIOD})
    assert other.status_code == 404
