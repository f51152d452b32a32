"""MFA for every account and the under-16 exemption by a linked parent's consent (G-5.11), wrong
codes journaled as failed sign-in steps (G-5.12)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.identity import mfa
from oqu.identity.models import User
from oqu.kernel import consents
from oqu.kernel.models import Consent
from oqu.tests import factories as f

API = "/api/v1"
PASSWORD = "Passw0rd!-test"
ALMATY = ZoneInfo("Asia/Almaty")
SETUP_URL = "/accounts/2fa/totp/activate/"


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, path: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", payload or {}, content_type="application/json")


def _actions(name: str) -> list[ActionRecord]:
    return list(ActionRecord.objects.filter(action=name).order_by("at"))


@pytest.fixture
def learner_without_mfa(family: Any) -> Any:
    """The family's learner (born 2012-03-04, enrolled in school A1) with no authenticator."""
    Authenticator.objects.filter(user=family.learner_user).delete()
    return family.learner_user


# -- rules ------------------------------------------------------------------------------------


def test_g5_11_sixteenth_birthday_and_last_day_of_consent() -> None:
    assert mfa.sixteenth_birthday(dt.date(2012, 3, 4)) == dt.date(2028, 3, 4)
    assert mfa.exemption_last_day(dt.date(2012, 3, 4)) == dt.date(2028, 3, 3)
    assert mfa.sixteenth_birthday(dt.date(2012, 2, 29)) == dt.date(2028, 2, 29)
    # 2100 is not a leap year: born on 29 February 2084, 16 on 1 March 2100
    assert mfa.sixteenth_birthday(dt.date(2084, 2, 29)) == dt.date(2100, 3, 1)
    assert mfa.exemption_last_day(dt.date(2084, 2, 29)) == dt.date(2100, 2, 28)


# -- enforcement --------------------------------------------------------------------------------


def test_g5_11_web_and_api_send_an_account_without_mfa_to_setup(learner_without_mfa: Any) -> None:
    # given a learner under 16 with no authenticator and no consent
    client = _signed_in(learner_without_mfa)

    # when they open a page, an HTMX fragment and an API list
    page = client.get(reverse("web:home"))
    fragment = client.get(reverse("web:people"), HTTP_HX_REQUEST="true")
    api = client.get(f"{API}/people")

    # then the page redirects to the setup of the authenticator app, HTMX is told to go there, and
    # the API answers 403 mfa_setup_required
    assert page.status_code == 302
    assert page["Location"] == SETUP_URL
    assert fragment["HX-Redirect"] == SETUP_URL
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_setup_required"
    # a made-up Authorization header does not get the session past the check
    basic = client.get(f"{API}/people", HTTP_AUTHORIZATION="Basic eDp5")
    assert basic.status_code == 403
    assert basic.json()["code"] == "mfa_setup_required"
    # while what the setup needs stays reachable
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(f"{API}/mfa").json()["setup_required"] is True
    assert mfa.setup_required(learner_without_mfa)


def test_g5_11_api_client_sets_up_the_app_and_gets_through(learner_without_mfa: Any) -> None:
    client = _signed_in(learner_without_mfa)
    # given a fresh secret from the API
    secret = _post(client, "/mfa/totp/secret").json()["secret"]

    # when a wrong code is sent, nothing is turned on
    wrong = _post(client, "/mfa/totp", {"secret": secret, "code": "12345"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "mfa_bad_code"
    assert not Authenticator.objects.filter(user=learner_without_mfa).exists()

    # when the code the app shows is sent
    response = _post(client, "/mfa/totp", {"secret": secret, "code": f.totp_now(secret)})

    # then the app is on, ten recovery codes come back once, both are journaled (no secret)
    assert response.status_code == 201
    assert len(response.json()["recovery_codes"]) == 10
    assert client.get(f"{API}/people").status_code == 200
    added = _actions(mfa.AUTHENTICATOR_ADDED)
    assert [r.after["type"] for r in added] == ["totp", "recovery_codes"]
    assert all(secret not in str(r.after) for r in added)
    assert added[0].actor_id == learner_without_mfa.pk
    # and a second activation conflicts
    again = _post(client, "/mfa/totp", {"secret": secret, "code": f.totp_now(secret)})
    assert again.status_code == 409


def test_g5_11_web_setup_of_the_app_is_journaled_through_allauth_signals(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an account without MFA that signs in with its password
    f.make_user("newcomer", mfa=False)
    client = Client()
    login = client.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD})
    assert login.status_code == 302

    # when it opens any page, it is sent to the setup, with the reason shown
    assert client.get(reverse("web:home"))["Location"] == SETUP_URL
    setup = client.get(SETUP_URL)
    assert 'data-testid="mfa-required"' in setup.content.decode()
    secret = client.session[SECRET_SESSION_KEY]

    # when it enters the code of the app (allauth signals after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(SETUP_URL, {"code": f.totp_now(secret)})

    # then the app is on, the recovery codes are shown, pages open, and the journal has both
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("web:home")).status_code == 200
    assert sorted(r.after["type"] for r in _actions(mfa.AUTHENTICATOR_ADDED)) == [
        "recovery_codes",
        "totp",
    ]


# -- the exemption: refused --------------------------------------------------------------------


def test_g5_11_exemption_refused_without_consent(family: Any) -> None:
    # given a learner under 16 with the authenticator app and no consent
    learner = family.learner_user
    client = _signed_in(learner)

    # when they try to turn the app off (with a valid code)
    response = _post(client, "/mfa/totp/deactivate", {"code": f.mfa_code(learner)})

    # then it is refused with the policy's message, and the app stays on
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert Authenticator.objects.filter(user=learner, type="totp").exists()
    assert not _actions(mfa.AUTHENTICATOR_REMOVED)


def test_g5_11_web_refuses_to_remove_the_last_authenticator_in_kazakh(family: Any) -> None:
    # given a learner signed in through the web (password and code)
    learner = family.learner_user
    client = Client()
    client.post(reverse("account_login"), {"login": "learner", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": f.mfa_code(learner)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    # when they ask to turn the app off
    response = client.post(reverse("mfa_deactivate_totp"))

    # then the page explains why not (in Kazakh, the account's language) and nothing changed
    assert response.status_code == 200
    with translation.override("kk"):
        assert str(mfa.MfaRequired.default_message) in response.content.decode()
    assert Authenticator.objects.filter(user=learner, type="totp").exists()


def test_g5_11_consent_refused_when_giver_is_not_a_linked_guardian(
    family: Any, org_tree: Any, user_with_role: Any
) -> None:
    # given the parent of another child, and the learner's own school director
    stranger = f.make_person("Иванова", "Мария", dt.date(1980, 1, 1), "F")
    f.guard(stranger, family.other_learner, "mother")
    stranger_user = f.make_user("stranger", person=stranger)
    director = user_with_role("school_director", org_tree.school_a1)

    # when each tries to consent for the learner
    by_stranger = _post(
        _signed_in(stranger_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)}
    )
    by_director = _post(
        _signed_in(director), "/mfa/exemptions", {"child_id": str(family.learner.pk)}
    )

    # then the stranger does not even see the child (404) and the director is not a guardian (403)
    assert by_stranger.status_code == 404
    assert by_director.status_code == 403
    assert by_director.json()["code"] == "not_a_guardian"
    assert not Consent.objects.exists()
    assert FailedAccess.objects.filter(actor=stranger_user, status=404).exists()


def test_g5_11_consent_refused_from_a_guardian_whose_link_ended(family: Any) -> None:
    link = family.learner.guardians.get(guardian=family.parent)
    link.end_date = dt.date(2026, 1, 1)
    link.save()

    response = _post(
        _signed_in(family.parent_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)}
    )

    assert response.status_code in (403, 404)
    assert not Consent.objects.exists()


def test_g5_11_adult_learner_and_staff_are_never_exempted(family: Any, org_tree: Any) -> None:
    # given the parent's second child, 17 and enrolled, and a third, 14, whose account holds a role
    adult = f.make_person("Серікұлы", "Арман", dt.date(2009, 5, 1), "M")
    f.enrol(adult, org_tree.school_a1, grade=11)
    f.guard(family.parent, adult, "mother")
    f.make_user("adult-learner", person=adult, mfa=False)
    young_staff = f.make_person("Серікқызы", "Дана", dt.date(2012, 9, 9), "F")
    f.enrol(young_staff, org_tree.school_a1, grade=8)
    f.guard(family.parent, young_staff, "mother")
    staff_user = f.make_user("young-staff", person=young_staff, mfa=False)
    f.grant(staff_user, "school_teacher", org_tree.school_a1)
    parent = _signed_in(family.parent_user)

    # when the parent consents for each
    for child in (adult, young_staff):
        response = _post(parent, "/mfa/exemptions", {"child_id": str(child.pk)})
        # then it is refused, with the reason
        assert response.status_code == 403
        assert response.json()["code"] == "mfa_exemption_not_allowed"
    assert not Consent.objects.exists()
    refusals = {
        row["full_name"]: row["refusal"] for row in parent.get(f"{API}/mfa/children").json()
    }
    assert refusals["Серікұлы Арман"] == "age_limit"
    assert refusals["Серікқызы Дана"] == "staff"

    # and even a consent recorded behind the policy's back exempts neither
    for child in (adult, young_staff):
        consents.consent_record(
            subject=child, given_by=family.parent, purpose=mfa.EXEMPTION_PURPOSE
        )
    for username in ("adult-learner", "young-staff"):
        user = User.objects.get(username=username)
        assert mfa.exemption_for(user) is None
        assert _signed_in(user).get(reverse("web:home"))["Location"] == SETUP_URL


# -- the exemption: allowed, used, revoked, lapsed ------------------------------------------------


def test_g5_11_exemption_allowed_with_linked_parent_consent(
    family: Any, learner_without_mfa: Any
) -> None:
    # given the learner's mother, signed in with her own account
    parent = _signed_in(family.parent_user)

    # when she consents through the API
    response = _post(parent, "/mfa/exemptions", {"child_id": str(family.learner.pk)})

    # then the consent is recorded with date, giver and the eve of the 16th birthday
    assert response.status_code == 201
    body = response.json()
    assert body["valid_until"] == "2028-03-03"
    consent = Consent.objects.get(pk=body["id"])
    assert (consent.subject, consent.given_by, consent.recorded_by) == (
        family.learner,
        family.parent,
        family.parent_user,
    )
    assert consent.purpose == "mfa_exemption"
    assert consent.given_at is not None
    given = _actions(mfa.CONSENT_GIVEN)
    assert len(given) == 1
    assert given[0].actor_id == family.parent_user.pk
    assert given[0].organization_id == org_of(family)
    # a second consent while one is in force conflicts
    assert _post(parent, "/mfa/exemptions", {"child_id": str(family.learner.pk)}).status_code == 409

    # when the learner without an authenticator uses the platform
    learner = _signed_in(learner_without_mfa)
    assert learner.get(reverse("web:home")).status_code == 200
    assert learner.get(f"{API}/people").status_code == 200

    # then the use of the exemption is journaled once per session
    assert len(_actions(mfa.EXEMPTION_USED)) == 1
    state = learner.get(f"{API}/mfa").json()
    assert state["setup_required"] is False
    assert state["exemption"]["id"] == str(consent.pk)


def org_of(family: Any) -> Any:
    return family.learner.enrolments.get().organization_id


def test_g5_11_exempt_learner_may_remove_the_last_authenticator(family: Any) -> None:
    # given a consent from the linked parent, and the learner with the app on
    _post(_signed_in(family.parent_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)})
    learner = family.learner_user

    # when the learner turns the app off with a current code
    response = _post(_signed_in(learner), "/mfa/totp/deactivate", {"code": f.mfa_code(learner)})

    # then the app and the now useless recovery codes are gone, and both removals are journaled
    assert response.status_code == 204
    assert not Authenticator.objects.filter(user=learner).exists()
    removed = _actions(mfa.AUTHENTICATOR_REMOVED)
    assert sorted(r.before["type"] for r in removed) == ["recovery_codes", "totp"]


def test_g5_11_revoked_consent_requires_mfa_again_at_the_next_request(
    family: Any, learner_without_mfa: Any
) -> None:
    parent = _signed_in(family.parent_user)
    consent_id = _post(parent, "/mfa/exemptions", {"child_id": str(family.learner.pk)}).json()["id"]
    learner = _signed_in(learner_without_mfa)
    assert learner.get(reverse("web:home")).status_code == 200

    # when someone who is not the child's guardian tries to revoke it, it is not found
    other = f.make_person("Иванова", "Мария", dt.date(1980, 1, 1), "F")
    f.guard(other, family.other_learner, "mother")
    outsider = _signed_in(f.make_user("outsider", person=other))
    assert _post(outsider, f"/mfa/exemptions/{consent_id}/revoke").status_code == 404

    # when the parent revokes it
    response = _post(parent, f"/mfa/exemptions/{consent_id}/revoke")

    # then it is revoked and journaled, and the learner's next request goes to the setup
    assert response.status_code == 200
    assert response.json()["revoked_at"]
    assert len(_actions(mfa.CONSENT_REVOKED)) == 1
    assert learner.get(reverse("web:home"))["Location"] == SETUP_URL
    # revoking twice conflicts
    assert _post(parent, f"/mfa/exemptions/{consent_id}/revoke").status_code == 409


def test_g5_11_exemption_lapses_on_the_16th_birthday(family: Any, learner_without_mfa: Any) -> None:
    # given a consent given now (the learner was born on 2012-03-04)
    _post(_signed_in(family.parent_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)})

    # on the eve of the 16th birthday the exemption still holds
    with time_machine.travel(dt.datetime(2028, 3, 3, 23, 0, tzinfo=ALMATY), tick=False):
        learner = _signed_in(learner_without_mfa)
        assert learner.get(reverse("web:home")).status_code == 200
        assert not _actions(mfa.EXEMPTION_LAPSED)

    # on the birthday MFA is required again, and the lapse is journaled once
    with time_machine.travel(dt.datetime(2028, 3, 4, 8, 0, tzinfo=ALMATY), tick=False):
        assert learner.get(reverse("web:home"))["Location"] == SETUP_URL
        assert learner.get(reverse("web:people"))["Location"] == SETUP_URL
        assert mfa.exemption_refusal_for(learner_without_mfa) == "age_limit"
    lapsed = _actions(mfa.EXEMPTION_LAPSED)
    assert len(lapsed) == 1
    assert lapsed[0].target_id == str(Consent.objects.get().pk)


# -- the parent's web page ------------------------------------------------------------------------


def test_g5_11_parent_gives_and_withdraws_consent_on_the_web(
    family: Any, learner_without_mfa: Any
) -> None:
    parent = _signed_in(family.parent_user)

    page = parent.get(reverse("mfa_children"))
    assert page.status_code == 200
    assert "Серікұлы Нұрлан" in page.content.decode()

    given = parent.post(reverse("mfa_consent_give", args=[family.learner.pk]), follow=True)
    assert given.status_code == 200
    consent = Consent.objects.get(subject=family.learner)
    assert 'data-testid="mfa-child"' in given.content.decode()
    assert reverse("mfa_consent_revoke", args=[consent.pk]) in given.content.decode()

    parent.post(reverse("mfa_consent_revoke", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    # the child's page without a link is a 404, not an error
    stranger_child = parent.post(reverse("mfa_consent_give", args=[family.other_learner.pk]))
    assert stranger_child.status_code == 404


def test_g5_11_parent_without_mfa_cannot_reach_the_consent_endpoints(family: Any) -> None:
    Authenticator.objects.filter(user=family.parent_user).delete()
    parent = _signed_in(family.parent_user)

    response = _post(parent, "/mfa/exemptions", {"child_id": str(family.learner.pk)})

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_setup_required"
    assert parent.get(reverse("mfa_children"))["Location"] == SETUP_URL
    assert not Consent.objects.exists()


# -- recovery codes and wrong codes ---------------------------------------------------------------


def test_g5_11_recovery_codes_regenerated_over_the_api_are_journaled(db: Any) -> None:
    user = f.make_user("keeper")
    client = _signed_in(user)
    old = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()

    wrong = _post(client, "/mfa/recovery-codes", {"code": "000000x"})
    response = _post(client, "/mfa/recovery-codes", {"code": f.mfa_code(user)})

    assert wrong.status_code == 400
    assert response.status_code == 200
    new = response.json()["recovery_codes"]
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert len(_actions(mfa.RECOVERY_CODES_REGENERATED)) == 1


def _wrong_code(user: Any) -> str:
    secret = f.totp_secret(user)
    valid = {f.totp_now(secret, steps_ahead=step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_g5_12_wrong_mfa_code_at_sign_in_is_journaled(db: Any) -> None:
    # given an account with the app, past the password step
    user = f.make_user("signer")
    client = Client(HTTP_USER_AGENT="pytest-browser/1.0")
    client.post(reverse("account_login"), {"login": "signer", "password": PASSWORD})

    # when a wrong code is typed
    response = client.post(reverse("mfa_authenticate"), {"code": _wrong_code(user)})

    # then the step is shown again and the failure is journaled for the lockout to count
    assert response.status_code == 200
    failure = FailedAccess.objects.get(reason="bad_mfa_code")
    assert (failure.actor, failure.actor_name, failure.action, failure.status) == (
        user,
        "signer",
        "identity.mfa",
        401,
    )
    assert failure.user_agent == "pytest-browser/1.0"
    assert failure.ip == "127.0.0.1"

    # and the right code signs in
    done = client.post(reverse("mfa_authenticate"), {"code": f.mfa_code(user)})
    assert done.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    assert FailedAccess.objects.filter(reason="bad_mfa_code").count() == 1


# -- allauth's own web flows, journaled through its signals ------------------------------------


def _web_sign_in(user: Any) -> Client:
    """Password, code, then the password again (allauth asks before changing MFA)."""
    client = Client()
    client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": f.mfa_code(user)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_g5_11_exempt_learner_turns_the_app_off_on_the_web(family: Any) -> None:
    # given the parent's consent and the learner signed in on the web
    _post(_signed_in(family.parent_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)})
    learner = _web_sign_in(family.learner_user)

    # when the learner turns the app off
    response = learner.post(reverse("mfa_deactivate_totp"))

    # then allauth removes it with the recovery codes, the journal has both, and pages still open
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=family.learner_user).exists()
    removed = _actions(mfa.AUTHENTICATOR_REMOVED)
    assert sorted(r.before["type"] for r in removed) == ["recovery_codes", "totp"]
    assert learner.get(reverse("web:home")).status_code == 200


def test_g5_11_recovery_codes_made_on_the_web_are_journaled(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = f.make_user("keeper")
    client = _web_sign_in(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    (record,) = _actions(mfa.RECOVERY_CODES_REGENERATED)
    assert record.actor_id == user.pk
    assert record.after["type"] == "recovery_codes"


def test_g5_11_web_refuses_to_remove_the_last_security_key(db: Any) -> None:
    # given an account whose only second factor is a security key
    user = f.make_user("keyholder", mfa=False)
    key = Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "USB", "credential": {}}
    )
    client = Client()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    # when they remove it
    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]), follow=True)

    # then it stays, with the policy's message
    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert str(mfa.MfaRequired.default_message)[:40] in response.content.decode()
    assert not _actions(mfa.AUTHENTICATOR_REMOVED)


def test_g5_11_children_list_costs_the_same_for_one_child_and_for_four(
    family: Any, org_tree: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = _signed_in(family.parent_user)
    _post(parent, "/mfa/exemptions", {"child_id": str(family.learner.pk)})

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = parent.get(f"{API}/mfa/children")
        assert response.status_code == 200
        return len(queries), len(response.json())

    one = count()
    for n, birth in enumerate((dt.date(2013, 1, 1), dt.date(2014, 2, 2), dt.date(2009, 3, 3))):
        child = f.make_person("Серікұлы", f"Бала{n}", birth, "M")
        f.enrol(child, org_tree.school_a1, grade=5 + n)
        f.guard(family.parent, child, "mother")
        f.make_user(f"child-{n}", person=child)
        _post(parent, "/mfa/exemptions", {"child_id": str(child.pk)})
    four = count()

    assert one[1] == 1
    assert four[1] == 4
    assert one[0] == four[0]
    rows = {r["full_name"]: r for r in parent.get(f"{API}/mfa/children").json()}
    assert rows["Серікұлы Бала2"]["refusal"] == "age_limit"
    assert rows["Серікұлы Бала2"]["consent"] is None
    assert rows["Серікұлы Бала0"]["consent"]["given_by_name"] == "Серікова Айгүл"


def test_g5_11_a_bearer_token_is_no_way_around_mfa(family: Any, learner_without_mfa: Any) -> None:
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    application = Application.objects.create(
        name="school-app",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )

    def bearer(user: Any) -> dict[str, str]:
        AccessToken.objects.get_or_create(
            user=user,
            application=application,
            token=f"token-{user.username}",
            defaults={"expires": timezone.now() + dt.timedelta(hours=1), "scope": "read write"},
        )
        return {"HTTP_AUTHORIZATION": f"Bearer token-{user.username}"}

    # a token of an account without MFA and without exemption is refused
    refused = Client().get(f"{API}/people", **bearer(learner_without_mfa))
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_setup_required"
    # a token of an account with the app passes
    assert Client().get(f"{API}/people", **bearer(family.parent_user)).status_code == 200
    # and so does the learner's token once the parent has consented
    _post(_signed_in(family.parent_user), "/mfa/exemptions", {"child_id": str(family.learner.pk)})
    assert Client().get(f"{API}/people", **bearer(learner_without_mfa)).status_code == 200


def test_g5_12_wrong_codes_lock_the_mfa_step_too(db: Any) -> None:
    """A password thief guessing codes is locked out like one guessing passwords."""
    # given an account past the password step, from one address
    user = f.make_user("guessed")
    client = Client(HTTP_USER_AGENT="pytest-browser/1.0")
    client.post(reverse("account_login"), {"login": "guessed", "password": PASSWORD})

    # when wrong codes reach the pair limit (5 from one address)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": _wrong_code(user)})

    # then even the right code is refused while the lock holds, and the refusal is journaled
    refused = client.post(reverse("mfa_authenticate"), {"code": f.mfa_code(user)})
    assert refused.status_code == 200
    assert 'data-testid="user-name"' not in refused.content.decode()
    assert FailedAccess.objects.filter(reason="locked", action="identity.mfa").count() == 1
    assert client.get(reverse("web:home")).status_code == 302
