"""The enrolment term after an accepted direction (MAP-QUEUE §3, MAP-SVC-06): the child is
enrolled within 5 days of the notification, extendable at the parent's request up to 30 days
(rule set `equeue.enrolment`); past the term the daily job cancels the direction, returns the
place and puts the applicant on the stop list. Frozen time moves the days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from oqu.access import scope
from oqu.audit.models import ActionRecord
from oqu.equeue import services, tasks
from oqu.equeue.models import Application, Direction, Publication, StopEntry
from oqu.kernel.errors import Conflict, NotFound, ValidationError
from oqu.kernel.models import RuleSet
from oqu.notifications.models import Notification

from .conftest import Queue, accept_signed, queued

API = "/api/v1/equeue"


def _accepted(q: Queue, ca: Any) -> Direction:
    mine = queued(q, preschools=[q.preschool], applicant=q.parent)
    staff = scope.actor_for(q.specialist)
    services.places_publish(actor=staff, group=q.junior, places=1)
    services.allocation_run(actor=staff, district=q.district, seed="term")
    direction = Direction.objects.select_related("application__child", "group", "preschool").get(
        application=mine
    )
    return accept_signed(ca, q, direction)


def _later(days: int) -> Any:
    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


def test_map_queue_acceptance_sets_the_enrol_by_day_from_the_rules(queue: Queue, ca: Any):
    direction = _accepted(queue, ca)
    issued = timezone.localdate(direction.created_at)
    assert direction.enrol_by == max(issued + dt.timedelta(days=5), direction.accept_by)
    assert services.latest_enrol_by(direction) == issued + dt.timedelta(days=30)


def test_map_queue_enrolment_term_is_rule_data_with_an_effective_date(queue: Queue, ca: Any):
    RuleSet.objects.create(
        code="equeue.enrolment",
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        value={"days": 10, "max_days": 20},
        source="test edition",
        confidence="M",
    )
    direction = _accepted(queue, ca)
    issued = timezone.localdate(direction.created_at)
    assert direction.enrol_by == max(issued + dt.timedelta(days=10), direction.accept_by)
    assert services.latest_enrol_by(direction) == issued + dt.timedelta(days=20)


def test_map_queue_parent_extends_the_term_with_a_reason_up_to_the_maximum(
    queue: Queue, client: Client, ca: Any
):
    direction = _accepted(queue, ca)
    latest = services.latest_enrol_by(direction)
    url = f"{API}/directions/{direction.pk}/extension"
    client.force_login(queue.parent_user)
    too_far = client.post(
        url,
        {"until": (latest + dt.timedelta(days=1)).isoformat(), "reason": "болезнь"},
        content_type="application/json",
    )
    assert (too_far.status_code, too_far.json()["code"]) == (400, "extension_invalid")
    no_reason = client.post(
        url, {"until": latest.isoformat(), "reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    # another parent does not see the direction at all
    client.force_login(queue.other_parent_user)
    foreign = client.post(
        url, {"until": latest.isoformat(), "reason": "x"}, content_type="application/json"
    )
    assert foreign.status_code == 404
    client.force_login(queue.parent_user)
    done = client.post(
        url,
        {"until": latest.isoformat(), "reason": "Бала ауырып қалды"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["enrol_by"], done.json()["extension_reason"]) == (
        latest.isoformat(),
        "Бала ауырып қалды",
    )
    record = ActionRecord.objects.get(action="equeue.direction.extend", target_id=str(direction.pk))
    assert record.before["enrol_by"] == direction.enrol_by.isoformat()
    assert record.after["enrol_by"] == latest.isoformat()
    # nothing further than the maximum, even in steps
    with pytest.raises(ValidationError):
        services.direction_extend(
            actor=scope.actor_for(queue.parent_user),
            direction=direction,
            until=latest + dt.timedelta(days=1),
            reason="again",
        )


def test_map_queue_web_extension_form(queue: Queue, client: Client, ca: Any):
    direction = _accepted(queue, ca)
    client.force_login(queue.parent_user)
    page = client.get(f"/equeue/applications/{direction.application_id}/").content.decode()
    assert 'data-testid="enrol-by"' in page
    assert f"/equeue/directions/{direction.pk}/extension/" in page
    until = direction.enrol_by + dt.timedelta(days=7)
    client.post(
        f"/equeue/directions/{direction.pk}/extension/",
        {"until": until.isoformat(), "reason": "Командировка"},
    )
    direction.refresh_from_db()
    assert (direction.enrol_by, direction.extension_reason) == (until, "Командировка")
    client.force_login(queue.other_parent_user)
    response = client.post(
        f"/equeue/directions/{direction.pk}/extension/",
        {"until": (until + dt.timedelta(days=1)).isoformat(), "reason": "x"},
    )
    assert response.status_code == 404


def test_map_queue_daily_job_cancels_a_direction_not_enrolled_in_time(queue: Queue, ca: Any):
    direction = _accepted(queue, ca)
    days_left = (direction.enrol_by - timezone.localdate()).days
    # on the last day nothing happens
    with _later(days_left):
        assert tasks.cancel_overdue_directions.call() == 0
    # the day after: cancelled, the place back, the applicant on the stop list, told so
    with _later(days_left + 1):
        assert tasks.cancel_overdue_directions.call() == 1
        today = timezone.localdate()
        direction.refresh_from_db()
        assert direction.status == "cancelled"
        assert Publication.objects.get().remaining == 1
        entry = StopEntry.objects.get(application_id=direction.application_id)
        assert entry.until == today + dt.timedelta(days=10)
        assert Application.objects.get(pk=direction.application_id).status == "queued"
        notice = Notification.objects.filter(user=queue.parent_user).order_by("-created_at")[0]
        assert entry.until.isoformat() in notice.body
        assert ActionRecord.objects.filter(
            action="equeue.stop_list.add", target_id=str(direction.application_id)
        ).exists()
        # the head can no longer enrol the child on it
        with pytest.raises((Conflict, NotFound)):
            services.direction_enrol(actor=scope.actor_for(queue.head), direction=direction)


def test_map_queue_extension_keeps_the_direction_past_the_first_term(queue: Queue, ca: Any):
    direction = _accepted(queue, ca)
    first = direction.enrol_by
    services.direction_extend(
        actor=scope.actor_for(queue.parent_user),
        direction=direction,
        until=first + dt.timedelta(days=10),
        reason="Ауруханада",
    )
    with _later((first - timezone.localdate()).days + 3):
        assert services.cancel_overdue() == 0
        done = services.direction_enrol(actor=scope.actor_for(queue.head), direction=direction)
        assert done.status == "enrolled"
