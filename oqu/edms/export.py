"""Export: a registered document as PDF with a stamp and a QR code (EDMS-23 p.11), and the full
archive of an organization as a streamed zip of files with a CSV and a JSON register (p.12).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string

from .models import Document, DocumentStatus, StepStatus

REGISTER_COLUMNS = [
    "id",
    "kind",
    "number",
    "registered_on",
    "title",
    "status",
    "correspondent",
    "executor",
    "due_date",
    "executed_at",
    "archived_at",
    "retention_until",
    "content_sha256",
    "attachments",
    "signatures",
]


def qr_svg_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def document_pdf(document: Document, verify_url: str) -> bytes:
    """WeasyPrint renders the card: fields, text, approvals and a stamp with the QR code."""
    from weasyprint import HTML

    version = document.versions.filter(approved_at__isnull=False).order_by("-number").first()
    from .selectors import public_name, signatures_of, signers

    approvals = (
        [
            {"name": public_name(step.assignee), "at": step.acted_at}
            for step in version.steps.select_related("assignee__person").filter(
                status=StepStatus.APPROVED
            )
        ]
        if version
        else []
    )
    html = render_to_string(
        "edms/pdf.html",
        {
            "document": document,
            "version": version,
            "approvals": approvals,
            "signers": signers(signatures_of(document, version=version)) if version else [],
            "field_rows": field_rows(document),
            "verify_url": verify_url,
            "qr": qr_svg_data_uri(verify_url),
        },
    )
    return HTML(string=html).write_pdf()


def field_rows(document: Document) -> list[tuple[str, Any]]:
    from django.utils.translation import get_language

    label = "label_ru" if (get_language() or "kk").startswith("ru") else "label_kk"
    values = document.fields or {}
    return [
        (spec[label], values[spec["name"]])
        for spec in document.kind.field_schema
        if spec["name"] in values
    ]


def register_row(document: Document) -> dict[str, Any]:
    version = next((v for v in document.versions.all() if v.approved_at), None)
    return {
        "id": str(document.pk),
        "kind": document.kind.code,
        "number": document.number,
        "registered_on": document.registered_on.isoformat() if document.registered_on else "",
        "title": document.title,
        "status": document.status,
        "correspondent": document.correspondent,
        "executor": document.executor.get_username() if document.executor else "",
        "due_date": document.due_date.isoformat() if document.due_date else "",
        "executed_at": document.executed_at.isoformat() if document.executed_at else "",
        "archived_at": document.archived_at.isoformat() if document.archived_at else "",
        "retention_until": document.retention_until.isoformat() if document.retention_until else "",
        "content_sha256": version.content_sha256 if version else "",
        "attachments": [
            {"path": _file_path(document, a), "name": a.original_name, "sha256": a.sha256}
            for a in document.attachments.all()
        ],
        "signatures": [
            {
                "cms": _signature_path(document, n),
                "signed_content": _signature_path(document, n, signed=True),
                "signer": s.verification.signer_name,
                "signer_bin": s.verification.signer_bin,
                "signed_at": (s.verification.signed_at or s.verification.checked_at).isoformat(),
                "outcome": s.current_check.outcome,
            }
            for n, s in enumerate(document.signatures.all(), start=1)
        ],
    }


def _signature_path(document: Document, number: int, *, signed: bool = False) -> str:
    """Each signature as a detached CMS file (`.p7s`) beside the exact bytes it signs."""
    return f"{_folder(document)}/signatures/{number}.{'signed.json' if signed else 'p7s'}"


def _folder(document: Document) -> str:
    return f"documents/{document.pk}"


def _file_path(document: Document, attachment: Any) -> str:
    return f"{_folder(document)}/{attachment.pk}-{attachment.original_name}"


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are handed out as soon as the zip writer produces them."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def archive_documents(organization: Any) -> Any:
    return (
        Document.objects.filter(organization=organization, sequence__isnull=False)
        .exclude(status=DocumentStatus.REJECTED)
        .select_related("kind", "executor")
        .prefetch_related(
            "attachments",
            "versions",
            "signatures__verification",
            "signatures__latest_verification",
        )
        .order_by("kind__code", "year", "sequence")
    )


def stream_archive(organization: Any, documents: Any) -> Iterator[bytes]:
    """The zip, chunk by chunk: each document's card (JSON) and files, then the register.

    Nothing is held in memory but the file being written: a large archive streams in constant
    memory. Registers: `register.csv` (UTF-8 with BOM, opens in Excel) and `register.json`.
    """
    sink = _Sink()
    rows = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in documents.iterator(chunk_size=200):
            row = register_row(document)
            rows.append(row)
            card = {**row, "body": document.body, "fields": document.fields}
            archive.writestr(
                f"{_folder(document)}/card.json", json.dumps(card, ensure_ascii=False, indent=2)
            )
            for attachment in document.attachments.all():
                with (
                    attachment.file.open("rb") as source,
                    archive.open(_file_path(document, attachment), "w") as target,
                ):
                    while chunk := source.read(64 * 1024):
                        target.write(chunk)
                        yield sink.take()
            for number, signature in enumerate(document.signatures.all(), start=1):
                archive.writestr(_signature_path(document, number), bytes(signature.cms))
                archive.writestr(
                    _signature_path(document, number, signed=True), bytes(signature.content)
                )
            yield sink.take()
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=REGISTER_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "attachments": ";".join(a["path"] for a in row["attachments"]),
                    "signatures": ";".join(x["cms"] for x in row["signatures"]),
                }
            )
        archive.writestr("register.csv", "\ufeff" + text.getvalue())
        archive.writestr(
            "register.json",
            json.dumps(
                {
                    "organization": {
                        "id": str(organization.pk),
                        "name": organization.name,
                        "bin": organization.bin,
                    },
                    "documents": rows,
                },
                ensure_ascii=False,
                indent=2,
            ),
        )
    yield sink.take()
