"""The digital profiles' web pages: linked from the person card, HTMX forms, downloads (MAP-PASS,
SEC-27.1)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.profiles.models import Certificate, Course, Education

from .conftest import PDF
from .test_profiles import CERTIFICATE, COURSE, EDUCATION


def test_map_pass_person_card_links_to_the_teacher_profile_and_the_director_adds_education(
    world, login
):
    web = login(world.director_user)
    card = web.get(f"/people/{world.teacher.pk}/").content.decode()
    assert 'data-testid="teacher-profile-link"' in card
    page = web.get(f"/profiles/persons/{world.teacher.pk}/teacher/")
    assert page.status_code == 200
    assert 'data-testid="add-education"' in page.content.decode()
    added = web.post(
        f"/profiles/persons/{world.teacher.pk}/add/education/", EDUCATION, HTTP_HX_REQUEST="true"
    )
    html = added.content.decode()
    assert added.status_code == 200
    assert "ЕНУ им. Л. Н. Гумилёва" in html
    assert "<html" not in html  # the sections only, swapped in place
    refused = web.post(
        f"/profiles/persons/{world.teacher.pk}/add/education/",
        {**EDUCATION, "graduation_year": "1800"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200
    assert "has-error" in refused.content.decode()
    assert Education.objects.count() == 1
    entry = Education.objects.get()
    page = web.get(f"/profiles/persons/{world.teacher.pk}/teacher/").content.decode()
    assert 'data-testid="edit-entry"' in page
    edited = web.post(
        f"/profiles/entries/{entry.pk}/edit/",
        {**EDUCATION, "speciality": "Физика"},
        HTTP_HX_REQUEST="true",
    )
    assert edited.status_code == 200
    assert "Физика" in edited.content.decode()
    entry.refresh_from_db()
    assert entry.speciality == "Физика"
    bad = web.post(
        f"/profiles/entries/{entry.pk}/edit/",
        {**EDUCATION, "graduation_year": "1800"},
        HTTP_HX_REQUEST="true",
    )
    assert "has-error" in bad.content.decode()
    entry.refresh_from_db()
    assert entry.graduation_year == 2002
    colleague = login(world.colleague_user)
    assert colleague.post(f"/profiles/entries/{entry.pk}/edit/", EDUCATION).status_code == 403
    web = login(world.director_user)
    web.post(f"/profiles/entries/{entry.pk}/delete/")
    assert not Education.objects.exists()


def test_map_pass_teacher_sees_own_profile_and_proposes_a_course_from_the_page(world, login):
    web = login(world.teacher_user)
    mine = web.get("/profiles/me/")
    assert mine.status_code == 302
    assert mine["Location"].endswith(f"/profiles/persons/{world.teacher.pk}/teacher/")
    page = web.get(mine["Location"]).content.decode()
    assert 'data-testid="propose-course"' in page
    assert 'data-testid="add-education"' not in page
    web.post(f"/profiles/persons/{world.teacher.pk}/courses/propose/", COURSE)
    course = Course.objects.get()
    assert course.status == "proposed"
    assert (
        web.post(f"/profiles/persons/{world.teacher.pk}/add/education/", EDUCATION).status_code
        == 403
    )

    director = login(world.director_user)
    unit = world.teacher.employments.get().organization
    roster = director.get(f"/profiles/org/{unit.pk}/teachers/").content.decode()
    assert 'data-testid="proposed"' in roster
    assert COURSE["title"] in roster
    director.post(f"/profiles/entries/{course.pk}/decide/", {"approve": "1", "back": "roster"})
    course.refresh_from_db()
    assert course.status == "confirmed"


def test_map_pass_colleague_and_other_school_are_refused_on_pages(world, login):
    assert (
        login(world.colleague_user)
        .get(f"/profiles/persons/{world.teacher.pk}/teacher/")
        .status_code
        == 403
    )
    stranger = login(world.other_director_user)
    assert stranger.get(f"/profiles/persons/{world.teacher.pk}/teacher/").status_code == 404
    unit = world.teacher.employments.get().organization
    assert stranger.get(f"/profiles/org/{unit.pk}/teachers/").status_code == 404


def test_sec27_1_staff_add_a_certificate_with_a_file_and_the_parent_downloads_it(world, login):
    staff = login(world.colleague_user)
    response = staff.post(
        f"/profiles/persons/{world.learner.pk}/add/learner_certificate/",
        {**CERTIFICATE, "file": SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.attachment.name.endswith(".pdf")

    parent = login(world.parent_user)
    card = parent.get(f"/people/{world.learner.pk}/").content.decode()
    assert 'data-testid="learner-profile-link"' in card
    page = parent.get(f"/profiles/persons/{world.learner.pk}/learner/").content.decode()
    assert CERTIFICATE["title"] in page
    assert 'data-testid="attachment-link"' in page
    assert 'data-testid="add-achievement"' not in page
    download = parent.get(f"/profiles/entries/{certificate.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert parent.get(f"/profiles/persons/{world.other_learner.pk}/learner/").status_code == 404
    stranger = login(world.other_director_user)
    assert stranger.get(f"/profiles/entries/{certificate.pk}/attachment/").status_code == 404


def test_map_pass_school_page_links_the_roster_only_for_those_who_may_open_it(world, login):
    from oqu.school.models import AcademicYear

    unit = world.teacher.employments.get().organization
    AcademicYear.objects.create(
        organization=unit,
        name="2025-2026",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2026, 5, 31),
    )
    director_page = login(world.director_user).get(f"/school/org/{unit.pk}/").content.decode()
    assert 'data-testid="roster-link"' in director_page
    teacher_page = login(world.teacher_user).get(f"/school/org/{unit.pk}/").content.decode()
    assert 'data-testid="roster-link"' not in teacher_page
    assert 'data-testid="load-link"' in teacher_page


def test_sec27_1_my_profile_leads_a_learner_to_theirs_and_a_parent_to_their_child(world, login):
    learner_url = f"/profiles/persons/{world.learner.pk}/learner/"
    assert login(world.learner_user).get("/profiles/me/")["Location"].endswith(learner_url)
    assert login(world.parent_user).get("/profiles/me/")["Location"].endswith(learner_url)
