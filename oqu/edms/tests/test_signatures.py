"""EDS at route steps and the automatic check of every signed version (EDMS-23 p.4), signatures
travelling with letters (EDMS-20/21), and the signers on the verification page, the PDF stamp
and the archive (EDMS-23 p.6)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.edms import services, signing
from oqu.edms.models import Document, DocumentStatus, Signature, StepStatus
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.pki.models import Verification
from oqu.pki.outcomes import Outcome
from oqu.pki.testing_ca import issue_for
from oqu.tests import factories as f

from .conftest import draft, holder_of, pass_route, sign_step

pytestmark = pytest.mark.django_db
API = "/api/v1/edms"


def _order_at_the_head(office):
    """An order whose deputies approved: the head's signature step is pending."""
    document = draft(office, "order", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=document)
    for step in document.steps.filter(status=StepStatus.PENDING, requires_signature=False):
        services.step_approve(actor=actor_for(step.assignee), step=step)
    step = document.steps.get(status=StepStatus.PENDING)
    assert step.requires_signature
    assert step.assignee == office.head
    return document, step


@pytest.mark.smoke  # signatures on SQLite too (the offline local node)
def test_edms_23_a_signature_step_is_passed_only_by_a_valid_eds(office, ca):
    document, step = _order_at_the_head(office)
    # approving without a signature is refused
    with pytest.raises(Conflict) as refused:
        services.step_approve(actor=actor_for(office.head), step=step)
    assert refused.value.code == "signature_required"
    # the head signs the version's canonical content with their own key of the school
    content = signing.step_content(step)
    assert hashlib.sha256(content).hexdigest() == step.version.content_sha256
    sign_step(ca, step)
    step.refresh_from_db()
    document.refresh_from_db()
    assert step.status == StepStatus.APPROVED
    assert document.status == DocumentStatus.REGISTERED
    signature = Signature.objects.get(step=step)
    assert signature.origin == Signature.Origin.STEP
    assert bytes(signature.content) == content
    assert bytes(signature.cms)[:1] == b"\x30"  # kept as DER
    check = signature.verification
    assert check.is_valid
    assert (check.signer_iin, check.signer_bin) == (office.head.person.iin, office.school.bin)
    assert check.content_sha256 == step.version.content_sha256
    record = ActionRecord.objects.get(action="edms.step.sign", target_id=str(document.pk))
    assert record.after["verification"] == str(check.pk)


@pytest.mark.parametrize(
    ("case", "outcome"),
    [
        ("someone_else", Outcome.IIN_MISMATCH),
        ("other_content", Outcome.TAMPERED),
        ("revoked", Outcome.REVOKED),
        ("authentication_key", Outcome.WRONG_KEY_USAGE),
        ("other_organization", Outcome.BIN_MISMATCH),
        ("expired", Outcome.EXPIRED),
        ("untrusted", Outcome.UNTRUSTED_ROOT),
    ],
)
def test_edms_23_a_refused_signature_leaves_the_step_pending_and_is_recorded(
    office, ca, foreign_ca, org_tree, case, outcome
):
    document, step = _order_at_the_head(office)
    head = office.head.person
    now = dt.datetime.now(dt.UTC)
    content = signing.step_content(step)
    if case == "someone_else":
        cms = ca.sign(holder_of(ca, office.deputy, office.school), content)
    elif case == "other_content":
        cms = ca.sign(holder_of(ca, office.head, office.school), content + b" ")
    elif case == "revoked":
        holder = issue_for(ca, head, office.school)
        ca.revoke(holder)
        cms = ca.sign(holder, content)
    elif case == "authentication_key":
        cms = ca.sign(issue_for(ca, head, office.school, usage="authentication"), content)
    elif case == "other_organization":
        other = ca.issue(
            iin=head.iin, surname="Ахметова", given="Гүлнар", bin="000140000123", organization="X"
        )
        cms = ca.sign(other, content)
    elif case == "expired":
        holder = issue_for(
            ca,
            head,
            office.school,
            not_before=now - dt.timedelta(days=400),
            not_after=now - dt.timedelta(days=1),
        )
        cms = ca.sign(holder, content)
    else:
        cms = foreign_ca.sign(
            foreign_ca.issue(iin=head.iin, surname="Ахметова", given="Гүлнар"), content
        )
    with pytest.raises(ValidationError) as refused:
        signing.step_sign(actor=actor_for(office.head), step=step, cms=cms)
    # a clear result of its own, the step still pending, nothing signed or registered
    assert refused.value.code == "signature_invalid"
    assert refused.value.fields["signature"] == [outcome.value]
    step.refresh_from_db()
    document.refresh_from_db()
    assert step.status == StepStatus.PENDING
    assert document.status == DocumentStatus.ON_ROUTE
    assert not Signature.objects.exists()
    # the check is kept, and it is an access attempt with an invalid key (G-5.12)
    check = Verification.objects.get(pk=refused.value.fields["verification"][0])
    assert check.outcome == outcome
    assert FailedAccess.objects.filter(target_id=str(check.pk), actor=office.head).exists()


def test_edms_23_only_the_assignee_signs_their_own_pending_step(office, ca, org_tree):
    document, step = _order_at_the_head(office)
    cms = ca.sign(holder_of(ca, office.head, office.school), signing.step_content(step))
    with pytest.raises(Forbidden):  # a deputy may not sign for the head
        signing.step_sign(actor=actor_for(office.deputy), step=step, cms=cms)
    stranger = f.make_user("director-b1")
    f.grant(stranger, "school_director", org_tree.school_b1)
    with pytest.raises(NotFound):
        signing.step_sign(actor=actor_for(stranger), step=step, cms=cms)
    signing.step_sign(actor=actor_for(office.head), step=step, cms=cms)
    with pytest.raises(Conflict) as again:
        signing.step_sign(actor=actor_for(office.head), step=step, cms=cms)
    assert again.value.code == "step_not_pending"
    # an ordinary approval step is not signed
    plain = draft(office, "internal", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=plain)
    plain_step = plain.steps.filter(status=StepStatus.PENDING).first()
    with pytest.raises(Conflict) as not_used:
        signing.step_sign(actor=actor_for(plain_step.assignee), step=plain_step, cms=cms)
    assert not_used.value.code == "signature_not_used"


def test_edms_23_recheck_finds_a_certificate_revoked_after_signing(office, ca, client):
    document, step = _order_at_the_head(office)
    holder = issue_for(ca, office.head.person, office.school)
    cms = ca.sign(holder, signing.step_content(step))
    signing.step_sign(actor=actor_for(office.head), step=step, cms=cms)
    # the key is revoked later; the signature carries no timestamp, so now it no longer holds
    ca.revoke(holder)
    from oqu.pki.providers import revocation_cache

    revocation_cache().clear()
    client.force_login(office.deputy)
    answer = client.post(f"{API}/documents/{document.pk}/signatures/recheck")
    assert answer.status_code == 200, answer.content
    (row,) = answer.json()
    assert (row["outcome"], row["valid"]) == ("revoked", False)
    signature = Signature.objects.get()
    assert signature.verification.is_valid  # the check at signing stays
    assert signature.latest_verification.outcome == Outcome.REVOKED
    assert row["first_verification_id"] == str(signature.verification_id)
    page = client.get(f"/edms/documents/{document.pk}/").content.decode()
    assert "Certificate revoked" in page or "отозван" in page or "кері" in page
    assert ActionRecord.objects.filter(action="edms.signature.recheck").exists()
    # a document without signatures has nothing to check
    plain = draft(office, "internal", author=office.deputy)
    refused = client.post(f"{API}/documents/{plain.pk}/signatures/recheck")
    assert (refused.status_code, refused.json()["code"]) == (409, "no_signatures")


def test_edms_23_signers_on_the_public_page_the_pdf_stamp_and_the_archive(office, ca, client):
    document = draft(office, "order", author=office.deputy)
    services.route_start(actor=actor_for(office.deputy), document=document)
    document = pass_route(document, ca)
    assert document.status == DocumentStatus.REGISTERED
    # the public page the QR code leads to names the signer and the validity, no IIN
    public = client.get(f"/edms/verify/{document.public_token}/").content.decode()
    assert "АХМЕТОВА ГҮЛНАР" in public  # the name as the certificate gives it
    assert office.head.person.iin not in public
    assert 'data-testid="signers"' in public
    # the PDF stamp names the signer too
    client.force_login(office.deputy)
    pdf = client.get(f"/edms/documents/{document.pk}/pdf/")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "АХМЕТОВА ГҮЛНАР" in text
    # the archive holds the signature as a .p7s beside the exact bytes it signs
    director = office.head
    client.force_login(director)
    archive = client.get(f"/edms/archive/{office.school.pk}/")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as opened:
        register = json.loads(opened.read("register.json"))
        (row,) = [r for r in register["documents"] if r["id"] == str(document.pk)]
        (signed,) = row["signatures"]
        assert signed["outcome"] == "valid"
        signature = Signature.objects.get(document=document)
        assert opened.read(signed["cms"]) == bytes(signature.cms)
        assert opened.read(signed["signed_content"]) == bytes(signature.content)
        csv_text = opened.read("register.csv").decode("utf-8-sig")
        assert signed["cms"] in csv_text


def test_edms_20_signatures_travel_with_the_letter_and_are_checked_on_receipt(
    office, ca, org_tree, user_with_role
):
    letter = draft(office, "outgoing", recipient=org_tree.school_a2, title="Есеп туралы")
    services.route_start(actor=actor_for(office.deputy), document=letter)
    pass_route(letter, ca)
    services.document_send(actor=actor_for(office.deputy), document=letter)
    incoming = Document.objects.get(organization=org_tree.school_a2, source_document=letter)
    (received,) = incoming.signatures.all()
    assert received.origin == Signature.Origin.RECEIVED
    assert received.verification.is_valid
    # checked as the sending school's key, against the bytes the sender signed
    assert received.verification.expected_organization == office.school
    sent = Signature.objects.get(document=letter)
    assert bytes(received.content) == bytes(sent.content)
    assert ActionRecord.objects.filter(
        action="edms.signature.receive", target_id=str(incoming.pk)
    ).exists()


def test_edms_20_a_forged_signature_on_a_received_letter_is_kept_and_shown_invalid(
    office, ca, org_tree
):
    # a letter arrives whose signature does not match what it claims to sign
    holder = holder_of(ca, office.head, office.school)
    copy = signing.SignedCopy(b'{"title":"other"}', ca.sign(holder, b'{"title":"original"}'))
    incoming = services.receive(
        actor=actor_for(office.deputy),
        organization=org_tree.school_a2,
        title="Хат",
        body="",
        correspondent=office.school.name,
        sender_number="1",
        sender_date=None,
        files=[],
        signatures=[copy],
        sender=office.school,
    )
    (received,) = incoming.signatures.all()
    assert received.verification.outcome == Outcome.TAMPERED
    assert incoming.status == DocumentStatus.REGISTERED  # registered; the clerk sees why


def test_edms_23_signing_through_the_api(office, ca, client, org_tree):
    document, step = _order_at_the_head(office)
    client.force_login(office.head)
    content = client.get(f"{API}/steps/{step.pk}/content")
    assert content.status_code == 200
    body = content.json()
    raw = base64.b64decode(body["content_base64"])
    assert hashlib.sha256(raw).hexdigest() == body["content_sha256"]
    # someone else's key: 400 with the outcome, the step still pending
    wrong = base64.b64encode(ca.sign(holder_of(ca, office.deputy, office.school), raw)).decode()
    refused = client.post(
        f"{API}/steps/{step.pk}/sign", {"signature": wrong}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "signature_invalid"
    assert refused.json()["fields"]["signature"] == ["iin_mismatch"]
    # garbage is a 400 too, never a 500
    garbage = client.post(
        f"{API}/steps/{step.pk}/sign",
        {"signature": "bm90IGEgc2lnbmF0dXJl"},
        content_type="application/json",
    )
    assert (garbage.status_code, garbage.json()["fields"]["signature"]) == (400, ["malformed"])
    # the head's own signature passes the step; the document shows it
    good = base64.b64encode(ca.sign(holder_of(ca, office.head, office.school), raw)).decode()
    signed = client.post(
        f"{API}/steps/{step.pk}/sign",
        {"signature": good, "comment": "Келісемін"},
        content_type="application/json",
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "approved"
    detail = client.get(f"{API}/documents/{document.pk}").json()
    assert detail["status"] == "registered"
    (signature,) = detail["signatures"]
    assert signature["valid"]
    assert signature["signer_bin"] == office.school.bin
    # another school's director neither reads the content nor signs
    stranger = f.make_user("director-b1-api")
    f.grant(stranger, "school_director", org_tree.school_b1)
    client.force_login(stranger)
    assert client.get(f"{API}/steps/{step.pk}/content").status_code == 404
    assert (
        client.post(
            f"{API}/steps/{step.pk}/sign", {"signature": good}, content_type="application/json"
        ).status_code
        == 404
    )


def test_edms_23_signing_on_the_web_card(office, ca, client):
    document, step = _order_at_the_head(office)
    client.force_login(office.head)
    page = client.get(f"/edms/documents/{document.pk}/").content.decode()
    assert 'data-testid="sign-form"' in page
    assert base64.b64encode(signing.step_content(step)).decode() in page
    # a submitted form without a signature says so
    empty = client.post(f"/edms/steps/{step.pk}/sign/", {"signature_text": ""}, follow=True)
    assert "EDS" in empty.content.decode() or "ЭЦҚ" in empty.content.decode()
    cms = ca.sign(holder_of(ca, office.head, office.school), signing.step_content(step))
    answer = client.post(
        f"/edms/steps/{step.pk}/sign/", {"signature_text": base64.b64encode(cms).decode()}
    )
    assert answer.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED
    card = client.get(f"/edms/documents/{document.pk}/").content.decode()
    assert 'data-testid="signatures"' in card
