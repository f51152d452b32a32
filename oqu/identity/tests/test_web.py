"""Account pages (G-5.7, G-5.9): the menu, the list and its cost, creation from a person's card,
the card's actions, and the first-login password change through the web client."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import ActionRecord
from oqu.identity.models import User
from oqu.tests import factories as f

pytestmark = pytest.mark.django_db


def test_g5_7_accounts_menu_only_for_holders_of_the_capability(
    school, org_tree, login, user_with_role
):
    director_home = login(school.director).get("/").content.decode()
    teacher_home = (
        login(user_with_role("school_teacher", org_tree.school_a1)).get("/").content.decode()
    )
    assert 'href="/users/"' in director_home
    assert 'href="/users/"' not in teacher_home
    assert (
        login(user_with_role("school_teacher", org_tree.school_a1)).get("/users/").status_code
        == 403
    )


def test_g5_7_create_account_from_the_person_card_shows_the_password_once(school, login):
    # given the director on the parent's card
    web = login(school.director)
    card = web.get(f"/people/{school.parent.pk}/").content.decode()
    create_url = f"/users/new/{school.parent.pk}/"
    assert create_url in card
    # when the director creates the account with a one-time password
    response = web.post(
        create_url, {"username": "", "email": "", "language": "ru", "method": "password"}
    )
    # then the page shows the login and the password once, and the response is not cached
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    password = re.search(r'data-testid="one-time-password">([^<]+)<', page).group(1)
    account = User.objects.get(person=school.parent)
    assert account.check_password(password)
    assert account.must_change_password
    # and the person's card now links to the account, not to creation
    card = web.get(f"/people/{school.parent.pk}/").content.decode()
    assert f"/users/{account.pk}/" in card
    assert create_url not in card


def test_g5_7_create_page_of_a_person_out_of_scope_is_404(school, login):
    assert login(school.other_director).get(f"/users/new/{school.parent.pk}/").status_code == 404


def test_g5_9_first_login_forces_the_password_change_through_the_web(school, login):
    # given an account created with a one-time password
    password = _create_with_password(login(school.director), school.parent)
    user = Client()
    # when the user signs in with it through the login page
    signed_in = user.post("/accounts/login/", {"login": school.parent.iin, "password": password})
    assert signed_in.status_code == 302
    # then every page leads to the password change
    for path in ("/", "/people/", f"/people/{school.learner.pk}/"):
        response = user.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/change/"
    form = user.get("/accounts/password/change/")
    assert form.status_code == 200
    assert 'data-testid="password-change-required"' in form.content.decode()
    # when the new password is the IIN, it is refused; a good one is accepted
    refused = user.post(
        "/accounts/password/change/",
        {
            "oldpassword": password,
            "password1": school.parent.iin,
            "password2": school.parent.iin,
        },
    )
    assert refused.status_code == 400
    accepted = user.post(
        "/accounts/password/change/",
        {
            "oldpassword": password,
            "password1": "Көктем-жаңбыры-77",
            "password2": "Көктем-жаңбыры-77",
        },
    )
    assert accepted.status_code == 302
    # then the user stays signed in and is led on to set up MFA (G-5.11), the password done
    following = user.get("/")
    assert (following.status_code, following["Location"]) == (302, "/accounts/2fa/totp/activate/")
    account = User.objects.get(person=school.parent)
    assert account.check_password("Көктем-жаңбыры-77")
    assert not account.must_change_password
    assert ActionRecord.objects.filter(action="identity.password.change", actor=account).exists()


def test_g5_9_invitation_page_sets_the_first_password(school, login):
    response = login(school.director).post(
        f"/users/new/{school.parent.pk}/",
        {"username": "aigul", "email": "", "language": "kk", "method": "invitation"},
    )
    url = re.search(r'data-testid="invitation-url">([^<]+)<', response.content.decode()).group(1)
    path = url.replace("http://testserver", "")
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    done = anonymous.post(
        path, {"password1": "Көктем-жаңбыры-77", "password2": "Көктем-жаңбыры-77"}
    )
    assert done.status_code == 302
    assert anonymous.get(path).status_code == 400
    assert anonymous.login(username="aigul", password="Көктем-жаңбыры-77")
    # signed in with the new password, the next step is MFA setup (G-5.11)
    assert anonymous.get("/")["Location"] == "/accounts/2fa/totp/activate/"


def _create_with_password(web: Client, person: Any) -> str:
    response = web.post(
        f"/users/new/{person.pk}/",
        {"username": "", "email": "", "language": "kk", "method": "password"},
    )
    return re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode()).group(
        1
    )


def test_g5_7_card_actions_block_unblock_reset_delete(school, login):
    web = login(school.director)
    url = f"/users/{school.teacher.pk}/"
    card = web.get(url).content.decode()
    assert f'action="{url}block/"' in card
    assert f'action="{url}delete/"' in card
    assert web.post(f"{url}block/", {"reason": "holiday"}).status_code == 302
    school.teacher.refresh_from_db()
    assert school.teacher.status == "blocked"
    assert school.teacher.blocked_reason == "holiday"
    assert web.post(f"{url}unblock/").status_code == 302
    reset = web.post(f"{url}reset/", {"method": "password"})
    assert reset.status_code == 200
    assert 'data-testid="one-time-password"' in reset.content.decode()
    edit = web.post(f"{url}edit/", {"username": "saule", "email": "bad", "language": "kk"})
    assert edit.status_code == 400
    assert web.post(f"{url}delete/").status_code == 302
    school.teacher.refresh_from_db()
    assert school.teacher.status == "deleted"
    assert school.teacher.former_person == school.teacher_person


def test_g5_7_card_of_another_schools_account_is_404(school, login):
    web = login(school.other_director)
    assert web.get(f"/users/{school.teacher.pk}/").status_code == 404
    assert web.post(f"/users/{school.teacher.pk}/block/").status_code == 404
    school.teacher.refresh_from_db()
    assert school.teacher.is_active


def test_g5_7_list_page_searches_and_filters(school, login):
    web = login(school.director)
    page = web.get("/users/", {"q": "Ахмет"}).content.decode()
    assert "teacher-a1" in page
    assert "teacher-b1" not in page
    assert "teacher-a1" not in web.get("/users/", {"status": "blocked"}).content.decode()


def test_g5_7_list_page_query_count_does_not_grow_with_rows(school, org_tree, login):
    web = login(school.director)

    def run() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get("/users/").status_code == 200
        return len(queries)

    few = run()
    for n in range(20):
        person = f.make_person("Қызметкер", f"Аты{n}", dt.date(1981, 1, 1 + n), "M")
        f.employ(person, org_tree.school_a1)
        f.make_user(f"staff-{n:02}", person=person)
    many = run()
    assert few == many


def test_g5_7_card_hides_actions_and_refuses_them_for_an_account_with_higher_rights(
    school, org_tree, login
):
    # given the A1 teacher also holds a district role, beyond the director's reach
    f.grant(school.teacher, "district_head", org_tree.district_a1)
    web = login(school.director)
    url = f"/users/{school.teacher.pk}/"
    # when the director opens the card and posts the actions anyway
    card = web.get(url).content.decode()
    edit = web.post(f"{url}edit/", {"username": "taken-over", "email": "", "language": "kk"})
    reset = web.post(f"{url}reset/", {"method": "password"})
    # then no action is offered, each post is a 403, and nothing changed
    assert f'action="{url}reset/"' not in card
    assert edit.status_code == 403
    assert reset.status_code == 403
    school.teacher.refresh_from_db()
    assert school.teacher.username == "teacher-a1"
    assert school.teacher.check_password("Passw0rd!-test")


def test_g5_9_expired_one_time_password_signs_the_user_out(school, login):
    # given an account whose one-time password was issued more than its lifetime ago
    password = _create_with_password(login(school.director), school.parent)
    User.objects.filter(person=school.parent).update(
        one_time_password_expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    user = Client()
    # when the user signs in with it and opens a page
    user.post("/accounts/login/", {"login": school.parent.iin, "password": password})
    response = user.get("/")
    # then they are signed out and sent to the login page, and the password change is refused
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert user.get("/accounts/password/change/")["Location"].startswith("/accounts/login/")
    account = User.objects.get(person=school.parent)
    assert account.must_change_password
