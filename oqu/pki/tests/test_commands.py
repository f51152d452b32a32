"""The demo set-up of the test CA and the trusted-root command (EDMS-23, G-5.3)."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command

from oqu.pki.certinfo import ROLE_FIRST_HEAD, facts_of
from oqu.pki.models import TrustedRoot


def test_edms23_demo_ca_writes_a_head_key_and_trusts_its_root(db, head, tmp_path):
    call_command("pki_test_ca", keys_dir=str(tmp_path), password="demo", no_serve=True)
    key_file = tmp_path / f"{head.person.iin}.p12"
    _key, certificate, chain = pkcs12.load_key_and_certificates(key_file.read_bytes(), b"demo")
    facts = facts_of(certificate)
    assert (facts.iin, facts.bin) == (head.person.iin, "940140000385")
    assert ROLE_FIRST_HEAD in facts.roles
    assert facts.is_signing_key
    assert TrustedRoot.objects.filter(name="OQU DEMO CA", is_active=True).exists()
    assert chain


def test_edms23_trust_root_command_loads_a_pem_file(db, test_ca, tmp_path):
    path = tmp_path / "root.pem"
    path.write_text(test_ca.root_pem())
    call_command("pki_trust_root", str(path), name="НУЦ РК тест")
    call_command("pki_trust_root", str(path), name="НУЦ РК тест")  # idempotent
    assert TrustedRoot.objects.filter(name="НУЦ РК тест").count() == 1
