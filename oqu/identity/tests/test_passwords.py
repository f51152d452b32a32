"""Password policy and hashing (G-5.9): length, common passwords, IIN and names, Argon2/PBKDF2."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from oqu.identity.models import User
from oqu.identity.services import check_password_policy, one_time_password
from oqu.kernel.crypto import new_key_entry
from oqu.kernel.errors import ValidationError
from oqu.sso.keys import _generate_pem
from oqu.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder() -> User:
    person = f.make_person("Жұмабекова", "Әлия", dt.date(1990, 4, 12), "F")
    person.last_name_ru = "Жумабекова"
    person.first_name_ru = "Алия"
    person.middle_name_ru = "Сериковна"
    person.save()
    return f.make_user("aliya", person=person)


def _codes(password: str, user: User) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        check_password_policy(password, user)
    return caught.value.fields["new_password"]


def test_g5_9_password_equal_to_iin_is_refused(holder):
    assert "password_contains_iin" in _codes(holder.person.iin, holder)


def test_g5_9_password_containing_iin_is_refused(holder):
    assert "password_contains_iin" in _codes(f"x{holder.person.iin}!", holder)


@pytest.mark.parametrize(
    "password", ["Жұмабекова-2026!", "жумабекова1990x", "АЛИЯ-secret-77", "Сериковна*123"]
)
def test_g5_9_password_containing_a_name_is_refused(holder, password):
    assert "password_contains_name" in _codes(password, holder)


def test_g5_9_short_and_common_passwords_are_refused(holder):
    assert "password_too_short" in _codes("Qw3!rt9", holder)
    assert "password_too_common" in _codes("password123", holder)


def test_g5_9_a_good_password_passes(holder):
    check_password_policy("Көктем-жаңбыры-77", holder)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "Құпиясөзде ЖСН болмауы керек."),
        ("ru", "Пароль не должен содержать ИИН."),
    ],
)
def test_g5_9_policy_messages_are_in_kazakh_and_russian(holder, language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        check_password_policy(holder.person.iin, holder)
    assert expected in str(caught.value.message)


def test_g5_9_one_time_passwords_pass_the_policy_and_differ(holder):
    passwords = {one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in list(passwords)[:5]:
        check_password_policy(password, holder)


def test_g5_9_production_settings_hash_with_argon2_or_pbkdf2(monkeypatch, tmp_path):
    # given the production settings module (its secrets come from the environment)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("OQU_FIELD_KEYS", new_key_entry("prod1"))
    signing_key = tmp_path / "oidc.pem"
    signing_key.write_text(_generate_pem(), encoding="ascii")
    monkeypatch.setenv("OQU_OIDC_RSA_PRIVATE_KEY_FILE", str(signing_key))
    prod = importlib.import_module("oqu.settings.prod")
    hashers = prod.PASSWORD_HASHERS
    # then new passwords are hashed with Argon2, and PBKDF2 hashes of older accounts still verify
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    with override_settings(PASSWORD_HASHERS=hashers):
        encoded = make_password("Көктем-жаңбыры-77")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")
        user = f.make_user("old-hash")
        user.password = make_password("Көктем-жаңбыры-77", hasher="pbkdf2_sha256")
        user.save()
        assert user.check_password("Көктем-жаңбыры-77")
    validators = [v["NAME"] for v in prod.AUTH_PASSWORD_VALIDATORS]
    assert "oqu.identity.validators.PersonalDataPasswordValidator" in validators


def test_g5_9_demo_accounts_are_not_forced_to_change_their_password():
    # given the demo accounts of a tiny seeded country
    call_command("seed", "--scale", "0.0005", "--demo-accounts", stdout=io.StringIO())
    from oqu.demo import accounts

    # then none must change its password, and the director reaches the start page directly
    users = User.objects.filter(username__in=[a[0] for a in accounts.ACCOUNTS])
    assert users.count() == len(accounts.ACCOUNTS)
    assert not users.filter(must_change_password=True).exists()
    client = Client()
    assert client.login(username="director", password=accounts.DEMO_PASSWORD)
    assert client.get("/").status_code == 200
