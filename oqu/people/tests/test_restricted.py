"""Restricted personal data: encrypted at rest (G-10) with an integrity code checked on every read
(G-5.16); every read and change journaled (G-5.13); scoped like every other person's data."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from oqu.access.models import Role
from oqu.audit.models import ActionRecord, FailedAccess, SecurityEvent
from oqu.kernel import crypto
from oqu.people.models import RestrictedRecord
from oqu.people.restricted import IntegrityFailure, open_payload
from oqu.people.restricted_services import restricted_create, restricted_read, restricted_reseal
from oqu.tests import factories as f

API = "/api/v1"
SECRET_TEXT = "Бронхиальная астма, освобождён от физкультуры"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def director(org_tree, user_with_role):
    return user_with_role("school_director", org_tree.school_a1)


@pytest.fixture
def record(family, org_tree, director, actor_of):
    opened = restricted_create(
        actor=actor_of(director),
        person=family.learner,
        organization=org_tree.school_a1,
        category="health",
        payload={"description": SECRET_TEXT, "measures": "Ингалятор в медпункте"},
    )
    return opened.record


def _db(value):
    """A UUID as this database stores it (raw SQL is portable to SQLite this way)."""
    return RestrictedRecord._meta.pk.get_db_prep_value(value, connection)


def _raw_payload(record_id) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payload_sealed FROM people_restrictedrecord WHERE id = %s", [_db(record_id)]
        )
        return bytes(cursor.fetchone()[0])


def test_g10_restricted_payload_is_not_stored_as_plain_text(family, org_tree, director):
    # given a director records health data through the API
    response = _client(director).post(
        f"{API}/people/{family.learner.pk}/restricted",
        {
            "organization_id": str(org_tree.school_a1.pk),
            "category": "health",
            "payload": {"description": SECRET_TEXT},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["payload"] == {"description": SECRET_TEXT}
    # then the database holds no readable form of it (raw SQL, past the ORM)
    stored = _raw_payload(uuid.UUID(response.json()["id"]))
    assert SECRET_TEXT.encode() not in stored
    assert "астма".encode() not in stored
    assert b"description" not in stored
    assert len(stored) > len(SECRET_TEXT.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_restrictedrecord")
        assert SECRET_TEXT not in repr(cursor.fetchall())


def test_g5_16_read_decrypts_checks_and_journals_without_values(family, director, record):
    response = _client(director).get(f"{API}/people/{family.learner.pk}/restricted")
    assert response.status_code == 200
    body = response.json()
    assert [(r["category"], r["payload"]["description"]) for r in body] == [("health", SECRET_TEXT)]
    read = ActionRecord.objects.get(action="people.restricted.read")
    assert (read.actor, read.organization_id, read.target_id) == (
        director,
        record.organization_id,
        str(family.learner.pk),
    )
    assert read.after == {
        "records": [
            {"id": str(record.pk), "category": "health", "fields": ["description", "measures"]}
        ]
    }
    assert SECRET_TEXT not in json.dumps(
        ActionRecord.objects.filter(
            target_id__in=[str(record.pk), str(family.learner.pk)]
        ).values_list("before", "after")[::1],
        ensure_ascii=False,
    )


def test_g5_16_tampered_row_is_refused_on_read_with_a_security_event(family, director, record):
    # given someone moves the record to another category directly in the database
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_restrictedrecord SET category = 'family' WHERE id = %s", [_db(record.pk)]
        )
    # when the director opens the data
    response = _client(director).get(f"{API}/people/{family.learner.pk}/restricted")
    # then the read is refused with a clear error and a critical security event
    assert response.status_code == 409
    assert response.json()["code"] == "integrity_failure"
    assert response.json()["fields"] == {"record": [str(record.pk)]}
    event = SecurityEvent.objects.get(kind="integrity_failure")
    assert (event.severity, event.user, event.organization_id, event.details["id"]) == (
        "critical",
        director,
        record.organization_id,
        str(record.pk),
    )
    assert not ActionRecord.objects.filter(action="people.restricted.read").exists()


def test_g5_16_altered_ciphertext_byte_is_refused(family, director, record, actor_of):
    stored = bytearray(_raw_payload(record.pk))
    stored[-1] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_restrictedrecord SET payload_sealed = %s WHERE id = %s",
            [bytes(stored), _db(record.pk)],
        )
    with pytest.raises(IntegrityFailure):
        restricted_read(actor=actor_of(director), person=family.learner)
    assert SecurityEvent.objects.filter(kind="integrity_failure", severity="critical").count() == 1


def test_g5_16_sealed_payload_copied_into_another_row_is_refused(
    family, org_tree, director, record, actor_of
):
    # given a second person's record, and the first record's sealed payload and code copied onto it
    other = f.make_person("Басқа", "Оқушы")
    f.enrol(other, org_tree.school_a1)
    target = restricted_create(
        actor=actor_of(director),
        person=other,
        organization=org_tree.school_a1,
        category="health",
        payload={"description": "—"},
    ).record
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_restrictedrecord SET payload_sealed = %s, integrity_code = %s"
            " WHERE id = %s",
            [_raw_payload(record.pk), record.integrity_code, _db(target.pk)],
        )
    with pytest.raises(IntegrityFailure):
        open_payload(RestrictedRecord.objects.get(pk=target.pk))


def test_g5_16_without_capability_the_answer_is_403(family, org_tree, record, user_with_role):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    response = _client(teacher).get(f"{API}/people/{family.learner.pk}/restricted")
    assert response.status_code == 403
    assert FailedAccess.objects.filter(
        actor=teacher, action="people.restricted.view", status=403
    ).exists()


def test_g5_16_head_of_another_organization_gets_404(family, org_tree, record, user_with_role):
    head_b = user_with_role("school_director", org_tree.school_b1)
    client = _client(head_b)
    assert client.get(f"{API}/people/{family.learner.pk}/restricted").status_code == 404
    response = client.patch(
        f"{API}/people/{family.learner.pk}/restricted/{record.pk}",
        {"payload": {"description": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert RestrictedRecord.objects.get(pk=record.pk).integrity_code == record.integrity_code


def test_g5_16_methodologist_sees_but_may_not_record(family, org_tree, record, user_with_role):
    methodologist = user_with_role("school_methodologist", org_tree.school_a1)
    client = _client(methodologist)
    assert client.get(f"{API}/people/{family.learner.pk}/restricted").status_code == 200
    response = client.post(
        f"{API}/people/{family.learner.pk}/restricted",
        {
            "organization_id": str(org_tree.school_a1.pk),
            "category": "health",
            "payload": {"description": "x"},
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert RestrictedRecord.objects.count() == 1


def test_g5_16_change_and_delete_are_journaled_with_before_and_after(family, director, record):
    client = _client(director)
    url = f"{API}/people/{family.learner.pk}/restricted/{record.pk}"
    response = client.patch(
        url,
        {"category": "disability", "payload": {"description": "Нарушение слуха"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["category"], response.json()["payload"]) == (
        "disability",
        {"description": "Нарушение слуха"},
    )
    change = ActionRecord.objects.get(action="people.restricted.change")
    assert (change.before, change.after) == (
        {"category": "health", "fields": ["description", "measures"]},
        {"category": "disability", "fields": ["description"], "payload_changed": True},
    )
    assert client.delete(url).status_code == 204
    assert not RestrictedRecord.objects.exists()
    assert ActionRecord.objects.get(action="people.restricted.delete").before["category"] == (
        "disability"
    )


def test_g5_16_invalid_input_is_refused_and_writes_nothing(family, org_tree, director):
    client = _client(director)
    url = f"{API}/people/{family.learner.pk}/restricted"
    bad = [
        {"organization_id": str(org_tree.school_a1.pk), "category": "x", "payload": {"a": "b"}},
        {"organization_id": str(org_tree.school_a1.pk), "category": "health", "payload": {}},
        # an organization outside the director's scope: 404 like a missing one
        {
            "organization_id": str(org_tree.school_a1_other.pk),
            "category": "health",
            "payload": {"a": "b"},
        },
    ]
    codes = [client.post(url, body, content_type="application/json").json()["code"] for body in bad]
    assert codes == ["category_unknown", "payload_invalid", "not_found"]
    assert not RestrictedRecord.objects.exists()


def test_g5_16_capabilities_given_to_heads_deputies_and_methodologists(db):
    capabilities = dict(Role.objects.values_list("code", "capabilities"))
    view, manage = "people.restricted.view", "people.restricted.manage"
    assert {view, manage} <= set(capabilities["school_director"])
    assert {view, manage} <= set(capabilities["school_deputy_director"])
    assert {view, manage} <= set(capabilities["preschool_head"])
    assert view in capabilities["school_methodologist"]
    assert manage not in capabilities["school_methodologist"]
    assert view not in capabilities["school_teacher"]
    assert view not in capabilities["district_head"]


# -- keys -------------------------------------------------------------------------------------


def test_g10_production_refuses_missing_or_development_keys():
    with pytest.raises(ImproperlyConfigured):
        crypto.check_production_keys([])
    with pytest.raises(ImproperlyConfigured):
        crypto.check_production_keys(crypto.DEV_FIELD_KEYS)
    with pytest.raises(ImproperlyConfigured):
        crypto.check_production_keys(["k1:short"])
    crypto.check_production_keys([crypto.new_key_entry("k1")])


def test_g10_key_rotation_keeps_old_rows_readable_and_reseals_them(
    family, director, record, settings, actor_of
):
    # given a new key put first, the old one kept for reading
    settings.OQU_FIELD_KEYS = [crypto.new_key_entry("k2026"), *crypto.DEV_FIELD_KEYS]
    stored = RestrictedRecord.objects.get(pk=record.pk)
    assert open_payload(stored)["description"] == SECRET_TEXT
    # when re-sealed, the row moves to the new key and still opens
    assert restricted_reseal(stored) is True
    stored = RestrictedRecord.objects.get(pk=record.pk)
    assert stored.key_id == "k2026"
    assert open_payload(stored)["description"] == SECRET_TEXT
    # and without the new key nothing opens (the row is refused, not shown)
    settings.OQU_FIELD_KEYS = crypto.DEV_FIELD_KEYS
    with pytest.raises(IntegrityFailure):
        open_payload(stored)


# -- web --------------------------------------------------------------------------------------


def test_g5_16_person_card_shows_the_section_only_to_holders(
    family, org_tree, director, record, user_with_role
):
    teacher = user_with_role("school_teacher", org_tree.school_a1)
    card = f"/people/{family.learner.pk}/"
    assert b'data-testid="restricted-section"' in _client(director).get(card).content
    teacher_card = _client(teacher).get(card)
    assert teacher_card.status_code == 200
    assert b'data-testid="restricted-section"' not in teacher_card.content
    assert _client(teacher).get(f"{card}restricted/").status_code == 403


def test_g5_16_web_page_shows_adds_and_refuses_tampered(family, org_tree, director, record):
    client = _client(director)
    page = client.get(f"/people/{family.learner.pk}/restricted/")
    assert page.status_code == 200
    assert SECRET_TEXT in page.content.decode()
    response = client.post(
        f"/people/{family.learner.pk}/restricted/add/",
        {
            "organization": str(org_tree.school_a1.pk),
            "category": "social_status",
            "description": "Многодетная семья",
        },
    )
    assert response.status_code == 302
    assert RestrictedRecord.objects.filter(category="social_status").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_restrictedrecord SET integrity_code = %s WHERE id = %s",
            ["0" * 64, _db(record.pk)],
        )
    refused = client.get(f"/people/{family.learner.pk}/restricted/")
    assert refused.status_code == 409
    assert SECRET_TEXT not in refused.content.decode()
    assert SecurityEvent.objects.filter(kind="integrity_failure").count() == 1


def test_g10_reseal_command_moves_rows_to_the_new_key(record, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.OQU_FIELD_KEYS = [crypto.new_key_entry("k2027"), *crypto.DEV_FIELD_KEYS]
    out = StringIO()
    call_command("restricted_reseal", stdout=out)
    assert out.getvalue().strip() == "OK: 1 records re-sealed with key k2027"
    stored = RestrictedRecord.objects.get(pk=record.pk)
    assert stored.key_id == "k2027"
    assert open_payload(stored)["description"] == SECRET_TEXT


def test_g5_16_tampered_row_is_not_overwritten_by_a_change(family, director, record):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_restrictedrecord SET category = 'family' WHERE id = %s",
            [_db(record.pk)],
        )
    response = _client(director).patch(
        f"{API}/people/{family.learner.pk}/restricted/{record.pk}",
        {"payload": {"description": "затереть следы"}},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "integrity_failure")
    assert SecurityEvent.objects.filter(kind="integrity_failure").count() == 1
    assert RestrictedRecord.objects.get(pk=record.pk).integrity_code == record.integrity_code
    assert not ActionRecord.objects.filter(action="people.restricted.change").exists()


def test_g5_16_reading_that_there_is_nothing_is_journaled_too(family, org_tree, director):
    response = _client(director).get(f"{API}/people/{family.learner.pk}/restricted")
    assert (response.status_code, response.json()) == (200, [])
    read = ActionRecord.objects.get(action="people.restricted.read")
    assert (read.organization_id, read.after) == (org_tree.school_a1.pk, {"records": []})
