"""The NCANode-style adapter against a simulated peer running as a real local HTTP server."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from oqu.access.scope import actor_for
from oqu.pki.engine import Verdict
from oqu.pki.ncanode_simulator import NCANodeSimulator
from oqu.pki.outcomes import Outcome
from oqu.pki.providers import NCANodeProvider, interpret_ncanode
from oqu.pki.services import verify_signature
from oqu.pki.testing_ca import issue_for

DOCUMENT = "Келісімшарт / Договор".encode()


@pytest.fixture
def peer(ca):
    root = ca.root.certificate.public_bytes(serialization.Encoding.DER)
    with NCANodeSimulator.running(trust_roots=[root]) as running:
        yield running


def test_edms23_ncanode_adapter_gives_the_same_outcomes(ca, foreign_ca, peer, head, org_tree):
    provider = NCANodeProvider(peer.url, timeout=5)
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    assert provider.verify(DOCUMENT, cms).verdict == Verdict.VALID
    assert provider.verify(DOCUMENT + b"!", cms).verdict == Verdict.TAMPERED
    assert provider.verify(DOCUMENT, b"junk").verdict == Verdict.MALFORMED
    stranger = foreign_ca.issue(iin=head.person.iin, surname="X", given="Y")
    stranger_cms = foreign_ca.sign(stranger, DOCUMENT)
    assert provider.verify(DOCUMENT, stranger_cms).verdict == Verdict.UNTRUSTED_ROOT
    ca.revoke(holder)
    assert provider.verify(DOCUMENT, cms).verdict == Verdict.REVOKED
    assert peer.requests == 5


def test_edms23_ncanode_unreachable_or_failing_is_provider_unavailable(ca, peer, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    peer.down = True
    assert NCANodeProvider(peer.url).verify(DOCUMENT, cms).verdict == Verdict.UNAVAILABLE
    # a closed port: connection refused
    gone = NCANodeProvider("http://127.0.0.1:9", timeout=2)
    assert gone.verify(DOCUMENT, cms).verdict == Verdict.UNAVAILABLE


def test_edms23_service_uses_the_ncanode_provider_when_configured(
    ca, peer, head, org_tree, settings
):
    settings.OQU_PKI_PROVIDER = "ncanode"
    settings.OQU_PKI_NCANODE_URL = peer.url
    holder = issue_for(ca, head.person, org_tree.school_a1)
    result = verify_signature(
        actor=actor_for(head),
        content=DOCUMENT,
        cms=ca.sign(holder, DOCUMENT),
        purpose="document",
        expected_person=head.person,
    )
    assert (result.outcome, result.provider) == (Outcome.VALID, "ncanode")
    assert peer.requests == 1
    # identity checks stay on our side, whatever the provider said
    other = issue_for(ca, head.person, org_tree.school_a1, usage="authentication")
    result = verify_signature(
        actor=actor_for(head), content=DOCUMENT, cms=ca.sign(other, DOCUMENT), purpose="document"
    )
    assert result.outcome == Outcome.WRONG_KEY_USAGE


def test_edms23_ncanode_answer_reading_covers_expiry_and_unknown_revocation():
    base = {"notBefore": "2020-01-01T00:00:00Z", "notAfter": "2021-01-01T00:00:00Z"}
    expired = {"valid": False, "signers": [{**base, "valid": False, "chain": [{}]}]}
    assert interpret_ncanode(expired, b"").verdict == Verdict.EXPIRED
    timestamped = {**expired, "tsp": {"genTime": "2020-06-01T00:00:00Z"}}
    unknown = {
        **timestamped,
        "signers": [{**base, "valid": False, "chain": [{}], "revocations": [{"error": "x"}]}],
    }
    assert interpret_ncanode(unknown, b"").verdict == Verdict.UNAVAILABLE
    assert interpret_ncanode({"valid": True, "signers": []}, b"").verdict == Verdict.MALFORMED


def test_edms23_gost_signature_without_ncanode_is_not_guessed(ca, head, settings, monkeypatch):
    # no local GOST verifier: a GOST certificate goes to NCANode, and without it nothing is claimed
    from oqu.pki import providers

    monkeypatch.setattr(providers, "is_gost", lambda facts: True)
    settings.OQU_PKI_NCANODE_URL = ""
    assert providers.provider_for(None) is None
