"""MAP-SVC over the web pages: the parent applies in Kazakh or Russian, staff decide from their
inbox, the parent sees the status and its history; others get 404."""

from __future__ import annotations

from typing import Any

import pytest

from oqu.eservices.models import ServiceApplication

from .conftest import client_for, pdf

pytestmark = pytest.mark.django_db


def _apply_home_schooling(svc: Any, language: str = "kk") -> Any:
    client = client_for(svc.parent_user)
    client.cookies["oqu_language"] = language
    page = client.get(f"/eservices/apply/home_schooling/?subject={svc.child.pk}")
    assert page.status_code == 200
    return (
        client,
        page,
        client.post(
            "/eservices/apply/home_schooling/",
            {
                "subject": str(svc.child.pk),
                "organization": str(svc.tree.school_a1.pk),
                "f_start_date": "2026-12-01",
                "f_form": "online",
                "medical_conclusion": pdf("vkk.pdf"),
            },
        ),
    )


@pytest.mark.parametrize(
    ("language", "title", "status"),
    [
        ("kk", "Үйде жеке тегін оқытуды ұйымдастыру", "Тіркелді"),
        ("ru", "Организация индивидуального бесплатного обучения на дому", "Зарегистрировано"),
    ],
)
def test_map_svc_38_parent_applies_on_the_web_in_kk_and_ru(svc, language, title, status):
    client, page, response = _apply_home_schooling(svc, language)
    assert title in page.content.decode()
    assert svc.tree.school_a1.name in page.content.decode()
    assert response.status_code == 302
    application = ServiceApplication.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert status in detail
    assert "vkk.pdf" in detail
    index = client.get("/eservices/").content.decode()
    assert str(application.pk) in index


def test_map_svc_web_form_errors_are_shown_not_500(svc):
    client = client_for(svc.parent_user)
    response = client.post(
        "/eservices/apply/home_schooling/",
        {
            "subject": str(svc.child.pk),
            "organization": str(svc.tree.school_a1.pk),
            "f_start_date": "not a date",
            "f_form": "online",
            "medical_conclusion": pdf("vkk.pdf"),
        },
    )
    assert response.status_code == 400
    assert 'data-testid="apply-error"' in response.content.decode()
    assert not ServiceApplication.objects.exists()


def test_map_svc_staff_decide_from_the_inbox_and_the_parent_sees_it(svc):
    client, _page, _response = _apply_home_schooling(svc, "ru")
    application = ServiceApplication.objects.get()
    director = client_for(svc.director)
    inbox = director.get("/eservices/inbox/").content.decode()
    assert str(application.pk) in inbox
    page = director.get(f"/eservices/applications/{application.pk}/").content.decode()
    assert 'name="transition" value="approve"' in page
    director.post(
        f"/eservices/applications/{application.pk}/transition/",
        {"transition": "refuse", "reason": ""},
    )
    application.refresh_from_db()
    assert application.status == "submitted"  # a refusal without a reason is refused
    director.post(
        f"/eservices/applications/{application.pk}/transition/",
        {"transition": "approve", "reason": ""},
    )
    parent_page = client.get(f"/eservices/applications/{application.pk}/").content.decode()
    assert "Обучение на дому организовано" in parent_page
    assert 'name="transition"' not in parent_page  # decided: nothing left to do


def test_map_svc_web_pages_of_others_answer_404(svc):
    _apply_home_schooling(svc)
    application = ServiceApplication.objects.get()
    document = application.documents.get()
    for outsider in (svc.other_parent_user, svc.b_director, svc.teacher):
        client = client_for(outsider)
        assert client.get(f"/eservices/applications/{application.pk}/").status_code == 404
        assert client.get(f"/eservices/documents/{document.pk}/").status_code == 404
        assert (
            client.post(
                f"/eservices/applications/{application.pk}/transition/",
                {"transition": "approve"},
            ).status_code
            == 404
        )
    assert client_for(svc.other_parent_user).get("/eservices/inbox/").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_map_svc_apply_page_finds_organizations_by_name_or_bin(svc):
    client = client_for(svc.parent_user)
    url = "/eservices/apply/home_schooling/"
    found = client.get(url, {"subject": str(svc.child.pk), "q": "940140000385"}).content.decode()
    assert svc.tree.school_a1.name in found
    assert svc.tree.school_b1.name not in found
    by_name = client.get(url, {"subject": str(svc.child.pk), "q": "№ 4"}).content.decode()
    assert svc.tree.school_b1.name in by_name
    assert svc.college.name not in by_name  # a college does not organize home schooling
