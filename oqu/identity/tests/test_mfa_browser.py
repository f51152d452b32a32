"""Sign-in with MFA in real headless Chromium (G-5.11, G-5.12): the code step, the forced setup of
the authenticator app, a passkey added and used through Chromium's virtual authenticator, and a
parent's consent that lets their child under 16 sign in without a second factor.

The TOTP codes are computed here (RFC 6238, `factories.totp_now`), not taken from allauth.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.utils import translation

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.identity import mfa
from oqu.kernel.models import Consent
from oqu.tests import factories as f
from oqu.web.tests.test_browser import reference_data  # noqa: F401 (autouse fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Passw0rd!-test"
TIMEOUT_MS = 8_000


def kk(message: str) -> str:
    with translation.override("kk"):
        return translation.gettext(message)


def password_step(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator('[data-testid="login-form"] button[type="submit"]').click()


def code_step(page: Any, code: str) -> None:
    page.locator("#id_code").fill(code)
    page.locator("form[action$='/2fa/authenticate/'] button[type='submit']").first.click()


def test_g5_11_login_and_mfa_page_in_chromium(page: Any, live_server: Any) -> None:
    # given an account with the authenticator app
    user = f.make_user("signer")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # when the password is right, the code step comes, in Kazakh
    password_step(page, base, "signer")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert page.get_by_role("heading", level=1).inner_text() == kk("Two-factor authentication")

    # when a wrong code is typed, the step is shown again with the error, and it is journaled
    secret = f.totp_secret(user)
    valid = {f.totp_now(secret, steps_ahead=step) for step in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    code_step(page, wrong)
    page.get_by_text(kk("Incorrect code.")).wait_for()
    assert FailedAccess.objects.filter(actor=user, reason="bad_mfa_code").count() == 1

    # when the code computed from the app's secret is typed, the user is in
    code_step(page, f.totp_now(secret))
    page.wait_for_url(f"{base}/")
    assert page.get_by_test_id("user-name").is_visible()


def test_g5_11_account_without_mfa_sets_up_the_app_first_in_chromium(
    page: Any, live_server: Any
) -> None:
    # given an account with no authenticator
    user = f.make_user("newcomer", mfa=False)
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # when it signs in with its password, it lands on the setup of the app, told why
    password_step(page, base, "newcomer")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert page.get_by_test_id("mfa-required").is_visible()
    page.goto(f"{base}/people/")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))

    # when it types the code of the secret shown on the page
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(f.totp_now(secret))
    page.locator("form[action$='/totp/activate/'] button[type='submit']").click()

    # then the recovery codes are shown and the platform opens
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    page.goto(f"{base}/")
    assert page.get_by_test_id("user-name").is_visible()
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert ActionRecord.objects.filter(actor=user, action=mfa.AUTHENTICATOR_ADDED).count() == 2


def test_g5_11_passkey_added_and_used_at_sign_in_in_chromium(page: Any, live_server: Any) -> None:
    # given a browser with a platform authenticator (Chromium's virtual one) and a signed-in user
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    user = f.make_user("keyholder")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url
    password_step(page, base, "keyholder")
    code_step(page, f.mfa_code(user))
    page.wait_for_url(f"{base}/")

    # when they add a key (re-authenticating with the password first, as allauth asks)
    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form[action*='/reauthenticate/'] button[type='submit']").first.click()
        page.wait_for_url(re.compile(r"/webauthn/add/"))
    page.locator("#mfa_webauthn_add").click()

    # then the key is stored and journaled
    page.wait_for_url(f"{base}/accounts/2fa/")
    page.get_by_text(kk("The key is added.")).wait_for()
    assert Authenticator.objects.filter(user=user, type="webauthn").count() == 1
    assert ActionRecord.objects.filter(
        actor=user, action=mfa.AUTHENTICATOR_ADDED, after__type="webauthn"
    ).exists()

    # when they sign out and sign in again with the password and the key
    page.context.clear_cookies()
    password_step(page, base, "keyholder")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#mfa_webauthn_authenticate").click()

    # then they are in without a code
    page.wait_for_url(f"{base}/")
    assert page.get_by_test_id("user-name").is_visible()


def test_g5_11_parent_consents_and_the_child_signs_in_without_a_code_in_chromium(
    page: Any, live_server: Any
) -> None:
    # given a school, a learner of 14 without an authenticator, and their mother with one
    district = f.make_unit(f.region("75"), "district", "Алмалы ауданы")
    school = f.make_unit(district, "organization", "№ 15 мектеп", "school")
    child = f.make_person("Серікұлы", "Нұрлан", dt.date(2012, 3, 4), "M")
    mother = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    f.enrol(child, school, grade=8)
    f.guard(mother, child, "mother")
    mother_user = f.make_user("mother", person=mother)
    f.make_user("child", person=child, mfa=False)
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    # when the mother signs in (password and code) and gives her consent on the children's page
    password_step(page, base, "mother")
    code_step(page, f.mfa_code(mother_user))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/accounts/2fa/")
    page.get_by_role("link", name=kk("Children's sign-in")).click()
    row = page.get_by_test_id("mfa-child")
    assert row.get_by_text("Серікұлы Нұрлан").is_visible()
    row.get_by_role("button", name=kk("Give consent")).click()
    page.get_by_role("button", name=kk("Withdraw consent")).wait_for()
    consent = Consent.objects.get(subject=child)
    assert consent.given_by == mother
    assert consent.valid_until == dt.date(2028, 3, 3)

    # then the child signs in with the password alone and reaches the platform
    page.context.clear_cookies()
    password_step(page, base, "child")
    page.wait_for_url(f"{base}/")
    assert page.get_by_test_id("user-name").is_visible()
    assert ActionRecord.objects.filter(action=mfa.EXEMPTION_USED).count() == 1
