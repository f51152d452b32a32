"""MAP-PASS (child part): the child's path from the queue and preschool to school, read-only, for
the parent and authorized staff; staff reads journaled; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oqu.audit.models import ActionRecord
from oqu.equeue.models import Application as QueueApplication
from oqu.equeue.models import Preference
from oqu.eservices.models import Service, ServiceApplication
from oqu.preschool.models import AgeGroup, GroupMembership
from oqu.school.models import SchoolClass
from oqu.school.tests.conftest import make_class, make_year, put_in_class
from oqu.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _path(tree: Any, child: Any, parent: Any, steps: int = 1) -> None:
    """Queue → preschool group(s) → school class → a first-grade application, `steps` of each."""
    for i in range(steps):
        queue = QueueApplication.objects.create(
            organization=tree.district_a1,
            child=child,
            applicant=parent,
            status="enrolled" if i == 0 else "withdrawn",
            desired_date=D(2021, 9, 1),
            submitted_at=timezone.make_aware(dt.datetime(2020, 1, 10 + i, 10, 0)),
        )
        Preference.objects.create(application=queue, preschool=tree.preschool_a1, rank=1)
        group, _new = AgeGroup.objects.get_or_create(
            organization=tree.preschool_a1,
            school_year=f"{2021 + i}-{2022 + i}",
            name=f"Күншуақ {i}",
            defaults={"kind": "junior", "capacity": 20},
        )
        enrolment = f.enrol(
            child, tree.preschool_a1, level="preschool", grade=None, end_date=D(2022 + i, 5, 31)
        )
        GroupMembership.objects.create(
            organization=tree.preschool_a1,
            group=group,
            child=child,
            enrolment=enrolment,
            start_date=D(2021 + i, 9, 1),
            start_move="enrolled",
            end_date=D(2022 + i, 5, 31),
            end_move="moved",
        )
    school_class = SchoolClass.objects.filter(organization=tree.school_a1).first()
    put_in_class(child, school_class or make_class(make_year(tree.school_a1), 1, "А"))
    ServiceApplication.objects.create(
        organization=tree.school_a1,
        service=Service.objects.get(code="first_grade_enrolment"),
        applicant=parent,
        subject=child,
        status="enrolled",
        is_final=True,
        submitted_at=timezone.now(),
        status_since=timezone.now(),
    )


@pytest.fixture
def kin(org_tree: Any, user_with_role: Any) -> Any:
    parent = f.make_person("Сейітова", "Гүлнар", D(1990, 1, 1), "F")
    child = f.make_person("Сейітов", "Алихан", D(2019, 6, 1), "M")
    f.guard(parent, child, "mother")
    _path(org_tree, child, parent)

    class Kin:
        pass

    k = Kin()
    k.tree, k.parent, k.child = org_tree, parent, child
    k.parent_user = f.make_user("pass-parent", person=parent)
    k.director = user_with_role("school_director", org_tree.school_a1)
    k.teacher = user_with_role("school_teacher", org_tree.school_a1)
    k.district = user_with_role("district_specialist", org_tree.district_a1)
    k.b_director = user_with_role("school_director", org_tree.school_b1)
    k.other_parent = f.make_user(
        "pass-other", person=f.make_person("Басқа", "Ата", D(1980, 1, 1), "M")
    )
    return k


def test_map_pass_parent_reads_the_childs_path_from_queue_to_school(kin):
    body = _client(kin.parent_user).get(f"/api/v1/passport/children/{kin.child.pk}").json()
    assert [s["kind"] for s in body["timeline"]] == ["queue", "preschool", "school", "eservice"]
    assert body["preschool_groups"][0]["group"] == "Күншуақ 0"
    assert body["school_classes"][0]["class_name"] == "1А"
    assert body["queue_applications"][0]["preferences"] == [kin.tree.preschool_a1.name]
    assert body["eservice_applications"][0]["service"] == "first_grade_enrolment"
    assert {e["level"] for e in body["enrolments"]} == {"preschool", "school"}
    children = _client(kin.parent_user).get("/api/v1/passport/children").json()
    assert [c["id"] for c in children] == [str(kin.child.pk)]
    assert not ActionRecord.objects.filter(action="passport.child.read").exists()


def test_map_pass_staff_reads_are_journaled_outsiders_get_404(kin):
    url = f"/api/v1/passport/children/{kin.child.pk}"
    assert _client(kin.director).get(url).status_code == 200
    assert _client(kin.district).get(url).status_code == 200
    reads = ActionRecord.objects.filter(action="passport.child.read", target_id=str(kin.child.pk))
    assert reads.count() == 2
    assert reads.filter(organization=kin.tree.school_a1).count() == 2
    assert _client(kin.teacher).get(url).status_code == 403
    for outsider in (kin.b_director, kin.other_parent):
        assert _client(outsider).get(url).status_code == 404
        assert _client(outsider).get(f"/passport/children/{kin.child.pk}/").status_code == 404
    assert reads.count() == 2


def test_map_pass_web_page_shows_the_path(kin):
    page = _client(kin.parent_user).get(f"/passport/children/{kin.child.pk}/").content.decode()
    assert "Күншуақ 0" in page
    assert "1А" in page
    assert kin.tree.school_a1.name in page
    index = _client(kin.parent_user).get("/passport/").content.decode()
    assert str(kin.child.pk) in index


def test_map_pass_query_count_is_fixed(kin):
    url = f"/api/v1/passport/children/{kin.child.pk}"
    client = _client(kin.director)
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    longer = f.make_person("Сейітова", "Айым", D(2019, 2, 2), "F")
    f.guard(kin.parent, longer)
    _path(kin.tree, longer, kin.parent, steps=3)
    with CaptureQueriesContext(connection) as long:
        body = client.get(f"/api/v1/passport/children/{longer.pk}").json()
    assert len(body["preschool_groups"]) == 3
    assert len(body["queue_applications"]) == 3
    assert len(long.captured_queries) == len(short.captured_queries) <= 25
