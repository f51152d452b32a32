"""The demo seed's preschool queue (MAP-QUEUE): a few applications with preferences in the demo
district and one published run, the demo parent with a direction; running it again adds nothing."""

from __future__ import annotations

from oqu.equeue.demo import CHILDREN, ensure_demo_queue
from oqu.equeue.models import AllocationRun, Application, Direction
from oqu.equeue.services import run_verify

from .conftest import Queue


def test_map_queue_demo_queue_is_filled_once_and_the_parent_gets_a_direction(queue: Queue):
    added = ensure_demo_queue(queue.specialist, queue.parent_user, near=queue.preschool)
    assert added == len(CHILDREN)
    run = AllocationRun.objects.get(organization=queue.district)
    assert run.assigned > 0
    assert run_verify(run)
    mine = Application.objects.get(applicant=queue.parent)
    assert mine.preferences.count() == 2
    assert Direction.objects.filter(application=mine, status="issued").exists()
    assert Application.objects.filter(organization=queue.district, status="queued").exists()
    # idempotent: a district with a run is left as it is
    assert ensure_demo_queue(queue.specialist, queue.parent_user) == 0
    assert AllocationRun.objects.count() == 1
    assert Application.objects.count() == len(CHILDREN)
