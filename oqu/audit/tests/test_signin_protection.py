"""Sign-in protection (G-5.12): failed sign-ins journaled, lockouts per account, per account and
address, and per address, bounded so that an attacker cannot lock a user out; the viewer of
failed attempts within the administrator's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import Application

from oqu.audit import journal, lockout
from oqu.audit.models import ActionRecord, FailedAccess, SecurityEvent, SignInLock
from oqu.identity.models import User
from oqu.kernel.context import RequestInfo, reset_request_info, set_request_info
from oqu.kernel.models import RuleSet
from oqu.tests import factories as f

PASSWORD = "Passw0rd!-test"
LOGIN = "/accounts/login/"
API = "/api/v1"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) OquTest/1.0"
USER_IP = "198.51.100.10"


@pytest.fixture(autouse=True)
def _fresh_rate_limit_cache():
    cache.clear()  # allauth's own (cache-based) limits must not leak between tests
    yield
    cache.clear()


def attempt(username: str, password: str, ip: str = USER_IP) -> Any:
    """One sign-in through the allauth form from `ip`, in a fresh browser.

    A password the form accepts leads to the MFA step (G-5.11), completed here with the account's
    current code, so that the answer is the end of the whole sign-in.
    """
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=USER_AGENT)
    response = client.post(LOGIN, {"login": username, "password": password})
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        user = User.objects.get(username__iexact=username)
        response = client.post(response["Location"], {"code": f.mfa_code(user)})
    return response


def signed_in(response: Any) -> bool:
    """The form let the user in: redirected to the home page (not to the inactive page)."""
    return response.status_code == 302 and response["Location"] == reverse("web:home")


def fail(username: str, times: int, ip: str = USER_IP) -> None:
    for _ in range(times):
        assert not signed_in(attempt(username, "wrong-password", ip))


@pytest.fixture
def teacher(org_tree: Any) -> Any:
    person = f.make_person("Оспанова", "Динара", dt.date(1990, 1, 1), "F")
    f.employ(person, org_tree.school_a1)
    return f.make_user("teacher-dinara", person=person)


def travel(minutes: float) -> Any:
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


# -- failed sign-ins are journaled ------------------------------------------------------------


def test_g5_12_failed_login_is_recorded_with_time_account_ip_agent_and_organization(
    teacher, org_tree
):
    before = timezone.now()
    response = attempt("Teacher-Dinara", "wrong-password")
    assert response.status_code == 200
    row = FailedAccess.objects.get()
    assert (row.actor, row.actor_name, row.action, row.reason, row.status) == (
        teacher,
        "teacher-dinara",
        "identity.login",
        "bad_password",
        401,
    )
    assert (row.ip, row.user_agent, row.organization_id) == (
        USER_IP,
        USER_AGENT,
        org_tree.school_a1.pk,
    )
    assert before <= row.at <= timezone.now()


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "10.0.0.1"), (1, "198.51.100.33"), (2, "192.0.2.9")]
)
def test_g5_12_behind_trusted_proxies_the_client_address_is_journaled(db, proxies, expected):
    # a client may forge the left part of X-Forwarded-For; only the trusted hops count
    with override_settings(OQU_TRUSTED_PROXY_COUNT=proxies):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9, 198.51.100.33").post(
            LOGIN, {"login": "someone", "password": "whatever-1234"}
        )
    assert FailedAccess.objects.get().ip == expected


def test_g5_12_unknown_account_is_recorded_at_platform_level(db):
    attempt("no-such-person", "whatever-1234", ip="203.0.113.5")
    row = FailedAccess.objects.get()
    assert (row.actor, row.actor_name, row.reason, row.organization_id, row.ip) == (
        None,
        "no-such-person",
        "unknown_account",
        None,
        "203.0.113.5",
    )


def test_g5_12_blocked_account_with_the_right_password_is_recorded_not_counted(org_tree):
    blocked = f.make_user("blocked-one", is_active=False)
    for _ in range(8):
        assert not signed_in(attempt("blocked-one", PASSWORD))
    rows = FailedAccess.objects.filter(actor=blocked)
    assert set(rows.values_list("reason", flat=True)) == {"inactive"}
    assert not SignInLock.objects.exists()


# -- lockout -----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_12_lockout_after_n_failures_and_unlock_after_the_window(teacher):
    fail("teacher-dinara", 4)
    assert not SignInLock.objects.exists()
    fail("teacher-dinara", 1)  # the 5th failure from this address locks the pair
    lock = SignInLock.objects.get()
    assert (lock.kind, lock.username, lock.ip, lock.failures) == (
        "pair",
        "teacher-dinara",
        USER_IP,
        5,
    )
    # even the right password is refused now, with a clear message, and journaled as "locked"
    refused = attempt("teacher-dinara", PASSWORD)
    assert not signed_in(refused)
    assert "15 мин" in refused.content.decode()  # the message names the wait (Kazakh default)
    assert FailedAccess.objects.filter(reason="locked").count() == 1
    # each lockout is a security event
    event = SecurityEvent.objects.get(kind="lockout")
    assert (event.user, event.details["kind"], event.details["failures"]) == (teacher, "pair", 5)
    with travel(14):
        assert not signed_in(attempt("teacher-dinara", PASSWORD))
    with travel(16):
        assert signed_in(attempt("teacher-dinara", PASSWORD))


def test_g5_12_locked_message_is_in_kazakh_and_russian(teacher):
    fail("teacher-dinara", 5)
    kk = Client(REMOTE_ADDR=USER_IP, HTTP_ACCEPT_LANGUAGE="kk").post(
        LOGIN, {"login": "teacher-dinara", "password": PASSWORD}
    )
    ru = Client(REMOTE_ADDR=USER_IP, HTTP_ACCEPT_LANGUAGE="ru").post(
        LOGIN, {"login": "teacher-dinara", "password": PASSWORD}
    )
    assert "Сәтсіз кіру әрекеттері тым көп" in kk.content.decode()
    assert "неудачных попыток входа" in ru.content.decode()


def test_g5_12_hammering_a_locked_account_does_not_extend_the_lock(teacher):
    fail("teacher-dinara", 5)
    for minute in range(1, 14):  # an attacker keeps trying while locked, a couple a minute
        with travel(minute):
            fail("teacher-dinara", 2)  # refused as "locked": recorded, never counted
    assert FailedAccess.objects.filter(reason="locked").count() == 26
    assert SignInLock.objects.filter(kind="pair").count() == 1
    with travel(16):
        assert signed_in(attempt("teacher-dinara", PASSWORD))


def test_g5_12_an_attacker_elsewhere_cannot_lock_the_user_out_of_a_familiar_address(teacher):
    # the user signs in from their school's address: it becomes familiar
    assert signed_in(attempt("teacher-dinara", PASSWORD, ip=USER_IP))
    # an attacker tries from many addresses, under the per-pair threshold at each
    attackers = [f"203.0.113.{n}" for n in range(1, 6)]
    for ip in attackers:
        fail("teacher-dinara", 2, ip=ip)
    lock = SignInLock.objects.get(kind="account")
    assert lock.until - lock.started_at == dt.timedelta(minutes=15)
    # a new address is refused for the account …
    assert not signed_in(attempt("teacher-dinara", PASSWORD, ip="192.0.2.200"))
    # … but the user's familiar address is not: the attacker cannot lock them out of it
    assert signed_in(attempt("teacher-dinara", PASSWORD, ip=USER_IP))


def test_g5_12_repeated_account_locks_grow_but_stay_capped(teacher):
    limits = lockout.rules()
    cap = dt.timedelta(minutes=limits["account_lock_max_minutes"])
    durations = []
    elapsed = 0.0
    for round_no in range(6):
        with travel(elapsed):
            for n in range(10):  # 10 failures from 10 addresses: no pair lock, one account lock
                fail("teacher-dinara", 1, ip=f"203.0.{round_no}.{n + 1}")
            lock = SignInLock.objects.filter(kind="account").order_by("-started_at").first()
            durations.append(lock.until - lock.started_at)
            elapsed += (lock.until - lock.started_at).total_seconds() / 60 + 1
    minutes = [d.total_seconds() / 60 for d in durations]
    assert minutes == [15, 30, 60, 120, 120, 120]
    assert max(durations) <= cap
    # after the (capped) lock ends, a new address signs in again
    with travel(elapsed):
        assert signed_in(attempt("teacher-dinara", PASSWORD, ip="192.0.2.201"))


def test_g5_12_per_address_throttle_spares_accounts_familiar_with_the_address(teacher):
    shared_nat = "192.0.2.50"
    assert signed_in(attempt("teacher-dinara", PASSWORD, ip=shared_nat))
    for n in range(30):  # password spraying: one try on each of 30 accounts in 6 minutes
        with travel(n / 5):
            attempt(f"victim-{n}", "Spring2026!", ip=shared_nat)
    lock = SignInLock.objects.get(kind="address")
    assert (lock.ip, lock.username, lock.failures) == (shared_nat, "", 30)
    other = f.make_user("other-account")
    # a fresh account from the throttled address is refused; from elsewhere it is not
    assert not signed_in(attempt(other.username, PASSWORD, ip=shared_nat))
    assert signed_in(attempt(other.username, PASSWORD, ip="192.0.2.51"))
    # an account that usually works behind that address keeps working
    assert signed_in(attempt("teacher-dinara", PASSWORD, ip=shared_nat))


def test_g5_12_wrong_mfa_codes_count_towards_the_lock(teacher):
    fail("teacher-dinara", 3)
    token = set_request_info(RequestInfo(ip=USER_IP, user_agent=USER_AGENT))
    try:
        for _ in range(2):  # as the MFA stage records a wrong code
            journal.record_sign_in_failure(
                username="teacher-dinara",
                reason="bad_mfa_code",
                user=teacher,
                action="identity.mfa",
            )
    finally:
        reset_request_info(token)
    assert SignInLock.objects.filter(kind="pair", username="teacher-dinara").exists()
    assert not signed_in(attempt("teacher-dinara", PASSWORD))


def test_g5_12_the_limits_are_an_effective_dated_rule_set(teacher):
    stricter = {**lockout.DEFAULT_RULES, "pair_failures": 2}
    RuleSet.objects.create(
        code=lockout.RULE_CODE, valid_from=timezone.localdate(), value=stricter, source="test"
    )
    fail("teacher-dinara", 2)
    assert SignInLock.objects.filter(kind="pair").exists()


# -- the OAuth2 password grant -----------------------------------------------------------------


@pytest.fixture
def password_client(db: Any) -> Application:
    return Application.objects.create(
        name="integration",
        client_id="integration-client",
        client_secret="integration-secret-0123456789",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )


def token_attempt(username: str, password: str) -> Any:
    return Client(REMOTE_ADDR=USER_IP, HTTP_USER_AGENT=USER_AGENT).post(
        "/o/token/",
        {
            "grant_type": "password",
            "username": username,
            "password": password,
            "scope": "read",
            "client_id": "integration-client",
            "client_secret": "integration-secret-0123456789",
        },
    )


def test_g5_12_token_password_grant_is_journaled_and_locked_with_429(teacher, password_client):
    for _ in range(5):
        assert token_attempt("teacher-dinara", "wrong-password").status_code == 400
    rows = FailedAccess.objects.filter(action="identity.token")
    assert set(rows.values_list("reason", flat=True)) == {"bad_password"}
    locked = token_attempt("teacher-dinara", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "account_locked"
    assert set(locked.json()) == {"code", "message", "fields"}
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    with travel(16):
        assert token_attempt("teacher-dinara", PASSWORD).status_code == 200


# -- administrators release a lock early ---------------------------------------------------------


def test_g5_12_head_releases_a_lock_early_and_it_is_journaled(teacher, org_tree, user_with_role):
    fail("teacher-dinara", 5)
    lock = SignInLock.objects.get()
    director = user_with_role("school_director", org_tree.school_a1)
    api = Client()
    api.force_login(director)
    listed = api.get(f"{API}/audit/sign-in-locks")
    assert [row["id"] for row in listed.json()["items"]] == [str(lock.pk)]
    released = api.post(f"{API}/audit/sign-in-locks/{lock.pk}/release")
    assert released.status_code == 200
    assert released.json()["active"] is False
    entry = ActionRecord.objects.get(action="audit.signin.unlock")
    assert (entry.actor, entry.target_id, entry.organization_id) == (
        director,
        str(lock.pk),
        org_tree.school_a1.pk,
    )
    assert api.post(f"{API}/audit/sign-in-locks/{lock.pk}/release").status_code == 409
    # the user signs in at once; the old failures no longer count
    assert signed_in(attempt("teacher-dinara", PASSWORD))
    fail("teacher-dinara", 1)
    assert SignInLock.objects.count() == 1


def test_g5_12_release_is_refused_outside_scope_and_without_the_capability(
    teacher, org_tree, user_with_role
):
    fail("teacher-dinara", 5)
    lock = SignInLock.objects.get()
    other_head = Client()
    other_head.force_login(user_with_role("school_director", org_tree.school_b1))
    assert other_head.post(f"{API}/audit/sign-in-locks/{lock.pk}/release").status_code == 404
    teacher_client = Client()
    teacher_client.force_login(user_with_role("school_teacher", org_tree.school_a1))
    assert teacher_client.post(f"{API}/audit/sign-in-locks/{lock.pk}/release").status_code == 403
    assert SignInLock.objects.get().released_at is None


def test_g5_12_web_release_button(teacher, org_tree, user_with_role):
    fail("teacher-dinara", 5)
    lock = SignInLock.objects.get()
    web = Client()
    web.force_login(user_with_role("school_director", org_tree.school_a1))
    page = web.get("/audit/failed-access/")
    assert f"/audit/locks/{lock.pk}/release/" in page.content.decode()
    response = web.post(f"/audit/locks/{lock.pk}/release/")
    assert response.status_code == 302
    assert SignInLock.objects.get().released_at is not None


# -- the viewer of failed attempts, within scope --------------------------------------------------


@pytest.fixture
def attempts(teacher, org_tree) -> dict[str, Any]:
    """Failures of a teacher of school A1, of a teacher of school B1, and of an unknown account."""
    person_b = f.make_person("Ахметов", "Ерлан", dt.date(1988, 2, 2), "M")
    f.employ(person_b, org_tree.school_b1)
    f.make_user("teacher-erlan", person=person_b)
    fail("teacher-dinara", 2)
    fail("teacher-erlan", 1, ip="192.0.2.77")
    fail("ghost-account", 1, ip="192.0.2.78")
    return {"a": "teacher-dinara", "b": "teacher-erlan", "unknown": "ghost-account"}


def _accounts(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["account"] for row in response.json()["items"]]


def test_g5_12_viewer_shows_each_administrator_only_their_scope(attempts, org_tree, user_with_role):
    head_a = Client()
    head_a.force_login(user_with_role("school_director", org_tree.school_a1))
    assert _accounts(head_a.get(f"{API}/audit/failed-access")) == ["teacher-dinara"] * 2
    head_b = Client()
    head_b.force_login(user_with_role("school_director", org_tree.school_b1))
    assert _accounts(head_b.get(f"{API}/audit/failed-access")) == ["teacher-erlan"]
    # another organization's administrator sees none of school A1's attempts
    assert _accounts(head_b.get(f"{API}/audit/failed-access?account=teacher-dinara")) == []
    district_b = Client()
    district_b.force_login(user_with_role("district_head", org_tree.district_b1))
    assert "teacher-dinara" not in _accounts(district_b.get(f"{API}/audit/failed-access"))
    # unknown accounts are platform-level: only the platform administrator sees them
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))
    assert set(_accounts(root.get(f"{API}/audit/failed-access"))) == {
        "teacher-dinara",
        "teacher-erlan",
        "ghost-account",
    }


def test_g5_12_viewer_without_the_capability_is_403(attempts, org_tree, user_with_role):
    teacher_client = Client()
    teacher_client.force_login(user_with_role("school_teacher", org_tree.school_a1))
    response = teacher_client.get(f"{API}/audit/failed-access")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert teacher_client.get("/audit/failed-access/").status_code == 403


def test_g5_12_viewer_filters_by_period_account_ip_reason_and_action(attempts, org_tree):
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))
    url = f"{API}/audit/failed-access"
    assert _accounts(root.get(url, {"ip": "192.0.2.77"})) == ["teacher-erlan"]
    assert _accounts(root.get(url, {"reason": "unknown_account"})) == ["ghost-account"]
    assert _accounts(root.get(url, {"account": "TEACHER-DINARA"})) == ["teacher-dinara"] * 2
    assert len(_accounts(root.get(url, {"action": "identity.login"}))) == 4
    assert _accounts(root.get(url, {"action": "identity.mfa"})) == []
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert _accounts(root.get(url, {"since": future})) == []
    assert len(_accounts(root.get(url, {"until": future}))) == 4
    bad_ip = root.get(url, {"ip": "not-an-ip"})
    assert (bad_ip.status_code, bad_ip.json()["code"]) == (400, "ip_invalid")
    # the web page filters the same way
    page = root.get("/audit/failed-access/", {"account": "teacher-erlan"}).content.decode()
    assert "teacher-erlan" in page
    assert "ghost-account" not in page


def test_g5_12_viewer_pages_by_keyset_with_a_constant_query_count(db, org_tree):
    root = Client()
    root.force_login(f.make_user("root", is_superuser=True))
    url = f"{API}/audit/failed-access?limit=5"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert root.get(url).status_code == 200
        return len(captured)

    fail("someone", 3, ip="192.0.2.90")
    few = queries()
    for n in range(25):
        fail(f"someone-{n}", 1, ip=f"192.0.2.{100 + n}")
    assert queries() == few
    first = root.get(url).json()
    second = root.get(f"{url}&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == len(second["items"]) == 5
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}


def test_g5_12_the_admin_site_signs_in_through_the_protected_form(db):
    response = Client().post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not FailedAccess.objects.exists()  # nothing checked there: the form is allauth's


def test_g5_12_security_menu_shows_for_heads_only(org_tree, user_with_role):
    head = Client()
    head.force_login(user_with_role("school_director", org_tree.school_a1))
    assert 'href="/audit/failed-access/"' in head.get("/").content.decode()
    teacher = Client()
    teacher.force_login(user_with_role("school_teacher", org_tree.school_a1))
    assert 'href="/audit/failed-access/"' not in teacher.get("/").content.decode()
