"""Verify-a-signature page and API, the example signing page with the software signer, and the
production refusal of the software signer (EDMS-23, G-5.3, G-5.12)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.pki.certinfo import ROLE_FIRST_HEAD
from oqu.pki.checks import refuse_software_signer
from oqu.pki.models import Verification
from oqu.pki.testing_ca import issue_for
from oqu.tests import factories as f

DOCUMENT = "Есеп / Отчёт 2026".encode()
ROOT = Path(__file__).resolve().parents[3]


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_edms23_api_verifies_and_returns_the_details(client, ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1, roles=[ROLE_FIRST_HEAD])
    client.force_login(head)
    response = client.post(
        "/api/v1/pki/verifications",
        {
            "document": _upload("order.txt", DOCUMENT),
            "signature": _upload("order.txt.cms", ca.sign(holder, DOCUMENT)),
            "purpose": "head_confirmation",
            "expected_person_id": str(head.person.pk),
            "expected_organization_id": str(org_tree.school_a1.pk),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["valid"], body["signer_bin"]) == ("valid", True, "940140000385")
    assert body["message"]
    detail = client.get(f"/api/v1/pki/verifications/{body['id']}")
    assert detail.json()["signer_iin"] == head.person.iin


def test_edms23_api_bad_signature_is_a_result_and_bad_request_a_400(client, ca, head):
    client.force_login(head)
    response = client.post(
        "/api/v1/pki/verifications",
        {"document": _upload("a.txt", DOCUMENT), "signature": _upload("a.cms", b"nonsense")},
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "malformed"
    response = client.post(
        "/api/v1/pki/verifications",
        {"signature": _upload("a.cms", b"x"), "purpose": "unknown"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "pki_purpose_unknown"


def test_edms23_api_others_verifications_are_404_and_list_is_flat(client, ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    client.force_login(head)
    for _ in range(3):
        client.post(
            "/api/v1/pki/verifications",
            {
                "document": _upload("a", DOCUMENT),
                "signature": _upload("s", ca.sign(holder, DOCUMENT)),
            },
        )
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/api/v1/pki/verifications").json()["items"]) == 3
    client.post(
        "/api/v1/pki/verifications",
        {"document": _upload("a", DOCUMENT), "signature": _upload("s", b"junk")},
    )
    with CaptureQueriesContext(connection) as four:
        assert len(client.get("/api/v1/pki/verifications").json()["items"]) == 4
    assert len(four) == len(three)
    # a teacher of another school sees none of them, and the director's rows answer 404
    stranger = f.make_user("teacher-b1")
    f.grant(stranger, "school_teacher", org_tree.school_b1)
    client.force_login(stranger)
    row = Verification.objects.first()
    assert client.get(f"/api/v1/pki/verifications/{row.pk}").status_code == 404
    assert client.get("/api/v1/pki/verifications").json()["items"] == []
    # the district head sees the school's verifications through the capability
    district = f.make_user("district-a1")
    f.grant(district, "district_head", org_tree.district_a1)
    client.force_login(district)
    assert client.get(f"/api/v1/pki/verifications/{row.pk}").status_code == 200


def test_edms23_web_verify_page_shows_the_result(client, ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    client.force_login(head)
    assert client.get("/pki/verify/").status_code == 200
    response = client.post(
        "/pki/verify/",
        {
            "document": _upload("a.txt", DOCUMENT),
            "signature_text": base64.b64encode(ca.sign(holder, DOCUMENT)).decode(),
            "purpose": "document",
            "expect_me": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-outcome="valid"' in page
    assert head.person.iin in page
    # tampered: its own result on the same page
    response = client.post(
        "/pki/verify/",
        {
            "document": _upload("a.txt", DOCUMENT + b"x"),
            "signature": _upload("a.cms", ca.sign(holder, DOCUMENT)),
        },
        follow=True,
    )
    assert 'data-outcome="tampered"' in response.content.decode()
    # without any signature: a message, no record
    count = Verification.objects.count()
    response = client.post("/pki/verify/", {"document": _upload("a.txt", DOCUMENT)})
    assert response.status_code == 400
    assert Verification.objects.count() == count


@pytest.fixture
def software_keys(ca, head, org_tree, tmp_path, settings):
    """The demo/test set-up: the head's test key as a PKCS#12 file for the software signer."""
    settings.OQU_PKI_SOFTWARE_SIGNER_DIR = str(tmp_path)
    settings.OQU_PKI_SOFTWARE_SIGNER_PASSWORD = "test-only"
    holder = issue_for(ca, head.person, org_tree.school_a1)
    (tmp_path / f"{head.person.iin}.p12").write_bytes(holder.pkcs12(b"test-only"))
    return tmp_path


def test_g5_3_example_signing_page_with_the_software_signer(client, software_keys, head):
    client.force_login(head)
    page = client.get("/pki/sign/").content.decode()
    assert "software-signer/sign/" in page
    assert "pki/signer.js" in page
    text = "Деректерді растаймын / Подтверждаю данные"
    signed = client.post(
        "/pki/software-signer/sign/",
        data={"data": base64.b64encode(text.encode()).decode()},
        content_type="application/json",
    )
    assert signed.status_code == 200
    response = client.post(
        "/pki/sign/", {"text": text, "signature_text": signed.json()["cms"]}, follow=True
    )
    assert 'data-outcome="valid"' in response.content.decode()


def test_g5_3_software_signer_is_off_without_its_keys(client, ca, head, settings):
    settings.OQU_PKI_SOFTWARE_SIGNER_DIR = ""
    client.force_login(head)
    assert "software-signer/sign/" not in client.get("/pki/sign/").content.decode()
    response = client.post(
        "/pki/software-signer/sign/", data={"data": "eA=="}, content_type="application/json"
    )
    assert response.status_code == 404


def _production_env(folder) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from oqu.kernel.crypto import new_key_entry

    key = folder / "oidc.pem"
    key.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
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


def test_g5_3_production_settings_refuse_the_software_signer(tmp_path):
    with pytest.raises(ImproperlyConfigured):
        refuse_software_signer(str(tmp_path))
    assert refuse_software_signer("") == ""
    # the real production settings load without it, and refuse to load with it
    env = _production_env(tmp_path)
    code = "import django; django.setup()"

    def start(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert start({}).returncode == 0
    refused = start({"OQU_PKI_SOFTWARE_SIGNER_DIR": str(tmp_path)})
    assert refused.returncode != 0
    assert "OQU_PKI_SOFTWARE_SIGNER_DIR" in refused.stderr
