"""Parents register themselves by IIN, phone and a one-time SMS code (G-5.7, G-5.12)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from oqu.audit.models import ActionRecord, FailedAccess
from oqu.people.models import Person
from oqu.registration import rules
from oqu.registration.models import ParentProfile, PhoneVerification
from oqu.tests import factories as f

API = "/api/v1/registration"
PHONE = "+7 701 123 45 67"
PHONE_NORMAL = "+77011234567"
PASSWORD = "kokterek-Alma-2026"
NAMES = {
    "last_name_kk": "Әлиева",
    "first_name_kk": "Гүлнар",
    "last_name_ru": "Алиева",
    "first_name_ru": "Гульнар",
}

pytestmark = pytest.mark.django_db


def _code(outbox: list[tuple[str, str]], phone: str = PHONE_NORMAL) -> str:
    texts = [text for to, text in outbox if to == phone]
    assert texts, "no SMS was sent"
    match = re.search(r"\b(\d{6})\b", texts[-1])
    assert match
    return match.group(1)


def _post(client: Client, path: str, payload: dict[str, Any], **extra: Any) -> Any:
    return client.post(f"{API}{path}", payload, content_type="application/json", **extra)


def _new_iin(birth: dt.date = dt.date(1988, 4, 12), sex: str = "F") -> str:
    return f.free_iin(birth, sex)


def _start(client: Client, capture: Any, iin: str, phone: str = PHONE, **extra: Any) -> Any:
    with capture(execute=True):
        return _post(client, "/start", {"iin": iin, "phone": phone}, **extra)


# -- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+7 701 123 45 67", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("+77771234567", "+77771234567"),
        ("+7 727 123 45 67", None),  # a landline in Almaty
        ("+7 701 123 45", None),
        ("+1 701 123 45 67", None),
        ("phone", None),
    ],
)
def test_g5_7_phone_is_normalised_to_a_kazakhstan_mobile(raw: str, normal: str | None) -> None:
    assert rules.normalise_phone(raw) == normal


def test_g5_7_code_is_stored_only_as_a_salted_hash() -> None:
    digest = rules.secret_hash("123456", salt="a", key="k")
    assert "123456" not in digest
    assert digest != rules.secret_hash("123456", salt="b", key="k")
    assert rules.secret_matches("123456", digest, salt="a", key="k")
    assert not rules.secret_matches("123457", digest, salt="a", key="k")


# -- the web flow --------------------------------------------------------------------------------


def test_g5_7_parent_registers_with_sms_code(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The whole web flow: IIN + phone → SMS code → password and names → account bound to a Person."""
    iin = _new_iin()
    # given the login page links to self-registration
    assert "/registration/" in client.get("/accounts/login/").content.decode()
    # when the parent gives IIN and phone
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registration/", {"iin": iin, "phone": PHONE})
    assert response.status_code == 302
    assert response["Location"] == "/registration/code/"
    code = _code(sms_outbox)
    verification = PhoneVerification.objects.get(iin=iin)
    assert verification.phone == PHONE_NORMAL
    assert code not in verification.code_hash
    # and enters the code
    response = client.post("/registration/code/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/registration/account/"
    # then, the IIN being new to the platform, names are asked with the password
    page = client.get("/registration/account/").content.decode()
    assert 'name="last_name_kk"' in page
    response = client.post(
        "/registration/account/",
        {**NAMES, "password1": PASSWORD, "password2": PASSWORD, "language": "ru"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    user = get_user_model().objects.get(username=iin)
    assert user.person.iin == iin
    assert user.person.last_name_ru == "Алиева"
    assert user.person.birth_date == dt.date(1988, 4, 12)
    assert user.language == "ru"
    assert user.check_password(PASSWORD)
    assert ParentProfile.objects.get(user=user).phone == PHONE_NORMAL
    # and every step is journaled, without the code or the password
    actions = list(
        ActionRecord.objects.filter(
            action__in=[
                "registration.code.send",
                "registration.phone.verify",
                "people.person.register_self",
                "registration.account.create",
            ]
        )
        .order_by("at", "seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "registration.code.send",
        "registration.phone.verify",
        "people.person.register_self",
        "registration.account.create",
    ]
    dumped = str(list(ActionRecord.objects.values("before", "after")))
    assert code not in dumped
    assert PASSWORD not in dumped
    assert PHONE_NORMAL not in dumped  # phones are masked in the journal
    # and the parent can sign in with the IIN and the password
    assert Client().login(username=iin, password=PASSWORD)


def test_g5_7_existing_person_needs_no_names_and_gets_the_account(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registration/", {"iin": person.iin, "phone": PHONE})
    client.post("/registration/code/", {"code": _code(sms_outbox)})
    page = client.get("/registration/account/").content.decode()
    assert 'name="last_name_kk"' not in page
    response = client.post(
        "/registration/account/",
        {"password1": PASSWORD, "password2": PASSWORD, "language": "kk"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username=person.iin).person == person
    assert Person.objects.filter(iin=person.iin).count() == 1


def test_g5_7_web_step_cannot_be_skipped(client: Client) -> None:
    assert client.get("/registration/account/")["Location"] == "/registration/"
    assert client.get("/registration/code/")["Location"] == "/registration/"


# -- the API flow --------------------------------------------------------------------------------


def test_g5_7_api_registration_flow(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    started = _start(client, django_capture_on_commit_callbacks, iin)
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["phone"] == "+7701***4567"
    verified = _post(
        client, "/verify", {"verification_id": body["verification_id"], "code": _code(sms_outbox)}
    )
    assert verified.status_code == 200, verified.content
    assert verified.json()["names_required"] is True
    completed = _post(
        client,
        "/complete",
        {
            "verification_id": body["verification_id"],
            "completion_token": verified.json()["completion_token"],
            "password": PASSWORD,
            **NAMES,
        },
    )
    assert completed.status_code == 201, completed.content
    assert completed.json()["username"] == iin
    assert (
        str(get_user_model().objects.get(username=iin).person_id) == completed.json()["person_id"]
    )
    # the same verification cannot make a second account
    again = _post(
        client,
        "/complete",
        {
            "verification_id": body["verification_id"],
            "completion_token": verified.json()["completion_token"],
            "password": PASSWORD,
        },
    )
    assert again.status_code == 404
    assert again.json()["code"] == "registration_not_found"


def test_g5_7_complete_needs_the_token_of_a_verified_phone(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    response = _post(
        client,
        "/complete",
        {
            "verification_id": body["verification_id"],
            "completion_token": "guess",
            "password": PASSWORD,
            **NAMES,
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "phone_not_verified"
    assert not get_user_model().objects.filter(username=iin).exists()


def test_g5_7_password_validators_apply_and_nothing_is_half_written(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    token = _post(
        client, "/verify", {"verification_id": body["verification_id"], "code": _code(sms_outbox)}
    ).json()["completion_token"]
    for weak in ("short1", iin, "password123"):
        response = _post(
            client,
            "/complete",
            {
                "verification_id": body["verification_id"],
                "completion_token": token,
                "password": weak,
                **NAMES,
            },
        )
        assert response.status_code == 400, weak
        assert response.json()["code"] == "password_invalid"
    assert not Person.objects.filter(iin=iin).exists()
    assert not get_user_model().objects.filter(username=iin).exists()


def test_g5_7_names_required_for_an_unknown_iin(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    token = _post(
        client, "/verify", {"verification_id": body["verification_id"], "code": _code(sms_outbox)}
    ).json()["completion_token"]
    response = _post(
        client,
        "/complete",
        {
            "verification_id": body["verification_id"],
            "completion_token": token,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "name_required"
    assert not get_user_model().objects.filter(username=iin).exists()


def test_g5_7_bad_iin_and_bad_phone_are_400(client: Client, sms_outbox: Any) -> None:
    iin = _new_iin()
    mistyped = iin[:11] + str((int(iin[11]) + 1) % 10)
    response = _post(client, "/start", {"iin": mistyped, "phone": PHONE})
    assert response.status_code == 400
    assert response.json()["code"] == "iin_checksum"
    response = _post(client, "/start", {"iin": iin, "phone": "+7 727 250 00 00"})
    assert response.status_code == 400
    assert response.json()["code"] == "phone_invalid"
    assert sms_outbox == []
    assert not PhoneVerification.objects.exists()


def test_g5_7_person_with_an_account_is_refused_clearly(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
    f.make_user("aigul", person=person)
    body = _start(client, django_capture_on_commit_callbacks, person.iin).json()
    response = _post(
        client, "/verify", {"verification_id": body["verification_id"], "code": _code(sms_outbox)}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"
    assert get_user_model().objects.filter(person=person).count() == 1


# -- wrong and expired codes, limits (G-5.12) ----------------------------------------------------


def test_g5_7_wrong_code_is_counted_journaled_and_limited(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    right = _code(sms_outbox)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    limit = rules.Limits().max_code_attempts
    for attempt in range(limit):
        response = _post(
            client,
            "/verify",
            {"verification_id": body["verification_id"], "code": wrong},
            HTTP_USER_AGENT="probe",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "code_wrong"
        assert str(limit - attempt - 1) in response.json()["message"]
    failures = FailedAccess.objects.filter(action="registration.verify", actor_name=iin)
    assert failures.count() == limit
    assert set(failures.values_list("reason", flat=True)) == {"bad_code"}
    assert set(failures.values_list("user_agent", flat=True)) == {"probe"}
    # then even the right code is refused: a new one must be asked for
    response = _post(client, "/verify", {"verification_id": body["verification_id"], "code": right})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert PhoneVerification.objects.get(pk=body["verification_id"]).verified_at is None


def test_g5_7_expired_code_is_refused(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    code = _code(sms_outbox)
    PhoneVerification.objects.filter(pk=body["verification_id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = _post(client, "/verify", {"verification_id": body["verification_id"], "code": code})
    assert response.status_code == 400
    assert response.json()["code"] == "code_expired"
    assert FailedAccess.objects.filter(
        action="registration.verify", actor_name=iin, reason="code_expired"
    ).exists()


def test_g5_7_web_wrong_code_shows_the_error(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registration/", {"iin": iin, "phone": PHONE}, HTTP_ACCEPT_LANGUAGE="ru")
    right = _code(sms_outbox)
    response = client.post("/registration/code/", {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    assert response.status_code == 400
    assert FailedAccess.objects.filter(action="registration.verify", reason="bad_code").count() == 1


def test_g5_7_resend_waits_for_the_cooldown_and_replaces_the_code(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any, time_machine: Any
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    iin = _new_iin()
    body = _start(client, django_capture_on_commit_callbacks, iin).json()
    first = _code(sms_outbox)
    too_soon = _post(client, "/resend", {"verification_id": body["verification_id"]})
    assert too_soon.status_code == 429
    assert too_soon.json()["code"] == "resend_too_soon"
    time_machine.shift(dt.timedelta(seconds=rules.Limits().resend_cooldown_seconds + 1))
    with django_capture_on_commit_callbacks(execute=True):
        resent = _post(client, "/resend", {"verification_id": body["verification_id"]})
    assert resent.status_code == 200
    assert len(sms_outbox) == 2
    second = _code(sms_outbox)
    if first != second:  # the old code stops working (unless the dice repeated it)
        old = _post(client, "/verify", {"verification_id": body["verification_id"], "code": first})
        assert old.status_code == 400
    ok = _post(client, "/verify", {"verification_id": body["verification_id"], "code": second})
    assert ok.status_code == 200


def test_g5_7_rate_limit_per_phone(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    limit = rules.Limits().max_starts_per_phone
    for _ in range(limit):
        assert _start(client, django_capture_on_commit_callbacks, _new_iin()).status_code == 201
    response = _start(client, django_capture_on_commit_callbacks, _new_iin())
    assert response.status_code == 429
    assert response.json()["fields"] == {"phone": ["throttled"]}
    assert len(sms_outbox) == limit


def test_g5_7_rate_limit_per_ip_address(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.OQU_REGISTRATION = {"max_starts_per_ip": 2}
    phones = ["+77011110001", "+77011110002", "+77011110003"]
    statuses = [
        _start(
            client, django_capture_on_commit_callbacks, _new_iin(), phone, REMOTE_ADDR="10.1.2.3"
        ).status_code
        for phone in phones
    ]
    assert statuses == [201, 201, 429]
    # another address is not affected
    other = _start(
        client,
        django_capture_on_commit_callbacks,
        _new_iin(),
        "+77011110004",
        REMOTE_ADDR="10.9.9.9",
    )
    assert other.status_code == 201


def test_g5_7_rate_limit_per_iin(
    client: Client, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    iin = _new_iin()
    limit = rules.Limits().max_starts_per_iin
    phones = [f"+7701222000{i}" for i in range(limit + 1)]
    statuses = [
        _start(client, django_capture_on_commit_callbacks, iin, phone).status_code
        for phone in phones
    ]
    assert statuses == [201] * limit + [429]


def test_g5_7_a_minor_cannot_register_as_a_parent(client: Client, sms_outbox: Any) -> None:
    """A learner's IIN must not open an account that reads the learner's data."""
    learner = f.make_person("Серікұлы", "Нұрлан", dt.date(2012, 3, 4), "M")
    unknown_minor = _new_iin(dt.date(2015, 5, 5), "M")
    for iin in (learner.iin, unknown_minor):
        response = _post(client, "/start", {"iin": iin, "phone": PHONE})
        assert response.status_code == 400
        assert response.json()["code"] == "not_adult"
    assert sms_outbox == []
    assert not PhoneVerification.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_g5_7_parallel_guesses_cannot_exceed_the_attempt_limit() -> None:
    """Twenty guesses at once test no more than the allowed number of codes."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection as default_connection
    from django.db import connections

    from oqu.kernel.errors import DomainError
    from oqu.registration import services

    iin = _new_iin()
    verification = services.registration_start(iin=iin, phone=PHONE)

    def guess(code: str) -> str:
        try:
            services.registration_verify(verification_id=verification.pk, code=code)
        except DomainError as error:
            return error.code
        return "ok"

    def guess_in_thread(code: str) -> str:
        try:
            return guess(code)
        finally:
            connections.close_all()  # this thread's own connection

    codes = [f"{n:06d}" for n in range(20)]
    if default_connection.vendor == "sqlite":
        outcomes = [guess(code) for code in codes]
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(guess_in_thread, codes))
    limit = rules.Limits().max_code_attempts
    tested = [o for o in outcomes if o in ("code_wrong", "ok")]
    assert len(tested) <= limit
    assert outcomes.count("too_many_attempts") >= len(codes) - limit
    assert PhoneVerification.objects.get(pk=verification.pk).attempts == limit


@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Ата-ана ретінде тіркелу"), ("ru", "Зарегистрироваться как родитель")],
)
def test_g5_7_registration_pages_speak_kazakh_and_russian(
    client: Client, language: str, heading: str
) -> None:
    client.cookies["oqu_language"] = language
    page = client.get("/registration/").content.decode()
    assert f"<h1>{heading}</h1>" in page
    login = client.get("/accounts/login/").content.decode()
    assert heading in login


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_g5_7_parallel_starts_cannot_exceed_the_phone_limit(sms_outbox: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from oqu.kernel.errors import DomainError
    from oqu.registration import services

    iins = [_new_iin(dt.date(1980, 1, 1 + n), "M") for n in range(10)]

    def start(iin: str) -> str:
        try:
            services.registration_start(iin=iin, phone=PHONE)
        except DomainError as error:
            return error.code
        finally:
            connections.close_all()  # this thread's own connection
        return "sent"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(start, iins))
    limit = rules.Limits().max_starts_per_phone
    assert outcomes.count("sent") == limit
    assert PhoneVerification.objects.filter(phone=PHONE_NORMAL).count() == limit
