"""Roles, capabilities and grants over HTTP, and how API clients authenticate: the session with
CSRF, OAuth2 bearer tokens with read/write scopes (G-5.2, G-5.8, G-5.10, G-5.12)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from oauth2_provider.models import AccessToken, Application

from oqu.access.capabilities import all_capabilities
from oqu.access.models import Grant, Role
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.tests import factories as f

API = "/api/v1"


def _ids(response: Any) -> set[str]:
    return {row["id"] for row in response.json()["items"]}


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


def _token(
    user: Any, *, scope: str = "read write", expires_in: dt.timedelta = dt.timedelta(hours=1)
) -> str:
    application = Application.objects.create(
        name="school-app",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    raw = f"token-{user.username}-{scope.replace(' ', '-')}-{expires_in.total_seconds():.0f}"
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        expires=timezone.now() + expires_in,
        scope=scope,
    )
    return raw


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _grant_payload(user: Any, role_code: str, unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "user_id": str(user.pk),
        "role_id": str(Role.objects.get(code=role_code).pk),
        "unit_id": str(unit.pk),
        **extra,
    }


# -- roles and capabilities ------------------------------------------------------------------


def test_g5_8_roles_are_listed_to_those_who_give_roles(org_tree, user_with_role, login):
    director = login(user_with_role("school_director", org_tree.school_a1))
    codes = [row["code"] for row in director.get(f"{API}/roles?limit=200").json()["items"]]
    assert codes == sorted(codes)
    assert {"school_teacher", "school_director", "parent", "region_head"} <= set(codes)
    teacher_role = Role.objects.get(code="school_teacher")
    one = director.get(f"{API}/roles/{teacher_role.pk}").json()
    assert (one["code"], one["level"], one["legal_basis"]) == (
        "school_teacher",
        "organization",
        "SEC-27.18",
    )
    assert "people.person.view" in one["capabilities"]


def test_g5_10_a_teacher_sees_no_roles(org_tree, user_with_role, login):
    teacher = login(user_with_role("school_teacher", org_tree.school_a1))
    assert teacher.get(f"{API}/roles").json()["items"] == []
    assert (
        teacher.get(f"{API}/roles/{Role.objects.get(code='school_teacher').pk}").status_code == 404
    )


def test_g5_8_platform_admin_creates_and_changes_a_role(org_tree, user_with_role, login):
    api = login(user_with_role("platform_admin", org_tree.republic))
    created = api.post(
        f"{API}/roles",
        {
            "code": "school_librarian",
            "name_kk": "Кітапханашы",
            "name_ru": "Библиотекарь",
            "level": "organization",
            "capabilities": ["orgs.unit.view", "people.person.view"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    role_id = created.json()["id"]
    changed = api.patch(
        f"{API}/roles/{role_id}",
        {"capabilities": ["orgs.unit.view"], "is_active": False},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["capabilities"], changed.json()["is_active"]) == (
        ["orgs.unit.view"],
        False,
    )
    unknown = api.patch(
        f"{API}/roles/{role_id}",
        {"capabilities": ["orgs.unit.fly"]},
        content_type="application/json",
    )
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["fields"]) == (
        400,
        "capability_unknown",
        {"capabilities": ["orgs.unit.fly"]},
    )
    assert Role.objects.get(pk=role_id).capabilities == ["orgs.unit.view"]


def test_g5_8_a_director_may_not_change_what_a_role_may_do(org_tree, user_with_role, login):
    director = user_with_role("school_director", org_tree.school_a1)
    role = Role.objects.get(code="school_teacher")
    before = list(role.capabilities)
    response = login(director).patch(
        f"{API}/roles/{role.pk}",
        {"capabilities": ["orgs.unit.view"]},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Role.objects.get(pk=role.pk).capabilities == before
    assert (
        FailedAccess.objects.filter(actor=director, status=403, action="access.role.manage").count()
        == 1
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_g5_8_capabilities_are_described_in_the_users_language(
    org_tree, user_with_role, login, language
):
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    api.cookies["oqu_language"] = language
    rows = api.get(f"{API}/capabilities").json()
    assert [row["code"] for row in rows] == sorted(all_capabilities())
    with translation.override(language):
        expected = {code: str(text) for code, text in all_capabilities().items()}
    assert {row["code"]: row["description"] for row in rows} == expected


# -- grants ------------------------------------------------------------------------------------


def test_g5_8_director_gives_and_withdraws_a_teacher_role_with_history(
    org_tree, user_with_role, login
):
    director = user_with_role("school_director", org_tree.school_a1)
    newcomer = f.make_user("newcomer")
    api = login(director)
    # when the director gives the teacher role on the school
    created = api.post(
        f"{API}/grants",
        _grant_payload(newcomer, "school_teacher", org_tree.school_a1),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (
        body["username"],
        body["role_code"],
        body["unit_id"],
        body["granted_by"],
        body["is_active"],
    ) == (
        "newcomer",
        "school_teacher",
        str(org_tree.school_a1.pk),
        director.username,
        True,
    )
    # then the newcomer sees the school
    newcomer_api = Client()
    newcomer_api.force_login(newcomer)
    school_url = f"{API}/organizations/{org_tree.school_a1.pk}"
    assert newcomer_api.get(school_url).status_code == 200
    grant_url = f"{API}/grants/{body['id']}"
    # and when the director withdraws it, it ends at once, and withdrawing again is a conflict
    revoked = api.post(f"{grant_url}/revoke", content_type="application/json")  # no body: now
    assert (revoked.status_code, revoked.json()["is_active"]) == (200, False)
    assert (
        api.post(f"{grant_url}/revoke", {}, content_type="application/json").json()["code"]
        == "already_ended"
    )
    # and the history shows both changes, newest first, with who made them
    history = api.get(f"{grant_url}/history").json()["items"]
    assert [(row["change"], row["by"]) for row in history] == [
        ("changed", director.username),
        ("created", director.username),
    ]
    assert history[1]["values"]["valid_to"] is None
    assert history[0]["values"]["valid_to"] is not None
    assert list(
        ActionRecord.objects.filter(target_id=body["id"])
        .order_by("at")
        .values_list("action", flat=True)
    ) == ["access.grant.create", "access.grant.revoke"]


def test_g5_8_district_head_appoints_a_school_director(org_tree, user_with_role, login):
    # the department appoints the heads of its schools: delegation below its own unit
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = api.post(
        f"{API}/grants",
        _grant_payload(f.make_user("candidate"), "school_director", org_tree.school_a1),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Grant.objects.filter(pk=response.json()["id"], role__code="school_director").exists()


def test_g5_8_nobody_gives_more_than_they_hold_on_own_unit(org_tree, user_with_role, login):
    # a role an administrator widened beyond what a school director holds
    Role.objects.create(
        code="broad_teacher", name="broad", level="organization", capabilities=["orgs.unit.manage"]
    )
    api = login(user_with_role("school_director", org_tree.school_a1))
    before = Grant.objects.count()
    response = api.post(
        f"{API}/grants",
        _grant_payload(f.make_user("candidate"), "broad_teacher", org_tree.school_a1),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "role_exceeds_own_rights")
    assert response.json()["fields"]["role"] == ["orgs.unit.manage"]
    assert Grant.objects.count() == before


def test_g5_8_role_level_must_match_the_unit(org_tree, user_with_role, login):
    api = login(user_with_role("region_head", org_tree.region_a))
    response = api.post(
        f"{API}/grants",
        _grant_payload(f.make_user("x"), "district_specialist", org_tree.school_a1),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "role_level_mismatch")


def test_g5_8_grant_by_username_with_a_period(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    f.make_user("substitute")
    payload = {
        "username": "substitute",
        "role_id": str(Role.objects.get(code="school_teacher").pk),
        "unit_id": str(org_tree.school_a1.pk),
        "valid_from": "2026-09-01T00:00:00+05:00",
        "valid_to": "2026-12-31T00:00:00+05:00",
    }
    created = api.post(f"{API}/grants", payload, content_type="application/json")
    assert created.status_code == 201
    grant = Grant.objects.get(pk=created.json()["id"])
    assert grant.valid_to - grant.valid_from == dt.timedelta(days=121)
    naive = api.post(
        f"{API}/grants",
        {**payload, "valid_from": "2026-09-01T00:00:00"},
        content_type="application/json",
    )
    assert (naive.status_code, naive.json()["fields"]) == (422, {"valid_from": ["timezone_aware"]})
    unknown = api.post(
        f"{API}/grants", {**payload, "username": "nobody"}, content_type="application/json"
    )
    assert unknown.status_code == 404


def test_g5_10_grants_list_is_scoped_and_filtered(org_tree, user_with_role, login):
    teacher_a1 = user_with_role("school_teacher", org_tree.school_a1)
    user_with_role("school_teacher", org_tree.school_b1)
    ended = user_with_role(
        "school_teacher", org_tree.school_a1_other, valid_to=timezone.now() - dt.timedelta(hours=1)
    )
    api = login(user_with_role("district_specialist", org_tree.district_a1))
    everything = api.get(f"{API}/grants")
    assert {row["username"] for row in everything.json()["items"]} >= {
        teacher_a1.username,
        ended.username,
    }
    assert all(
        row["unit_kind"] in {"organization", "district"} for row in everything.json()["items"]
    )
    assert {row["unit_id"] for row in everything.json()["items"]} <= {
        str(u.pk)
        for u in (
            org_tree.district_a1,
            org_tree.school_a1,
            org_tree.school_a1_other,
            org_tree.preschool_a1,
        )
    }
    active = api.get(f"{API}/grants?active=true&unit={org_tree.school_a1_other.pk}")
    assert active.json()["items"] == []
    by_user = api.get(f"{API}/grants?user={teacher_a1.pk}")
    assert [row["username"] for row in by_user.json()["items"]] == [teacher_a1.username]
    assert api.get(f"{API}/grants?unit={org_tree.school_b1.pk}").status_code == 404


# -- authentication: session + CSRF, OAuth2 bearer tokens ---------------------------------------


@pytest.mark.smoke
def test_g5_2_bearer_token_reads_and_writes(org_tree, user_with_role):
    # given an API client holding a director's token with read and write scopes
    director = user_with_role("school_director", org_tree.school_a1)
    token = _token(director)
    # and a client that enforces CSRF, as browsers get
    api = Client(enforce_csrf_checks=True)
    # when it reads and writes with the token alone
    read = api.get(f"{API}/organizations/{org_tree.school_a1.pk}", **_bearer(token))
    written = api.put(
        f"{API}/organizations/{org_tree.school_a1.pk}/attributes/library",
        json.dumps({"value": True}),
        content_type="application/json",
        **_bearer(token),
    )
    # then both work: a token is never subject to the session's CSRF check
    assert read.status_code == 200
    assert (written.status_code, written.json()["value"]) == (200, True)
    assert ActionRecord.objects.get(action="orgs.attribute.set").actor == director


def test_g5_2_token_obtained_from_the_oauth2_endpoint_works(org_tree, user_with_role, client):
    director = user_with_role("school_director", org_tree.school_a1)
    Application.objects.create(
        name="integration",
        client_id="integration-client",
        client_secret="integration-secret-0123456789",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    issued = client.post(
        "/o/token/",
        {
            "grant_type": "password",
            "username": director.username,
            "password": "Passw0rd!-test",
            "scope": "read",
            "client_id": "integration-client",
            "client_secret": "integration-secret-0123456789",
        },
    )
    assert issued.status_code == 200
    token = issued.json()["access_token"]
    response = Client().get(f"{API}/organizations", **_bearer(token))
    assert response.status_code == 200
    assert _ids(response) == {str(org_tree.school_a1.pk)}


@pytest.mark.parametrize("kind", ["expired", "unknown", "inactive_user"])
def test_g5_12_invalid_bearer_token_is_401_and_journaled(org_tree, user_with_role, kind):
    director = user_with_role("school_director", org_tree.school_a1)
    tokens = {
        "expired": lambda: _token(director, expires_in=-dt.timedelta(minutes=1)),
        "unknown": lambda: "no-such-token",
        "inactive_user": lambda: _token(f.make_user("left", is_active=False)),
    }
    token = tokens[kind]()
    response = Client().get(f"{API}/organizations", **_bearer(token))
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["code"] == "invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    denial = FailedAccess.objects.get(reason="invalid_token")
    assert (denial.status, denial.actor, denial.action) == (401, None, "api.authenticate")


def test_g5_12_invalid_token_does_not_fall_back_to_the_session(org_tree, user_with_role, login):
    api = login(user_with_role("school_director", org_tree.school_a1))
    assert api.get(f"{API}/organizations").status_code == 200
    assert api.get(f"{API}/organizations", **_bearer("no-such-token")).status_code == 401


def test_g5_2_read_scope_may_not_write(org_tree, user_with_role):
    director = user_with_role("school_director", org_tree.school_a1)
    token = _token(director, scope="read")
    api = Client()
    assert api.get(f"{API}/organizations", **_bearer(token)).status_code == 200
    response = api.put(
        f"{API}/organizations/{org_tree.school_a1.pk}/attributes/library",
        json.dumps({"value": True}),
        content_type="application/json",
        **_bearer(token),
    )
    assert (response.status_code, response.json()["code"], response.json()["fields"]) == (
        403,
        "insufficient_scope",
        {"scope": ["write"]},
    )
    assert not ActionRecord.objects.filter(action="orgs.attribute.set").exists()
    assert FailedAccess.objects.get(actor=director).reason == "insufficient_scope"


def test_g5_2_bearer_client_is_answered_in_the_accounts_language(org_tree):
    user = f.make_user("russian-speaking", language="ru")
    f.grant(user, "school_teacher", org_tree.school_a1)
    token = _token(user)
    plain = Client().get(f"{API}/organizations/{org_tree.school_b1.pk}", **_bearer(token))
    asked = Client().get(
        f"{API}/organizations/{org_tree.school_b1.pk}", HTTP_ACCEPT_LANGUAGE="kk", **_bearer(token)
    )
    assert (plain.status_code, plain["Content-Language"]) == (404, "ru")
    assert asked["Content-Language"] == "kk"


def test_g5_2_session_writes_need_the_csrf_token(org_tree, user_with_role):
    director = user_with_role("school_director", org_tree.school_a1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(director)
    url = f"{API}/organizations/{org_tree.school_a1.pk}/attributes/library"
    refused = browser.put(url, json.dumps({"value": True}), content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert not ActionRecord.objects.filter(action="orgs.attribute.set").exists()
    # reads need no token; a write with the CSRF cookie's token in the header passes
    assert browser.get(f"{API}/organizations/{org_tree.school_a1.pk}").status_code == 200
    csrf = "k" * 32  # the cookie's secret, echoed in the header as a page's JavaScript does
    browser.cookies["csrftoken"] = csrf
    accepted = browser.put(
        url, json.dumps({"value": True}), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 200


def test_g5_2_anonymous_requests_are_401_and_the_openapi_document_is_public(db, client):
    assert client.get(f"{API}/grants").status_code == 401
    assert client.post(f"{API}/grants", {}, content_type="application/json").status_code == 401
    assert client.get(f"{API}/openapi.json").status_code == 200


# -- bounded list costs (G-5.2) ---------------------------------------------------------------


@pytest.fixture
def bulk(org_tree):  # type: ignore[no-untyped-def]
    """30 grants in region A; one of them changed 30 times."""
    grants = [
        f.grant(f.make_user(f"staff-{n}"), "school_teacher", org_tree.school_a1) for n in range(30)
    ]
    for n in range(30):
        grants[0].valid_to = timezone.now() + dt.timedelta(days=n + 1)
        grants[0].save()
    return grants[0]


LIST_URLS = ["/roles", "/grants", "/grants?unit={school_a1}&active=true", "/grants/{grant}/history"]


@pytest.mark.parametrize("path", LIST_URLS)
def test_g5_2_list_query_count_bounded(
    org_tree, bulk, user_with_role, login, django_assert_max_num_queries, path
):
    api = login(user_with_role("region_head", org_tree.region_a))
    url = API + path.format(school_a1=org_tree.school_a1.pk, grant=bulk.pk)
    joiner = "&" if "?" in url else "?"

    def run(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}{joiner}limit={limit}")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small_queries, small_rows = run(5)
    with django_assert_max_num_queries(8):
        large_queries, large_rows = run(200)
    assert small_rows == 5
    assert large_rows > 5
    assert small_queries == large_queries


def test_g5_2_bearer_list_query_count_bounded(org_tree, bulk, user_with_role):
    token = _token(user_with_role("region_head", org_tree.region_a))
    api = Client()
    counts = []
    for limit in (5, 200):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/grants?limit={limit}", **_bearer(token)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8
