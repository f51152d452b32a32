"""A parent puts a child in the queue through the API and the person register (MAP-QUEUE §1,
MAP-SVC-05): eligibility by residence, ordered choices, priority documents, anti-fraud signals,
notifications, and nobody but the applicant (and district staff) sees the application."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.equeue.models import Application, Flag, StatusChange
from oqu.notifications.models import Notification
from oqu.people.models import Guardianship
from oqu.tests import factories as f

from .conftest import Queue, register_entry, toddler_birth

API = "/api/v1/equeue/applications"


def _child(n: int = 0, birth: dt.date | None = None) -> Any:
    return f.make_person("Серікұлы", f"Арман{n}", birth or toddler_birth(), "M")


def _apply(client: Client, user: Any, child_iin: str, preschools: list[Any], **extra: Any) -> Any:
    client.force_login(user)
    data = {
        "child_iin": child_iin,
        "preschools": [str(p.pk) for p in preschools],
        "desired_date": timezone.localdate().isoformat(),
        "language": "kk",
        **extra,
    }
    return client.post(API, data)


@pytest.mark.django_db(transaction=False)
def test_map_queue_parent_applies_by_iin_checked_against_the_register(
    queue: Queue, person_register: Any, client: Client
):
    child = _child()
    person_register(
        persons=[register_entry(child, [(queue.parent, "mother")]), register_entry(queue.parent)]
    )
    response = _apply(client, queue.parent_user, child.iin, [queue.preschool2, queue.preschool])
    assert response.status_code == 201, response.content
    body = response.json()
    # the register's address decided the district; the choices keep their order
    assert body["organization_id"] == str(queue.district.pk)
    assert [(p["rank"], p["preschool_id"]) for p in body["positions"]] == [
        (1, str(queue.preschool2.pk)),
        (2, str(queue.preschool.pk)),
    ]
    assert all(p["position"] == 1 for p in body["positions"])
    assert body["history"][0]["status"] == "queued"
    assert body["flags"] == []  # a parent never sees the anti-fraud signals
    # the register's relation is recorded, the parent is notified, the change journaled
    assert Guardianship.objects.filter(guardian=queue.parent, child=child).exists()
    assert Notification.objects.filter(user=queue.parent_user, topic="equeue.application").exists()
    assert ActionRecord.objects.filter(action="equeue.application.submit").count() == 1


def test_map_queue_position_per_organization_counts_who_stands_ahead(
    queue: Queue, person_register: Any, client: Client
):
    from .conftest import queued

    queued(queue, preschools=[queue.preschool], minutes_ago=50)
    queued(queue, preschools=[queue.preschool2], minutes_ago=40)
    queued(queue, preschools=[queue.preschool], category="extraordinary", minutes_ago=1)
    child = _child()
    person_register(persons=[register_entry(child, [(queue.parent, "mother")])])
    response = _apply(client, queue.parent_user, child.iin, [queue.preschool, queue.preschool2])
    positions = {p["preschool_id"]: p["position"] for p in response.json()["positions"]}
    # two ahead at the first (one earlier, one extraordinary), one at the second
    assert positions == {str(queue.preschool.pk): 3, str(queue.preschool2.pk): 2}


def test_map_queue_register_refusals_are_4xx_with_codes(
    queue: Queue, person_register: Any, client: Client
):
    child = _child(1)
    stranger_child = _child(2)
    old_child = _child(3, birth=timezone.localdate() - dt.timedelta(days=7 * 366))
    elsewhere = _child(4)
    person_register(
        persons=[
            register_entry(child, [(queue.parent, "mother")]),
            register_entry(stranger_child, []),
            register_entry(old_child, [(queue.parent, "mother")]),
            register_entry(elsewhere, [(queue.parent, "mother")], kato="100000000"),
        ]
    )
    not_known = f.make_person("Жоқ", "Адам", toddler_birth(), "F")
    cases = [
        (not_known.iin, [queue.preschool], 400, "child_unknown"),
        (stranger_child.iin, [queue.preschool], 403, "not_representative"),
        (old_child.iin, [queue.preschool], 400, "too_old"),
        (elsewhere.iin, [queue.preschool], 400, "no_district"),
        (child.iin, [queue.tree.school_a1], 400, "preference_outside_district"),
        (child.iin, [queue.tree.school_a1], 400, "preference_outside_district"),
    ]
    for iin, preschools, status, code in cases:
        response = _apply(client, queue.parent_user, iin, preschools)
        assert (response.status_code, response.json()["code"]) == (status, code), iin
    priority = _apply(client, queue.parent_user, child.iin, [queue.preschool], category="first")
    assert priority.json()["code"] == "priority_documents_required"
    assert not Application.objects.exists()  # nothing half-written


def test_map_queue_register_down_is_503_not_500(queue: Queue, client: Client, settings: Any):
    settings.OQU_PERSON_REGISTER_URL = "http://127.0.0.1:9"
    response = _apply(client, queue.parent_user, _child().iin, [queue.preschool])
    assert (response.status_code, response.json()["code"]) == (503, "register_unavailable")


def test_map_ai_antifraud_signals(queue: Queue, person_register: Any, client: Client):
    """Document reused for two children, children born implausibly close, an address that does
    not match the register, and another applicant for a child already in the queue."""
    first = _child(1, birth=toddler_birth(30))
    second = _child(2, birth=toddler_birth(30) + dt.timedelta(days=90))
    rival = f.make_person("Басқа", "Әке", dt.date(1988, 1, 1), "M")
    rival_user = f.make_user("rival", person=rival)
    person_register(
        persons=[
            register_entry(first, [(queue.parent, "mother"), (rival, "father")]),
            register_entry(second, [(queue.parent, "mother")]),
            register_entry(queue.parent, kato="751110099"),
        ]
    )
    paper = b"%PDF-1.4 certificate of a large family"
    a = _apply(
        client,
        queue.parent_user,
        first.iin,
        [queue.preschool],
        category="first",
        category_ground="large_family",
        documents=SimpleUploadedFile("c.pdf", paper),
    )
    assert a.status_code == 201, a.content
    b = _apply(
        client,
        queue.parent_user,
        second.iin,
        [queue.preschool],
        category="first",
        category_ground="large_family",
        documents=SimpleUploadedFile("copy.pdf", paper),
        declared_kato="751110555",
    )
    assert b.status_code == 201, b.content
    first_app = Application.objects.get(child=first)
    second_app = Application.objects.get(child=second)
    assert set(first_app.flags.values_list("code", flat=True)) == {
        Flag.Code.DOCUMENT_REUSED,
        Flag.Code.ADDRESS_MISMATCH,
    }
    assert set(second_app.flags.values_list("code", flat=True)) == {
        Flag.Code.DOCUMENT_REUSED,
        Flag.Code.ADDRESS_MISMATCH,
        Flag.Code.CLOSE_BIRTHS,
    }
    # the other parent applies for the same child: refused, and the first application is flagged
    again = _apply(client, rival_user, first.iin, [queue.preschool])
    assert (again.status_code, again.json()["code"]) == (409, "already_queued")
    assert first_app.flags.filter(code=Flag.Code.DUPLICATE_CHILD).exists()
    # district staff see the signals; the parent does not
    client.force_login(queue.specialist)
    staff_view = client.get(f"{API}/{first_app.pk}").json()
    assert {x["code"] for x in staff_view["flags"]} >= {"document_reused", "duplicate_child"}


def test_map_queue_a_parent_sees_only_their_own_applications(
    queue: Queue, client: Client, django_assert_max_num_queries: Any
):
    from .conftest import queued

    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent)
    theirs = queued(queue, preschools=[queue.preschool])
    client.force_login(queue.parent_user)
    listed = client.get(API).json()["items"]
    assert [row["id"] for row in listed] == [str(mine.pk)]
    assert client.get(f"{API}/{mine.pk}").status_code == 200
    assert client.get(f"{API}/{theirs.pk}").status_code == 404
    assert client.post(f"{API}/{theirs.pk}/withdraw").status_code == 404
    assert client.get(f"/equeue/applications/{theirs.pk}/").status_code == 404
    assert client.get(f"/equeue/applications/{mine.pk}/").status_code == 200
    # district staff of another district see nothing either
    client.force_login(f.make_user("a2-specialist"))
    assert client.get(f"{API}/{mine.pk}").status_code == 404
    # the list costs the same number of queries for 2 rows or 12
    client.force_login(queue.specialist)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(API).json()["items"]) == 2
    for _ in range(10):
        queued(queue, preschools=[queue.preschool])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(API).json()["items"]) == 12
    assert len(many) == len(few)


def test_map_queue_withdraw_notifies_and_keeps_history(queue: Queue, client: Client):
    from .conftest import queued

    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent)
    client.force_login(queue.parent_user)
    response = client.post(f"{API}/{mine.pk}/withdraw")
    assert response.json()["status"] == "withdrawn"
    assert StatusChange.objects.filter(application=mine, status="withdrawn").exists()
    assert Notification.objects.filter(user=queue.parent_user).count() == 1
