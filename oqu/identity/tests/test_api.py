"""Accounts over HTTP (G-5.7, G-5.9): administration in scope, first credentials, first-login
obligation, blocking, deletion, the journal, and bounded list costs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from oqu.access.models import Grant
from oqu.audit.models import ActionRecord, FailedAccess
from oqu.identity.models import Invitation, User
from oqu.people.models import Employment, Enrolment, Guardianship, Person
from oqu.tests import factories as f

from .conftest import API, post

pytestmark = pytest.mark.django_db


def _create(client: Client, person: Any, **extra: Any) -> Any:
    return post(client, "/accounts", {"person_id": str(person.pk), **extra})


def _bearer(user: User, scope: str = "read write") -> str:
    app = Application.objects.create(
        name="test client",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )
    token = f"tok-{user.pk.hex}"
    access = AccessToken.objects.create(
        user=user,
        application=app,
        token=token,
        scope=scope,
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    RefreshToken.objects.create(
        user=user, application=app, token=f"ref-{user.pk.hex}", access_token=access
    )
    return token


def _accept(client: Client, token: str, password: str) -> Any:
    """Set the first password on the invitation page (the link the administrator passed on)."""
    return client.post(f"/invitation/{token}/", {"password1": password, "password2": password})


# -- creation and first credentials ------------------------------------------------------------


def test_g5_7_director_creates_account_for_a_parent_with_a_one_time_password(school, login):
    # given the director of the school where the parent's child is enrolled
    api = login(school.director)
    # when the director creates the parent's account
    response = _create(api, school.parent, language="ru")
    # then the answer carries the one-time password once, not cached, and the account must change it
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    password = body["one_time_password"]
    account = User.objects.get(pk=body["account"]["id"])
    assert account.person == school.parent
    assert account.username == school.parent.iin
    assert account.must_change_password is True
    assert account.check_password(password)
    assert password not in account.password
    # and the journal has the creation with no password material
    entry = ActionRecord.objects.get(action="identity.account.create", target_id=str(account.pk))
    text = json.dumps([entry.before, entry.after])
    assert password not in text
    assert account.password not in text
    assert entry.after["credentials"] == "password"
    assert entry.actor_name == school.director.username


def test_g5_9_invitation_link_is_single_use_and_sets_the_first_password(school, login):
    # given an account created with an invitation
    api = login(school.director)
    body = _create(api, school.parent, method="invitation").json()
    token = body["invitation_url"].rstrip("/").rsplit("/", 1)[1]
    account = User.objects.get(pk=body["account"]["id"])
    assert body["one_time_password"] is None
    assert not account.has_usable_password()
    assert Invitation.objects.get(user=account).token_hash != token  # only a hash is stored
    # when the user accepts it with a good password
    anonymous = Client()
    accepted = _accept(anonymous, token, "Жасыл-алма-2026")
    again = _accept(anonymous, token, "Басқа-алма-2027")
    # then the password is set, the obligation ends, and the link cannot be used twice
    assert accepted.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Жасыл-алма-2026")
    assert account.must_change_password is False
    assert again.status_code == 400
    assert ActionRecord.objects.filter(action="identity.invitation.accept", actor=account).exists()


def test_g5_9_expired_invitation_is_refused(school, login):
    body = _create(login(school.director), school.parent, method="invitation").json()
    token = body["invitation_url"].rstrip("/").rsplit("/", 1)[1]
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _accept(Client(), token, "Жасыл-алма-2026")
    assert response.status_code == 400
    assert not User.objects.get(pk=body["account"]["id"]).has_usable_password()


def test_g5_7_second_account_for_the_same_person_is_a_409(school, login):
    api = login(school.director)
    response = _create(api, school.teacher_person)
    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"


# -- scope: 404 outside, 403 without the capability --------------------------------------------


def test_g5_7_admin_of_other_org_cannot_block_account(school, login):
    # given the director of school B1 (another region) and the teacher of school A1
    api = login(school.other_director)
    # when they try to read, block, reset and delete the A1 teacher's account, or create one for A1's parent
    answers = [
        api.get(f"{API}/accounts/{school.teacher.pk}"),
        post(api, f"/accounts/{school.teacher.pk}/block", {"reason": "x"}),
        post(api, f"/accounts/{school.teacher.pk}/password-reset"),
        api.delete(f"{API}/accounts/{school.teacher.pk}"),
        _create(api, school.parent),
    ]
    # then every answer is the 404 of a missing object, journaled, and nothing changed
    assert [a.status_code for a in answers] == [404] * 5
    assert {a.json()["code"] for a in answers} == {"not_found"}
    school.teacher.refresh_from_db()
    assert school.teacher.is_active
    assert school.teacher.deleted_at is None
    assert not User.objects.filter(person=school.parent).exists()
    assert FailedAccess.objects.filter(actor=school.other_director, status=404).count() == 5
    listed = api.get(f"{API}/accounts").json()["items"]
    assert str(school.teacher.pk) not in {row["id"] for row in listed}


def test_g5_7_teacher_without_capability_gets_403(school, org_tree, login, user_with_role):
    # given a teacher of school A1 (sees people there, holds no account capability)
    api = login(user_with_role("school_teacher", org_tree.school_a1))
    # when the teacher tries to block a colleague's account or create one for a parent
    block = post(api, f"/accounts/{school.teacher.pk}/block")
    create = _create(api, school.parent)
    listed = api.get(f"{API}/accounts")
    # then accounts are out of the teacher's sight (empty list, 404), and creating an account for
    # a person the teacher does see is a 403, journaled
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert block.status_code == 404
    assert create.status_code == 403
    assert create.json()["code"] == "forbidden"
    assert not User.objects.filter(person=school.parent).exists()
    assert FailedAccess.objects.filter(status=403, action="identity.account.manage").exists()
    school.teacher.refresh_from_db()
    assert school.teacher.is_active


def test_g5_7_deputy_who_sees_accounts_but_may_not_manage_gets_403(school, org_tree, login):
    # given a role that may view accounts but not manage them, on school A1
    from oqu.access.models import Role

    role = Role.objects.create(
        code="account_viewer",
        name="viewer",
        level="organization",
        capabilities=["identity.account.view", "people.person.view"],
    )
    viewer = f.make_user("viewer")
    f.grant(viewer, role.code, org_tree.school_a1)
    api = login(viewer)
    # when they read and then try to block the teacher's account
    read = api.get(f"{API}/accounts/{school.teacher.pk}")
    block = post(api, f"/accounts/{school.teacher.pk}/block")
    # then reading works and blocking is a 403, journaled, and nothing changed
    assert read.status_code == 200
    assert block.status_code == 403
    assert block.json()["code"] == "forbidden"
    assert FailedAccess.objects.filter(actor=viewer, status=403).exists()
    school.teacher.refresh_from_db()
    assert school.teacher.is_active


def test_g5_7_director_cannot_take_over_an_account_with_higher_rights(school, org_tree, login):
    # given the A1 teacher also holds a district role (beyond the director's reach)
    f.grant(school.teacher, "district_head", org_tree.district_a1)
    api = login(school.director)
    # when the director tries to reset that account's password
    response = post(api, f"/accounts/{school.teacher.pk}/password-reset")
    # then it is refused with 403: a reset password would hand the director the district's rights
    assert response.status_code == 403
    assert response.json()["code"] == "account_outranks_actor"
    school.teacher.refresh_from_db()
    assert school.teacher.check_password("Passw0rd!-test")


def test_g5_7_district_head_manages_accounts_of_schools_below(
    school, org_tree, login, user_with_role
):
    api = login(user_with_role("district_head", org_tree.district_a1))
    response = post(api, f"/accounts/{school.teacher.pk}/block", {"reason": "left the school"})
    assert response.status_code == 200
    assert response.json()["status"] == "blocked"


# -- edit, block, unblock, reset ------------------------------------------------------------


def test_g5_7_edit_is_journaled_with_before_and_after(school, login):
    api = login(school.director)
    response = api.patch(
        f"{API}/accounts/{school.teacher.pk}",
        {"username": "saule.a", "language": "ru"},
        content_type="application/json",
    )
    assert response.status_code == 200
    entry = ActionRecord.objects.get(action="identity.account.change")
    assert entry.before == {"username": "teacher-a1", "language": "kk"}
    assert entry.after == {"username": "saule.a", "language": "ru"}


def test_g5_7_edit_to_a_taken_login_is_a_409(school, login):
    api = login(school.director)
    response = api.patch(
        f"{API}/accounts/{school.teacher.pk}",
        {"username": school.director.username.upper()},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


def test_g5_7_blocking_ends_sessions_and_api_tokens(school, login):
    # given the teacher signed in on the web and holding an API token
    teacher_web = login(school.teacher)
    token = _bearer(school.teacher)
    assert teacher_web.get(f"{API}/accounts/me").status_code == 200
    assert (
        Client().get(f"{API}/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    )
    # when the director blocks the account
    response = post(login(school.director), f"/accounts/{school.teacher.pk}/block", {"reason": "x"})
    # then the session no longer authenticates, the tokens are gone, and sign-in is refused
    assert response.status_code == 200
    assert teacher_web.get(f"{API}/accounts/me").status_code == 401
    assert not AccessToken.objects.filter(user=school.teacher).exists()
    assert RefreshToken.objects.get(user=school.teacher).revoked is not None
    assert (
        Client().get(f"{API}/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    )
    assert not Client().login(username="teacher-a1", password="Passw0rd!-test")
    entry = ActionRecord.objects.get(action="identity.account.block")
    assert entry.after["is_active"] is False
    assert entry.after["tokens_revoked"] == 2


def test_g5_7_unblocked_account_signs_in_again_but_old_sessions_stay_ended(school, login):
    teacher_web = login(school.teacher)
    director = login(school.director)
    post(director, f"/accounts/{school.teacher.pk}/block")
    response = post(director, f"/accounts/{school.teacher.pk}/unblock")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert teacher_web.get(f"{API}/accounts/me").status_code == 401
    assert Client().login(username="teacher-a1", password="Passw0rd!-test")
    assert post(director, f"/accounts/{school.teacher.pk}/unblock").status_code == 409


def test_g5_7_admin_cannot_block_own_account(org_tree, login):
    admin_person = f.make_person("Әкімов", "Бақыт", dt.date(1975, 1, 1), "M")
    f.employ(admin_person, org_tree.school_a1, "director")
    admin = f.make_user("director-self", person=admin_person)
    f.grant(admin, "school_director", org_tree.school_a1)
    response = post(login(admin), f"/accounts/{admin.pk}/block")
    assert response.status_code == 409
    assert response.json()["code"] == "own_account"


def test_g5_9_admin_reset_issues_a_new_one_time_password_and_ends_sessions(school, login):
    teacher_web = login(school.teacher)
    response = post(login(school.director), f"/accounts/{school.teacher.pk}/password-reset")
    assert response.status_code == 200
    password = response.json()["one_time_password"]
    school.teacher.refresh_from_db()
    assert school.teacher.check_password(password)
    assert school.teacher.must_change_password
    assert teacher_web.get(f"{API}/accounts/me").status_code == 401
    entry = ActionRecord.objects.get(action="identity.account.password_reset")
    assert password not in json.dumps(entry.after)


# -- deletion ----------------------------------------------------------------------------------


def test_g5_7_deletion_keeps_the_persons_enrolments_and_ends_grants(school, org_tree, login):
    # given the parent has an account with a (parent-level) grant, a guardianship and a child
    api = login(school.director)
    account_id = _create(api, school.parent).json()["account"]["id"]
    account = User.objects.get(pk=account_id)
    f.enrol(school.parent, org_tree.school_a1, level="additional", grade=None, is_main=False)
    grant = f.grant(account, "school_teacher", org_tree.school_a1)
    # when the director deletes the account
    response = api.delete(f"{API}/accounts/{account_id}")
    # then the person and every education record stay, the grant ended and stays in history
    assert response.status_code == 200
    assert response.json()["status"] == "deleted"
    assert Person.objects.filter(pk=school.parent.pk).exists()
    assert Enrolment.objects.filter(person=school.parent, end_date__isnull=True).count() == 1
    assert Guardianship.objects.filter(guardian=school.parent, end_date__isnull=True).count() == 1
    grant.refresh_from_db()
    assert grant.valid_to is not None
    assert grant.valid_to <= timezone.now()
    assert Grant.history.filter(id=grant.pk).count() == 2
    account.refresh_from_db()
    assert account.person is None
    assert account.former_person == school.parent
    assert not account.is_active
    assert not account.has_usable_password()
    assert account.former_username == school.parent.iin
    # and the journal keeps who acted, and the person can get a new account
    entry = ActionRecord.objects.get(action="identity.account.delete")
    assert entry.actor_name == school.director.username
    assert entry.before["username"] == school.parent.iin
    assert entry.after["grants_ended"] == 1
    assert _create(api, school.parent).status_code == 201


def test_g5_7_deleting_an_account_keeps_the_journal_of_its_own_actions(school, org_tree, login):
    # given the teacher acted (changed their password) and their employment stays
    post(
        login(school.teacher),
        "/accounts/me/password",
        {"current_password": "Passw0rd!-test", "new_password": "Көктем-жаңбыры-77"},
    )
    # when the account is deleted
    assert login(school.director).delete(f"{API}/accounts/{school.teacher.pk}").status_code == 200
    # then the teacher's journal entries still name them, and the employment stays
    entry = ActionRecord.objects.get(action="identity.password.change")
    assert entry.actor_name == "teacher-a1"
    assert entry.actor_id == school.teacher.pk
    assert Employment.objects.filter(person=school.teacher_person, end_date__isnull=True).exists()


# -- first-login obligation through the API --------------------------------------------------


def test_g5_9_api_answers_403_password_change_required_until_changed(school, login):
    # given a new account signed in with its one-time password
    body = _create(login(school.director), school.parent).json()
    password = body["one_time_password"]
    user = Client()
    assert user.login(username=school.parent.iin, password=password)
    # when it calls the API before changing the password
    blocked = user.get(f"{API}/people")
    me = user.get(f"{API}/accounts/me")
    # then only its own account and the password endpoint answer
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    assert me.status_code == 200
    assert me.json()["must_change_password"] is True
    # when it changes the password with a weak one, then with a good one
    weak = post(
        user,
        "/accounts/me/password",
        {"current_password": password, "new_password": school.parent.iin},
    )
    good = post(
        user,
        "/accounts/me/password",
        {"current_password": password, "new_password": "Көктем-жаңбыры-77"},
    )
    # then the weak one is refused, the good one frees the API and keeps the session
    assert weak.status_code == 400
    assert weak.json()["code"] == "password_invalid"
    assert good.status_code == 200
    assert good.json()["must_change_password"] is False
    # the password obligation is gone; the account must now set MFA up (G-5.11)
    after = user.get(f"{API}/people")
    assert (after.status_code, after.json()["code"]) == (403, "mfa_setup_required")


def test_g5_9_bearer_token_of_an_account_that_must_change_gets_403(school, login):
    response = post(login(school.director), f"/accounts/{school.teacher.pk}/password-reset")
    assert response.status_code == 200
    token = _bearer(school.teacher)
    blocked = Client().get(f"{API}/people", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"


def test_g5_9_wrong_current_password_is_refused(school, login):
    response = post(
        login(school.teacher),
        "/accounts/me/password",
        {"current_password": "not-it", "new_password": "Көктем-жаңбыры-77"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "current_password_wrong"


# -- lists -----------------------------------------------------------------------------------


def test_g5_7_list_searches_and_filters_by_state(school, org_tree, login):
    api = login(school.director)
    post(api, f"/accounts/{school.teacher.pk}/block")
    by_name = api.get(f"{API}/accounts", {"q": "Ахмет"}).json()["items"]
    by_iin = api.get(f"{API}/accounts", {"q": school.teacher_person.iin[:6]}).json()["items"]
    blocked = api.get(f"{API}/accounts", {"status": "blocked"}).json()["items"]
    active = api.get(f"{API}/accounts", {"status": "active"}).json()["items"]
    assert [row["username"] for row in by_name] == ["teacher-a1"]
    assert "teacher-a1" in [row["username"] for row in by_iin]
    assert [row["username"] for row in blocked] == ["teacher-a1"]
    assert "teacher-a1" not in [row["username"] for row in active]


@pytest.fixture
def many_accounts(org_tree: Any) -> None:
    for n in range(30):
        person = f.make_person("Оқытушы", f"Аты{n}", dt.date(1980, 1, 1 + n % 28), "F")
        f.employ(person, org_tree.school_a1)
        f.make_user(f"staff-{n:02}", person=person)


def test_g5_7_list_query_count_does_not_grow_with_rows(school, many_accounts, login):
    api = login(school.director)

    def run(limit: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/accounts", {"limit": limit})
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small_queries, small_rows = run(5)
    large_queries, large_rows = run(200)
    assert small_rows == 5
    assert large_rows >= 31
    assert small_queries == large_queries
    assert large_queries <= 8


def test_g5_9_one_time_password_expires_and_cannot_be_changed_after(school, login):
    body = _create(login(school.director), school.parent).json()
    account = User.objects.get(pk=body["account"]["id"])
    assert account.one_time_password_expires_at > timezone.now() + dt.timedelta(days=2)
    User.objects.filter(pk=account.pk).update(
        one_time_password_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    user = Client()
    assert user.login(username=school.parent.iin, password=body["one_time_password"])
    response = post(
        user,
        "/accounts/me/password",
        {"current_password": body["one_time_password"], "new_password": "Көктем-жаңбыры-77"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "one_time_password_expired"
    account.refresh_from_db()
    assert account.must_change_password
