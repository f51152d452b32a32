"""Age groups, moves between groups, leaving, the August move as one reviewed batch (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.people.models import Enrolment
from oqu.preschool import selectors, services
from oqu.preschool.models import GroupMembership, TransitionBatch

from .conftest import enrol_child, make_group

AUGUST = dt.date(2027, 8, 20)
IN_AUGUST = dt.datetime(2027, 8, 20, 10, 0, tzinfo=dt.UTC)


def test_pre25_3_group_create_validates_and_journals(kg: Any) -> None:
    head = actor_for(kg.head)
    group = services.group_create(
        actor=head,
        organization=kg.org,
        school_year="2026-2027",
        name="Жұлдыз",
        kind="senior",
        capacity=25,
        educator=kg.educator.person,
    )
    assert ActionRecord.objects.filter(action="preschool.group.create", target_id=str(group.pk))
    with pytest.raises(ValidationError) as bad_year:
        services.group_create(
            actor=head,
            organization=kg.org,
            school_year="2026-2028",
            name="X",
            kind="senior",
            capacity=5,
        )
    assert bad_year.value.code == "school_year_invalid"
    with pytest.raises(Conflict):
        services.group_create(
            actor=head,
            organization=kg.org,
            school_year="2026-2027",
            name="Жұлдыз",
            kind="senior",
            capacity=5,
        )


def test_pre25_3_norm_cannot_fall_below_the_children(kg: Any) -> None:
    head = actor_for(kg.head)
    enrol_child(kg.head, kg.group, "Екінші")
    with pytest.raises(Conflict) as refused:
        services.group_update(actor=head, group=kg.group, capacity=1)
    assert refused.value.code == "capacity_below_children"
    services.group_update(actor=head, group=kg.group, capacity=2)
    assert selectors.group_get(head, kg.group.pk).free_places == 0


def test_pre25_10_educator_and_foreign_head_cannot_manage_groups(kg: Any) -> None:
    with pytest.raises(Forbidden):
        services.group_update(actor=actor_for(kg.educator), group=kg.group, capacity=30)
    with pytest.raises(NotFound):
        services.group_update(actor=actor_for(kg.foreign_head), group=kg.group, capacity=30)


def test_pre25_3_move_between_groups_keeps_the_norm_and_history(kg: Any) -> None:
    head = actor_for(kg.head)
    membership = services.current_membership(kg.child)
    moved = services.child_move(
        actor=head, membership=membership, to_group=kg.other_group, on=dt.date(2026, 10, 1)
    )
    membership.refresh_from_db()
    assert (membership.end_move, moved.start_move) == ("moved", "moved")
    assert Enrolment.objects.get(person=kg.child).group_name == kg.other_group.name
    small = make_group(kg.org, "Кішкентай", capacity=1)
    enrol_child(kg.head, small, "Толы")
    with pytest.raises(Conflict) as full:
        services.child_move(actor=head, membership=moved, to_group=small, on=dt.date(2026, 10, 2))
    assert full.value.code == "group_full"
    with pytest.raises(ValidationError):
        services.child_move(
            actor=head, membership=moved, to_group=kg.foreign_group, on=dt.date(2026, 10, 2)
        )


def test_pre25_3_leaving_ends_the_stay_and_the_enrolment(kg: Any) -> None:
    head = actor_for(kg.head)
    membership = services.current_membership(kg.child)
    with pytest.raises(ValidationError):
        services.child_leave(actor=head, membership=membership, on=dt.date(2026, 11, 1), reason=" ")
    services.child_leave(
        actor=head, membership=membership, on=dt.date(2026, 11, 1), reason="Moved to Astana"
    )
    assert services.current_membership(kg.child) is None
    assert Enrolment.objects.get(person=kg.child).end_date == dt.date(2026, 11, 1)
    assert selectors.group_get(head, kg.group.pk).children == 0


def _next_year(kg: Any) -> tuple[Any, Any]:
    senior = make_group(kg.org, "Жұлдыз", kind="senior", school_year="2027-2028")
    senior_ru = make_group(
        kg.org, "Звёздочка", kind="senior", school_year="2027-2028", language="ru"
    )
    return senior, senior_ru


def test_pre25_3_yearly_move_only_in_august(kg: Any) -> None:
    _next_year(kg)
    with pytest.raises(ValidationError) as refused:
        services.transition_prepare(
            actor=actor_for(kg.head),
            organization=kg.org,
            from_year="2026-2027",
            on=dt.date(2027, 7, 31),
        )
    assert refused.value.code == "outside_move_window"


@time_machine.travel(IN_AUGUST, tick=False)
def test_pre25_3_yearly_move_proposed_reviewed_and_applied_at_once(kg: Any) -> None:
    head = actor_for(kg.head)
    senior, senior_ru = _next_year(kg)
    pre = make_group(kg.org, "Мектепалды", kind="pre_school", capacity=5)
    graduate = enrol_child(kg.head, pre, "Түлек")
    batch = services.transition_prepare(
        actor=head, organization=kg.org, from_year="2026-2027", on=AUGUST
    )
    lines = {line.child_id: line for line in selectors.batch_lines(batch)}
    # middle → senior of the same language; the pre-school group leaves for school
    assert lines[kg.child.pk].to_group == senior
    assert lines[graduate.pk].to_group is None
    # the head corrects one child's target
    services.transition_line_set(actor=head, line=lines[kg.child.pk], to_group=senior_ru)
    with pytest.raises(ValidationError):
        services.transition_line_set(actor=head, line=lines[kg.child.pk], to_group=kg.group)
    services.transition_apply(actor=head, batch=batch, on=AUGUST)
    batch.refresh_from_db()
    assert batch.status == TransitionBatch.Status.APPLIED
    assert services.current_membership(kg.child).group == senior_ru
    assert services.current_membership(kg.sibling_group_child).group == senior
    assert services.current_membership(graduate) is None
    assert Enrolment.objects.get(person=graduate).end_date == AUGUST
    record = ActionRecord.objects.get(action="preschool.transition.apply", target_id=str(batch.pk))
    assert len(record.after["moves"]) == 3
    with pytest.raises(Conflict):
        services.transition_apply(actor=head, batch=batch, on=AUGUST)


@time_machine.travel(IN_AUGUST, tick=False)
def test_pre25_3_yearly_move_over_the_norm_changes_nothing(kg: Any) -> None:
    head = actor_for(kg.head)
    senior, senior_ru = _next_year(kg)
    senior.capacity = 1
    senior.save()
    senior_ru.delete()
    batch = services.transition_prepare(
        actor=head, organization=kg.org, from_year="2026-2027", on=AUGUST
    )
    with pytest.raises(Conflict) as refused:
        services.transition_apply(actor=head, batch=batch, on=AUGUST)
    assert refused.value.code == "group_full"
    # one transaction: nobody moved
    assert services.current_membership(kg.child).group == kg.group
    assert not GroupMembership.objects.filter(group=senior).exists()
    batch.refresh_from_db()
    assert batch.status == TransitionBatch.Status.DRAFT


def test_pre25_3_group_list_queries_do_not_grow_with_groups(kg: Any) -> None:
    head = actor_for(kg.head)
    with CaptureQueriesContext(connection) as few:
        list(selectors.group_list(head))
    for number in range(5):
        enrol_child(kg.head, make_group(kg.org, f"Топ {number}"), f"Бала {number}")
    with CaptureQueriesContext(connection) as many:
        rows = list(selectors.group_list(head))
    assert len(rows) == 7
    assert len(many) == len(few)
