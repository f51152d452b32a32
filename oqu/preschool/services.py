"""Changes to age groups and their children: validate → `scope.require` → change → journal, in one
transaction (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError
from oqu.people import services as people_services
from oqu.people.models import Enrolment, Level, Person

from .models import AgeGroup, GroupMembership

GROUP_MANAGE = "preschool.group.manage"
MEMBERSHIP_FIELDS = [
    "child_id",
    "group_id",
    "start_date",
    "start_move",
    "end_date",
    "end_move",
    "end_reason",
    "source",
]


def membership_snapshot(m: GroupMembership) -> dict[str, Any]:
    return journal.snapshot(m, MEMBERSHIP_FIELDS)


def _check_room(group: AgeGroup) -> None:
    # The group row is locked first, so two enrolments into the last place cannot both pass.
    AgeGroup.objects.select_for_update().filter(pk=group.pk).first()
    taken = GroupMembership.objects.filter(group=group, end_date__isnull=True).count()
    if taken >= group.capacity:
        raise Conflict(_("The group has no free places."), code="group_full")


def _preschool_enrolment(actor: Actor, group: AgeGroup, child: Person, on: dt.date) -> Enrolment:
    """The child's main preschool enrolment in this organization, reused or created."""
    organization = group.organization
    enrolment = Enrolment.objects.filter(
        person=child, level=Level.PRESCHOOL, is_main=True, end_date__isnull=True
    ).first()
    if enrolment is not None and enrolment.organization_id != organization.pk:
        raise Conflict(
            _("The child attends another preschool organization; it must let the child go first."),
            code="enrolled_elsewhere",
        )
    if enrolment is None:
        return people_services.enrolment_create(
            actor=actor,
            person=child,
            organization=organization,
            level=Level.PRESCHOOL,
            start_date=on,
            group_name=group.name,
        )
    enrolment.group_name = group.name
    enrolment.save(update_fields=["group_name", "updated_at"])
    return enrolment


@transaction.atomic
def child_enrol(
    *, actor: Actor, group: AgeGroup, child: Person, on: dt.date, source: str = ""
) -> GroupMembership:
    """Put a child into an age group (e.g. on a direction from the queue: `source` names it).

    The norm is never exceeded; a child is in at most one group at a time.
    """
    scope.require(actor, GROUP_MANAGE, group.organization, target=group)
    if not group.is_active:
        raise ValidationError(_("The group is closed."), code="group_closed")
    if GroupMembership.objects.filter(child=child, end_date__isnull=True).exists():
        raise Conflict(
            _("The child is already in a group; move them instead."), code="already_in_group"
        )
    _check_room(group)
    enrolment = _preschool_enrolment(actor, group, child, on)
    try:
        with transaction.atomic():  # a concurrent enrolment hits the one-active-group index
            membership = GroupMembership.objects.create(
                organization=group.organization,
                group=group,
                child=child,
                enrolment=enrolment,
                start_date=on,
                start_move=GroupMembership.Move.ENROLLED,
                source=source,
            )
    except IntegrityError:
        raise Conflict(
            _("The child is already in a group; move them instead."), code="already_in_group"
        ) from None
    journal.record(
        actor=actor,
        action="preschool.child.enrolled",
        target=membership,
        before=None,
        after=membership_snapshot(membership),
    )
    return membership
