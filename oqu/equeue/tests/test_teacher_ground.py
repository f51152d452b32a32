"""Children of teachers (MAP-QUEUE, DOMAIN.md §3, confidence L): the 2024 rules contain the
category but its rank is unconfirmed, so the rank of the ground is effective-dated rule data
(`equeue.ground_ranks`, first-priority by default) that allocation runs read on their date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from oqu.access import scope
from oqu.equeue import services
from oqu.equeue.models import Application, Direction
from oqu.kernel.models import RuleSet
from oqu.preschool.models import AgeGroup

from .conftest import Queue, queued


def _teacher_child_behind_four(q: Queue) -> tuple[Application, list[Application], AgeGroup]:
    """Four general applications, then a teacher's child who applied last; four places."""
    group = AgeGroup.objects.create(
        organization=q.preschool,
        school_year="2026-2027",
        name="Кіші топ 4",
        kind="junior",
        language="kk",
        capacity=4,
    )
    general = [queued(q, preschools=[q.preschool], minutes_ago=500 - n) for n in range(4)]
    teacher = queued(q, preschools=[q.preschool], minutes_ago=10)
    Application.objects.filter(pk=teacher.pk).update(category="general", category_ground="teacher")
    services.places_publish(actor=scope.actor_for(q.specialist), group=group, places=4)
    return teacher, general, group


def _run(q: Queue) -> Any:
    return services.allocation_run(actor=scope.actor_for(q.specialist), district=q.district)


def test_map_queue_teacher_ground_is_first_priority_by_default(queue: Queue):
    assert services.ground_ranks(timezone.localdate())["teacher"] == "first"
    teacher, general, _group = _teacher_child_behind_four(queue)
    run = _run(queue)
    # the 4th place is reserved first for first priority: the teacher's child takes it
    got = Direction.objects.get(run=run, application=teacher)
    assert (got.sequence, got.priority_slot) == (4, True)
    assert got.priority_status == "pending"  # a priority is confirmed with documents
    assert Application.objects.get(pk=general[-1].pk).status == "queued"


def test_map_queue_teacher_ground_ranked_general_by_a_later_edition(queue: Queue):
    RuleSet.objects.create(
        code="equeue.ground_ranks",
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        value={"teacher": "general"},
        source="test: a later edition ranks teachers' children with everyone else",
        confidence="L",
    )
    teacher, general, _group = _teacher_child_behind_four(queue)
    run = _run(queue)
    assert not Direction.objects.filter(run=run, application=teacher).exists()
    assert set(Direction.objects.filter(run=run).values_list("application_id", flat=True)) == {
        a.pk for a in general
    }


@pytest.mark.parametrize(("rank", "expected"), [("first", "first"), ("general", "general")])
def test_map_queue_applying_on_the_teacher_ground_takes_the_rank_of_the_rules(
    rank: str, expected: str, db: Any
):
    ranks = {"teacher": rank}
    today = timezone.localdate()
    assert services.category_of_ground("teacher", "extraordinary", today, ranks) == expected
    # grounds the rules do not rank keep the category claimed
    assert services.category_of_ground("large_family", "first", today, ranks) == "first"
