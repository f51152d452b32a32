"""Transport security under the production settings (G-11): `check --deploy` is clean, responses
carry HSTS, CSP and the other headers, cookies are Secure, PostgreSQL is reached over TLS where
configured, and production refuses to start without an ID-token signing key.

Each check runs in a subprocess: the production settings are a different settings module, read
once per process, with the environment they need.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oqu.kernel.crypto import new_key_entry
from oqu.sso.keys import _generate_pem

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 120


@pytest.fixture(scope="module")
def prod_env(tmp_path_factory: Any) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("prod")
    key = folder / "oidc.pem"
    key.write_text(_generate_pem(), encoding="ascii")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "OQU_", "DATABASE_URL", "PYTEST", "HYPOTHESIS"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "oqu.settings.prod",
            "DJANGO_SECRET_KEY": "k9$Vq!2rZ#pL7wX@f3Tn&8mB^hD5sJ0cE*uY4gA(6oR)1iW_zN-xK+vQ=tM%yP",
            "DJANGO_ALLOWED_HOSTS": "oqu.edu.kz",
            "DATABASE_URL": f"sqlite:///{folder / 'prod.sqlite3'}",
            "OQU_OIDC_RSA_PRIVATE_KEY_FILE": str(key),
            "OQU_FIELD_KEYS": new_key_entry("prod1"),
        }
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_g11_prod_settings_pass_check_deploy(prod_env: dict[str, str]) -> None:
    result = _run(prod_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_g11_password_grant_can_be_switched_off_in_production(prod_env: dict[str, str]) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.OAUTH2_PROVIDER.get('COMPLIANT_BCP_RFC9700_PASSWORD_GRANT', "
        "False), settings.SILENCED_SYSTEM_CHECKS]))"
    )
    result = _run({**prod_env, "OQU_OAUTH_PASSWORD_GRANT": "false"}, "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == [True, []]
    check = _run(
        {**prod_env, "OQU_OAUTH_PASSWORD_GRANT": "false"},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_g11_prod_refuses_to_start_without_a_signing_key(prod_env: dict[str, str]) -> None:
    env = {k: v for k, v in prod_env.items() if k != "OQU_OIDC_RSA_PRIVATE_KEY_FILE"}
    result = _run(env, "manage.py", "check")
    assert result.returncode != 0
    assert "OQU_OIDC_RSA_PRIVATE_KEY_FILE" in result.stderr


RESPONSE_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="oqu.edu.kz")
plain = client.get("/privacy/")
page = client.get("/privacy/", secure=True)
login = client.get("/accounts/login/", secure=True)
language = client.post("/language/", {"language": "ru", "next": "/privacy/"}, secure=True)
def cookie(response, name):
    morsel = response.cookies[name]
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]}
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location")],
    "status": page.status_code,
    "headers": {k: v for k, v in page.headers.items()},
    "csrf_cookie": cookie(login, "csrftoken"),
    "language_cookie": cookie(language, "oqu_language"),
}))
"""


def test_g11_prod_response_carries_hsts_csp_and_secure_cookies(prod_env: dict[str, str]) -> None:
    result = _run(prod_env, "-c", RESPONSE_PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://oqu.edu.kz/privacy/"]
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "Content-Security-Policy-Report-Only" not in headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert probe["csrf_cookie"]["secure"] is True
    assert probe["language_cookie"]["secure"] is True


def test_g11_proxy_header_is_configurable(prod_env: dict[str, str]) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SECURE_PROXY_SSL_HEADER))"
    )
    result = _run({**prod_env, "OQU_PROXY_SSL_HEADER": "X-Forwarded-Scheme:https"}, "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == ["HTTP_X_FORWARDED_SCHEME", "https"]


def test_g11_postgresql_over_tls_when_configured(prod_env: dict[str, str]) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    env = {
        **prod_env,
        "DATABASE_URL": "postgres://oqu:secret@db.oqu.internal:5432/oqu",
        "OQU_DB_SSLMODE": "verify-full",
        "OQU_DB_SSLROOTCERT": "/etc/oqu/db-ca.pem",
    }
    result = _run(env, "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/oqu/db-ca.pem",
        # prepared statements (docs/architecture.md "Hot paths"), not TLS
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    plain = _run({**env, "OQU_DB_SSLMODE": ""}, "-c", code)
    assert "sslmode" not in json.loads(plain.stdout)


def test_g11_dev_and_tests_send_the_policy_as_report_only(client: Any, db: Any) -> None:
    response = client.get("/privacy/")
    assert "default-src 'self'" in response["Content-Security-Policy-Report-Only"]
    assert response["X-Frame-Options"] == "DENY"
