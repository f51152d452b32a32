"""Reads of a teacher's and a learner's digital profile by other staff are journaled, like reads
of restricted personal data (MAP-PASS, SEC-27.1): who read whose profile, entry or file, under
the organization whose grant allowed it. The person's own reads and a parent's reads of their
child are not journaled; a refused read journals a failed access, not a read."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.audit.models import ActionRecord, FailedAccess

from .conftest import PDF
from .test_profiles import CERTIFICATE, OLYMPIAD

API = "/api/v1/profiles"


def _reads(action: str) -> list[ActionRecord]:
    return list(ActionRecord.objects.filter(action=action).order_by("at", "pk"))


def test_map_pass_a_teachers_profile_read_by_the_director_is_journaled(world, login, org_tree):
    teacher = login(world.teacher_user)
    assert teacher.get(f"{API}/teachers/{world.teacher.pk}").status_code == 200
    assert teacher.get("/profiles/me/", follow=True).status_code == 200
    assert _reads("profiles.teacher.read") == []  # one's own profile
    director = login(world.director_user)
    assert director.get(f"{API}/teachers/{world.teacher.pk}").status_code == 200
    assert director.get(f"/profiles/persons/{world.teacher.pk}/teacher/").status_code == 200
    reads = _reads("profiles.teacher.read")
    assert len(reads) == 2
    assert {r.target_id for r in reads} == {str(world.teacher.pk)}
    assert {r.actor_id for r in reads} == {world.director_user.pk}
    assert reads[0].organization_id == org_tree.school_a1.pk
    assert reads[0].after == {"profile": "teacher", "what": "profile"}
    stranger = login(world.other_director_user)
    assert stranger.get(f"{API}/teachers/{world.teacher.pk}").status_code == 404
    assert len(_reads("profiles.teacher.read")) == 2
    assert FailedAccess.objects.filter(target_id=str(world.teacher.pk)).exists()


def test_sec27_1_a_learners_profile_entry_and_file_read_by_staff_are_journaled(world, login):
    staff = login(world.colleague_user)
    staff.post(
        f"{API}/persons/{world.learner.pk}/entries",
        {"section": "achievement", "fields": OLYMPIAD},
        content_type="application/json",
    )
    certificate = staff.post(
        f"{API}/persons/{world.learner.pk}/entries",
        {"section": "learner_certificate", "fields": CERTIFICATE},
        content_type="application/json",
    ).json()
    staff.post(
        f"{API}/entries/{certificate['id']}/attachment",
        {"file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")},
    )
    assert _reads("profiles.learner.read") == []  # writing is journaled as writing
    # the learner and the parent read without read records
    for user in (world.learner_user, world.parent_user):
        client = login(user)
        assert client.get(f"{API}/learners/{world.learner.pk}").status_code == 200
        assert client.get(f"{API}/entries/{certificate['id']}/attachment").status_code == 200
        assert client.get(f"/profiles/persons/{world.learner.pk}/learner/").status_code == 200
    assert _reads("profiles.learner.read") == []
    staff = login(world.colleague_user)
    assert staff.get(f"{API}/learners/{world.learner.pk}").status_code == 200
    assert staff.get(f"{API}/entries/{certificate['id']}").status_code == 200
    download = staff.get(f"{API}/entries/{certificate['id']}/attachment")
    assert b"".join(download.streaming_content) == PDF
    assert staff.get(f"/profiles/persons/{world.learner.pk}/learner/").status_code == 200
    assert staff.get(f"/profiles/entries/{certificate['id']}/attachment/").status_code == 200
    reads = _reads("profiles.learner.read")
    assert [r.after["what"] for r in reads] == ["profile", "entry", "file", "profile", "file"]
    assert all(r.target_id == str(world.learner.pk) for r in reads)
    assert reads[1].after["entry_id"] == certificate["id"]
    assert reads[1].after["section"] == "learner_certificate"
