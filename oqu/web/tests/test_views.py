"""The web interface through Django's test client: scope, journaling, grants, language (G-17)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import allauth
import django
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from oqu.access.models import Grant, Role
from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.orgs.services import attribute_value_set
from oqu.tests import factories as f
from oqu.web import upstream_messages

PASSWORD = "Passw0rd!-test"
COOKIE = settings.LANGUAGE_COOKIE_NAME

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[COOKIE] = language
    return client


def text_of(response: Any) -> str:
    return response.content.decode()


# -- access and scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["web:home", "web:people", "web:grants"],
)
def test_g5_10_anonymous_is_sent_to_login(url_name: str) -> None:
    response = Client().get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_g5_10_anonymous_card_request_is_sent_to_login(org_tree: Any) -> None:
    response = Client().get(reverse("web:org_card", args=[org_tree.school_a1.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_g5_10_htmx_request_of_anonymous_redirects_whole_page(org_tree: Any) -> None:
    response = Client().get(
        reverse("web:tree_node", args=[org_tree.district_a1.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("account_login")


def test_g5_12_out_of_scope_card_is_404_and_journaled(org_tree: Any, user_with_role: Any) -> None:
    # given a teacher of school A1
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    client = client_for(teacher)

    # when they open the card of a school in another region
    response = client.get(reverse("web:org_card", args=[org_tree.school_b1.pk]))

    # then the answer is the 404 page, and the attempt is journaled
    assert response.status_code == 404
    assert "<h1>" in text_of(response)
    denial = FailedAccess.objects.get()
    assert denial.actor == teacher
    assert denial.status == 404
    assert denial.action == "orgs.unit.view"
    assert denial.target_id == str(org_tree.school_b1.pk)


def test_g5_12_missing_card_answers_like_out_of_scope(org_tree: Any, user_with_role: Any) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    missing = "00000000-0000-4000-8000-00000000dead"

    response = client_for(teacher).get(f"/org/{missing}/")

    assert response.status_code == 404
    assert FailedAccess.objects.filter(target_id=missing, status=404).count() == 1


def test_g5_12_grants_page_without_capability_is_403_and_journaled(
    org_tree: Any, user_with_role: Any
) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)

    response = client_for(teacher).get(reverse("web:grants"))

    assert response.status_code == 403
    assert (
        FailedAccess.objects.filter(actor=teacher, action="access.grant.view", status=403).count()
        == 1
    )


# -- tree and card ----------------------------------------------------------------------------


def test_g5_10_home_tree_opens_the_way_down_to_the_users_district(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    page = text_of(client_for(head, "ru").get(reverse("web:home")))

    # the way down (republic, city of Almaty) is open, the district itself is collapsed
    assert "город Алматы" in page
    assert org_tree.district_a1.name_ru in page
    assert reverse("web:tree_node", args=[org_tree.district_a1.pk]) in page
    # siblings outside the grant are not shown
    assert org_tree.district_a2.name_ru not in page
    assert "область Абай" not in page


def test_g5_10_tree_node_gives_a_fragment_to_htmx_and_a_page_without_it(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    client = client_for(head)
    url = reverse("web:tree_node", args=[org_tree.district_a1.pk])

    fragment = client.get(url, HTTP_HX_REQUEST="true")
    page = client.get(url)

    assert fragment.status_code == 200
    assert "<html" not in text_of(fragment)
    assert reverse("web:org_card", args=[org_tree.school_a1.pk]) in text_of(fragment)
    assert reverse("web:org_card", args=[org_tree.school_a1_other.pk]) in text_of(fragment)
    assert "<html" in text_of(page)
    assert reverse("web:org_card", args=[org_tree.school_a1.pk]) in text_of(page)


def test_g5_10_tree_node_outside_scope_is_404(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    response = client_for(head).get(
        reverse("web:tree_node", args=[org_tree.district_b1.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 404
    assert FailedAccess.objects.filter(target_id=str(org_tree.district_b1.pk)).count() == 1


@pytest.mark.parametrize(
    ("language", "label", "choice", "absent"),
    [
        ("kk", "Шағын жинақты мектеп", "Екі ауысым", "Малокомплектная школа"),
        ("ru", "Малокомплектная школа", "Две смены", "Шағын жинақты мектеп"),
    ],
)
def test_g17_card_shows_attributes_in_the_active_language(
    org_tree: Any, user_with_role: Any, language: str, label: str, choice: str, absent: str
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    actor = actor_for(head)
    school = org_tree.school_a1
    school.languages = ["kk", "ru"]
    school.save()
    attribute_value_set(actor=actor, organization=school, code="small_class", value=True)
    attribute_value_set(actor=actor, organization=school, code="operating_mode", value="two_shifts")
    attribute_value_set(actor=actor, organization=school, code="computer_classes", value=3)

    response = client_for(head, language).get(reverse("web:org_card", args=[school.pk]))

    page = text_of(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert label in page
    assert choice in page
    assert absent not in page
    assert "two_shifts" not in page
    assert ">3<" in page
    with translation.override(language):
        languages = [translation.gettext("Kazakh"), translation.gettext("Russian")]
    assert ", ".join(languages) in page


def test_g5_10_card_lists_staff_and_learners_by_grade(
    org_tree: Any, user_with_role: Any, family: Any
) -> None:
    head = user_with_role("school_director", org_tree.school_a1)
    teacher = f.make_person("Ахметова", "Сәуле", dt.date(1980, 1, 2), "F")
    f.employ(teacher, org_tree.school_a1, position="Мұғалім")
    second = f.make_person("Бекова", "Дана", dt.date(2012, 8, 9), "F")
    f.enrol(second, org_tree.school_a1, grade=8)

    page = text_of(client_for(head).get(reverse("web:org_card", args=[org_tree.school_a1.pk])))

    assert "Ахметова Сәуле" in page
    assert "Мұғалім" in page
    assert re.search(r"<td>8</td><td class=\"num\">2</td>", page)
    # the learner of another region is nowhere on the card
    assert family.other_learner.iin not in page


# -- people -----------------------------------------------------------------------------------


def test_g5_10_person_search_finds_only_people_in_scope(
    org_tree: Any, user_with_role: Any, family: Any
) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    client = client_for(teacher)

    own = client.get(reverse("web:people"), {"q": family.learner.iin[:8]})
    other = client.get(reverse("web:people"), {"q": family.other_learner.iin})

    assert family.learner.iin in text_of(own)
    assert reverse("web:person", args=[family.learner.pk]) in text_of(own)
    assert reverse("web:person", args=[family.other_learner.pk]) not in text_of(other)
    assert 'data-testid="no-results"' in text_of(other)


def test_g5_10_person_search_by_name_returns_a_fragment_to_htmx(
    org_tree: Any, user_with_role: Any, family: Any
) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)

    response = client_for(teacher).get(
        reverse("web:people"), {"q": "Серікұлы"}, HTTP_HX_REQUEST="true"
    )

    assert "<html" not in text_of(response)
    assert "Серікұлы Нұрлан" in text_of(response)


def test_g5_10_person_search_is_paginated_by_25(org_tree: Any, user_with_role: Any) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    for n in range(27):
        f.enrol(f.make_person("Пагинов", f"Оқушы{n:02d}"), org_tree.school_a1)
    client = client_for(teacher)

    first = text_of(client.get(reverse("web:people"), {"q": "Пагинов"}))
    second = text_of(client.get(reverse("web:people"), {"q": "Пагинов", "page": 2}))

    assert first.count("Пагинов Оқушы") == 25
    assert second.count("Пагинов Оқушы") == 2
    assert "q=%D0%9F%D0%B0%D0%B3%D0%B8%D0%BD%D0%BE%D0%B2&amp;page=2" in first


def test_g5_10_person_page_shows_relations_and_hides_other_people(
    org_tree: Any, user_with_role: Any, family: Any
) -> None:
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    client = client_for(teacher)

    page = text_of(client.get(reverse("web:person", args=[family.learner.pk])))
    other = client.get(reverse("web:person", args=[family.other_learner.pk]))

    assert family.learner.iin in page
    assert org_tree.school_a1.name in page
    assert "Серікова Айгүл" in page  # the mother
    assert reverse("web:person", args=[family.other_learner.pk]) not in page
    assert other.status_code == 404


def test_g5_10_parent_sees_own_child_from_home(family: Any) -> None:
    client = client_for(family.parent_user)

    home = text_of(client.get(reverse("web:home")))
    child = client.get(reverse("web:person", args=[family.learner.pk]))

    assert reverse("web:person", args=[family.learner.pk]) in home
    assert child.status_code == 200
    # the school's card is out of the parent's reach, so it is not linked
    assert reverse("web:org_card", args=[family.learner.enrolments.get().organization_id]) not in (
        text_of(child)
    )


# -- grants -----------------------------------------------------------------------------------


def _grant_form(username: str, role_code: str, unit: Any, **extra: str) -> dict[str, str]:
    return {
        "username": username,
        "role": str(Role.objects.get(code=role_code).pk),
        "unit": str(unit.pk),
        "valid_from": "",
        "valid_to": "",
        **extra,
    }


def test_g5_8_grant_is_given_through_the_form(org_tree: Any, user_with_role: Any) -> None:
    # given a district head and a new teacher's account
    head = user_with_role("district_head", org_tree.district_a1)
    newcomer = f.make_user("newcomer")
    last_day = timezone.localdate() + dt.timedelta(days=30)

    # when the head gives the teacher role on a school of the district
    response = client_for(head).post(
        reverse("web:grants"),
        _grant_form(
            "newcomer", "school_teacher", org_tree.school_a1, valid_to=last_day.isoformat()
        ),
    )

    # then the grant exists until the end of the last day, journaled
    assert response.status_code == 302
    grant = Grant.objects.get(user=newcomer)
    assert grant.role.code == "school_teacher"
    assert grant.unit == org_tree.school_a1
    assert timezone.localtime(grant.valid_to).date() == last_day + dt.timedelta(days=1)
    assert ActionRecord.objects.filter(action="access.grant.create", actor=head).count() == 1


def test_g5_8_service_refusal_is_shown_in_the_form(org_tree: Any, user_with_role: Any) -> None:
    # given a district head
    head = user_with_role("district_head", org_tree.district_a1)
    f.make_user("newcomer")

    # when they try to give a school role on the district itself
    response = client_for(head).post(
        reverse("web:grants"), _grant_form("newcomer", "school_teacher", org_tree.district_a1)
    )

    # then the form shows why, and nothing was given
    assert response.status_code == 400
    assert 'class="form-errors"' in text_of(response)
    assert Grant.objects.filter(user__username="newcomer").count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "nobody"), ("unit", "00000000-0000-4000-8000-00000000beef"), ("valid_from", "x")],
)
def test_g5_8_invalid_grant_form_is_not_a_server_error(
    org_tree: Any, user_with_role: Any, field: str, value: str
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    f.make_user("newcomer")
    data = _grant_form("newcomer", "school_teacher", org_tree.school_a1)
    data[field] = value

    response = client_for(head).post(reverse("web:grants"), data)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in text_of(response)
    assert Grant.objects.filter(user__username="newcomer").count() == 0


def test_g5_8_unit_outside_scope_cannot_be_chosen(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    f.make_user("newcomer")

    response = client_for(head).post(
        reverse("web:grants"), _grant_form("newcomer", "school_teacher", org_tree.school_b1)
    )

    assert response.status_code == 400
    assert str(org_tree.school_b1.pk) not in text_of(response)
    assert Grant.objects.filter(user__username="newcomer").count() == 0


def test_g5_8_unit_search_lists_only_units_where_roles_may_be_given(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    options = text_of(
        client_for(head).get(
            reverse("web:grant_units"), {"unit_q": "мектеп"}, HTTP_HX_REQUEST="true"
        )
    )

    assert str(org_tree.school_a1.pk) in options
    assert str(org_tree.school_a1_other.pk) in options
    assert str(org_tree.school_a2.pk) not in options
    assert str(org_tree.school_b1.pk) not in options


def test_g5_8_grant_is_revoked_through_the_form_and_history_shows_it(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    grant = Grant.objects.get(user=teacher)
    client = client_for(head)

    response = client.post(reverse("web:grant_revoke", args=[grant.pk]))
    history = text_of(client.get(reverse("web:grant", args=[grant.pk])))

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to is not None
    assert grant.valid_to <= timezone.now()
    assert ActionRecord.objects.filter(
        action="access.grant.revoke", target_id=str(grant.pk)
    ).exists()
    assert history.count("<tr>") == 3  # header, creation, change


def test_g5_8_revoking_twice_is_a_message_not_an_error(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    grant = Grant.objects.get(user=teacher)
    client = client_for(head)
    client.post(reverse("web:grant_revoke", args=[grant.pk]))

    response = client.post(reverse("web:grant_revoke", args=[grant.pk]), follow=True)

    assert response.status_code == 200
    assert 'class="message message-error"' in text_of(response)


def test_g5_12_revoking_a_grant_outside_scope_is_404(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    stranger = user_with_role("school_teacher", org_tree.school_b1)
    grant = Grant.objects.get(user=stranger)

    response = client_for(head).post(reverse("web:grant_revoke", args=[grant.pk]))

    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.valid_to is None
    assert FailedAccess.objects.filter(target_id=str(grant.pk), status=404).count() == 1


def test_g5_8_grants_page_lists_grants_in_scope_only(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    own = user_with_role("school_teacher", org_tree.school_a1)
    stranger = user_with_role("school_teacher", org_tree.school_b1)

    page = text_of(client_for(head).get(reverse("web:grants")))

    assert own.username in page
    assert stranger.username not in page
    assert 'id="grant-form"' in page


# -- language ---------------------------------------------------------------------------------


def test_g17_language_switch_is_saved_on_the_account(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    client = client_for(head)

    response = client.post(reverse("web:set_language"), {"language": "ru", "next": "/people/"})

    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert response.cookies[COOKIE].value == "ru"
    head.refresh_from_db()
    assert head.language == "ru"
    record = ActionRecord.objects.get(action="identity.language.change")
    assert record.before == {"language": "kk"}
    assert record.after == {"language": "ru"}
    assert 'lang="ru"' in text_of(client.get("/people/"))


def test_g17_language_switch_refuses_other_sites_and_languages(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    client = client_for(head)

    offsite = client.post(
        reverse("web:set_language"), {"language": "ru", "next": "https://example.com/"}
    )
    unknown = client.post(reverse("web:set_language"), {"language": "en"})

    assert offsite["Location"] == reverse("web:home")
    assert unknown.status_code == 400
    head.refresh_from_db()
    assert head.language == "ru"


def test_g17_anonymous_language_switch_sets_the_cookie_only() -> None:
    client = Client()

    response = client.post(
        reverse("web:set_language"), {"language": "ru", "next": reverse("account_login")}
    )
    login_page = text_of(client.get(reverse("account_login")))

    assert response.cookies[COOKIE].value == "ru"
    assert '<html lang="ru">' in login_page
    assert ActionRecord.objects.filter(action="identity.language.change").count() == 0


def test_g17_kazakh_is_the_default_language_of_the_login_page() -> None:
    page = text_of(Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get(reverse("account_login")))

    assert '<html lang="kk">' in page
    assert 'name="login"' in page
    assert 'aria-pressed="true">Қазақша' in page


def test_g17_language_of_the_account_applies_at_login(db: Any) -> None:
    # given an account that chose Russian, and a browser without a language cookie
    reader = f.make_user("reader", language="ru")
    client = Client()

    # when the user signs in (password, then the code of the authenticator app: G-5.11)
    client.post(reverse("account_login"), {"login": "reader", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": f.mfa_code(reader)})

    # then the cookie carries the account's language and pages come in Russian
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ru"
    assert '<html lang="ru">' in text_of(client.get(reverse("web:home")))


def test_g17_failed_login_shows_the_form_again(db: Any) -> None:
    f.make_user("reader")

    response = Client().post(reverse("account_login"), {"login": "reader", "password": "wrong"})

    assert response.status_code == 200
    assert 'class="form-errors"' in text_of(response)


def test_csrf_failure_renders_the_platform_page(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("web:set_language"), {"language": "ru"})

    assert response.status_code == 403
    assert 'class="error-page"' in text_of(response)


def test_g17_allauth_screens_use_the_platform_layout(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    page = text_of(client_for(head, "ru").get(reverse("account_change_password")))

    assert '<html lang="ru">' in page
    assert 'class="skip-link"' in page
    assert 'name="oldpassword"' in page


# -- upstream messages ------------------------------------------------------------------------


def _msgids(po_file: Path) -> set[str]:
    """The msgids of a .po file (multi-line entries joined)."""
    ids: set[str] = set()
    current: list[str] | None = None
    for line in po_file.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if current is not None:
                ids.add("".join(current))
            current = [line.split(" ", 1)[1].strip()[1:-1]]
        elif line.startswith('"') and current is not None:
            current.append(line.strip()[1:-1])
        else:
            if current is not None:
                ids.add("".join(current))
            current = None
    return {i.replace('\\"', '"') for i in ids}


def test_g17_listed_upstream_messages_exist_upstream() -> None:
    """A renamed upstream msgid would silently fall back to English: fail here instead."""
    upstream: set[str] = set()
    for package in (django, allauth):
        for po_file in Path(package.__file__).parent.rglob("locale/ru/LC_MESSAGES/django.po"):
            upstream |= _msgids(po_file)
    tree = ast.parse(Path(upstream_messages.__file__).read_text(encoding="utf-8"))
    listed = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}
        for arg in node.args[:2]  # msgid and msgid_plural, not ngettext's number or its key
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }

    assert len(listed) == len(upstream_messages.MESSAGES) + 2 * len(
        upstream_messages.PLURAL_MESSAGES
    )
    assert listed - upstream == set()


def test_g5_8_card_link_preselects_the_unit_in_the_grant_form(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    page = text_of(
        client_for(head).get(reverse("web:grants"), {"unit": str(org_tree.school_a1.pk)})
    )

    assert re.search(rf'<option value="{org_tree.school_a1.pk}" selected>', page)


# -- error pages ------------------------------------------------------------------------------


def test_unknown_address_gets_the_platform_404_page(org_tree: Any, user_with_role: Any) -> None:
    head = user_with_role("district_head", org_tree.district_a1)

    response = client_for(head, "ru").get("/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="ru">' in text_of(response)
    assert 'class="error-page"' in text_of(response)


def test_server_error_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")

    assert "<h1>" in page
    assert "web/app.css" in page


def test_g17_tree_children_are_sorted_by_name_in_the_active_language(
    org_tree: Any, user_with_role: Any
) -> None:
    head = user_with_role("district_head", org_tree.district_a1)
    org_tree.school_a1.name_ru = "Школа Я"
    org_tree.school_a1.save()
    org_tree.school_a1_other.name_ru = "Школа А"
    org_tree.school_a1_other.save()
    url = reverse("web:tree_node", args=[org_tree.district_a1.pk])

    kazakh = text_of(client_for(head, "kk").get(url, HTTP_HX_REQUEST="true"))
    russian = text_of(client_for(head, "ru").get(url, HTTP_HX_REQUEST="true"))

    # the two schools come in opposite orders, by their Kazakh and by their Russian names
    assert kazakh.index("№ 1 мектеп") < kazakh.index("№ 2 мектеп")
    assert russian.index("Школа А") < russian.index("Школа Я")
