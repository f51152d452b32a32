"""The queue's web pages (MAP-QUEUE, MAP-SVC-05, MAP-SVC-06): district staff publish places and run
the allocation, the parent accepts, the preschool head enrols; forbidden paths answer 403/404."""

from __future__ import annotations

from typing import Any

from django.test import Client

from oqu.equeue.models import AllocationRun, Application, Direction, Publication
from oqu.preschool.models import GroupMembership

from .conftest import Queue, queued, signed_acceptance


def test_map_queue_web_publish_run_accept_enrol(queue: Queue, client: Client, ca: Any):
    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent)
    client.force_login(queue.specialist)
    page = client.get("/equeue/district/")
    assert page.status_code == 200
    assert queue.junior.name in page.content.decode()
    client.post("/equeue/district/", {"action": "publish", "group": queue.junior.pk, "places": 1})
    assert Publication.objects.get().places == 1
    client.post("/equeue/district/", {"action": "run", "district": queue.district.pk})
    run = AllocationRun.objects.get()
    run_page = client.get(f"/equeue/runs/{run.pk}/").content.decode()
    assert run.result_hash in run_page
    direction = Direction.objects.get(application=mine)
    # the parent sees the direction and accepts it on the application page
    client.force_login(queue.parent_user)
    detail = client.get(f"/equeue/applications/{mine.pk}/").content.decode()
    assert f"/equeue/directions/{direction.pk}/accept/" in detail
    # accepting is signed: the page shows the statement; the signature of it accepts
    page = client.get(f"/equeue/directions/{direction.pk}/accept/")
    assert page.status_code == 200
    assert mine.child.iin in page.content.decode()
    signature = signed_acceptance(ca, queue.parent, direction)
    done = client.post(f"/equeue/directions/{direction.pk}/accept/", {"signature_text": signature})
    assert done.status_code == 302
    assert Direction.objects.get(pk=direction.pk).status == "accepted"
    # the head of the preschool enrols the child
    client.force_login(queue.head)
    assert mine.child.last_name_ru in client.get("/equeue/directions/").content.decode()
    client.post("/equeue/directions/", {"direction": direction.pk})
    assert GroupMembership.objects.filter(child=mine.child, group=queue.junior).exists()
    assert Application.objects.get(pk=mine.pk).status == "enrolled"


def test_map_queue_web_refusals(queue: Queue, client: Client, user_with_role: Any):
    mine = queued(queue, preschools=[queue.preschool], applicant=queue.parent)
    # a head cannot publish places; the page shows the refusal and nothing is published
    client.force_login(queue.head)
    client.post("/equeue/district/", {"action": "publish", "group": queue.junior.pk, "places": 1})
    assert not Publication.objects.exists()
    # another district's specialist does not see the application; another parent neither
    client.force_login(user_with_role("district_specialist", queue.tree.district_a2))
    assert client.get(f"/equeue/applications/{mine.pk}/").status_code == 404
    client.force_login(queue.other_parent_user)
    assert client.get(f"/equeue/applications/{mine.pk}/").status_code == 404
    # a bad IIN at the first step of applying stays on the form
    response = client.get("/equeue/apply/", {"child_iin": "123"})
    assert response.status_code == 200
    assert 'data-testid="child-form"' in response.content.decode()
