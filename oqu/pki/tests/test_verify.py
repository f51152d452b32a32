"""verify_signature: each kind of bad signature gets its own outcome (EDMS-23, MON-8.3, G-5.12)."""

from __future__ import annotations

import datetime as dt

import pytest

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord, FailedAccess, SecurityEvent
from oqu.kernel.errors import ValidationError
from oqu.pki.certinfo import ROLE_EMPLOYEE, ROLE_FIRST_HEAD
from oqu.pki.models import TrustedRoot, Verification
from oqu.pki.outcomes import Outcome, message_of
from oqu.pki.services import verify_signature
from oqu.pki.testing_ca import issue_for
from oqu.tests import factories as f

DOCUMENT = "Бұйрық № 12 / Приказ № 12 — мектептің 2026-2027 оқу жылына дайындығы".encode()


def _verify(head, cms, *, content=DOCUMENT, purpose="document", **expected):
    return verify_signature(
        actor=actor_for(head), content=content, cms=cms, purpose=purpose, **expected
    )


def test_edms23_valid_detached_signature_is_stored_with_the_signer(ca, head, org_tree):
    # given the head's signing certificate issued by the trusted test CA
    holder = issue_for(ca, head.person, org_tree.school_a1, roles=[ROLE_FIRST_HEAD])
    ocsp_before = ca.hits["/ocsp"]
    # when the head's signature over the order is verified for the head's confirmation
    result = _verify(
        head,
        ca.sign(holder, DOCUMENT),
        purpose="head_confirmation",
        expected_person=head.person,
        expected_organization=org_tree.school_a1,
    )
    # then it is valid, the OCSP responder was asked, and the signer's IIN and BIN are stored
    assert result.outcome == Outcome.VALID, result.detail
    assert ca.hits["/ocsp"] == ocsp_before + 1
    stored = Verification.objects.get(pk=result.pk)
    assert (stored.signer_iin, stored.signer_bin) == (head.person.iin, "940140000385")
    assert stored.organization_id == org_tree.school_a1.pk
    assert bytes(stored.signature)[:1] == b"\x30"
    assert ActionRecord.objects.filter(action="pki.signature.verify", target_id=str(result.pk))
    assert not FailedAccess.objects.filter(target_id=str(result.pk)).exists()


def test_edms23_attached_signature_and_ecdsa_key_are_verified(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1, key_type="ec")
    cms = ca.sign(holder, DOCUMENT, detached=False)
    # the content travels inside the signature: no document needed
    result = _verify(head, cms, content=b"")
    assert result.outcome == Outcome.VALID, result.detail
    assert result.algorithm.startswith("ECDSA")
    # and a different document given alongside is caught
    assert _verify(head, cms, content=b"other").outcome == Outcome.TAMPERED


def test_edms23_tampered_document_is_reported_as_tampered(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    result = _verify(head, cms, content=DOCUMENT + b" ")
    assert result.outcome == Outcome.TAMPERED
    # G-5.12: the failed verification is an access attempt with an invalid key
    attempt = FailedAccess.objects.get(target_id=str(result.pk))
    assert attempt.reason == "signature_tampered"
    assert attempt.actor == head


def test_edms23_expired_certificate_is_reported_as_expired(ca, head, org_tree):
    now = dt.datetime.now(dt.UTC)
    holder = issue_for(
        ca,
        head.person,
        org_tree.school_a1,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=5),
    )
    result = _verify(head, ca.sign(holder, DOCUMENT))
    assert result.outcome == Outcome.EXPIRED
    assert result.detail == "expired"


def test_edms23_not_yet_valid_certificate_is_reported_as_expired(ca, head, org_tree):
    now = dt.datetime.now(dt.UTC)
    holder = issue_for(
        ca,
        head.person,
        org_tree.school_a1,
        not_before=now + dt.timedelta(days=2),
        not_after=now + dt.timedelta(days=300),
    )
    result = _verify(head, ca.sign(holder, DOCUMENT))
    assert (result.outcome, result.detail) == (Outcome.EXPIRED, "not_yet_valid")


def test_edms23_timestamp_proves_the_signature_was_made_while_the_certificate_was_valid(
    ca, head, org_tree
):
    # given a certificate that expired last week and a signature timestamped a month ago
    now = dt.datetime.now(dt.UTC)
    holder = issue_for(
        ca,
        head.person,
        org_tree.school_a1,
        not_before=now - dt.timedelta(days=300),
        not_after=now - dt.timedelta(days=7),
    )
    signed_at = now - dt.timedelta(days=30)
    result = _verify(head, ca.sign(holder, DOCUMENT, timestamp_at=signed_at))
    # then validity is judged at the timestamp: the signature is valid
    assert result.outcome == Outcome.VALID, result.detail
    assert abs((result.signed_at - signed_at).total_seconds()) < 1


def test_edms23_revoked_certificate_is_refused_hard_fail(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    ca.revoke(holder)
    result = _verify(head, cms)
    assert result.outcome == Outcome.REVOKED
    # revocation is misuse worth a security event
    assert SecurityEvent.objects.filter(kind="invalid_signature").exists()


def test_edms23_revocation_falls_back_to_the_crl_when_ocsp_is_down(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    ca.revoke(holder)
    ca.ocsp_available = False
    crl_before = ca.hits["/crl/ca.crl"]
    result = _verify(head, cms)
    assert result.outcome == Outcome.REVOKED
    assert ca.hits["/crl/ca.crl"] > crl_before


def test_edms23_no_revocation_answer_means_no_acceptance(ca, head, org_tree):
    # hard-fail: with neither OCSP nor CRL reachable the signature is not accepted
    holder = issue_for(ca, head.person, org_tree.school_a1)
    ca.ocsp_available = ca.crl_available = False
    result = _verify(head, ca.sign(holder, DOCUMENT))
    assert result.outcome == Outcome.UNAVAILABLE


def test_edms23_authentication_key_cannot_sign_documents(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1, usage="authentication")
    result = _verify(head, ca.sign(holder, DOCUMENT))
    assert result.outcome == Outcome.WRONG_KEY_USAGE
    # while the same key is right for authentication
    assert _verify(head, ca.sign(holder, DOCUMENT), purpose="authentication").is_valid


def test_mon8_3_only_the_heads_role_confirms_administrative_data(ca, head, org_tree):
    # an ordinary employee's signing key of the same school
    holder = issue_for(ca, head.person, org_tree.school_a1, roles=[ROLE_EMPLOYEE])
    result = _verify(
        head,
        ca.sign(holder, DOCUMENT),
        purpose="head_confirmation",
        expected_person=head.person,
        expected_organization=org_tree.school_a1,
    )
    assert result.outcome == Outcome.WRONG_KEY_USAGE


def test_mon8_3_head_signs_only_for_their_own_organization(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1, roles=[ROLE_FIRST_HEAD])
    other = org_tree.school_a2
    other.bin = "050540000123"
    other.save(update_fields=["bin"])
    result = _verify(
        head,
        ca.sign(holder, DOCUMENT),
        purpose="head_confirmation",
        expected_person=head.person,
        expected_organization=other,
    )
    assert result.outcome == Outcome.BIN_MISMATCH
    # an organization with no BIN on record cannot be confirmed either
    result = _verify(
        head,
        ca.sign(holder, DOCUMENT),
        purpose="head_confirmation",
        expected_organization=org_tree.school_a1_other,
    )
    assert (result.outcome, result.detail) == (Outcome.BIN_MISMATCH, "organization_without_bin")


def test_edms23_iin_mismatch_when_someone_else_signed(ca, head, org_tree, family):
    holder = issue_for(ca, family.parent)
    result = _verify(head, ca.sign(holder, DOCUMENT), expected_person=head.person)
    assert result.outcome == Outcome.IIN_MISMATCH
    assert result.signer_iin == family.parent.iin
    assert FailedAccess.objects.get(target_id=str(result.pk)).reason == "signature_iin_mismatch"


def test_edms23_untrusted_root_is_refused(ca, foreign_ca, head):
    holder = foreign_ca.issue(iin=head.person.iin, surname="Ахметова", given="Гүлнар")
    result = _verify(head, foreign_ca.sign(holder, DOCUMENT))
    assert result.outcome == Outcome.UNTRUSTED_ROOT


def test_edms23_a_deactivated_root_is_no_longer_trusted(ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    TrustedRoot.objects.update(is_active=False)
    assert _verify(head, ca.sign(holder, DOCUMENT)).outcome == Outcome.UNTRUSTED_ROOT


@pytest.mark.parametrize("garbage", [b"", b"not a signature", b"\x30\x03\x02\x01\x01", b"MIIB"])
def test_edms23_malformed_signature_is_reported_not_raised(ca, head, garbage):
    result = _verify(head, garbage)
    assert result.outcome == Outcome.MALFORMED
    assert message_of(result.outcome)


def test_edms23_every_outcome_has_its_own_message():
    messages = {str(message_of(o)) for o in Outcome.values}
    assert len(messages) == len(Outcome.values) == 10


def test_edms23_bad_requests_are_validation_errors(ca, head):
    with pytest.raises(ValidationError) as unknown:
        _verify(head, b"x", purpose="launch_rockets")
    assert unknown.value.code == "pki_purpose_unknown"
    with pytest.raises(ValidationError) as missing:
        _verify(head, b"x", purpose="head_confirmation")
    assert missing.value.code == "pki_organization_required"


def test_edms23_revocation_answers_are_cached_between_verifications(ca, head, org_tree, settings):
    settings.OQU_PKI_REVOCATION_CACHE_SECONDS = 300
    holder = issue_for(ca, head.person, org_tree.school_a1)
    cms = ca.sign(holder, DOCUMENT)
    assert _verify(head, cms).is_valid
    asked = ca.hits["/ocsp"]
    assert _verify(head, cms).is_valid
    assert ca.hits["/ocsp"] == asked


def test_g5_12_failed_verifications_are_listed_with_their_reason(client, ca, head, org_tree):
    holder = issue_for(ca, head.person, org_tree.school_a1)
    _verify(head, ca.sign(holder, DOCUMENT), content=b"changed")
    admin = f.make_user("security-admin", is_superuser=True)
    client.force_login(admin)
    page = client.get("/audit/failed-access/?reason=signature_tampered&action=pki.signature.verify")
    assert page.status_code == 200
    assert "Invalid signature: document changed" in page.content.decode() or (
        "Жарамсыз қолтаңба: құжат өзгертілген" in page.content.decode()
    )


def test_mon8_3_a_certificate_naming_the_school_is_not_enough_without_working_there(
    ca, head, org_tree, family
):
    # a parent holds a "head" certificate with school_a1's BIN, but is not employed there
    holder = issue_for(ca, family.parent, org_tree.school_a1, roles=[ROLE_FIRST_HEAD])
    result = _verify(
        head,
        ca.sign(holder, DOCUMENT),
        purpose="head_confirmation",
        expected_person=family.parent,
        expected_organization=org_tree.school_a1,
    )
    assert (result.outcome, result.detail) == (Outcome.BIN_MISMATCH, "person_not_employed_there")
