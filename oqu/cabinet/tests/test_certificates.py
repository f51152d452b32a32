"""SEC-27.1: the cabinet's certificates come from the learner's digital profile, through
`oqu.profiles.selectors.learner_certificates` (one source of truth, with its access check)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from oqu.profiles.models import Certificate

pytestmark = pytest.mark.django_db
API = "/api/v1/cabinet"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _certificate(cab, person, profile, title, on, *, with_file=False):  # type: ignore[no-untyped-def]
    row = Certificate(
        organization=cab.org,
        person=person,
        profile=profile,
        kind=Certificate.Kind.DIPLOMA,
        title=title,
        issuer="Білім басқармасы",
        issued_on=on,
    )
    if with_file:
        row.attachment.save("diploma.pdf", ContentFile(PDF), save=False)
    row.save()
    return row


def test_sec_27_1_cabinet_certificates_are_the_learner_profiles_certificates(cab, api):
    older = _certificate(cab, cab.child, "learner", "Олимпиада: 2-орын", dt.date(2025, 3, 1))
    newer = _certificate(
        cab, cab.child, "learner", "Шахмат турнирі", dt.date(2025, 11, 2), with_file=True
    )
    _certificate(cab, cab.child, "teacher", "Not a learner's certificate", dt.date(2025, 4, 1))
    _certificate(cab, cab.classmate, "learner", "A classmate's diploma", dt.date(2025, 5, 1))
    for user in (cab.parent_user, cab.child_user):
        body = api(user).get(f"{API}/{cab.child.pk}/documents").json()
        rows = body["certificates"]
        assert [r["id"] for r in rows] == [str(newer.pk), str(older.pk)]
        assert rows[0]["issuer"] == "Білім басқармасы"
        assert rows[0]["kind"] == "diploma"
        assert rows[0]["download_url"] == f"/profiles/entries/{newer.pk}/attachment/"
        assert rows[1]["download_url"] is None
    page = api(cab.parent_user).get(f"/cabinet/{cab.child.pk}/documents/").content.decode()
    assert page.count('data-testid="certificate"') == 2
    assert "Шахмат турнирі" in page
    assert "Not a learner's certificate" not in page
    assert "A classmate's diploma" not in page
    # the link opens the file for the parent through the profile's access-checked download
    download = api(cab.parent_user).get(rows[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_sec_27_1_a_classmate_cannot_read_the_childs_certificates(cab, api):
    _certificate(cab, cab.child, "learner", "Олимпиада", dt.date(2025, 3, 1))
    assert api(cab.classmate_user).get(f"{API}/{cab.child.pk}/documents").status_code == 404
    assert api(cab.classmate_user).get(f"/cabinet/{cab.child.pk}/documents/").status_code == 404
