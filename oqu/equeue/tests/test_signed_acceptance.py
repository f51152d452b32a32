"""Accepting a direction is signed with the parent's EDS (MAP-QUEUE §3, MAP-SVC-05): the
statement of acceptance is checked by the platform's signature service; a bad signature is
refused with its outcome, changes nothing and its check stays stored."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from oqu.access import scope
from oqu.audit.models import ActionRecord
from oqu.equeue import services
from oqu.equeue.models import AllocationRun, Application, Direction, Publication
from oqu.kernel.errors import Conflict
from oqu.pki.models import Verification
from oqu.pki.testing_ca import issue_for
from oqu.tests import factories as f

from .conftest import Queue, queued, signed_acceptance

API = "/api/v1/equeue"


def _direction(q: Queue) -> Direction:
    mine = queued(q, preschools=[q.preschool], applicant=q.parent)
    staff = scope.actor_for(q.specialist)
    services.places_publish(actor=staff, group=q.junior, places=1)
    services.allocation_run(actor=staff, district=q.district, seed="eds")
    return Direction.objects.select_related("application__child", "group", "preschool").get(
        application=mine
    )


def _accept_api(client: Client, direction: Direction, signature: str) -> Any:
    return client.post(
        f"{API}/directions/{direction.pk}/accept",
        {"signature": signature},
        content_type="application/json",
    )


def _unchanged(direction: Direction) -> None:
    fresh = Direction.objects.get(pk=direction.pk)
    assert (fresh.status, fresh.signature_id, fresh.enrol_by) == ("issued", None, None)
    assert Application.objects.get(pk=direction.application_id).status == "directed"
    assert not ActionRecord.objects.filter(action="equeue.direction.accept").exists()


def test_map_queue_acceptance_statement_is_canonical_and_names_what_is_accepted(queue: Queue):
    queue.preschool.bin = "950240000016"
    queue.preschool.save(update_fields=["bin"])
    direction = _direction(queue)
    statement = services.acceptance_statement(direction)
    parsed = json.loads(statement)
    assert parsed["direction"] == str(direction.pk)
    assert parsed["preschool"] == {"name": queue.preschool.name, "bin": "950240000016"}
    assert parsed["age_group"]["name"] == queue.junior.name
    assert parsed["child_iin"] == direction.application.child.iin
    assert parsed["accept_by"] == direction.accept_by.isoformat()
    assert parsed["decision"] == "accept"
    # canonical: sorted keys, no spaces, UTF-8 — the same bytes every time
    assert statement == json.dumps(
        parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert queue.preschool.name.encode("utf-8") in statement


def test_map_queue_valid_signature_accepts_and_links_the_verification(
    queue: Queue, client: Client, ca: Any
):
    direction = _direction(queue)
    client.force_login(queue.parent_user)
    # the parent reads the exact statement to sign from the application
    detail = client.get(f"{API}/applications/{direction.application_id}").json()
    [row] = detail["directions"]
    assert row["acceptance_statement"].encode() == services.acceptance_statement(direction)
    response = _accept_api(client, direction, signed_acceptance(ca, queue.parent, direction))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["acceptance_statement"] == ""
    direction.refresh_from_db()
    verification = Verification.objects.get(pk=direction.signature_id)
    assert verification.is_valid
    assert verification.signer_iin == queue.parent.iin
    assert verification.expected_person_id == queue.parent.pk
    assert body["signature_id"] == str(verification.pk)
    record = ActionRecord.objects.get(action="equeue.direction.accept", target_id=str(direction.pk))
    assert record.after["signature"] == str(verification.pk)
    assert record.after["enrol_by"] == direction.enrol_by.isoformat()


@pytest.mark.parametrize("attack", ["another_person", "tampered", "revoked"])
def test_map_queue_bad_signature_is_refused_and_changes_nothing(
    queue: Queue, client: Client, ca: Any, attack: str
):
    direction = _direction(queue)
    statement = services.acceptance_statement(direction)
    if attack == "another_person":
        # the other parent's own valid key: not the applicant's IIN
        other = f.make_person("Басқа", "Адам", queue.parent.birth_date, "M")
        cms = ca.sign(issue_for(ca, other), statement)
        expected = "iin_mismatch"
    elif attack == "tampered":
        # the applicant's key over a statement with another deadline
        changed = statement.replace(direction.accept_by.isoformat().encode(), b"2099-12-31")
        cms = ca.sign(issue_for(ca, queue.parent), changed)
        expected = "tampered"
    else:
        holder = issue_for(ca, queue.parent)
        ca.revoke(holder)
        cms = ca.sign(holder, statement)
        expected = "revoked"
    client.force_login(queue.parent_user)
    response = _accept_api(client, direction, base64.b64encode(cms).decode())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "signature_invalid"
    assert body["fields"]["signature"] == [expected]
    assert body["message"]
    _unchanged(direction)
    # the refused check is stored, as the applicant's expected signature
    stored = Verification.objects.get(pk=body["fields"]["verification"][0])
    assert (stored.outcome, stored.expected_person_id) == (expected, queue.parent.pk)


def test_map_queue_accept_needs_a_signature_and_a_waiting_direction(
    queue: Queue, client: Client, ca: Any
):
    direction = _direction(queue)
    client.force_login(queue.parent_user)
    missing = client.post(
        f"{API}/directions/{direction.pk}/accept", {}, content_type="application/json"
    )
    assert missing.status_code == 422
    garbage = _accept_api(client, direction, "bm90IGEgc2lnbmF0dXJl")
    assert (garbage.status_code, garbage.json()["fields"]["signature"]) == (400, ["malformed"])
    _unchanged(direction)
    signature = signed_acceptance(ca, queue.parent, direction)
    assert _accept_api(client, direction, signature).status_code == 200
    # answered once: a second acceptance is a conflict, without checking anything again
    checks = Verification.objects.count()
    again = _accept_api(client, direction, signature)
    assert (again.status_code, again.json()["code"]) == (409, "already_answered")
    assert Verification.objects.count() == checks


def test_map_queue_declining_stays_a_plain_confirmation(queue: Queue, client: Client):
    direction = _direction(queue)
    client.force_login(queue.parent_user)
    response = client.post(f"{API}/directions/{direction.pk}/decline")
    assert response.json()["status"] == "declined"
    assert Verification.objects.count() == 0
    assert Publication.objects.get().remaining == 1


def test_map_queue_web_accept_page_signs_and_refuses_a_bad_signature(
    queue: Queue, client: Client, ca: Any
):
    direction = _direction(queue)
    client.force_login(queue.parent_user)
    page = client.get(f"/equeue/directions/{direction.pk}/accept/").content.decode()
    # the page shows the statement and hands the signer its exact bytes
    assert base64.b64encode(services.acceptance_statement(direction)).decode() in page
    assert "data-oqu-sign" in page
    other = f.make_person("Басқа", "Адам", queue.parent.birth_date, "M")
    foreign = base64.b64encode(
        ca.sign(issue_for(ca, other), services.acceptance_statement(direction))
    ).decode()
    refused = client.post(f"/equeue/directions/{direction.pk}/accept/", {"signature_text": foreign})
    assert refused.status_code == 400
    assert 'data-outcome="iin_mismatch"' in refused.content.decode()
    _unchanged(direction)
    done = client.post(
        f"/equeue/directions/{direction.pk}/accept/",
        {"signature_text": signed_acceptance(ca, queue.parent, direction)},
    )
    assert done.status_code == 302
    assert Direction.objects.get(pk=direction.pk).status == "accepted"
    # the "accept" button of the application page leads to the signing page
    answer = client.post(f"/equeue/directions/{direction.pk}/answer/", {"answer": "accept"})
    assert answer.url == f"/equeue/directions/{direction.pk}/accept/"


def test_map_queue_another_parent_cannot_open_or_sign_the_acceptance(
    queue: Queue, client: Client, ca: Any
):
    direction = _direction(queue)
    client.force_login(queue.other_parent_user)
    assert client.get(f"/equeue/directions/{direction.pk}/accept/").status_code == 404
    signature = signed_acceptance(ca, queue.parent, direction)
    assert _accept_api(client, direction, signature).status_code == 404
    assert Verification.objects.count() == 0
    _unchanged(direction)


def test_map_queue_direction_changed_while_signing_is_a_conflict(queue: Queue, ca: Any):
    direction = _direction(queue)
    signature = signed_acceptance(ca, queue.parent, direction)
    # the statement the parent signed is checked against the direction as it is at acceptance
    stale = Direction.objects.select_related("application__child", "group", "preschool").get(
        pk=direction.pk
    )
    Direction.objects.filter(pk=direction.pk).update(
        accept_by=direction.accept_by + dt.timedelta(days=1)
    )
    with pytest.raises(Conflict):
        services.direction_accept(
            actor=scope.actor_for(queue.parent_user), direction=stale, signature=signature.encode()
        )
    assert Direction.objects.get(pk=direction.pk).status == "issued"
    assert AllocationRun.objects.count() == 1
