"""Registration of digital resources for single sign-on (G-9, HSC-2/13): only the platform
administrator, in the web UI and the API; the secret is shown once and stored hashed; every step
journaled; django-oauth-toolkit's own management pages closed; the consent screen in kk and ru."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from oauth2_provider.models import AccessToken, Application

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.sso.models import ClientPolicy
from oqu.tests import factories as f

from .conftest import REDIRECT_URI, register

API = "/api/v1"


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_g9_admin_registers_a_resource_over_the_api_and_sees_the_secret_once(
    platform_admin: Any,
) -> None:
    client = _client_for(platform_admin)
    created = client.post(
        f"{API}/sso/clients",
        json.dumps(
            {
                "name": "E-textbook",
                "redirect_uris": [REDIRECT_URI],
                "claims": ["roles", "language"],
                "scopes": ["roles", "profile"],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["client_secret"]
    assert len(secret) >= 32
    client_id = body["client"]["client_id"]
    policy_id = body["client"]["id"]
    assert body["client"]["scopes"] == ["openid", "profile", "roles"]
    application = Application.objects.get(client_id=client_id)
    assert application.client_secret != secret  # stored hashed
    assert application.algorithm == Application.RS256_ALGORITHM
    # The secret is never shown again, not in the detail and not in the journal.
    detail = client.get(f"{API}/sso/clients/{policy_id}").json()
    assert "client_secret" not in detail
    row = ActionRecord.objects.get(action="sso.client.create")
    assert secret not in json.dumps(row.after)
    assert row.after["claims"] == ["language", "roles"]

    changed = client.patch(
        f"{API}/sso/clients/{policy_id}",
        json.dumps({"claims": ["organization"], "scopes": ["organization"]}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["claims"] == ["organization"]
    update = ActionRecord.objects.get(action="sso.client.update")
    assert update.before["claims"] == ["language", "roles"]
    assert update.after["claims"] == ["organization"]

    rotated = client.post(f"{API}/sso/clients/{policy_id}/rotate-secret")
    assert rotated.status_code == 200
    assert rotated.json()["client_secret"] not in ("", secret)
    assert ActionRecord.objects.filter(action="sso.client.rotate_secret").count() == 1

    disabled = client.post(f"{API}/sso/clients/{policy_id}/disable")
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    again = client.post(f"{API}/sso/clients/{policy_id}/disable")
    assert again.status_code == 409
    assert again.json()["code"] == "already_disabled"
    assert client.post(f"{API}/sso/clients/{policy_id}/enable").json()["is_active"] is True


def test_g9_bad_registration_answers_400_and_writes_nothing(platform_admin: Any) -> None:
    client = _client_for(platform_admin)
    bad_scheme = client.post(
        f"{API}/sso/clients",
        json.dumps({"name": "X", "redirect_uris": ["ftp://resource.example.kz/cb"]}),
        content_type="application/json",
    )
    assert bad_scheme.status_code == 400
    assert bad_scheme.json()["code"] == "invalid_client"
    assert "redirect_uris" in bad_scheme.json()["fields"]
    unknown_claim = client.post(
        f"{API}/sso/clients",
        json.dumps({"name": "X", "redirect_uris": [REDIRECT_URI], "claims": ["iin"]}),
        content_type="application/json",
    )
    assert unknown_claim.status_code == 422
    assert not Application.objects.exists()
    assert not ClientPolicy.objects.exists()
    assert not ActionRecord.objects.filter(action__startswith="sso.").exists()


def test_g9_only_the_platform_administrator_manages_resources(
    org_tree: Any, platform_admin: Any, user_with_role: Any
) -> None:
    issued = register(platform_admin)
    policy_id = issued.policy.pk
    teacher = _client_for(user_with_role("school_teacher", org_tree.school_a1))
    ministry = _client_for(user_with_role("ministry_specialist", org_tree.republic))
    # Out of sight: 404, like a missing id; an empty list.
    assert teacher.get(f"{API}/sso/clients").json()["items"] == []
    assert teacher.get(f"{API}/sso/clients/{policy_id}").status_code == 404
    assert teacher.post(f"{API}/sso/clients/{policy_id}/disable").status_code == 404
    created = teacher.post(
        f"{API}/sso/clients",
        json.dumps({"name": "X", "redirect_uris": [REDIRECT_URI]}),
        content_type="application/json",
    )
    assert created.status_code == 404
    # A ministry official sees the republic level but lacks the capability: 403 on changes.
    denied = ministry.post(
        f"{API}/sso/clients",
        json.dumps({"name": "X", "redirect_uris": [REDIRECT_URI]}),
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert FailedAccess.objects.filter(action="sso.client.manage").count() >= 2
    assert ClientPolicy.objects.count() == 1
    # The seeded platform administrator role holds the capability (data migration).
    holder = _client_for(user_with_role("platform_admin", org_tree.republic))
    assert holder.get(f"{API}/sso/clients").json()["items"][0]["id"] == str(policy_id)
    # Web pages likewise.
    assert teacher.get("/sso/clients/").status_code == 404
    assert teacher.get(f"/sso/clients/{policy_id}/").status_code == 404


def test_g9_dot_application_pages_are_closed_to_everyone_but_the_administrator(
    org_tree: Any, platform_admin: Any, user_with_role: Any
) -> None:
    teacher = _client_for(user_with_role("school_teacher", org_tree.school_a1))
    for path in ("/o/applications/", "/o/applications/register/"):
        assert teacher.get(path).status_code == 404
    assert Client().get("/o/applications/").status_code == 302  # to the login page
    assert _client_for(platform_admin).get("/o/applications/").status_code == 200
    # The user's own authorized tokens page stays open to them.
    assert teacher.get("/o/authorized_tokens/").status_code == 200


def test_g9_admin_registers_edits_rotates_and_disables_in_the_web_ui(
    platform_admin: Any,
) -> None:
    client = _client_for(platform_admin)
    page = client.get("/sso/clients/")
    assert page.status_code == 200
    created = client.post(
        "/sso/clients/",
        {
            "name": "Кітапхана",
            "client_type": "confidential",
            "redirect_uris": REDIRECT_URI,
            "claims": ["name", "organization"],
            "scopes": ["profile", "organization"],
        },
    )
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    policy = ClientPolicy.objects.get()
    assert policy.application.client_id in created.content.decode()
    assert 'data-testid="client-secret"' in created.content.decode()
    assert policy.claims == ["name", "organization"]
    detail = client.get(f"/sso/clients/{policy.pk}/")
    assert 'data-testid="client-secret"' not in detail.content.decode()
    saved = client.post(
        f"/sso/clients/{policy.pk}/",
        {
            "name": "Кітапхана",
            "redirect_uris": REDIRECT_URI,
            "claims": ["roles"],
            "scopes": ["roles"],
        },
    )
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert policy.claims == ["roles"]
    assert policy.scopes == ["openid", "roles"]
    rotated = client.post(f"/sso/clients/{policy.pk}/rotate/")
    assert 'data-testid="client-secret"' in rotated.content.decode()
    assert client.post(f"/sso/clients/{policy.pk}/active/", {"active": "0"}).status_code == 302
    policy.refresh_from_db()
    assert policy.is_active is False
    actions = set(ActionRecord.objects.values_list("action", flat=True))
    assert {
        "sso.client.create",
        "sso.client.update",
        "sso.client.rotate_secret",
        "sso.client.disable",
    } <= actions
    bad = client.post("/sso/clients/", {"name": "", "client_type": "public", "redirect_uris": ""})
    assert bad.status_code == 400


def test_g9_disabling_revokes_the_tokens_issued_to_the_resource(platform_admin: Any) -> None:
    from django.utils import timezone

    issued = register(platform_admin)
    user = f.make_user("reader")
    AccessToken.objects.create(
        user=user,
        application=issued.policy.application,
        token="issued-before",
        expires=timezone.now() + timezone.timedelta(hours=1),
        scope="openid read",
    )
    client = _client_for(platform_admin)
    client.post(f"{API}/sso/clients/{issued.policy.pk}/disable")
    assert not AccessToken.objects.filter(application=issued.policy.application).exists()
    row = ActionRecord.objects.get(action="sso.client.disable")
    assert row.after == {"is_active": False, "tokens_revoked": 1}


def test_g9_api_clients_without_a_policy_keep_their_scopes_and_get_no_identity_scopes(
    db: Any,
) -> None:
    from oqu.sso.scopes import PolicyScopes

    application = Application.objects.create(
        name="integration",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    backend = PolicyScopes()
    assert backend.get_available_scopes(application) == ["read", "write"]
    assert backend.get_default_scopes(application) == ["read", "write"]


@pytest.mark.parametrize(("language", "allow"), [("kk", "Рұқсат беру"), ("ru", "Разрешить")])
def test_g9_consent_screen_in_kazakh_and_russian(
    platform_admin: Any, language: str, allow: str
) -> None:
    issued = register(platform_admin, name="Цифрлық оқулық")
    user = f.make_user(f"consent-{language}", language=language)
    client = _client_for(user)
    client.cookies["oqu_language"] = language
    page = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": issued.policy.application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid roles",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert "Цифрлық оқулық" in html
    with translation.override(language):
        assert translation.gettext("Allow") in html
        assert translation.gettext("Your roles on the platform") in html
        # What the resource will receive: the allowed claims of the requested scopes only.
        released = html.split('data-testid="claims-to-release">')[1].split("</p>")[0]
        assert translation.gettext("Roles") in released
        assert translation.gettext("Organizations (id, name, BIN)") not in released
    assert allow in html


def test_g9_client_list_query_count_does_not_grow_with_resources(platform_admin: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client_for(platform_admin)
    register(platform_admin, name="A")
    client.get(f"{API}/sso/clients")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(f"{API}/sso/clients").json()["items"]) == 1
    for n in range(4):
        register(platform_admin, name=f"B{n}")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(f"{API}/sso/clients").json()["items"]) == 5
    assert len(five) == len(one)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/sso/clients/").status_code == 200
    assert len(page) <= len(five) + 8
