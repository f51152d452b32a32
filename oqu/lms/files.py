"""Uploaded files of the LMS: checked by size, extension and content, stored under a random name.

The allow-list pairs each extension with the signature its content must start with, so a renamed
executable or an HTML page posing as a PDF is refused; the original name and a SHA-256 of the
content are kept for the download and for integrity checks. Files are never served from a public
media URL: `views.attachment_download` checks access to the file's owner first.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from oqu.kernel.errors import ValidationError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_OWNER = 10
PDF = (b"%PDF-",)
ZIP = (b"PK\x03\x04",)
OOXML = "[Content_Types].xml"

# extension → (content type, content signatures, kind of container check)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...], str]] = {
    ".pdf": ("application/pdf", PDF, ""),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), ""),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), ""),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), ""),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
        "ooxml",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP, "ooxml"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
        "ooxml",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP, "odf"),
    ".txt": ("text/plain", (), "text"),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code, fields={"file": [code]})


def _clean_name(name: str) -> str:
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return "".join(ch for ch in base if ch.isprintable())[:255]


def _container_ok(content: bytes, kind: str) -> bool:
    if kind == "text":
        if b"\x00" in content:
            return False
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    if kind in ("ooxml", "odf"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return OOXML in names if kind == "ooxml" else "mimetype" in names
    return True


def check_upload(upload: Any) -> CheckedFile:
    """Read an uploaded file (Django `UploadedFile`) and refuse what is too big or not allowed."""
    name = _clean_name(getattr(upload, "name", ""))
    if not name:
        raise _refuse(_("The file has no name."), "file_name")
    if (getattr(upload, "size", 0) or 0) > MAX_BYTES:
        raise _refuse(_("The file is larger than 10 MB."), "file_too_large")
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _refuse(_("The file is larger than 10 MB."), "file_too_large")
    if not content:
        raise _refuse(_("The file is empty."), "file_empty")
    suffix = PurePath(name).suffix.lower()
    allowed = ALLOWED.get(suffix)
    if allowed is None:
        raise _refuse(
            _(
                "This type of file is not accepted: send PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT or TXT."
            ),
            "file_type",
        )
    content_type, signatures, kind = allowed
    if signatures and not content.startswith(signatures):
        raise _refuse(_("The file's content does not match its extension."), "file_content")
    if not _container_ok(content, kind):
        raise _refuse(_("The file's content does not match its extension."), "file_content")
    return CheckedFile(
        name=name,
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )
