"""Single sign-on end to end (G-9, HSC-2/13): a real OpenID Connect client library (Authlib)
against the platform running on a live server: discovery, authorization code with PKCE (S256)
through the consent screen of a signed-in user, token exchange, the ID token's RS256 signature
checked with the published JWKS, userinfo. Claims the resource's policy does not allow are absent.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken
from django.apps import apps as django_apps
from django.test import Client

from oqu.access.reference import add_capabilities, load_roles
from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.orgs.reference import load_regions, load_types_and_attributes
from oqu.sso import services
from oqu.tests import factories as f

from .conftest import REDIRECT_URI, register, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
TIMEOUT = 10


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """The migrations' reference data (idempotent), in case an earlier transactional test flushed it."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    add_capabilities(django_apps, {"platform_admin": ["sso.client.manage"]})


@pytest.fixture
def teacher(reference_data: Any) -> Any:
    """A teacher of a school with a grant there: has a role and an organization to release."""
    school = f.make_unit(
        f.make_unit(f.region("75"), "district", "Алмалы ауданы"),
        "organization",
        "№ 1 мектеп",
        "school",
        bin="940140000385",
    )
    person = f.make_person("Серікова", "Айгүл", sex="F")
    f.employ(person, school)
    user = f.make_user("teacher-sso", person=person, language="kk")
    f.grant(user, "school_teacher", school)
    return user


def _discover(base: str) -> dict[str, Any]:
    response = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=TIMEOUT)
    assert response.status_code == 200
    return response.json()


def _sign_in_flow(
    base: str, user: Any, client_id: str, client_secret: str, scope: str
) -> dict[str, Any]:
    """Run the authorization-code flow with PKCE as a resource would; return what it learns."""
    config = _discover(base)
    oauth = OAuth2Session(
        client_id,
        client_secret,
        scope=scope,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = oauth.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    browser = requests.Session()
    name, value = session_cookie(user)
    browser.cookies.set(name, value)
    consent = browser.get(url, allow_redirects=False, timeout=TIMEOUT)
    assert consent.status_code == 200, consent.status_code
    form = dict(HIDDEN_INPUT.findall(consent.text))
    form = {k: unescape(v) for k, v in form.items()}
    form["allow"] = "allow"
    decision = browser.post(
        url.split("?")[0],
        data=form,
        headers={"Referer": url, "X-CSRFToken": browser.cookies.get("csrftoken", "")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert decision.status_code == 302, decision.text[:500]
    location = decision.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    assert parse_qs(urlsplit(location).query)["state"] == [state]
    token = oauth.fetch_token(
        config["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    jwks = requests.get(config["jwks_uri"], timeout=TIMEOUT).json()
    claims = jwt.decode(
        token["id_token"],
        JsonWebKey.import_key_set(jwks),
        claims_cls=CodeIDToken,
        claims_options={
            "iss": {"essential": True, "value": config["issuer"]},
            "aud": {"essential": True, "value": client_id},
        },
        claims_params={"nonce": nonce, "access_token": token["access_token"]},
    )
    claims.validate(leeway=5)
    userinfo = oauth.get(config["userinfo_endpoint"], timeout=TIMEOUT)
    assert userinfo.status_code == 200
    return {"config": config, "token": token, "id_token": dict(claims), "userinfo": userinfo.json()}


def test_g9_oidc_id_token_carries_only_allowed_claims(live_server: Any, teacher: Any) -> None:
    admin = f.make_user("platform-admin-live", is_superuser=True)
    issued = register(admin, claims=["roles", "organization"], scopes=["roles", "organization"])
    result = _sign_in_flow(
        live_server.url,
        teacher,
        issued.policy.application.client_id,
        issued.client_secret,
        "openid roles organization",
    )
    assert "RS256" in result["config"]["id_token_signing_alg_values_supported"]
    for claims in (result["id_token"], result["userinfo"]):
        assert claims["sub"] == issued.policy.subject_for(teacher.pk)
        assert claims["roles"] == ["school_teacher"]
        assert claims["organizations"] == [
            {"id": str(teacher.grants.get().unit_id), "name": "№ 1 мектеп", "bin": "940140000385"}
        ]
        # Not allowed by the policy: no name, no language; never the IIN anywhere.
        for absent in ("name", "given_name", "family_name", "locale", "iin", "email"):
            assert absent not in claims
        assert teacher.person.iin not in str(claims)
        assert claims["sub"] != str(teacher.pk)
    # The release is journaled on the teacher's account, in their organization's chain, and the
    # teacher sees it among those who accessed their data.
    released = ActionRecord.objects.get(action="sso.claims.released")
    assert released.target_id == str(teacher.pk)
    assert released.organization_id == teacher.grants.get().unit_id
    assert released.after["claims"] == ["organizations", "roles", "sub"]
    own = Client()
    own.force_login(teacher)
    accesses = own.get("/api/v1/me/data").json()["accesses"]
    assert [a["actor"] for a in accesses if a["action"] == "sso.claims.released"] == [
        "Цифрлық оқулық (SSO)"
    ]


def test_g9_oidc_claims_follow_the_policy_and_the_granted_scopes(
    live_server: Any, teacher: Any
) -> None:
    admin = f.make_user("platform-admin-live", is_superuser=True)
    issued = register(
        admin, claims=["name", "language"], scopes=["profile"], skip_authorization=False
    )
    client_id = issued.policy.application.client_id
    result = _sign_in_flow(
        live_server.url, teacher, client_id, issued.client_secret, "openid profile"
    )
    claims = result["id_token"]
    assert claims["name"] == "Серікова Айгүл"
    assert claims["given_name"] == "Айгүл"
    assert claims["locale"] == "kk"
    assert "roles" not in claims
    assert "organizations" not in claims
    # A scope outside the policy is refused by the provider, not silently granted.
    oauth = OAuth2Session(
        client_id,
        issued.client_secret,
        scope="openid roles",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    url, _ = oauth.create_authorization_url(
        result["config"]["authorization_endpoint"], code_verifier=generate_token(48)
    )
    browser = requests.Session()
    browser.cookies.set(*session_cookie(teacher))
    refused = browser.get(url, allow_redirects=False, timeout=TIMEOUT)
    assert refused.status_code == 302
    assert "error=invalid_scope" in refused.headers["Location"]
    # Two resources get two different subjects for the same person (no cross-resource matching).
    other = register(admin, name="Басқа ресурс", claims=[], scopes=[])
    assert other.policy.subject_for(teacher.pk) != issued.policy.subject_for(teacher.pk)


def test_g9_disabled_client_is_refused(live_server: Any, teacher: Any) -> None:
    admin = f.make_user("platform-admin-live", is_superuser=True)
    issued = register(admin)
    client_id = issued.policy.application.client_id
    result = _sign_in_flow(
        live_server.url, teacher, client_id, issued.client_secret, "openid roles"
    )
    services.client_set_active(actor=actor_for(admin), policy=issued.policy, active=False)
    config = result["config"]
    # The access token issued before is revoked: userinfo refuses it.
    userinfo = requests.get(
        config["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {result['token']['access_token']}"},
        timeout=TIMEOUT,
    )
    assert userinfo.status_code == 401
    # A new sign-in through the disabled resource is refused.
    oauth = OAuth2Session(
        client_id,
        issued.client_secret,
        scope="openid",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    url, _ = oauth.create_authorization_url(
        config["authorization_endpoint"], code_verifier=generate_token(48)
    )
    browser = requests.Session()
    browser.cookies.set(*session_cookie(teacher))
    refused = browser.get(url, allow_redirects=False, timeout=TIMEOUT)
    assert refused.status_code in (400, 200)
    assert "code=" not in refused.headers.get("Location", "")
    assert "authorizationForm" not in refused.text
    # And the token endpoint does not accept the resource's credentials any more.
    token = requests.post(
        config["token_endpoint"],
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        auth=(client_id, issued.client_secret),
        timeout=TIMEOUT,
    )
    assert token.status_code == 401
    assert token.json()["error"] == "invalid_client"
