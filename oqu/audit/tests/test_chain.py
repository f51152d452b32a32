"""The action journal is append-only and hash-chained per organization (G-5.13, G-5.16)."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from oqu.audit import chain, journal
from oqu.audit.models import ActionRecord, ChainHead
from oqu.tests import factories as f


@contextlib.contextmanager
def append_only_trigger_disabled():
    """Tamper as a database owner would: around the PostgreSQL trigger (SQLite has none)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # deferred foreign-key checks of this test's inserts would block ALTER TABLE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_actionrecord DISABLE TRIGGER actionrecord_append_only"
            )
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "ALTER TABLE audit_actionrecord ENABLE TRIGGER actionrecord_append_only"
                )


def _write(n: int, org, actor) -> list[ActionRecord]:
    return [
        journal.record(actor=actor, action="people.person.change", target=org, after={"i": i})
        for i in range(n)
    ]


def _sql_id(pk: uuid.UUID) -> str:
    return pk.hex if connection.vendor == "sqlite" else str(pk)


@pytest.fixture
def admin_user(db):
    return f.make_user("auditor", is_superuser=True)


@pytest.mark.smoke
def test_g5_16_each_organization_has_its_own_numbered_chain(org_tree, admin_user):
    a = _write(3, org_tree.school_a1, admin_user)
    b = _write(2, org_tree.school_b1, admin_user)
    assert [r.seq for r in a] == [1, 2, 3]
    assert [r.seq for r in b] == [1, 2]
    assert a[1].hash == chain.link_hash(a[0].hash, 2, a[1].content_hash)
    assert b[0].hash == chain.link_hash(chain.GENESIS, 1, b[0].content_hash)
    assert {r.chain for r in a} == {str(org_tree.school_a1.pk)}
    assert all(r.ok for r in chain.verify_all())


@pytest.mark.smoke
def test_g5_16_altered_row_is_detected_and_named(org_tree, admin_user):
    rows = _write(4, org_tree.school_a1, admin_user)
    with append_only_trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_actionrecord SET actor_name = %s WHERE id = %s",
            ["intruder", _sql_id(rows[2].pk)],
        )
    report = chain.verify_chain(str(org_tree.school_a1.pk))
    assert (report.ok, report.broken_seq, report.broken_id, report.reason) == (
        False,
        3,
        str(rows[2].pk),
        "altered",
    )


def test_g5_16_deleted_row_is_detected(org_tree, admin_user):
    rows = _write(4, org_tree.school_a1, admin_user)
    with append_only_trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_actionrecord WHERE id = %s", [_sql_id(rows[1].pk)])
    report = chain.verify_chain(str(org_tree.school_a1.pk))
    assert (report.ok, report.broken_seq, report.reason) == (False, 2, "deleted")


def test_g5_16_deleted_last_row_is_detected_through_the_chain_head(org_tree, admin_user):
    rows = _write(3, org_tree.school_a1, admin_user)
    with append_only_trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_actionrecord WHERE id = %s", [_sql_id(rows[-1].pk)])
    report = chain.verify_chain(str(org_tree.school_a1.pk))
    assert (report.ok, report.broken_seq, report.reason) == (False, 3, "deleted")


def test_g5_16_inserted_row_is_detected(org_tree, admin_user):
    rows = _write(3, org_tree.school_a1, admin_user)
    # given a forged row slipped in with a recomputed hash but the numbers shifted after it
    with append_only_trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_actionrecord SET seq = seq + 1 WHERE id = %s", [_sql_id(rows[2].pk)]
        )
    forged = ActionRecord(
        at=rows[1].at,
        organization_id=org_tree.school_a1.pk,
        actor_name="forger",
        action="people.person.change",
        chain=str(org_tree.school_a1.pk),
        seq=3,
    )
    forged.content_hash = chain.content_hash(forged)
    forged.hash = chain.link_hash("f" * 64, 3, forged.content_hash)
    forged.save(force_insert=True)
    report = chain.verify_chain(str(org_tree.school_a1.pk))
    assert (report.ok, report.broken_seq, report.broken_id, report.reason) == (
        False,
        3,
        str(forged.pk),
        "inserted",
    )


def test_g5_16_postgres_refuses_to_update_or_delete_the_journal(org_tree, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite relies on the chain")
    row = _write(1, org_tree.school_a1, admin_user)[0]
    for statement in (
        "UPDATE audit_actionrecord SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_actionrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [str(row.pk)])
    assert ActionRecord.objects.get(pk=row.pk).action == "people.person.change"


def test_g5_16_verify_command_names_the_broken_entry(org_tree, admin_user, capsys):
    rows = _write(2, org_tree.school_a1, admin_user)
    call_command("audit_verify")
    assert "OK: 1 chains, 2 rows verified" in capsys.readouterr().out
    with append_only_trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_actionrecord SET action = 'x' WHERE id = %s", [_sql_id(rows[0].pk)]
        )
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert f"seq=1 id={rows[0].pk} reason=altered" in capsys.readouterr().out


def test_g5_16_api_verifies_an_organization_chain_for_its_head(
    org_tree, admin_user, user_with_role, client
):
    _write(2, org_tree.school_a1, admin_user)
    director = user_with_role("school_director", org_tree.school_a1)
    client.force_login(director)
    own = client.get(f"/api/v1/audit/verify?organization={org_tree.school_a1.pk}")
    assert own.status_code == 200
    assert own.json() == {"ok": True, "chains": 1, "rows": 2, "broken": []}
    # the whole journal is a republic-level question; another school's chain is out of sight
    assert client.get("/api/v1/audit/verify").status_code == 404
    other = client.get(f"/api/v1/audit/verify?organization={org_tree.school_b1.pk}")
    assert other.status_code == 404


def test_g5_16_journal_row_survives_deleting_the_account(org_tree):
    actor = f.make_user("leaver")
    row = journal.record(actor=actor, action="people.person.change", target=org_tree.school_a1)
    actor.delete()
    assert ActionRecord.objects.get(pk=row.pk).actor_name == "leaver"
    assert chain.verify_chain(str(org_tree.school_a1.pk)).ok
    assert ChainHead.objects.get(chain=str(org_tree.school_a1.pk)).last_seq == 1


def test_g5_16_a_change_to_a_person_goes_to_the_chain_of_their_organization(
    family, org_tree, admin_user
):
    from oqu.access.scope import actor_for
    from oqu.people import services

    services.person_change(
        actor=actor_for(admin_user), person=family.learner, first_name_ru="Нурлан"
    )
    row = ActionRecord.objects.get(action="people.person.change")
    assert row.chain == str(org_tree.school_a1.pk)
