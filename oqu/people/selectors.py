"""Reads of people and their relations, scoped by the actor: a person is reachable through an
active enrolment or employment in the actor's subtree, or through the parent/learner relation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from oqu.access import scope
from oqu.access.scope import LEARNER_ROLE, PARENT_ROLE, Actor

from .models import Employment, Enrolment, Guardianship, Person, RestrictedRecord


def person_list(actor: Actor, *, search: str = "", organization: Any = None) -> QuerySet[Person]:
    """People the actor may see, optionally matching an IIN or a name, or active in an organization."""
    qs = scope.visible_persons(actor, "people.person.view", Person.objects.all())
    if search:
        search = search.strip()
        if search.isdigit():
            qs = qs.filter(iin__startswith=search)
        else:
            for word in search.split()[:3]:
                qs = qs.filter(
                    Q(last_name_kk__istartswith=word)
                    | Q(last_name_ru__istartswith=word)
                    | Q(first_name_kk__istartswith=word)
                    | Q(first_name_ru__istartswith=word)
                )
    if organization is not None:
        active_here = Q(
            Exists(
                Enrolment.objects.filter(
                    person=OuterRef("pk"), organization=organization, end_date__isnull=True
                )
            )
        ) | Q(
            Exists(
                Employment.objects.filter(
                    person=OuterRef("pk"), organization=organization, end_date__isnull=True
                )
            )
        )
        qs = qs.filter(active_here)
    return qs


def person_get(actor: Actor, person_id: UUID | str) -> Person:
    return scope.get_in(person_list(actor), person_id, actor, "people.person.view")


def _relation_filter(actor: Actor, action: str, person_field: str) -> Q:
    """Rows about the actor's own children (parent) or about the actor (learner)."""
    query = Q(pk__in=[])
    if not actor.person_id:
        return query
    if actor.relation_can(PARENT_ROLE, action):
        wards = Guardianship.objects.filter(
            guardian_id=actor.person_id, end_date__isnull=True
        ).values("child_id")
        query |= Q(**{f"{person_field}__in": wards})
    if actor.relation_can(LEARNER_ROLE, action):
        query |= Q(**{person_field: actor.person_id})
    return query


def enrolment_list(
    actor: Actor, *, organization: Any = None, person: Any = None, active_only: bool = True
) -> QuerySet[Enrolment]:
    action = "people.enrolment.view"
    qs = Enrolment.objects.select_related("person", "organization")
    if actor.is_anonymous:
        return qs.none()
    if not actor.is_platform_admin:  # Q() | relation would keep the relation part only
        qs = qs.filter(
            scope.path_filter(actor, action, "organization__path")
            | _relation_filter(actor, action, "person")
        )
    if organization is not None:
        qs = qs.filter(organization=organization)
    if person is not None:
        qs = qs.filter(person=person)
    if active_only:
        qs = qs.filter(end_date__isnull=True)
    return qs


def enrolment_get(actor: Actor, enrolment_id: UUID | str) -> Enrolment:
    return scope.get_in(
        enrolment_list(actor, active_only=False), enrolment_id, actor, "people.enrolment.view"
    )


def employment_list(
    actor: Actor, *, organization: Any = None, person: Any = None, active_only: bool = True
) -> QuerySet[Employment]:
    qs = scope.visible(
        actor, "people.employment.view", Employment.objects.select_related("person", "organization")
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    if person is not None:
        qs = qs.filter(person=person)
    if active_only:
        qs = qs.filter(end_date__isnull=True)
    return qs


def employment_get(actor: Actor, employment_id: UUID | str) -> Employment:
    return scope.get_in(
        employment_list(actor, active_only=False), employment_id, actor, "people.employment.view"
    )


def guardianship_list(
    actor: Actor, *, child: Any = None, guardian: Any = None, active_only: bool = True
) -> QuerySet[Guardianship]:
    """Guardianships of children the actor may reach (through their school, or their own)."""
    action = "people.guardianship.view"
    qs = Guardianship.objects.select_related("guardian", "child")
    if actor.is_anonymous:
        return qs.none()
    in_units = Q(pk__in=[])
    if actor.paths_for(action) or actor.is_platform_admin:
        unit_q = scope.path_filter(actor, action, "organization__path")
        in_units = Q(
            Exists(
                Enrolment.objects.filter(unit_q, person=OuterRef("child"), end_date__isnull=True)
            )
        )
    own = _relation_filter(actor, action, "child")
    if actor.person_id:
        own |= Q(guardian_id=actor.person_id)
    if not actor.is_platform_admin:  # the administrator also sees children with no enrolment
        qs = qs.filter(in_units | own)
    if child is not None:
        qs = qs.filter(child=child)
    if guardian is not None:
        qs = qs.filter(guardian=guardian)
    if active_only:
        qs = qs.filter(end_date__isnull=True)
    return qs


def guardianship_get(actor: Actor, guardianship_id: UUID | str) -> Guardianship:
    item = guardianship_list(actor, active_only=False).filter(pk=guardianship_id).first()
    if item is None:
        raise scope.not_found(
            actor, "people.guardianship.view", "people.guardianship", guardianship_id
        )
    return item


def enrolment_counts_by_grade(organization: Any) -> list[dict[str, Any]]:
    """Active main enrolments of one organization by level and grade."""
    return list(
        Enrolment.objects.filter(organization=organization, end_date__isnull=True, is_main=True)
        .values("level", "grade")
        .annotate(count=Count("id"))
        .order_by("level", "grade")
    )


def children_of(actor: Actor) -> QuerySet[Person]:
    """The actor's own children (a parent's cabinet)."""
    if not actor.person_id:
        return Person.objects.none()
    return Person.objects.filter(
        guardians__guardian_id=actor.person_id, guardians__end_date__isnull=True
    ).distinct()


def person_to_relate(
    actor: Actor,
    action: str,
    *,
    unit: Any = None,
    relative: Person | None = None,
    person_id: UUID | str | None = None,
    iin: str = "",
) -> Person:
    """The person to enrol or employ in `unit`, or to record as a guardian of `relative`.

    A person just registered, or coming from another organization, is not yet visible through
    `person_list` (only active relations in scope make a person visible), so they are found by id
    or IIN here — but only once the actor holds `action` on the unit (or on the relative), so the
    lookup tells nothing to anyone who may not act there (like the IIN duplicate check of
    `person_register`).
    """
    if relative is not None:
        scope.require_person(actor, action, relative)
    else:
        scope.require(actor, action, unit)
    person = None
    if person_id:
        person = Person.objects.filter(pk=person_id).first()
    elif iin:
        person = Person.objects.filter(iin=iin.strip()).first()
    if person is None:
        raise scope.not_found(actor, action, "people.person", person_id or iin)
    return person


def restricted_list(actor: Actor, person: Person) -> QuerySet[RestrictedRecord]:
    """The person's restricted records in the actor's subtrees for `people.restricted.view`
    (sealed: open them with `restricted_services.restricted_read`, which checks and journals)."""
    qs = RestrictedRecord.objects.filter(person=person).select_related("organization")
    return scope.visible(actor, "people.restricted.view", qs)


def restricted_get(actor: Actor, person: Person, record_id: UUID | str) -> RestrictedRecord:
    return scope.get_in(restricted_list(actor, person), record_id, actor, "people.restricted.view")
