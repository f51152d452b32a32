"""PDF with stamp and QR, public verification, full archive, exchange between organizations and
with ЕСЭДО through a simulated peer running as a real HTTP server (EDMS-20/21, EDMS-23)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import select
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.edms import selectors, services
from oqu.edms.models import Document, DocumentStatus, ExchangeMessage
from oqu.exchange.esedo.client import EsedoClient, parse_message
from oqu.kernel.errors import Conflict, NotFound

from .conftest import NamedBytes, draft, pass_route, pdf_with_text

pytestmark = pytest.mark.django_db
REPO_ROOT = Path(__file__).resolve().parents[3]
API_KEY = "test-esedo-key"


def _registered_letter(office, ca, recipient=None):
    document = draft(office, "outgoing", recipient=recipient, title="Ақпарат беру туралы")
    services.attachment_add(
        actor=actor_for(office.deputy),
        document=document,
        upload=NamedBytes(pdf_with_text("есеп"), "report.pdf"),
    )
    services.route_start(actor=actor_for(office.deputy), document=document)
    return pass_route(document, ca)


def test_edms_23_pdf_export_has_the_stamp_and_a_qr_to_the_public_page(office, client, ca):
    document = _registered_letter(office, ca)
    client.force_login(office.deputy)
    response = client.get(f"/edms/documents/{document.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert document.number in text
    assert office.school.name in text
    assert f"/edms/verify/{document.public_token}/" in text.replace("\n", "")
    assert ActionRecord.objects.filter(
        action="edms.document.export", target_id=str(document.pk)
    ).exists()
    # the QR's page is public: number, date, organization, approvals
    client.logout()
    page = client.get(f"/edms/verify/{document.public_token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert document.number in body
    assert office.school.name in body
    assert office.head.person.full_name("kk") in body
    assert office.head.username not in body  # a login is never shown publicly
    assert client.get("/edms/verify/not-a-token/").status_code == 404


def test_edms_23_draft_is_not_exported(office, client):
    document = draft(office, "internal")
    with pytest.raises(Conflict):
        services.document_pdf_export(
            actor=actor_for(office.deputy), document=document, verify_url=""
        )


def test_edms_23_full_archive_streams_files_and_registers(
    office, client, user_with_role, org_tree, ca
):
    document = _registered_letter(office, ca)
    client.force_login(office.head)
    response = client.get(f"/edms/archive/{office.school.pk}/")
    assert response.status_code == 200
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "register.csv" in names
    assert "register.json" in names
    register = json.loads(archive.read("register.json"))
    (row,) = register["documents"]
    assert row["number"] == document.number
    assert len(row["content_sha256"]) == 64
    assert archive.read(row["attachments"][0]["path"]).startswith(b"%PDF-")
    assert document.number in archive.read("register.csv").decode("utf-8-sig")
    assert ActionRecord.objects.filter(action="edms.archive.export").exists()
    # a deputy may not export, another school's head does not see the school
    client.force_login(office.deputy)
    assert client.get(f"/edms/archive/{office.school.pk}/").status_code == 403
    client.force_login(user_with_role("school_director", org_tree.school_b1))
    assert client.get(f"/edms/archive/{office.school.pk}/").status_code == 404


def test_edms_20_outgoing_of_a_becomes_registered_incoming_of_b(
    office, org_tree, user_with_role, ca
):
    b_head = user_with_role("school_director", org_tree.school_a2)
    letter = _registered_letter(office, ca, recipient=org_tree.school_a2)
    services.document_send(actor=actor_for(office.deputy), document=letter)
    incoming = Document.objects.get(source_document=letter)
    assert incoming.organization == org_tree.school_a2
    assert incoming.kind.code == "incoming"
    assert incoming.status == DocumentStatus.REGISTERED
    assert incoming.number.startswith("КХ-1/")
    assert incoming.fields["correspondent_number"] == letter.number
    assert incoming.attachments.get().sha256 == letter.attachments.get().sha256
    assert b_head.notifications.filter(topic="edms").exists()
    # sent once
    with pytest.raises(Conflict):
        services.document_send(actor=actor_for(office.deputy), document=letter)
    # the sender does not see the recipient's copy
    with pytest.raises(NotFound):
        selectors.document_get(actor_for(office.head), incoming.pk)


@pytest.fixture
def esedo_peer(tmp_path):
    inbox = tmp_path / "inbox.json"
    inbox.write_text(
        json.dumps(
            {
                "messages": [
                    {
                        "message_id": "m-1",
                        "format": "oqu-esedo/1",
                        "sender": {"bin": "000140000123", "name": "Білім министрлігі"},
                        "recipient": {"bin": "940140000385"},
                        "document": {
                            "number": "02-3/456",
                            "date": "2026-11-20",
                            "title": "Әдістемелік ұсынымдар",
                            "body": "Назарларыңызға",
                            "files": [
                                {
                                    "name": "a.pdf",
                                    "content_base64": base64.b64encode(
                                        pdf_with_text("ұсыным")
                                    ).decode(),
                                }
                            ],
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [
            sys.executable,
            "-m",
            "oqu.exchange.esedo.simulator",
            "--port",
            "0",
            "--api-key",
            API_KEY,
            "--inbox",
            str(inbox),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 15)
    line = process.stdout.readline().strip() if ready else ""
    try:
        assert line.isdigit(), "the ЕСЭДО simulator did not start"
        yield f"http://127.0.0.1:{line}"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
        process.stdout.close()


def test_edms_21_esedo_send_and_receive_through_the_simulated_peer(
    office, esedo_peer, settings, ca
):
    settings.OQU_ESEDO_URL = esedo_peer
    settings.OQU_ESEDO_API_KEY = API_KEY
    letter = _registered_letter(office, ca)
    row = services.esedo_send(
        actor=actor_for(office.deputy), document=letter, recipient_bin="000140000123"
    )
    assert row.status == "accepted"
    assert row.peer_message_id
    # the peer holds the message in the documented format, files included
    sent = EsedoClient(base_url=esedo_peer, api_key=API_KEY)._call(
        "GET", f"/v1/messages/{row.peer_message_id}"
    )
    assert sent["document"]["number"] == letter.number
    assert sent["recipient"]["bin"] == "000140000123"
    assert base64.b64decode(sent["document"]["files"][0]["content_base64"]).startswith(b"%PDF-")
    # and the head's EDS with the exact bytes it signs, which hash to content_sha256
    (signature,) = sent["document"]["signatures"]
    signed = base64.b64decode(signature["content_base64"])
    assert hashlib.sha256(signed).hexdigest() == sent["document"]["content_sha256"]
    assert base64.b64decode(signature["cms_base64"]) == bytes(letter.signatures.get().cms)
    assert parse_message({**sent, "message_id": "x"}).signatures[0].content == signed
    # receiving registers the waiting letter once, and acknowledges it
    received = services.esedo_receive(actor=actor_for(office.deputy), organization=office.school)
    assert [d.title for d in received] == ["Әдістемелік ұсынымдар"]
    assert received[0].status == DocumentStatus.REGISTERED
    assert received[0].attachments.count() == 1
    assert services.esedo_receive(actor=actor_for(office.deputy), organization=office.school) == []
    assert ExchangeMessage.objects.filter(direction="in", peer_message_id="m-1").count() == 1


def test_edms_21_esedo_refusing_our_key_is_a_409_and_recorded(office, esedo_peer, settings, ca):
    settings.OQU_ESEDO_URL = esedo_peer
    settings.OQU_ESEDO_API_KEY = "wrong"
    letter = _registered_letter(office, ca)
    with pytest.raises(Conflict) as error:
        services.esedo_send(
            actor=actor_for(office.deputy), document=letter, recipient_bin="000140000123"
        )
    assert error.value.code == "esedo_unavailable"
    assert ExchangeMessage.objects.get(document=letter).error == "refused"
