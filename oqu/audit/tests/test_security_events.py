"""Security events in one place (G-5.20): lockouts, privilege grants and withdrawals, integrity
failures of the journal chain, administrators' sign-ins; the viewer within scope; critical events
notify the platform administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.access import services as access_services
from oqu.access.models import Role
from oqu.access.scope import actor_for
from oqu.audit import journal
from oqu.audit.models import SecurityEvent
from oqu.audit.tests.test_chain import _sql_id, append_only_trigger_disabled
from oqu.kernel.errors import Forbidden
from oqu.kernel.schedule import JOBS
from oqu.notifications.models import Notification
from oqu.tests import factories as f

API = "/api/v1"
PASSWORD = "Passw0rd!-test"


@pytest.fixture(autouse=True)
def _fresh_rate_limit_cache():
    cache.clear()
    yield
    cache.clear()


def sign_in(username: str, ip: str = "198.51.100.20") -> Any:
    """The whole sign-in: password, then the MFA code."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="OquTest/1.0")
    return f.sign_in_through_forms(client, username, PASSWORD)


def _kinds(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["kind"] for row in response.json()["items"]]


# -- sources -----------------------------------------------------------------------------------


def test_g5_20_a_grant_and_its_withdrawal_are_security_events(org_tree, user_with_role):
    director = user_with_role("school_director", org_tree.school_a1)
    teacher = f.make_user("new-teacher")
    grant = access_services.grant_create(
        actor=actor_for(director),
        user=teacher,
        role=Role.objects.get(code="school_teacher"),
        unit=org_tree.school_a1,
    )
    event = SecurityEvent.objects.get(kind="grant")
    assert (event.user, event.organization_id, event.severity) == (
        teacher,
        org_tree.school_a1.pk,
        "info",
    )
    assert event.details["role"] == "school_teacher"
    assert event.details["by"] == director.username
    access_services.grant_revoke(actor=actor_for(director), grant=grant)
    revoked = SecurityEvent.objects.get(kind="grant_revoked")
    assert revoked.details["grant"] == str(grant.pk)


def test_g5_20_a_refused_grant_raises_no_event(org_tree, user_with_role):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    with pytest.raises(Forbidden):
        access_services.grant_create(
            actor=actor_for(teacher),
            user=f.make_user("x"),
            role=Role.objects.get(code="school_teacher"),
            unit=org_tree.school_a1,
        )
    assert not SecurityEvent.objects.filter(kind="grant").exists()


def test_g5_20_tampering_with_a_journal_row_raises_a_critical_event_and_notifies(
    org_tree, django_capture_on_commit_callbacks
):
    root = f.make_user("platform-root", is_superuser=True, email="root@oqu.test")
    rows = [
        journal.record(actor=root, action="people.person.change", target=org_tree.school_a1)
        for _ in range(3)
    ]
    call_command("audit_verify")
    assert not SecurityEvent.objects.filter(kind="integrity_failure").exists()
    with append_only_trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_actionrecord SET actor_name = 'intruder' WHERE id = %s",
            [_sql_id(rows[1].pk)],
        )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError):
        call_command("audit_verify")
    event = SecurityEvent.objects.get(kind="integrity_failure")
    assert event.severity == "critical"
    assert event.organization_id == org_tree.school_a1.pk
    assert (event.details["broken_seq"], event.details["reason"]) == (2, "altered")
    assert event.details["broken_id"] == str(rows[1].pk)
    # the platform administrator is told in the app and by e-mail
    notice = Notification.objects.get(user=root, topic="security")
    assert "integrity_failure" in notice.subject
    assert any("root@oqu.test" in message.to for message in mail.outbox)
    # the same break found again is not reported twice
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert SecurityEvent.objects.filter(kind="integrity_failure").count() == 1


def test_g5_20_api_verification_of_a_broken_chain_raises_the_event_too(org_tree, user_with_role):
    director = user_with_role("school_director", org_tree.school_a1)
    rows = [
        journal.record(actor=director, action="people.person.change", target=org_tree.school_a1)
        for _ in range(2)
    ]
    with append_only_trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_actionrecord WHERE id = %s", [_sql_id(rows[0].pk)])
    api = Client()
    api.force_login(director)
    answer = api.get(f"{API}/audit/verify?organization={org_tree.school_a1.pk}")
    assert answer.json()["ok"] is False
    assert SecurityEvent.objects.get(kind="integrity_failure").details["reason"] == "deleted"


def test_g5_20_an_administrators_sign_in_is_an_event_a_teachers_is_not(org_tree, user_with_role):
    director = user_with_role("school_director", org_tree.school_a1)
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    root = f.make_user("platform-root", is_superuser=True)
    for user in (director, teacher, root):
        assert sign_in(user.username).status_code == 302
    events = SecurityEvent.objects.filter(kind="admin_login")
    assert {e.user for e in events} == {director, root}
    by_user = {e.user: e for e in events}
    assert by_user[director].details["roles"] == ["school_director"]
    assert by_user[root].details["roles"] == ["superuser"]
    assert by_user[director].ip == "198.51.100.20"


def test_g5_20_a_lockout_is_an_event(org_tree):
    f.make_user("target-user")
    for _ in range(5):
        sign_in_wrong = Client(REMOTE_ADDR="203.0.113.9").post(
            "/accounts/login/", {"login": "target-user", "password": "wrong-one"}
        )
        assert sign_in_wrong.status_code == 200
    event = SecurityEvent.objects.get(kind="lockout")
    assert (event.username, event.details["address"], event.severity) == (
        "target-user",
        "203.0.113.9",
        "warning",
    )


# -- the viewer ------------------------------------------------------------------------------------


@pytest.fixture
def events(org_tree) -> None:
    journal.record_security_event(
        kind="grant", summary="a1", organization_id=org_tree.school_a1.pk, severity="info"
    )
    journal.record_security_event(
        kind="lockout", summary="b1", organization_id=org_tree.school_b1.pk
    )
    journal.record_security_event(kind="integrity_failure", summary="platform", severity="critical")


def test_g5_20_viewer_is_scoped_like_the_failed_access_viewer(events, org_tree, user_with_role):
    head_a = Client()
    head_a.force_login(user_with_role("school_director", org_tree.school_a1))
    own = head_a.get(f"{API}/audit/security-events").json()["items"]
    assert [(r["kind"], r["summary"]) for r in own if r["kind"] != "admin_login"] == [
        ("grant", "a1")
    ]
    seen_by_b = head_a.get(f"{API}/audit/security-events?kind=lockout")
    assert _kinds(seen_by_b) == []  # another organization's events: none
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))
    assert {"grant", "lockout", "integrity_failure"} <= set(
        _kinds(root.get(f"{API}/audit/security-events"))
    )
    teacher = Client()
    teacher.force_login(user_with_role("school_teacher", org_tree.school_a1))
    assert teacher.get(f"{API}/audit/security-events").status_code == 403
    assert teacher.get("/audit/security-events/").status_code == 403


def test_g5_20_viewer_filters_by_kind_severity_and_period(events, db):
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))
    url = f"{API}/audit/security-events"
    assert _kinds(root.get(url, {"severity": "critical"})) == ["integrity_failure"]
    assert _kinds(root.get(url, {"kind": "lockout"})) == ["lockout"]
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    assert _kinds(root.get(url, {"since": later})) == []
    bad = root.get(url, {"severity": "apocalyptic"})
    assert (bad.status_code, bad.json()["code"]) == (400, "severity_unknown")
    page = root.get("/audit/security-events/", {"severity": "critical"}).content.decode()
    assert "platform" in page
    assert "b1" not in page


def test_g5_20_viewer_query_count_does_not_grow_with_rows(db, org_tree):
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert root.get(f"{API}/audit/security-events?limit=10").status_code == 200
        return len(captured)

    journal.record_security_event(
        kind="lockout", summary="x", organization_id=org_tree.school_a1.pk
    )
    few = queries()
    for n in range(20):
        journal.record_security_event(
            kind="grant", summary=f"g{n}", organization_id=org_tree.school_b1.pk
        )
    assert queries() == few


def test_g5_16_the_daily_job_verifies_the_chains_and_reports_a_break(org_tree):
    root = f.make_user("platform-root", is_superuser=True)
    rows = [
        journal.record(actor=root, action="people.person.change", target=org_tree.school_a1)
        for _ in range(2)
    ]
    job = next(job for job in JOBS if job.name == "audit.verify_journal_chains")
    assert job.task().call() == 0
    assert not SecurityEvent.objects.filter(kind="integrity_failure").exists()
    with append_only_trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_actionrecord SET action = 'x' WHERE id = %s", [_sql_id(rows[1].pk)]
        )
    assert job.task().call() == 1
    event = SecurityEvent.objects.get(kind="integrity_failure")
    assert (event.details["broken_seq"], event.details["reason"]) == (2, "altered")
