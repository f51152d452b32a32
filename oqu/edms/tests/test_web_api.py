"""The web pages and the HTTP API end to end, forbidden paths, constant query counts (EDMS-22/23)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.access.scope import actor_for
from oqu.edms import services
from oqu.edms.models import Document, DocumentStatus, StepStatus

from .conftest import draft

pytestmark = pytest.mark.django_db
API = "/api/v1/edms"


def test_edms_23_web_create_route_approve_register(office, client):
    # the deputy creates an internal document through the web form
    client.force_login(office.deputy)
    page = client.get("/edms/")
    assert page.status_code == 200
    assert "edms/documents/add/" in page.content.decode()
    fields = client.get("/edms/kind-fields/?kind=internal", HTTP_HX_REQUEST="true")
    assert 'name="field_addressee"' in fields.content.decode()
    response = client.post(
        "/edms/documents/add/",
        {
            "organization": office.school.pk,
            "kind": "internal",
            "title": "Кезекшілік кестесі",
            "body": "Қараша айына",
            "field_addressee": "Мұғалімдерге",
        },
    )
    document = Document.objects.get(title="Кезекшілік кестесі")
    assert response.status_code == 302
    assert response.url == f"/edms/documents/{document.pk}/"
    # sends it along a custom two-stage route from the card
    client.post(
        f"/edms/documents/{document.pk}/route/",
        {"stage_1": [office.deputy2.pk], "stage_2": [office.head.pk]},
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.ON_ROUTE
    # the approver sees the task and approves from the card; the head then approves
    client.force_login(office.deputy2)
    assert "Кезекшілік кестесі" in client.get("/edms/").content.decode()
    step = document.steps.get(assignee=office.deputy2)
    assert 'data-testid="decide"' in client.get(f"/edms/documents/{document.pk}/").content.decode()
    client.post(f"/edms/steps/{step.pk}/", {"decision": "approve"})
    client.force_login(office.head)
    head_step = document.steps.get(assignee=office.head)
    client.post(f"/edms/steps/{head_step.pk}/", {"decision": "approve"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED
    assert document.number
    # HTMX search answers with the results table only
    partial = client.get("/edms/?partial=1&q=кезекші", HTTP_HX_REQUEST="true").content.decode()
    assert "Кезекшілік кестесі" in partial
    assert "<html" not in partial


def test_edms_23_web_reject_needs_a_comment(office, client):
    document = draft(office, "internal")
    services.route_start(actor=actor_for(office.deputy), document=document)
    step = document.steps.filter(status=StepStatus.PENDING).first()
    client.force_login(step.assignee)
    client.post(f"/edms/steps/{step.pk}/", {"decision": "reject", "comment": ""})
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING
    client.post(f"/edms/steps/{step.pk}/", {"decision": "reject", "comment": "Қайта жазыңыз"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED


def test_edms_23_web_forbidden_paths(office, client, user_with_role, org_tree):
    document = draft(office, "internal")
    teacher = user_with_role("school_teacher", office.school)
    client.force_login(teacher)
    # a teacher of the same school neither sees the card nor creates documents
    assert client.get(f"/edms/documents/{document.pk}/").status_code == 404
    assert client.post(
        "/edms/documents/add/", {"organization": office.school.pk, "kind": "internal"}
    ).status_code in (403, 404)
    client.force_login(user_with_role("school_director", org_tree.school_b1))
    assert client.get(f"/edms/documents/{document.pk}/").status_code == 404
    assert client.post(f"/edms/documents/{document.pk}/route/").status_code == 404
    # a deputy may not monitor: an empty list, not other schools' rows
    client.force_login(office.deputy)
    assert client.get("/edms/monitor/").status_code == 200


def test_edms_22_api_create_route_decide_and_register(office, client):
    client.force_login(office.deputy)
    kinds = client.get(f"{API}/kinds").json()
    assert {k["code"] for k in kinds} >= {"incoming", "order", "finance-contract"}
    created = client.post(
        f"{API}/documents",
        {
            "organization_id": str(office.school.pk),
            "kind": "finance-contract",
            "title": "Оқулықтар сатып алу шарты",
            "fields": {"counterparty": "ЖШС Кітап", "amount": "1 250 000,50"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]
    bad = client.post(
        f"{API}/documents",
        {
            "organization_id": str(office.school.pk),
            "kind": "finance-contract",
            "title": "X",
            "fields": {},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "document_fields"
    routed = client.post(
        f"{API}/documents/{document_id}/route",
        {
            "stages": [
                [{"assignee_id": str(office.deputy2.pk)}, {"assignee_id": str(office.head.pk)}]
            ]
        },
        content_type="application/json",
    )
    assert routed.status_code == 200, routed.content
    assert {s["stage"] for s in routed.json()["steps"]} == {1}
    for user in (office.deputy2, office.head):
        client.force_login(user)
        (mine,) = client.get(f"{API}/steps/mine").json()
        answer = client.post(
            f"{API}/steps/{mine['id']}/decision",
            {"decision": "approve"},
            content_type="application/json",
        )
        assert answer.status_code == 200
    detail = client.get(f"{API}/documents/{document_id}").json()
    assert detail["status"] == "registered"
    assert detail["number"].startswith("Д-1/")
    assert detail["versions"][0]["approved_at"]
    assert detail["verify_url"]
    assert detail["fields"]["amount"] == "1250000.50"


def test_edms_23_api_forbidden_paths(office, client, user_with_role, org_tree):
    document = draft(office, "internal")
    client.force_login(user_with_role("school_director", org_tree.school_b1))
    assert client.get(f"{API}/documents/{document.pk}").status_code == 404
    assert (
        client.post(
            f"{API}/documents/{document.pk}/route", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/documents").json()["items"] == []
    teacher = user_with_role("school_teacher", office.school)
    client.force_login(teacher)
    denied = client.post(
        f"{API}/documents",
        {
            "organization_id": str(office.school.pk),
            "kind": "internal",
            "title": "X",
            "fields": {"addressee": "Y"},
        },
        content_type="application/json",
    )
    assert denied.status_code == 403
    client.force_login(office.deputy)
    assert client.get(f"{API}/organizations/{office.school.pk}/archive").status_code == 403


def test_edms_23_api_list_query_count_does_not_grow(office, client):
    client.force_login(office.head)
    draft(office, "internal")
    client.get(f"{API}/documents")  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/documents?q=мәтін").status_code == 200
    for number in range(6):
        document = draft(office, "incoming", title=f"Хат {number}")
        services.document_register(actor=actor_for(office.deputy), document=document)
        services.document_assign(
            actor=actor_for(office.deputy), document=document, executor_id=office.deputy2.pk
        )
    with CaptureQueriesContext(connection) as many:
        listed = client.get(f"{API}/documents")
        assert len(listed.json()["items"]) == 7
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as monitor:
        assert client.get(f"{API}/monitor/overdue").status_code == 200
    with CaptureQueriesContext(connection) as page:
        assert client.get("/edms/").status_code == 200
    draft(office, "internal", title="Тағы")
    with CaptureQueriesContext(connection) as page_more:
        client.get("/edms/")
    assert len(page_more) == len(page)
    assert len(monitor) < 20


def test_edms_23_api_attach_register_assign_execute_archive_and_export(
    office, client, user_with_role
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import pdf_with_text

    teacher = user_with_role("school_teacher", office.school)
    client.force_login(office.deputy)
    created = client.post(
        f"{API}/documents",
        {
            "organization_id": str(office.school.pk),
            "kind": "incoming",
            "title": "Хат",
            "correspondent": "Әкімдік",
        },
        content_type="application/json",
    ).json()
    url = f"{API}/documents/{created['id']}"
    upload = client.post(
        f"{url}/attachments", {"file": SimpleUploadedFile("a.pdf", pdf_with_text("сауалнама"))}
    )
    assert upload.status_code == 201
    assert upload.json()["previewable"] is True
    refused = client.post(f"{url}/attachments", {"file": SimpleUploadedFile("a.pdf", b"<html>")})
    assert refused.status_code == 400
    assert refused.json()["code"] == "file_content"
    assert client.post(f"{url}/register").json()["number"].startswith("КХ-1/")
    assert client.post(f"{url}/register").status_code == 409
    file = client.get(f"{API}/attachments/{upload.json()['id']}/file")
    assert file.status_code == 200
    assert b"".join(file.streaming_content).startswith(b"%PDF-")
    assigned = client.post(
        f"{url}/assign", {"executor_id": str(teacher.pk)}, content_type="application/json"
    )
    assert assigned.json()["status"] == "executing"
    # the executor sees the task and closes it, though the teacher role has no document capability
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    assert (
        client.post(
            f"{url}/execute", {"comment": "Орындалды"}, content_type="application/json"
        ).json()["status"]
        == "done"
    )
    assert client.post(f"{url}/archive", {}, content_type="application/json").status_code == 403
    client.force_login(office.deputy)
    archived = client.post(
        f"{url}/archive", {"retention_years": 3}, content_type="application/json"
    ).json()
    assert archived["status"] == "archived"
    pdf = client.get(f"{url}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"{API}/monitor/overdue").json() == {"late_executions": [], "late_steps": []}


def test_edms_23_web_assign_execute_archive_forms(office, client):
    document = draft(office, "incoming")
    services.document_register(actor=actor_for(office.deputy), document=document)
    client.force_login(office.deputy)
    card = client.get(f"/edms/documents/{document.pk}/").content.decode()
    assert 'data-testid="pdf"' in card
    client.post(
        f"/edms/documents/{document.pk}/assign/", {"executor": office.deputy2.pk, "due_date": ""}
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXECUTING
    assert document.executor == office.deputy2
    client.force_login(office.deputy2)
    client.post(f"/edms/documents/{document.pk}/execute/", {"comment": "Дайын"})
    client.force_login(office.deputy)
    client.post(f"/edms/documents/{document.pk}/archive/", {"retention_years": "10"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED
    assert document.retention_until.year - document.archived_at.year == 10
    # the head's monitoring page answers; the public page of the QR code too
    client.force_login(office.head)
    assert client.get("/edms/monitor/").status_code == 200
    client.logout()
    assert client.get(f"/edms/verify/{document.public_token}/").status_code == 200
