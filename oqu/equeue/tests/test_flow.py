"""Places, the allocation run, directions, priority confirmation, the stop list and enrolment
(MAP-QUEUE §2-5, MAP-SVC-06): through the services and the HTTP API, on the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from oqu.access import scope
from oqu.audit.models import ActionRecord
from oqu.equeue import services
from oqu.equeue.models import (
    AllocationRun,
    Application,
    Direction,
    Publication,
    SeatCounter,
    StopEntry,
)
from oqu.kernel import calendar
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.notifications.models import Notification
from oqu.preschool.models import GroupMembership

from .conftest import Queue, accept_signed, queued, signed_acceptance

API = "/api/v1/equeue"


def _publish(q: Queue, group: Any, places: int) -> Publication:
    return services.places_publish(actor=scope.actor_for(q.specialist), group=group, places=places)


def _run(q: Queue, seed: str = "seed-1") -> AllocationRun:
    return services.allocation_run(
        actor=scope.actor_for(q.specialist), district=q.district, seed=seed
    )


def test_map_queue_run_assigns_by_standing_and_preferences_and_stores_everything(queue: Queue):
    early = queued(queue, preschools=[queue.preschool, queue.preschool2], minutes_ago=300)
    late = queued(queue, preschools=[queue.preschool], minutes_ago=100)
    vip = queued(queue, preschools=[queue.preschool], category="extraordinary", minutes_ago=5)
    other = queued(queue, preschools=[queue.preschool2, queue.preschool], minutes_ago=200)
    _publish(queue, queue.junior, 2)
    _publish(queue, queue.junior2, 1)
    run = _run(queue)
    got = {d.application_id: d.group_id for d in Direction.objects.filter(run=run)}
    # the extraordinary one and the earliest take the two places at the first preschool;
    # `other` takes their first choice; `late` waits
    assert got == {vip.pk: queue.junior.pk, early.pk: queue.junior.pk, other.pk: queue.junior2.pk}
    assert Application.objects.get(pk=late.pk).status == "queued"
    assert Application.objects.get(pk=early.pk).status == "directed"
    assert (run.places, run.assigned, run.applicants) == (3, 3, 4)
    assert SeatCounter.objects.get(group=queue.junior).last_sequence == 2
    assert sum(Publication.objects.values_list("remaining", flat=True)) == 0
    direction = Direction.objects.get(application=early)
    assert direction.accept_by == calendar.add_working_days(timezone.localdate(), 3)
    assert direction.priority_status == "none"
    assert Direction.objects.get(application=vip).priority_by == calendar.add_working_days(
        timezone.localdate(), 5
    )
    assert ActionRecord.objects.filter(
        action="equeue.allocation.run", target_id=str(run.pk)
    ).exists()
    assert services.run_verify(run)


def test_map_queue_same_inputs_and_seed_reproduce_the_published_hash(queue: Queue):
    for minutes in (10, 10, 10, 10):  # exact ties: the lottery decides
        queued(queue, preschools=[queue.preschool], minutes_ago=minutes)
    apps = list(Application.objects.all())
    Application.objects.update(submitted_at=apps[0].submitted_at)
    _publish(queue, queue.junior, 2)
    run = _run(queue, seed="published-seed")
    tampered = AllocationRun.objects.get(pk=run.pk)
    assert services.run_verify(tampered)
    tampered.seed = "another-seed"
    assert not services.run_verify(tampered) or tampered.result_hash != run.result_hash


def test_map_queue_places_never_exceed_free_places(queue: Queue):
    with pytest.raises(ValidationError):
        _publish(queue, queue.junior, 4)  # the norm is 3
    _publish(queue, queue.junior, 3)
    with pytest.raises(ValidationError):
        _publish(queue, queue.junior, 1)  # all three already published
    # a district specialist of another district cannot publish here; a head cannot at all
    with pytest.raises(Forbidden):
        services.places_publish(actor=scope.actor_for(queue.head), group=queue.junior, places=1)


def test_map_queue_age_band_and_language_decide_which_groups_an_applicant_can_take(queue: Queue):
    baby = queued(
        queue, preschools=[queue.preschool], birth=timezone.localdate() - dt.timedelta(days=200)
    )
    russian = queued(queue, preschools=[queue.preschool])
    Application.objects.filter(pk=russian.pk).update(language="ru")
    fits = queued(queue, preschools=[queue.preschool], minutes_ago=1)
    _publish(queue, queue.junior, 3)
    run = _run(queue)
    assert list(Direction.objects.filter(run=run).values_list("application_id", flat=True)) == [
        fits.pk
    ]
    assert set(Application.objects.filter(status="queued").values_list("pk", flat=True)) == {
        baby.pk,
        russian.pk,
    }


def test_map_queue_parent_accepts_head_enrols_child_moves_into_the_group(
    queue: Queue, client: Client, ca: Any
):
    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent)
    _publish(queue, queue.junior, 1)
    _run(queue)
    direction = Direction.objects.get(application=mine)
    # the head cannot enrol before the parent accepts
    client.force_login(queue.head)
    early = client.post(
        f"{API}/directions/{direction.pk}/enrol", {}, content_type="application/json"
    )
    assert (early.status_code, early.json()["code"]) == (409, "not_accepted")
    # someone else's parent cannot answer it
    signature = {"signature": signed_acceptance(ca, queue.parent, direction)}
    client.force_login(queue.other_parent_user)
    refused = client.post(
        f"{API}/directions/{direction.pk}/accept", signature, content_type="application/json"
    )
    assert refused.status_code == 404
    client.force_login(queue.parent_user)
    accepted = client.post(
        f"{API}/directions/{direction.pk}/accept", signature, content_type="application/json"
    )
    assert accepted.json()["status"] == "accepted", accepted.content
    client.force_login(queue.head)
    listed = client.get(f"{API}/directions").json()["items"]
    assert [row["id"] for row in listed] == [str(direction.pk)]
    done = client.post(
        f"{API}/directions/{direction.pk}/enrol", {}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    membership = GroupMembership.objects.get(child=mine.child)
    assert membership.group == queue.junior
    assert membership.source == f"equeue.Direction:{direction.pk}"
    assert Application.objects.get(pk=mine.pk).status == "enrolled"
    statuses = list(mine.history.values_list("status", flat=True))
    assert statuses == ["directed", "enrolled"]
    assert (
        Notification.objects.filter(user=queue.parent_user).count() == 3
    )  # directed, accepted, enrolled


def test_map_queue_declined_place_goes_back_to_the_next_run(queue: Queue):
    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent, minutes_ago=50)
    waiting = queued(queue, preschools=[queue.preschool], minutes_ago=10)
    _publish(queue, queue.junior, 1)
    _run(queue)
    direction = Direction.objects.get(application=mine)
    services.direction_decline(actor=scope.actor_for(queue.parent_user), direction=direction)
    assert Application.objects.get(pk=mine.pk).status == "withdrawn"
    assert Publication.objects.get().remaining == 1
    second = _run(queue, seed="seed-2")
    d = Direction.objects.get(run=second)
    assert (d.application_id, d.sequence) == (waiting.pk, 2)  # the counter went on


def test_map_queue_false_priority_cancels_returns_the_place_and_stops_the_applicant(queue: Queue):
    claimed = queued(queue, preschools=[queue.preschool], category="first", applicant=queue.parent)
    _publish(queue, queue.junior, 1)
    _run(queue)
    direction = Direction.objects.get(application=claimed)
    assert direction.priority_status == "pending"
    staff = scope.actor_for(queue.specialist)
    with pytest.raises(ValidationError):
        services.priority_decide(actor=staff, direction=direction, confirmed=False, reason="")
    with pytest.raises((Forbidden, NotFound)):
        services.priority_decide(
            actor=scope.actor_for(queue.head), direction=direction, confirmed=True
        )
    services.priority_decide(
        actor=staff, direction=direction, confirmed=False, reason="no certificate"
    )
    direction.refresh_from_db()
    claimed.refresh_from_db()
    assert direction.status == "cancelled"
    assert (claimed.status, claimed.category) == ("queued", "general")
    entry = StopEntry.objects.get(application=claimed)
    assert entry.until == timezone.localdate() + dt.timedelta(days=10)
    assert Publication.objects.get().remaining == 1
    # the next run leaves the stopped applicant out; ten days later they are back
    assert _run(queue, seed="s2").assigned == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        assert _run(queue, seed="s3").assigned == 1


def test_map_queue_scheduled_job_cancels_unanswered_directions_after_working_days(
    queue: Queue, ca: Any
):
    silent = queued(queue, preschools=[queue.preschool])
    confirmed_late = queued(
        queue, preschools=[queue.preschool], category="extraordinary", applicant=queue.parent
    )
    _publish(queue, queue.junior, 2)
    _run(queue)
    d_silent = Direction.objects.get(application=silent)
    d_priority = Direction.objects.get(application=confirmed_late)
    # the parent accepts in time, but the documents of the priority never come
    accept_signed(ca, queue, d_priority)
    # on the deadline itself nothing happens
    assert services.cancel_overdue(today=d_silent.accept_by) == 0
    assert services.cancel_overdue(today=d_silent.accept_by + dt.timedelta(days=1)) == 1
    d_silent.refresh_from_db()
    assert d_silent.status == "cancelled"
    assert StopEntry.objects.filter(application=silent).exists()
    # the extraordinary priority unconfirmed after 5 working days: cancelled and downgraded
    assert services.cancel_overdue(today=d_priority.priority_by + dt.timedelta(days=1)) == 1
    confirmed_late.refresh_from_db()
    assert confirmed_late.category == "general"
    assert Publication.objects.get().remaining == 2


def test_map_queue_scheduler_has_the_job():
    from oqu.kernel.schedule import JOBS

    job = next(j for j in JOBS if j.name == "equeue.cancel_overdue_directions")
    assert job.task() is not None


def test_map_queue_explanation_names_who_got_the_place_without_personal_data(
    queue: Queue, client: Client
):
    winner = queued(queue, preschools=[queue.preschool], minutes_ago=500)
    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent, minutes_ago=100)
    _publish(queue, queue.junior, 1)
    run = _run(queue)
    client.force_login(queue.parent_user)
    body = client.get(
        f"{API}/applications/{mine.pk}/explanation", {"preschool_id": str(queue.preschool.pk)}
    ).json()
    assert body["considered"] is True
    assert body["got_place_here"] is False
    assert body["result_hash"] == run.result_hash
    [holder] = body["holders"]
    assert holder["reason"] == "earlier"
    assert holder["pseudonym"] == Direction.objects.get(application=winner).token
    text = str(body)
    assert winner.child.iin not in text
    assert winner.child.first_name_ru not in text
    assert str(winner.pk) not in text
    page = client.get(f"/equeue/applications/{mine.pk}/?explain={queue.preschool.pk}")
    assert holder["pseudonym"] in page.content.decode()


def test_map_queue_run_and_publish_through_the_api_need_the_capability(
    queue: Queue, client: Client
):
    queued(queue, preschools=[queue.preschool])
    client.force_login(queue.head)
    refused = client.post(
        f"{API}/places",
        {"group_id": str(queue.junior.pk), "places": 1},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(queue.specialist)
    published = client.post(
        f"{API}/places",
        {"group_id": str(queue.junior.pk), "places": 1},
        content_type="application/json",
    )
    assert published.status_code == 201, published.content
    run = client.post(
        f"{API}/runs", {"district_id": str(queue.district.pk)}, content_type="application/json"
    )
    assert run.status_code == 201, run.content
    detail = client.get(f"{API}/runs/{run.json()['id']}").json()
    assert detail["reproduced"] is True
    assert detail["assigned"] == 1
    client.force_login(queue.parent_user)
    assert client.get(f"{API}/runs/{run.json()['id']}").status_code == 404
    direction = Direction.objects.get()
    with pytest.raises(Conflict):
        services.direction_enrol(actor=scope.actor_for(queue.head), direction=direction)


def test_map_queue_declining_one_choice_keeps_the_child_waiting_for_the_others(queue: Queue):
    mine = queued(queue, preschools=[queue.preschool, queue.preschool2], applicant=queue.parent)
    _publish(queue, queue.junior, 1)
    _run(queue)
    direction = Direction.objects.get(application=mine)
    services.direction_decline(actor=scope.actor_for(queue.parent_user), direction=direction)
    mine.refresh_from_db()
    assert mine.status == "queued"
    assert list(mine.preferences.values_list("preschool_id", flat=True)) == [queue.preschool2.pk]
    # the next run does not offer the declined organization again; the second choice it does
    _publish(queue, queue.junior2, 1)
    second = _run(queue, seed="again")
    assert Direction.objects.get(run=second).preschool_id == queue.preschool2.pk


def test_map_queue_a_run_never_fills_more_than_the_group_really_has_free(queue: Queue):
    from oqu.preschool import services as preschool_services
    from oqu.tests import factories as f

    for _ in range(3):
        queued(queue, preschools=[queue.preschool])
    _publish(queue, queue.junior, 2)
    # meanwhile the head enrols two children directly: one place is left of the norm of 3
    head = scope.actor_for(queue.head)
    for n in range(2):
        child = f.make_person("Тікелей", f"Бала{n}", dt.date(2024, 1, 1), "F")
        preschool_services.child_enrol(
            actor=head, group=queue.junior, child=child, on=timezone.localdate()
        )
    run = _run(queue)
    assert run.assigned == 1
    assert GroupMembership.objects.filter(group=queue.junior, end_date__isnull=True).count() == 2
