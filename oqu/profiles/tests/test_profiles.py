"""Teachers' (MAP-PASS) and learners' (SEC-27.1) digital profiles through services and selectors:
who may see and change what, the journal, the computed experience and attestation calendar,
certificate files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden, NotFound, ValidationError
from oqu.profiles import selectors, services
from oqu.profiles.models import Attestation, Course
from oqu.tests import factories as f

from .conftest import PDF, PNG

D = dt.date

EDUCATION = {
    "level": "bachelor",
    "institution": "ЕНУ им. Л. Н. Гумилёва",
    "speciality": "Математика",
    "graduation_year": "2002",
    "diploma_number": "ЖБ-0012345",
}
COURSE = {
    "title": "Критериальное оценивание",
    "provider": "ЦПМ АОО НИШ",
    "hours": "72",
    "start_date": "2024-03-01",
    "end_date": "2024-03-20",
}
OLYMPIAD = {
    "kind": "olympiad",
    "title": "Республиканская олимпиада по математике",
    "subject": "Математика",
    "level": "region",
    "result": "second",
    "held_on": "2025-02-10",
}
CERTIFICATE = {
    "kind": "certificate",
    "title": "Сертификат IELTS",
    "issuer": "British Council",
    "issued_on": "2025-06-01",
}


def test_map_pass_director_keeps_the_teacher_profile_and_every_change_is_journaled(world):
    director = world.actor(world.director_user)
    education = services.entry_create(
        actor=director, section="education", person=world.teacher, data=EDUCATION
    )
    attestation = services.entry_create(
        actor=director,
        section="attestation",
        person=world.teacher,
        data={"held_on": "2022-05-20", "category": "expert", "result": "assigned"},
    )
    assert attestation.valid_until == D(2027, 5, 20)  # 5 years: the category's data
    services.entry_create(
        actor=director,
        section="experience",
        person=world.teacher,
        data={
            "employer": "СШ № 12",
            "position": "Учитель",
            "start_date": "2015-09-01",
            "end_date": "2018-08-31",
        },
    )
    services.entry_create(actor=director, section="course", person=world.teacher, data=COURSE)
    profile = selectors.teacher_profile(director, world.teacher, as_of=D(2025, 8, 31))
    assert str(profile.experience) == "8y 0m 0d"  # 3 years earlier + 5 years in A1
    assert profile.category.category.code == "expert"
    assert profile.category_in_force
    assert profile.next_attestation_due == D(2027, 5, 20)
    assert profile.confirmed_course_hours == 72
    assert profile.can_manage

    services.entry_update(actor=director, entry=education, data={"speciality": "Физика"})
    row = ActionRecord.objects.get(action="profiles.education.update")
    assert (row.before, row.after) == ({"speciality": "Математика"}, {"speciality": "Физика"})
    assert row.organization_id == world.teacher.employments.get().organization_id
    services.entry_delete(actor=director, entry=education)
    assert ActionRecord.objects.filter(action="profiles.education.delete").exists()
    assert (
        ActionRecord.objects.filter(action="profiles.attestation.create").get().after["valid_until"]
        == "2027-05-20"
    )


def test_map_pass_a_not_assigned_result_keeps_no_validity(world):
    director = world.actor(world.director_user)
    refused = services.entry_create(
        actor=director,
        section="attestation",
        person=world.teacher,
        data={
            "held_on": "2024-05-20",
            "category": "master",
            "result": "not_assigned",
            "valid_until": "2029-05-20",
        },
    )
    assert refused.valid_until is None
    profile = selectors.teacher_profile(director, world.teacher, as_of=D(2025, 1, 1))
    assert profile.category is None
    assert profile.next_attestation_due == D(2025, 1, 1)


def test_map_pass_bad_input_is_refused_with_codes_and_nothing_is_written(world):
    director = world.actor(world.director_user)
    with pytest.raises(ValidationError) as error:
        services.entry_create(
            actor=director,
            section="course",
            person=world.teacher,
            data={**COURSE, "end_date": "2024-02-01"},
        )
    assert error.value.code == "profile_entry_invalid"
    assert "end_date" in error.value.fields
    with pytest.raises(ValidationError) as error:
        services.entry_create(
            actor=director,
            section="attestation",
            person=world.teacher,
            data={"held_on": "2024-05-20", "category": "no-such", "result": "assigned"},
        )
    assert "category" in error.value.fields
    assert not Course.objects.exists()
    assert not Attestation.objects.exists()


def test_map_pass_teacher_sees_own_profile_proposes_a_course_and_the_head_confirms(world):
    teacher = world.actor(world.teacher_user)
    profile = selectors.teacher_profile(teacher, world.teacher)
    assert profile.can_propose
    assert not profile.can_manage
    with pytest.raises(Forbidden):
        services.entry_create(
            actor=teacher, section="education", person=world.teacher, data=EDUCATION
        )
    proposed = services.course_propose(actor=teacher, person=world.teacher, data=COURSE)
    assert proposed.status == Course.Status.PROPOSED
    assert selectors.teacher_profile(teacher, world.teacher).confirmed_course_hours == 0
    director = world.actor(world.director_user)
    a1 = world.teacher.employments.get().organization
    assert list(selectors.proposed_courses(director, a1)) == [proposed]
    with pytest.raises(Forbidden):
        services.course_decide(actor=teacher, course=proposed, approve=True)
    services.course_decide(actor=director, course=proposed, approve=True)
    assert selectors.teacher_profile(teacher, world.teacher).confirmed_course_hours == 72
    assert ActionRecord.objects.filter(action="profiles.course.propose").exists()
    confirm = ActionRecord.objects.get(action="profiles.course.confirm")
    assert confirm.after["status"] == "confirmed"
    with pytest.raises(ValidationError):
        services.course_decide(actor=director, course=proposed, approve=False)


def test_map_pass_a_colleague_may_not_see_a_teacher_profile_nor_propose_for_them(world):
    colleague = world.actor(world.colleague_user)
    with pytest.raises(Forbidden):
        selectors.teacher_profile(colleague, world.teacher)
    with pytest.raises(Forbidden):
        services.course_propose(actor=colleague, person=world.teacher, data=COURSE)


def test_map_pass_another_school_sees_nothing(world):
    stranger = world.actor(world.other_director_user)
    with pytest.raises(NotFound):
        selectors.teacher_profile(stranger, world.teacher)
    with pytest.raises(NotFound):
        services.entry_create(
            actor=stranger, section="education", person=world.teacher, data=EDUCATION
        )
    entry = services.entry_create(
        actor=world.actor(world.director_user),
        section="education",
        person=world.teacher,
        data=EDUCATION,
    )
    with pytest.raises(NotFound):
        selectors.entry_get(stranger, entry.pk)
    with pytest.raises(NotFound):
        selectors.teacher_roster(stranger, world.teacher.employments.get().organization)


def test_sec27_1_school_staff_record_olympiads_and_the_parent_and_learner_see_them(world):
    teacher = world.actor(world.colleague_user)  # any teacher of the learner's school
    olympiad = services.entry_create(
        actor=teacher, section="achievement", person=world.learner, data=OLYMPIAD
    )
    services.entry_create(
        actor=teacher,
        section="career_test",
        person=world.learner,
        data={
            "title": "Профориентационный тест Голланда",
            "taken_on": "2025-03-01",
            "result": "Исследовательский тип",
            "recommended": "Инженерия, IT",
        },
    )
    services.entry_create(
        actor=teacher,
        section="career_choice",
        person=world.learner,
        data={"direction": "Информационные технологии", "chosen_on": "2025-04-01"},
    )
    certificate = services.entry_create(
        actor=teacher, section="learner_certificate", person=world.learner, data=CERTIFICATE
    )
    for user in (world.parent_user, world.learner_user):
        profile = selectors.learner_profile(world.actor(user), world.learner)
        assert profile.sections["achievement"] == [olympiad]
        assert profile.counts_by_level == {"region": 1}
        assert len(profile.sections["career_test"]) == len(profile.sections["career_choice"]) == 1
        assert not profile.can_manage
        assert list(selectors.learner_certificates(world.actor(user), world.learner)) == [
            certificate
        ]
    assert ActionRecord.objects.filter(action="profiles.achievement.create").count() == 1


def test_sec27_1_a_parent_sees_only_their_own_child_and_changes_nothing(world):
    parent = world.actor(world.parent_user)
    with pytest.raises(NotFound):
        selectors.learner_profile(parent, world.other_learner)
    with pytest.raises(NotFound):
        selectors.learner_certificates(parent, world.other_learner)
    with pytest.raises(NotFound):
        services.entry_create(
            actor=parent, section="achievement", person=world.learner, data=OLYMPIAD
        )
    learner = world.actor(world.learner_user)
    with pytest.raises(NotFound):
        services.entry_create(
            actor=learner, section="achievement", person=world.learner, data=OLYMPIAD
        )
    with pytest.raises(NotFound):
        selectors.teacher_profile(parent, world.teacher)


def test_sec27_1_another_school_may_not_see_or_edit_a_learner_profile(world):
    stranger = world.actor(world.other_director_user)
    with pytest.raises(NotFound):
        selectors.learner_profile(stranger, world.learner)
    with pytest.raises(NotFound):
        services.entry_create(
            actor=stranger, section="achievement", person=world.learner, data=OLYMPIAD
        )


def test_sec27_1_certificate_files_are_checked_for_size_and_type(world, settings):
    teacher = world.actor(world.colleague_user)
    certificate = services.entry_create(
        actor=teacher, section="learner_certificate", person=world.learner, data=CERTIFICATE
    )
    services.attachment_set(
        actor=teacher, entry=certificate, upload=SimpleUploadedFile("скан.pdf", PDF)
    )
    certificate.refresh_from_db()
    assert certificate.attachment.name.endswith(f"{certificate.pk}.pdf")  # not the uploaded name
    record = ActionRecord.objects.get(action="profiles.attachment.set")
    assert record.after["size"] == len(PDF)
    assert len(record.after["sha256"]) == 64
    with pytest.raises(ValidationError) as error:
        services.attachment_set(
            actor=teacher, entry=certificate, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil")
        )
    assert error.value.code == "file_type"
    with pytest.raises(ValidationError) as error:
        services.attachment_set(
            actor=teacher, entry=certificate, upload=SimpleUploadedFile("x.png", PDF)
        )
    assert error.value.code == "file_type"
    settings.OQU_PROFILE_FILE_MAX_BYTES = 40
    with pytest.raises(ValidationError) as error:
        services.attachment_set(
            actor=teacher, entry=certificate, upload=SimpleUploadedFile("x.png", PNG + b"\x00" * 40)
        )
    assert error.value.code == "file_too_large"
    career = services.entry_create(
        actor=teacher,
        section="career_choice",
        person=world.learner,
        data={"direction": "Медицина", "chosen_on": "2025-04-01"},
    )
    with pytest.raises(ValidationError) as error:
        services.attachment_set(
            actor=teacher, entry=career, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    assert error.value.code == "no_attachment"


def test_map_pass_profile_and_roster_reads_do_not_grow_with_rows(world):
    director = world.actor(world.director_user)
    a1 = world.teacher.employments.get().organization

    def queries(read) -> int:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            read()
        return len(captured)

    profile_before = queries(lambda: selectors.teacher_profile(director, world.teacher))
    roster_before = queries(lambda: selectors.teacher_roster(director, a1))
    for i in range(4):
        services.entry_create(actor=director, section="course", person=world.teacher, data=COURSE)
        services.entry_create(
            actor=director,
            section="attestation",
            person=world.teacher,
            data={"held_on": f"201{i}-05-20", "category": "moderator", "result": "assigned"},
        )
        person = f.make_person("Мұғалім", f"Н{i}", D(1990, 1, 1 + i), "F")
        f.employ(person, a1)
        services.entry_create(
            actor=director,
            section="attestation",
            person=person,
            data={"held_on": "2023-05-20", "category": "pedagog", "result": "assigned"},
        )
    assert queries(lambda: selectors.teacher_profile(director, world.teacher)) == profile_before
    assert queries(lambda: selectors.teacher_roster(director, a1)) == roster_before
    assert len(selectors.teacher_roster(director, a1)) == 6  # teacher, director, four more
