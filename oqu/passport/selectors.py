"""The child's passport (MAP-PASS, child part): the path from the queue and preschool to school,
gathered from the apps that own each piece, read-only, in a fixed number of queries.

Who reads it: the child's active guardian (parent relation), and staff holding
`passport.child.view` over an organization the child is enrolled in, or over the district whose
queue holds the child's application. Every read by staff is journaled (the passport is a profile
of a minor); a parent's read of their own child's passport is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Prefetch

from oqu.access import scope
from oqu.audit import journal
from oqu.equeue.models import Application as QueueApplication
from oqu.equeue.models import Preference
from oqu.eservices.models import ServiceApplication
from oqu.people.models import Enrolment, Guardianship, Person
from oqu.preschool.models import GroupMembership
from oqu.school.models import ClassMembership

VIEW = "passport.child.view"


@dataclass
class Passport:
    child: Person
    guardians: list[Guardianship]
    enrolments: list[Enrolment]
    groups: list[GroupMembership]
    classes: list[ClassMembership]
    queue: list[QueueApplication]
    applications: list[ServiceApplication]
    read_by_staff: bool


def _is_parent(actor: scope.Actor, guardians: list[Guardianship]) -> bool:
    return bool(actor.person_id) and any(
        g.guardian_id == actor.person_id and g.end_date is None for g in guardians
    )


def _check_staff(
    actor: scope.Actor, child: Person, enrolments: list[Enrolment], queue: list[QueueApplication]
) -> None:
    """Staff reach the child through a current enrolment or a live queue application."""
    units = [e.organization for e in enrolments if e.end_date is None]
    units += [a.organization for a in queue if a.status in ("queued", "directed")]
    if not units:
        raise scope.not_found(actor, VIEW, "people.person", child.pk)
    scope.require_any(actor, VIEW, units, target=child)


def child_passport(actor: scope.Actor, person_id: UUID | str) -> Passport:
    """The passport of one child; 404 for anyone who may not read it (missing and unseen alike)."""
    if actor.is_anonymous:
        raise scope.not_found(actor, VIEW, "people.person", person_id)
    child = Person.objects.filter(pk=person_id).first()
    if child is None:
        raise scope.not_found(actor, VIEW, "people.person", person_id)
    guardians = list(
        Guardianship.objects.filter(child=child).select_related("guardian").order_by("start_date")
    )
    enrolments = list(
        Enrolment.objects.filter(person=child)
        .select_related("organization")
        .order_by("start_date", "created_at")
    )
    queue = list(
        QueueApplication.objects.filter(child=child)
        .select_related("organization")
        .prefetch_related(
            Prefetch("preferences", queryset=Preference.objects.select_related("preschool"))
        )
        .order_by("submitted_at")
    )
    parent = _is_parent(actor, guardians) and actor.relation_can(scope.PARENT_ROLE, VIEW)
    if not parent:
        _check_staff(actor, child, enrolments, queue)
    passport = Passport(
        child=child,
        guardians=guardians,
        enrolments=enrolments,
        groups=list(
            GroupMembership.objects.filter(child=child)
            .select_related("group", "organization")
            .order_by("start_date", "created_at")
        ),
        classes=list(
            ClassMembership.objects.filter(person=child)
            .select_related("school_class", "school_class__year", "organization")
            .order_by("start_date", "created_at")
        ),
        queue=queue,
        applications=list(
            ServiceApplication.objects.filter(subject=child)
            .select_related("service", "organization")
            .order_by("submitted_at")
        ),
        read_by_staff=not parent,
    )
    if not parent:
        current = next((e for e in enrolments if e.end_date is None), None)
        journal.record(
            actor=actor,
            action="passport.child.read",
            target=child,
            organization_id=current.organization_id if current else None,
        )
    return passport


def my_children(actor: scope.Actor) -> list[Person]:
    """The children the actor is an active guardian of (their passports open to them)."""
    if actor.is_anonymous or not actor.person_id or not actor.relation_can(scope.PARENT_ROLE, VIEW):
        return []
    wards = Guardianship.objects.filter(guardian_id=actor.person_id, end_date__isnull=True)
    return list(Person.objects.filter(pk__in=wards.values("child_id")).order_by("birth_date"))


def timeline(passport: Passport, language: str) -> list[dict[str, Any]]:
    """The path as one list of steps by date: queue, preschool groups, classes, applications."""
    steps: list[dict[str, Any]] = []
    for a in passport.queue:
        steps.append(
            {
                "date": a.submitted_at.date(),
                "end_date": None,
                "kind": "queue",
                "organization": a.organization.name,
                "title": str(a.get_status_display()),
            }
        )
    for m in passport.groups:
        steps.append(
            {
                "date": m.start_date,
                "end_date": m.end_date,
                "kind": "preschool",
                "organization": m.organization.name,
                "title": m.group.name,
            }
        )
    for c in passport.classes:
        steps.append(
            {
                "date": c.start_date,
                "end_date": c.end_date,
                "kind": "school",
                "organization": c.organization.name,
                "title": f"{c.school_class} ({c.school_class.year.name})",
            }
        )
    for s in passport.applications:
        steps.append(
            {
                "date": s.submitted_at.date(),
                "end_date": None,
                "kind": "eservice",
                "organization": s.organization.name,
                "title": s.service.name(language),
            }
        )
    return sorted(steps, key=lambda step: step["date"])
