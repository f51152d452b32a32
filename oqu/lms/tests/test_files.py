"""The LMS's uploaded files (SEC-27.10, SEC-27.11): an allow-list checked by extension and content,
a size limit, the original name kept and a SHA-256 of the content."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.kernel.errors import ValidationError
from oqu.lms import files


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_sec_27_11_allowed_files_keep_name_type_and_hash():
    content = _docx()
    checked = files.check_upload(SimpleUploadedFile("../../Жоспар.DOCX", content))
    assert checked.name == "Жоспар.DOCX"
    assert checked.content_type.endswith("wordprocessingml.document")
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert (
        files.check_upload(SimpleUploadedFile("a.txt", "Сәлем".encode())).content_type
        == "text/plain"
    )


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "file_type"),
        ("page.html", b"<html>", "file_type"),
        ("fake.pdf", b"<html><script>", "file_content"),
        ("fake.png", b"%PDF-1.4", "file_content"),
        ("fake.docx", b"PK\x03\x04 broken", "file_content"),
        ("binary.txt", b"a\x00b", "file_content"),
        ("empty.pdf", b"", "file_empty"),
        ("", b"%PDF-", "file_name"),
    ],
)
def test_sec_27_11_files_outside_the_allow_list_or_with_other_content_are_refused(
    name, content, code
):
    with pytest.raises(ValidationError) as error:
        files.check_upload(SimpleUploadedFile(name or "x", content) if name else _Nameless(content))
    assert error.value.code == code


def test_sec_27_11_files_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as error:
        files.check_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 20))
    assert error.value.code == "file_too_large"


class _Nameless(io.BytesIO):
    name = ""
    size = 5


def test_sec_27_11_data_migration_gives_relation_roles_and_teachers_their_capabilities(db):
    from oqu.access.models import Role
    from oqu.kernel.models import RuleSet

    caps = dict(Role.objects.values_list("code", "capabilities"))
    assert {"lms.homework.submit", "lms.distance.post"} <= set(caps["learner"])
    assert "lms.homework.view" in caps["parent"]
    assert "lms.distance.view" not in caps["parent"]
    assert "lms.homework.manage" in caps["school_teacher"]
    assert "lms.plan.review" in caps["school_methodologist"]
    assert "lms.plan.manage" not in caps["school_methodologist"]
    assert RuleSet.objects.get(code="lms.distance.archive_after_days").value == 14
