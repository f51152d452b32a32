"""Attachments checked by content, preview behind access, search by attributes and words (EDMS-23)."""

from __future__ import annotations

import pytest
from django.db import connection

from oqu.access.scope import actor_for
from oqu.edms import selectors, services
from oqu.kernel.errors import Conflict, NotFound, ValidationError

from .conftest import NamedBytes, draft, pdf_with_text

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_edms_23_pdf_text_is_extracted_at_upload_and_found_by_whole_and_partial_words(office):
    document = draft(office, "internal", title="Жоспар", body="Ескерту")
    attachment = services.attachment_add(
        actor=actor_for(office.deputy),
        document=document,
        upload=NamedBytes(pdf_with_text("Олимпиада математика бойынша кесте"), "plan.pdf"),
    )
    assert "математика" in attachment.text
    other = draft(office, "internal", title="Басқа", body="Спорт")
    actor = actor_for(office.head)
    # a whole word of the PDF, a part of a word, a word of the body, case-insensitively
    assert list(selectors.document_list(actor, query="математика")) == [document]
    assert list(selectors.document_list(actor, query="матем")) == [document]
    assert list(selectors.document_list(actor, query="СПОРТ")) == [other]
    assert list(selectors.document_list(actor, query="олимпиада кесте")) == [document]
    assert list(selectors.document_list(actor, query="жоқсөз")) == []
    # by attributes
    assert set(selectors.document_list(actor, kind="internal")) == {document, other}
    assert list(selectors.document_list(actor, kind="order")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_edms_23_search_indexes_exist_on_postgresql(office):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'edms_document'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"edms_doc_fts", "edms_doc_trgm"} <= names


def test_edms_23_files_are_checked_by_content(office):
    document = draft(office, "internal")
    with pytest.raises(ValidationError) as error:
        services.attachment_add(
            actor=actor_for(office.deputy),
            document=document,
            upload=NamedBytes(b"MZ\x90\x00", "scan.pdf"),
        )
    assert error.value.code == "file_content"
    image = services.attachment_add(
        actor=actor_for(office.deputy), document=document, upload=NamedBytes(PNG, "a.png")
    )
    assert image.previewable
    assert image.text == ""


def test_edms_23_attachments_freeze_with_the_route(office):
    document = draft(office, "internal")
    services.route_start(actor=actor_for(office.deputy), document=document)
    with pytest.raises(Conflict):
        services.attachment_add(
            actor=actor_for(office.deputy), document=document, upload=NamedBytes(PNG, "a.png")
        )


def test_edms_23_preview_is_inline_for_pdf_and_refused_to_another_school(
    office, client, user_with_role, org_tree
):
    document = draft(office, "internal")
    attachment = services.attachment_add(
        actor=actor_for(office.deputy),
        document=document,
        upload=NamedBytes(pdf_with_text("мәтін"), "a.pdf"),
    )
    client.force_login(office.head)
    response = client.get(f"/edms/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    # the card frames its own preview; no other site may
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    stranger = user_with_role("school_director", org_tree.school_b1)
    client.force_login(stranger)
    assert client.get(f"/edms/attachments/{attachment.pk}/").status_code == 404
    with pytest.raises(NotFound):
        selectors.attachment_get(actor_for(stranger), attachment.pk)
