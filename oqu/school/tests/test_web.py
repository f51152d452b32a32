"""The School section in the browser's HTML: pages render for the right people, changes go
through services (SEC-27.3/4, SEC-27.6/7)."""

from __future__ import annotations

import datetime as dt

from oqu.school.models import ClassMembership, CurriculumLine, SchoolClass, StudyPeriod
from oqu.tests import factories as f


def test_sec_27_6_org_card_links_to_school_section_and_overview_renders(school, login):
    api = login(school.teacher_user)
    card = api.get(f"/org/{school.year.organization_id}/")
    assert 'data-testid="school-link"' in card.content.decode()
    page = api.get(f"/school/org/{school.year.organization_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2025-2026" in html
    assert "5А" in html
    assert 'action="/school/years/' not in html  # a teacher sees no forms


def test_sec_27_6_director_adds_vacation_and_sees_overlap_error(school, user_with_role, login):
    web = login(user_with_role("school_director", school.year.organization))
    url = f"/school/years/{school.year.pk}/vacations/add/"
    ok = web.post(
        url,
        {
            "name_kk": "Күзгі",
            "name_ru": "Осенние",
            "start_date": "2025-10-27",
            "end_date": "2025-11-02",
        },
        follow=True,
    )
    assert ok.status_code == 200
    assert "Осенние" in ok.content.decode() or "Күзгі" in ok.content.decode()
    bad = web.post(
        f"/school/years/{school.year.pk}/periods/add/",
        {"kind": "quarter", "number": "2", "start_date": "2025-10-20", "end_date": "2025-12-26"},
        follow=True,
    )
    assert bad.status_code == 200
    assert StudyPeriod.objects.filter(year=school.year).count() == 4


def test_sec_27_7_curriculum_page_shows_totals(school, user_with_role, login):
    web = login(user_with_role("school_director", school.year.organization))
    url = f"/school/years/{school.year.pk}/curriculum/set/"
    for subject, hours in ((school.math, "5"), (school.kazakh, "3")):
        web.post(
            url, {"subject": subject.pk, "grade": "5", "part": "invariant", "hours_per_week": hours}
        )
    assert CurriculumLine.objects.filter(year=school.year).count() == 2
    page = web.get(f"/school/years/{school.year.pk}/curriculum/").content.decode()
    assert 'data-testid="total">8.0<' in page


def test_sec_27_4_class_card_enrol_and_move_through_forms(school, user_with_role, login):
    web = login(user_with_role("school_director", school.year.organization))
    newcomer = f.make_person("Жаңа", "Бала", dt.date(2014, 7, 7), "F")
    web.post(
        f"/school/classes/{school.class_5a.pk}/enrol/", {"iin": newcomer.iin, "date": "2025-09-10"}
    )
    stay = ClassMembership.objects.get(person=newcomer, end_date__isnull=True)
    web.post(
        f"/school/memberships/{stay.pk}/move/",
        {"move": "transfer", "to_class": school.class_5b.pk, "date": "2025-10-01"},
    )
    assert ClassMembership.objects.get(person=newcomer, end_date__isnull=True).school_class == (
        school.class_5b
    )
    card = web.get(f"/school/classes/{school.class_5a.pk}/").content.decode()
    assert "Жаңа" in card
    assert 'data-testid="history"' in card


def test_sec_27_4_web_teacher_cannot_move_and_other_school_gets_404(
    school, org_tree, user_with_role, login
):
    web = login(school.teacher_user)
    refused = web.post(
        f"/school/memberships/{school.membership.pk}/move/",
        {"move": "expel", "reason": "x", "date": "2025-10-01"},
    )
    assert refused.status_code == 403
    stranger = login(user_with_role("school_director", org_tree.school_b1))
    assert stranger.get(f"/school/classes/{school.class_5a.pk}/").status_code == 404
    assert stranger.get(f"/school/org/{school.year.organization_id}/").status_code == 404
    assert SchoolClass.objects.count() == 2


def test_sec_27_7_curriculum_cell_through_htmx_returns_grid_with_totals(
    school, user_with_role, login
):
    web = login(user_with_role("school_deputy_director", school.year.organization))
    url = f"/school/years/{school.year.pk}/curriculum/set/"
    ok = web.post(
        url,
        {"subject": school.math.pk, "grade": "7", "part": "variant", "hours_per_week": "1,5"},
        HTTP_HX_REQUEST="true",
    )
    html = ok.content.decode()
    assert ok.status_code == 200
    assert "<html" not in html
    assert 'data-testid="total">1.5<' in html
    bad = web.post(
        url,
        {"subject": school.math.pk, "grade": "7", "part": "variant", "hours_per_week": "41"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="grid-error"' in bad.content.decode()
    assert CurriculumLine.objects.get(year=school.year).hours_per_week == 1.5
