"""The digital profiles over HTTP: /api/v1/profiles/ (MAP-PASS, SEC-27.1)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.audit.models import ActionRecord
from oqu.profiles.models import Achievement, Certificate, Course

from .conftest import PDF
from .test_profiles import CERTIFICATE, COURSE, EDUCATION, OLYMPIAD

API = "/api/v1/profiles"


def test_map_pass_api_teacher_profile_write_read_patch_delete(world, login):
    api = login(world.director_user)
    created = api.post(
        f"{API}/persons/{world.teacher.pk}/entries",
        {
            "section": "attestation",
            "fields": {"held_on": "2023-04-01", "category": "moderator", "result": "assigned"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["section"] == "attestation"
    assert entry["fields"]["valid_until"] == "2028-04-01"
    education = api.post(
        f"{API}/persons/{world.teacher.pk}/entries",
        {"section": "education", "fields": EDUCATION},
        content_type="application/json",
    ).json()
    profile = api.get(f"{API}/teachers/{world.teacher.pk}").json()
    assert profile["category"] == "moderator"
    assert profile["next_attestation_due"] == "2028-04-01"
    assert profile["experience"]["years"] >= 5  # employed in A1 since 01.09.2020
    assert [e["id"] for e in profile["sections"]["education"]] == [education["id"]]
    patched = api.patch(
        f"{API}/entries/{education['id']}",
        {"fields": {"graduation_year": 2003}},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["fields"]["graduation_year"] == 2003
    bad = api.patch(
        f"{API}/entries/{education['id']}",
        {"fields": {"graduation_year": 1800}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "profile_entry_invalid"
    assert "graduation_year" in bad.json()["fields"]
    assert api.delete(f"{API}/entries/{education['id']}").status_code == 204
    assert api.get(f"{API}/entries/{education['id']}").status_code == 404
    unknown = api.post(
        f"{API}/persons/{world.teacher.pk}/entries",
        {"section": "salary", "fields": {}},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    categories = api.get(f"{API}/categories").json()
    assert [c["code"] for c in categories] == [
        "pedagog",
        "moderator",
        "expert",
        "researcher",
        "master",
    ]


def test_map_pass_api_course_proposal_and_decision(world, login):
    teacher = login(world.teacher_user)
    proposed = teacher.post(
        f"{API}/persons/{world.teacher.pk}/courses", COURSE, content_type="application/json"
    )
    assert proposed.status_code == 201
    assert proposed.json()["status"] == "proposed"
    course_id = proposed.json()["id"]
    refused = teacher.post(
        f"{API}/entries/{course_id}/decision", {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    director = login(world.director_user)
    roster = director.get(
        f"{API}/organizations/{world.teacher.employments.get().organization_id}/teachers"
    ).json()
    assert [c["id"] for c in roster["proposed_courses"]] == [course_id]
    assert {row["person_id"] for row in roster["teachers"]} >= {str(world.teacher.pk)}
    decided = director.post(
        f"{API}/entries/{course_id}/decision", {"approve": True}, content_type="application/json"
    )
    assert decided.json()["status"] == "confirmed"
    assert Course.objects.get().status == "confirmed"


def test_map_pass_api_forbidden_paths(world, login):
    entry = (
        login(world.director_user)
        .post(
            f"{API}/persons/{world.teacher.pk}/entries",
            {"section": "education", "fields": EDUCATION},
            content_type="application/json",
        )
        .json()
    )
    colleague = login(world.colleague_user)
    assert colleague.get(f"{API}/teachers/{world.teacher.pk}").status_code == 403
    assert colleague.get(f"{API}/entries/{entry['id']}").status_code == 403
    stranger = login(world.other_director_user)
    assert stranger.get(f"{API}/teachers/{world.teacher.pk}").status_code == 404
    assert stranger.get(f"{API}/entries/{entry['id']}").status_code == 404
    assert stranger.delete(f"{API}/entries/{entry['id']}").status_code == 404
    assert (
        stranger.post(
            f"{API}/persons/{world.teacher.pk}/entries",
            {"section": "education", "fields": EDUCATION},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_sec27_1_api_learner_profile_with_certificate_file_for_the_parent_only(world, login):
    staff = login(world.colleague_user)
    olympiad = staff.post(
        f"{API}/persons/{world.learner.pk}/entries",
        {"section": "achievement", "fields": OLYMPIAD},
        content_type="application/json",
    )
    assert olympiad.status_code == 201
    certificate = staff.post(
        f"{API}/persons/{world.learner.pk}/entries",
        {"section": "learner_certificate", "fields": CERTIFICATE},
        content_type="application/json",
    ).json()
    uploaded = staff.post(
        f"{API}/entries/{certificate['id']}/attachment",
        {"file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")},
    )
    assert uploaded.status_code == 200
    assert uploaded.json()["has_attachment"] is True
    bad = staff.post(
        f"{API}/entries/{certificate['id']}/attachment",
        {
            "file": SimpleUploadedFile(
                "certificate.pdf", b"<script>", content_type="application/pdf"
            )
        },
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "file_type"

    parent = login(world.parent_user)
    profile = parent.get(f"{API}/learners/{world.learner.pk}").json()
    assert profile["achievements_by_level"] == {"region": 1}
    assert profile["sections"]["learner_certificate"][0]["has_attachment"] is True
    download = parent.get(f"{API}/entries/{certificate['id']}/attachment")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert parent.get(f"{API}/learners/{world.other_learner.pk}").status_code == 404
    assert (
        parent.post(
            f"{API}/persons/{world.learner.pk}/entries",
            {"section": "achievement", "fields": OLYMPIAD},
            content_type="application/json",
        ).status_code
        == 404
    )
    stranger = login(world.other_director_user)
    assert stranger.get(f"{API}/entries/{certificate['id']}/attachment").status_code == 404
    assert stranger.get(f"{API}/learners/{world.learner.pk}").status_code == 404
    assert Achievement.objects.count() == 1
    assert Certificate.objects.count() == 1
    assert ActionRecord.objects.filter(action="profiles.attachment.set").count() == 1


def test_sec27_1_api_other_parent_and_no_file(world, login):
    from oqu.tests import factories as f

    stranger_parent = f.make_user(
        "other-parent", person=f.make_person("Ким", "Ольга", dt.date(1980, 1, 1), "F")
    )
    entry = (
        login(world.colleague_user)
        .post(
            f"{API}/persons/{world.learner.pk}/entries",
            {"section": "learner_certificate", "fields": CERTIFICATE},
            content_type="application/json",
        )
        .json()
    )
    assert (
        login(world.learner_user).get(f"{API}/entries/{entry['id']}/attachment").status_code == 404
    )
    other = login(stranger_parent)
    assert other.get(f"{API}/learners/{world.learner.pk}").status_code == 404
    assert other.get(f"{API}/entries/{entry['id']}").status_code == 404
