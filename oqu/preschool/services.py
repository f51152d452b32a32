"""Changes to age groups and their children: validate → `scope.require` → change → journal, in one
transaction (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError
from oqu.lms import files
from oqu.people import services as people_services
from oqu.people.models import Employment, Enrolment, Level, Person, RestrictedRecord
from oqu.people.restricted import open_payload, seal_payload

from . import rules
from .models import (
    STATUS_CHOICES,
    Activity,
    AgeGroup,
    AgeGroupKind,
    Attendance,
    AttendanceStatus,
    CatalogueItem,
    CatalogueKind,
    ChildStatus,
    CreativeWork,
    GroupMembership,
    TransitionBatch,
    TransitionLine,
)

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


# -- who may work with a group -----------------------------------------------------------------

CHILD_VIEW = "preschool.child.view"
CHILD_MANAGE = "preschool.child.manage"
MEDICAL_VIEW = "preschool.medical.view"
MEDICAL_MANAGE = "preschool.medical.manage"
ATTENDANCE_VIEW = "preschool.attendance.view"
ATTENDANCE_MARK = "preschool.attendance.mark"
SCHEDULE_MANAGE = "preschool.schedule.manage"
PHOTO_MANAGE = "preschool.photo.manage"
CATALOGUE_VIEW = "preschool.catalogue.view"
CATALOGUE_MANAGE = "preschool.catalogue.manage"
GROUP_FIELDS = ["school_year", "name", "kind", "language", "capacity", "educator_id", "is_active"]
YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")
LANGUAGES = ("kk", "ru", "en", "uz", "ug", "tg")


def require_group_work(actor: Actor, action: str, group: AgeGroup) -> None:
    """Educators work with their own groups only; whoever manages the groups, with every group."""
    organization = group.organization
    scope.require(actor, action, organization, target=group)
    if actor.can_at(GROUP_MANAGE, organization.path):
        return
    if group.educator_id is not None and group.educator_id == actor.person_id:
        return
    # Not their group: refused like any missing capability on a visible object (403, journaled).
    scope.require(actor, GROUP_MANAGE, organization, target=group)


def current_membership(child: Person) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_related("group", "group__organization")
        .filter(child=child, end_date__isnull=True)
        .first()
    )


def _membership_of(child: Person) -> GroupMembership:
    membership = current_membership(child)
    if membership is None:
        raise ValidationError(_("The child is not in any age group."), code="child_not_in_group")
    return membership


def _check_school_year(value: str) -> str:
    match = YEAR_PATTERN.match(value or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            _("Write the school year as 2026-2027."),
            code="school_year_invalid",
            fields={"school_year": ["invalid"]},
        )
    return value


def _check_group_fields(organization: Any, fields: dict[str, Any]) -> None:
    if "school_year" in fields:
        _check_school_year(fields["school_year"])
    if "kind" in fields and fields["kind"] not in AgeGroupKind.values:
        raise ValidationError(
            _("Choose one of the age groups."), code="kind_unknown", fields={"kind": ["unknown"]}
        )
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError(
            _("Name the group."), code="name_required", fields={"name": ["required"]}
        )
    if "language" in fields and fields["language"] not in LANGUAGES:
        raise ValidationError(
            _("Choose the language of the group."),
            code="language_unknown",
            fields={"language": ["unknown"]},
        )
    capacity = fields.get("capacity")
    if capacity is not None and not 1 <= int(capacity) <= 60:
        raise ValidationError(
            _("The norm of places is from 1 to 60."),
            code="capacity_range",
            fields={"capacity": ["range"]},
        )
    educator = fields.get("educator")
    if (
        educator is not None
        and not Employment.objects.filter(
            person=educator, organization=organization, end_date__isnull=True
        ).exists()
    ):
        raise ValidationError(
            _("The educator must work in this organization."),
            code="educator_not_staff",
            fields={"educator": ["not_staff"]},
        )


@transaction.atomic
def group_create(
    *,
    actor: Actor,
    organization: Any,
    school_year: str,
    name: str,
    kind: str,
    capacity: int,
    language: str = "kk",
    educator: Person | None = None,
) -> AgeGroup:
    """A new age group of a preschool with its norm of places (PRE-25.3)."""
    scope.require(actor, GROUP_MANAGE, organization)
    if not organization.is_organization:
        raise ValidationError(
            _("Age groups belong to an organization."), code="not_an_organization"
        )
    fields = {
        "school_year": school_year,
        "name": name.strip(),
        "kind": kind,
        "capacity": capacity,
        "language": language,
        "educator": educator,
    }
    _check_group_fields(organization, fields)
    if AgeGroup.objects.filter(
        organization=organization, school_year=school_year, name=fields["name"]
    ).exists():
        raise Conflict(
            _("A group with this name already exists in this school year."), code="group_exists"
        )
    group = AgeGroup.objects.create(organization=organization, **fields)
    journal.record(
        actor=actor,
        action="preschool.group.create",
        target=group,
        after=journal.snapshot(group, GROUP_FIELDS),
    )
    return group


@transaction.atomic
def group_update(*, actor: Actor, group: AgeGroup, **changes: Any) -> AgeGroup:
    """Change a group's name, norm, language, educator or close it; the norm never falls below
    the children already in it."""
    scope.require(actor, GROUP_MANAGE, group.organization, target=group)
    allowed = {"name", "kind", "capacity", "language", "educator", "is_active"}
    changes = {k: v for k, v in changes.items() if k in allowed}
    _check_group_fields(group.organization, changes)
    AgeGroup.objects.select_for_update().filter(pk=group.pk).first()
    children = GroupMembership.objects.filter(group=group, end_date__isnull=True).count()
    if "capacity" in changes and int(changes["capacity"]) < children:
        raise Conflict(
            _("The norm cannot be smaller than the number of children in the group."),
            code="capacity_below_children",
        )
    if changes.get("is_active") is False and children:
        raise Conflict(
            _("Move the children to other groups before closing the group."),
            code="group_not_empty",
        )
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if (
            AgeGroup.objects.filter(
                organization=group.organization, school_year=group.school_year, name=changes["name"]
            )
            .exclude(pk=group.pk)
            .exists()
        ):
            raise Conflict(
                _("A group with this name already exists in this school year."),
                code="group_exists",
            )
    before = journal.snapshot(group, GROUP_FIELDS)
    for name, value in changes.items():
        setattr(group, name, value)
    group.save()
    old, new = journal.changed(before, journal.snapshot(group, GROUP_FIELDS))
    if new:
        journal.record(
            actor=actor, action="preschool.group.change", target=group, before=old, after=new
        )
    return group


def _check_move_date(membership: GroupMembership, on: dt.date) -> None:
    if on > timezone.localdate():
        raise ValidationError(
            _("A move is recorded on the day it happens, not ahead."),
            code="date_in_future",
            fields={"date": ["future"]},
        )
    if on < membership.start_date:
        raise ValidationError(
            _("The date is before the child came to the group."),
            code="date_before_start",
            fields={"date": ["before_start"]},
        )


def _close(membership: GroupMembership, on: dt.date, move: str, reason: str) -> None:
    membership.end_date = on
    membership.end_move = move
    membership.end_reason = reason
    membership.save(update_fields=["end_date", "end_move", "end_reason", "updated_at"])


def _open_moved(membership: GroupMembership, to_group: AgeGroup, on: dt.date) -> GroupMembership:
    return GroupMembership.objects.create(
        organization=to_group.organization,
        group=to_group,
        child_id=membership.child_id,
        enrolment_id=membership.enrolment_id,
        start_date=on,
        start_move=GroupMembership.Move.MOVED,
        source=f"preschool.GroupMembership:{membership.pk}",
    )


def _rename_enrolment(membership: GroupMembership, group: AgeGroup) -> None:
    if membership.enrolment_id:
        Enrolment.objects.filter(pk=membership.enrolment_id).update(group_name=group.name)


@transaction.atomic
def child_move(
    *,
    actor: Actor,
    membership: GroupMembership,
    to_group: AgeGroup,
    on: dt.date,
    reason: str = "",
) -> GroupMembership:
    """Move a child to another group of the same preschool, within that group's norm."""
    scope.require(actor, GROUP_MANAGE, membership.organization, target=membership)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.end_date is not None:
        raise Conflict(_("The child is no longer in this group."), code="membership_closed")
    if to_group.organization_id != membership.organization_id:
        raise ValidationError(
            _("The child can only be moved within the organization."),
            code="group_of_other_organization",
            fields={"to_group": ["other_organization"]},
        )
    if to_group.pk == membership.group_id:
        raise ValidationError(
            _("The child is already in this group."),
            code="same_group",
            fields={"to_group": ["same"]},
        )
    if not to_group.is_active:
        raise ValidationError(_("The group is closed."), code="group_closed")
    _check_move_date(membership, on)
    _check_room(to_group)
    before = membership_snapshot(membership)
    _close(membership, on, GroupMembership.Move.MOVED, reason.strip()[:200])
    moved = _open_moved(membership, to_group, on)
    _rename_enrolment(membership, to_group)
    journal.record(
        actor=actor,
        action="preschool.child.moved",
        target=moved,
        before=before,
        after=membership_snapshot(moved),
    )
    return moved


@transaction.atomic
def child_leave(
    *, actor: Actor, membership: GroupMembership, on: dt.date, reason: str
) -> GroupMembership:
    """The child leaves the preschool (to school, another kindergarten, moved away …): the stay
    and the preschool enrolment end on the same day."""
    scope.require(actor, GROUP_MANAGE, membership.organization, target=membership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason the child leaves."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.end_date is not None:
        raise Conflict(_("The child is no longer in this group."), code="membership_closed")
    _check_move_date(membership, on)
    before = membership_snapshot(membership)
    _close(membership, on, GroupMembership.Move.LEFT, reason[:200])
    _end_enrolment(actor, membership, on, reason[:200])
    journal.record(
        actor=actor,
        action="preschool.child.left",
        target=membership,
        before=before,
        after=membership_snapshot(membership),
    )
    return membership


def _end_enrolment(actor: Actor, membership: GroupMembership, on: dt.date, reason: str) -> None:
    enrolment = (
        Enrolment.objects.filter(pk=membership.enrolment_id, end_date__isnull=True).first()
        if membership.enrolment_id
        else None
    )
    if enrolment is not None:
        people_services.enrolment_end(actor=actor, enrolment=enrolment, end_date=on, reason=reason)


# -- the yearly move between age groups (1–31 August) -------------------------------------------


def _check_window(on: dt.date) -> None:
    if not rules.is_move_window(on):
        raise ValidationError(
            _("Children move between age groups from 1 to 31 August only."),
            code="outside_move_window",
        )


def _propose_targets(
    memberships: list[GroupMembership], next_groups: list[AgeGroup]
) -> dict[Any, AgeGroup | None]:
    """Each child to a group of the next age, same language first, where most places remain."""
    room = {g.pk: g.capacity for g in next_groups}
    proposal: dict[Any, AgeGroup | None] = {}
    missing: set[str] = set()
    for membership in memberships:
        kind = rules.next_kind(membership.group.kind)
        if kind is None:
            proposal[membership.pk] = None  # the pre-school group leaves for school
            continue
        candidates = [g for g in next_groups if g.kind == kind]
        if not candidates:
            missing.add(str(AgeGroupKind(kind).label))
            continue
        candidates.sort(
            key=lambda g: (g.language != membership.group.language, -room[g.pk], g.name)
        )
        chosen = candidates[0]
        room[chosen.pk] -= 1
        proposal[membership.pk] = chosen
    if missing:
        raise ValidationError(
            _("Create next year's groups first: %(kinds)s.")
            % {"kinds": ", ".join(sorted(missing))},
            code="next_groups_missing",
        )
    return proposal


@transaction.atomic
def transition_prepare(
    *, actor: Actor, organization: Any, from_year: str, on: dt.date
) -> TransitionBatch:
    """Propose next year's group for every child of `from_year`, for the head to review."""
    scope.require(actor, GROUP_MANAGE, organization)
    _check_school_year(from_year)
    _check_window(on)
    to_year = rules.next_school_year(from_year)
    if TransitionBatch.objects.filter(
        organization=organization, from_year=from_year, status=TransitionBatch.Status.DRAFT
    ).exists():
        raise Conflict(_("A move of this school year is already under review."), code="move_exists")
    memberships = list(
        GroupMembership.objects.select_related("group")
        .filter(organization=organization, group__school_year=from_year, end_date__isnull=True)
        .order_by("group__kind", "group__name", "child__last_name_ru", "child__first_name_ru")
    )
    if not memberships:
        raise ValidationError(
            _("No children are in the groups of this school year."), code="no_children"
        )
    next_groups = list(
        AgeGroup.objects.filter(organization=organization, school_year=to_year, is_active=True)
    )
    proposal = _propose_targets(memberships, next_groups)
    batch = TransitionBatch.objects.create(
        organization=organization, from_year=from_year, to_year=to_year, move_date=on
    )
    TransitionLine.objects.bulk_create(
        TransitionLine(
            organization=organization,
            batch=batch,
            membership=m,
            child_id=m.child_id,
            to_group=proposal[m.pk],
        )
        for m in memberships
    )
    journal.record(
        actor=actor,
        action="preschool.transition.prepare",
        target=batch,
        after={"from_year": from_year, "to_year": to_year, "children": len(memberships)},
    )
    return batch


def _draft(batch: TransitionBatch) -> None:
    if batch.status != TransitionBatch.Status.DRAFT:
        raise Conflict(_("This move has already been applied."), code="move_applied")


@transaction.atomic
def transition_line_set(
    *, actor: Actor, line: TransitionLine, to_group: AgeGroup | None
) -> TransitionLine:
    """The head corrects the proposed group of one child (none: the child leaves)."""
    batch = line.batch
    scope.require(actor, GROUP_MANAGE, batch.organization, target=batch)
    _draft(batch)
    if to_group is not None and (
        to_group.organization_id != batch.organization_id
        or to_group.school_year != batch.to_year
        or not to_group.is_active
    ):
        raise ValidationError(
            _("Choose an open group of next school year of this organization."),
            code="target_group_invalid",
            fields={"to_group": ["invalid"]},
        )
    before = {"to_group_id": str(line.to_group_id) if line.to_group_id else None}
    line.to_group = to_group
    line.save(update_fields=["to_group", "updated_at"])
    journal.record(
        actor=actor,
        action="preschool.transition.line",
        target=batch,
        before={"child_id": str(line.child_id), **before},
        after={
            "child_id": str(line.child_id),
            "to_group_id": str(to_group.pk) if to_group else None,
        },
    )
    return line


@transaction.atomic
def transition_apply(*, actor: Actor, batch: TransitionBatch, on: dt.date) -> TransitionBatch:
    """Apply the reviewed move in one transaction: every child moves, or none does."""
    scope.require(actor, GROUP_MANAGE, batch.organization, target=batch)
    batch = TransitionBatch.objects.select_for_update().get(pk=batch.pk)
    _draft(batch)
    _check_window(on)
    lines = list(batch.lines.select_related("membership", "to_group"))
    targets = {line.to_group_id for line in lines if line.to_group_id}
    list(AgeGroup.objects.select_for_update().filter(pk__in=targets))
    moves = []
    for line in lines:
        membership = GroupMembership.objects.select_for_update().get(pk=line.membership_id)
        if membership.end_date is not None:
            raise Conflict(
                _(
                    "A child of the move has left or changed group since it was prepared; prepare it again."
                ),
                code="move_stale",
            )
        if line.to_group is None:
            _close(membership, on, GroupMembership.Move.LEFT, _("Finished the pre-school group"))
            _end_enrolment(actor, membership, on, _("Finished the pre-school group"))
        else:
            _close(membership, on, GroupMembership.Move.MOVED, _("Yearly move between age groups"))
            _open_moved(membership, line.to_group, on)
            _rename_enrolment(membership, line.to_group)
        moves.append(
            {
                "child_id": str(line.child_id),
                "from_group_id": str(membership.group_id),
                "to_group_id": str(line.to_group_id) if line.to_group_id else None,
            }
        )
    for group in AgeGroup.objects.filter(pk__in=targets):
        if (
            GroupMembership.objects.filter(group=group, end_date__isnull=True).count()
            > group.capacity
        ):
            raise Conflict(
                _("Group %(name)s would exceed its norm of places.") % {"name": group.name},
                code="group_full",
            )
    batch.status = TransitionBatch.Status.APPLIED
    batch.move_date = on
    batch.applied_at = timezone.now()
    batch.save(update_fields=["status", "move_date", "applied_at", "updated_at"])
    journal.record(
        actor=actor,
        action="preschool.transition.apply",
        target=batch,
        before={"status": TransitionBatch.Status.DRAFT},
        after={"status": batch.status, "move_date": on, "moves": moves},
    )
    return batch


# -- the child's profile: statuses and medical data (PRE-25.1) -----------------------------------


def _child_organization(child: Person) -> tuple[GroupMembership, Any]:
    membership = _membership_of(child)
    return membership, membership.group.organization


@transaction.atomic
def status_add(
    *,
    actor: Actor,
    child: Person,
    kind: str,
    code: str,
    since: dt.date,
    note: str = "",
) -> ChildStatus:
    """A social or educational status from the reference list, in the child's preschool."""
    membership, organization = _child_organization(child)
    scope.require(actor, CHILD_MANAGE, organization, target=child)
    choices = STATUS_CHOICES.get(kind)
    if choices is None or code not in choices.values:
        raise ValidationError(
            _("Choose a status from the reference list."),
            code="status_unknown",
            fields={"code": ["unknown"]},
        )
    if ChildStatus.objects.filter(
        organization=organization, child=child, code=code, until__isnull=True
    ).exists():
        raise Conflict(_("The child already has this status."), code="status_exists")
    status = ChildStatus.objects.create(
        organization=organization,
        child=child,
        kind=kind,
        code=code,
        since=since,
        note=(note or "").strip()[:300],
    )
    journal.record(
        actor=actor,
        action="preschool.status.add",
        target=status,
        after=journal.snapshot(status, ["child_id", "kind", "code", "since", "note"]),
    )
    return status


@transaction.atomic
def status_close(*, actor: Actor, status: ChildStatus, on: dt.date) -> ChildStatus:
    scope.require(actor, CHILD_MANAGE, status.organization, target=status)
    if status.until is not None:
        raise Conflict(_("This status has already ended."), code="status_closed")
    if on < status.since:
        raise ValidationError(
            _("The end date is before the start."),
            code="date_before_start",
            fields={"date": ["invalid"]},
        )
    status.until = on
    status.save(update_fields=["until", "updated_at"])
    journal.record(
        actor=actor,
        action="preschool.status.close",
        target=status,
        before={"until": None},
        after={"until": on},
    )
    return status


MEDICAL_FIELDS = ("health_group", "allergies", "restrictions")
HEALTH_GROUPS = ("I", "II", "III", "IV", "V")


def _require_medical(actor: Actor, action: str, child: Person) -> tuple[GroupMembership, Any]:
    membership, organization = _child_organization(child)
    # who cannot see the child gets 404; who sees them (a parent) without the capability, 403
    scope.require_person(actor, CHILD_VIEW, child)
    scope.require(actor, action, organization, target=child, target_visible=True)
    if action == MEDICAL_VIEW:
        require_group_work(actor, MEDICAL_VIEW, membership.group)
    return membership, organization


def _medical_records(child: Person, organization: Any) -> list[RestrictedRecord]:
    return list(
        RestrictedRecord.objects.filter(
            person=child, organization=organization, category=RestrictedRecord.Category.HEALTH
        ).order_by("created_at")
    )


def medical_read(*, actor: Actor, child: Person) -> dict[str, str]:
    """Open the child's medical statuses (restricted, sealed) and journal the read.

    The journal names the fields read, never their values. The integrity check of each record
    runs first (a tampered row raises and alerts; nothing is shown).
    """
    _membership, organization = _require_medical(actor, MEDICAL_VIEW, child)
    records = _medical_records(child, organization)
    payload: dict[str, str] = {}
    for record in records:
        payload.update(open_payload(record, actor=actor))
    journal.record(
        actor=actor,
        action="preschool.medical.read",
        target=child,
        after={"records": [str(r.pk) for r in records], "fields": sorted(payload)},
        organization_id=organization.pk,
    )
    return {name: payload.get(name, "") for name in MEDICAL_FIELDS}


def medical_set(
    *,
    actor: Actor,
    child: Person,
    health_group: str,
    allergies: str = "",
    restrictions: str = "",
) -> dict[str, str]:
    """Record the child's health group, allergies and restrictions as restricted data (sealed)."""
    _membership, organization = _require_medical(actor, MEDICAL_MANAGE, child)
    if health_group not in HEALTH_GROUPS:
        raise ValidationError(
            _("Choose the health group (I–V)."),
            code="health_group_invalid",
            fields={"health_group": ["invalid"]},
        )
    payload = {
        "health_group": health_group,
        "allergies": (allergies or "").strip()[:2000],
        "restrictions": (restrictions or "").strip()[:2000],
    }
    records = _medical_records(child, organization)
    # open the current record first: a tampered one refuses the change (and alerts)
    old = open_payload(records[0], actor=actor) if records else None
    with transaction.atomic():
        record = (
            records[0]
            if records
            else RestrictedRecord(
                id=uuid.uuid4(),
                person=child,
                organization=organization,
                category=RestrictedRecord.Category.HEALTH,
            )
        )
        seal_payload(record, payload)
        if records:
            record.save(update_fields=["key_id", "payload_sealed", "integrity_code", "updated_at"])
        else:
            record.save(force_insert=True)
        changed_fields = sorted(k for k in payload if (old or {}).get(k) != payload[k])
        journal.record(
            actor=actor,
            action="preschool.medical.change",
            target=record,
            before={"fields": sorted(old)} if old is not None else None,
            after={"fields": sorted(payload), "changed": changed_fields},
        )
    return payload


# -- the schedule of organized activities (PRE-25.4) ---------------------------------------------

ACTIVITY_FIELDS = ["group_id", "weekday", "title", "area"]


def _activity_snapshot(activity: Activity) -> dict[str, Any]:
    # times as text: the journal stores JSON
    return {
        **journal.snapshot(activity, ACTIVITY_FIELDS),
        "starts_at": activity.starts_at.isoformat(timespec="minutes"),
        "ends_at": activity.ends_at.isoformat(timespec="minutes"),
    }


@transaction.atomic
def activity_add(
    *,
    actor: Actor,
    group: AgeGroup,
    weekday: int,
    starts_at: dt.time,
    ends_at: dt.time,
    title: str,
    area: str = "",
) -> Activity:
    """Place an organized activity in the group's weekly grid; activities of a day never overlap."""
    require_group_work(actor, SCHEDULE_MANAGE, group)
    title = (title or "").strip()
    if not title:
        raise ValidationError(
            _("Name the activity."), code="title_required", fields={"title": ["required"]}
        )
    if not 1 <= int(weekday) <= 5:
        raise ValidationError(
            _("Choose a day from Monday to Friday."),
            code="weekday_invalid",
            fields={"weekday": ["invalid"]},
        )
    if ends_at <= starts_at:
        raise ValidationError(
            _("The activity must end after it starts."),
            code="time_order",
            fields={"ends_at": ["order"]},
        )
    AgeGroup.objects.select_for_update().filter(pk=group.pk).first()
    if Activity.objects.filter(
        group=group, weekday=weekday, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise Conflict(_("Another activity of the group takes this time."), code="activity_overlap")
    activity = Activity.objects.create(
        organization=group.organization,
        group=group,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title[:150],
        area=(area or "").strip()[:100],
    )
    journal.record(
        actor=actor,
        action="preschool.activity.add",
        target=activity,
        after=_activity_snapshot(activity),
    )
    return activity


@transaction.atomic
def activity_remove(*, actor: Actor, activity: Activity) -> None:
    require_group_work(actor, SCHEDULE_MANAGE, activity.group)
    journal.record(
        actor=actor,
        action="preschool.activity.remove",
        target=activity,
        before=_activity_snapshot(activity),
    )
    activity.delete()


# -- the daily attendance journal (PRE-25.5) ------------------------------------------------------


def members_on(group: AgeGroup, day: dt.date) -> list[GroupMembership]:
    """The children in the group on `day` (stays that began by then and had not ended)."""
    return list(
        GroupMembership.objects.select_related("child")
        .filter(group=group, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .order_by("child__last_name_ru", "child__first_name_ru", "child_id")
    )


@transaction.atomic
def attendance_mark(
    *,
    actor: Actor,
    group: AgeGroup,
    day: dt.date,
    marks: dict[str, tuple[str, str]],
) -> list[Attendance]:
    """Fill the day's attendance of the whole group in one action.

    `marks` maps child id → (status, note); every child of the group that day must be marked.
    Existing marks of the day are overwritten; before and after go to the journal.
    """
    require_group_work(actor, ATTENDANCE_MARK, group)
    if day > timezone.localdate():
        raise ValidationError(
            _("Attendance cannot be marked for a day that has not come."),
            code="date_in_future",
            fields={"date": ["future"]},
        )
    members = members_on(group, day)
    expected = {str(m.child_id) for m in members}
    given = {str(k) for k in marks}
    if given != expected:
        raise ValidationError(
            _("Mark every child of the group, and only them."),
            code="marks_incomplete",
            fields={"marks": sorted(expected ^ given)},
        )
    for status, _note in marks.values():
        if status not in AttendanceStatus.values:
            raise ValidationError(
                _("Choose one of the attendance marks."),
                code="status_unknown",
                fields={"status": [str(status)]},
            )
    existing = {
        str(a.child_id): a
        for a in Attendance.objects.select_for_update().filter(child_id__in=expected, date=day)
    }
    before = {k: a.status for k, a in existing.items()}
    saved = []
    for member in members:
        key = str(member.child_id)
        status, note = marks[key]
        row = existing.get(key)
        if row is None:
            row = Attendance(
                organization=group.organization, group=group, child_id=member.child_id, date=day
            )
        row.group = group
        row.status = status
        row.note = (note or "").strip()[:200]
        row.save()
        saved.append(row)
    journal.record(
        actor=actor,
        action="preschool.attendance.mark",
        target=group,
        before={"date": day, "marks": before} if before else None,
        after={"date": day, "marks": {str(r.child_id): r.status for r in saved}},
    )
    return saved


def attendance_export(*, actor: Actor, group: AgeGroup, year: int, month: int) -> bytes:
    """The monthly attendance table as XLSX, the form handed to accounting; journaled."""
    from . import exports, selectors

    scope.require(actor, ATTENDANCE_VIEW, group.organization, target=group)
    table = selectors.month_table(group, year, month)
    content = exports.month_table_xlsx(group, table)
    journal.record(
        actor=actor,
        action="preschool.attendance.export",
        target=group,
        after={"year": year, "month": month, "children": len(table.rows)},
    )
    return content


# -- photos of creative works (PRE-25.11) ---------------------------------------------------------

PHOTO_TYPES = {"image/png", "image/jpeg"}
MAX_WORKS_PER_CHILD = 60


@transaction.atomic
def work_add(
    *, actor: Actor, child: Person, title: str, upload: Any, on: dt.date | None = None
) -> CreativeWork:
    """A photo of the child's creative work, checked by content, deleted a calendar month later."""
    membership = _membership_of(child)
    require_group_work(actor, PHOTO_MANAGE, membership.group)
    title = (title or "").strip()
    if not title:
        raise ValidationError(
            _("Name the work."), code="title_required", fields={"title": ["required"]}
        )
    checked = files.check_upload(upload)
    if checked.content_type not in PHOTO_TYPES:
        raise ValidationError(
            _("Send a photo: PNG or JPEG."), code="file_type", fields={"file": ["file_type"]}
        )
    if CreativeWork.objects.filter(child=child).count() >= MAX_WORKS_PER_CHILD:
        raise ValidationError(
            _("The child's profile already holds the most photos allowed."),
            code="too_many_files",
            fields={"file": ["too_many"]},
        )
    today = on or timezone.localdate()
    work = CreativeWork(
        organization=membership.group.organization,
        child=child,
        title=title[:150],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by_id=actor.person_id,
        uploaded_on=today,
        delete_on=rules.same_day_next_month(today),
    )
    work.file.save(checked.name, ContentFile(checked.content), save=False)
    work.save()
    journal.record(
        actor=actor,
        action="preschool.photo.add",
        target=work,
        after=journal.snapshot(
            work,
            ["child_id", "title", "original_name", "size", "sha256", "uploaded_on", "delete_on"],
        ),
    )
    return work


def _proof(work: CreativeWork) -> dict[str, Any]:
    return journal.snapshot(
        work,
        ["child_id", "title", "original_name", "size", "sha256", "uploaded_on", "delete_on"],
    )


def _delete_file(work: CreativeWork) -> None:
    name = work.file.name
    storage = work.file.storage
    # the row goes with the transaction; the file once it has committed, so a rollback loses nothing
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)


@transaction.atomic
def work_remove(*, actor: Actor, work: CreativeWork) -> None:
    membership = current_membership(work.child)
    if membership is not None and membership.organization_id == work.organization_id:
        require_group_work(actor, PHOTO_MANAGE, membership.group)
    else:
        scope.require(actor, GROUP_MANAGE, work.organization, target=work)
    journal.record(actor=actor, action="preschool.photo.remove", target=work, before=_proof(work))
    _delete_file(work)
    work.delete()


def works_purge(today: dt.date | None = None) -> int:
    """Delete every photo whose month has passed, file and row, journaling each as proof.

    Run daily by the scheduler; idempotent (a missed day is caught up the next one).
    """
    today = today or timezone.localdate()
    purged = 0
    for work in CreativeWork.objects.filter(delete_on__lte=today).order_by("delete_on", "pk"):
        with transaction.atomic():
            journal.record(
                actor=None,
                action="preschool.photo.purged",
                target=work,
                before=_proof(work),
                after={"deleted_on": today, "retention": "one calendar month"},
            )
            _delete_file(work)
            work.delete()
        purged += 1
    return purged


# -- the catalogue of programs and materials (PRE-26) --------------------------------------------

CATALOGUE_FIELDS = [
    "kind",
    "title",
    "authors",
    "year",
    "language",
    "age_group",
    "description",
    "is_active",
]


def _check_catalogue(fields: dict[str, Any]) -> None:
    if "kind" in fields and fields["kind"] not in CatalogueKind.values:
        raise ValidationError(
            _("Choose the kind of material."), code="kind_unknown", fields={"kind": ["unknown"]}
        )
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ValidationError(
            _("Give the title."), code="title_required", fields={"title": ["required"]}
        )
    if fields.get("age_group") and fields["age_group"] not in AgeGroupKind.values:
        raise ValidationError(
            _("Choose one of the age groups."),
            code="kind_unknown",
            fields={"age_group": ["unknown"]},
        )
    year = fields.get("year")
    if year is not None and not 1991 <= int(year) <= 2100:
        raise ValidationError(
            _("The year is not valid."), code="year_invalid", fields={"year": ["invalid"]}
        )
    if "language" in fields and fields["language"] not in LANGUAGES:
        raise ValidationError(
            _("Choose the language."), code="language_unknown", fields={"language": ["unknown"]}
        )


@transaction.atomic
def catalogue_add(
    *,
    actor: Actor,
    organization: Any,
    kind: str,
    title: str,
    upload: Any,
    authors: str = "",
    year: int | None = None,
    language: str = "kk",
    age_group: str = "",
    description: str = "",
) -> CatalogueItem:
    """Publish a program, curriculum or material with its file for the unit's subtree."""
    scope.require(actor, CATALOGUE_MANAGE, organization)
    fields = {
        "kind": kind,
        "title": (title or "").strip()[:250],
        "authors": (authors or "").strip()[:250],
        "year": year,
        "language": language,
        "age_group": age_group or "",
        "description": (description or "").strip()[:5000],
    }
    _check_catalogue(fields)
    checked = files.check_upload(upload)
    item = CatalogueItem(
        organization=organization,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        published_by_id=actor.person_id,
        **fields,
    )
    item.file.save(checked.name, ContentFile(checked.content), save=False)
    item.save()
    journal.record(
        actor=actor,
        action="preschool.catalogue.add",
        target=item,
        after=journal.snapshot(item, [*CATALOGUE_FIELDS, "original_name", "sha256"]),
    )
    return item


@transaction.atomic
def catalogue_update(*, actor: Actor, item: CatalogueItem, **changes: Any) -> CatalogueItem:
    """Correct the description of an item or withdraw it (`is_active`); the file stays as sent."""
    # the item was found through the catalogue (published above the reader is still read by
    # them), so a reader who may not change it gets 403, not 404
    scope.require(actor, CATALOGUE_MANAGE, item.organization, target=item, target_visible=True)
    changes = {k: v for k, v in changes.items() if k in CATALOGUE_FIELDS}
    _check_catalogue(changes)
    before = journal.snapshot(item, CATALOGUE_FIELDS)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) and name != "kind" else value)
    item.save()
    old, new = journal.changed(before, journal.snapshot(item, CATALOGUE_FIELDS))
    if new:
        journal.record(
            actor=actor, action="preschool.catalogue.change", target=item, before=old, after=new
        )
    return item
