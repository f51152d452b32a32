"""Reads of e-services and applications, always starting from what the actor may see.

An application is visible to its applicant, to the person it is about and that person's active
guardians (the parent sees the child's applications whoever filed them), and to staff holding
`eservices.application.view` over the deciding organization. Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.kernel.errors import NotFound
from oqu.orgs.models import Unit
from oqu.people.models import Guardianship, Person

from . import definitions
from .models import ApplicationDocument, Service, ServiceApplication, StatusChange

VIEW = "eservices.application.view"
DECIDE = "eservices.application.decide"
APPLY = "eservices.application.apply"


def service_list() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("code")


def service_get(code: str) -> Service:
    service = service_list().filter(code=code).first()
    if service is None:
        raise NotFound(code="service_not_found")
    return service


def _wards_of(person_id: Any) -> QuerySet[Guardianship]:
    return Guardianship.objects.filter(guardian_id=person_id, end_date__isnull=True).values(
        "child_id"
    )


def _own_filter(actor: scope.Actor) -> Q:
    if actor.is_anonymous or not actor.person_id:
        return Q(pk__in=[])
    return (
        Q(applicant_id=actor.person_id)
        | Q(subject_id=actor.person_id)
        | Q(subject_id__in=_wards_of(actor.person_id))
    )


def staff_filter(actor: scope.Actor) -> Q:
    """Applications addressed to organizations where the actor holds the view capability."""
    return scope.path_filter(actor, VIEW, "organization__path")


def application_queryset(actor: scope.Actor) -> QuerySet[ServiceApplication]:
    if actor.is_anonymous:
        return ServiceApplication.objects.none()
    return ServiceApplication.objects.filter(
        staff_filter(actor) | _own_filter(actor)
    ).select_related("service", "organization", "subject", "applicant")


def application_get(actor: scope.Actor, application_id: UUID | str) -> ServiceApplication:
    return scope.get_in(application_queryset(actor), application_id, actor, VIEW)


def application_list(
    actor: scope.Actor,
    *,
    mine: bool = False,
    status: str | None = None,
    service: str | None = None,
    organization: Unit | None = None,
    overdue: bool = False,
) -> QuerySet[ServiceApplication]:
    qs = application_queryset(actor)
    if mine:
        qs = qs.filter(_own_filter(actor))
    if status:
        qs = qs.filter(status=status)
    if service:
        qs = qs.filter(service__code=service)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if overdue:
        qs = qs.filter(is_final=False, deadline__lt=timezone.localdate())
    return qs


def overdue_for(actor: scope.Actor, organization: Unit) -> QuerySet[ServiceApplication]:
    """Open applications past their deadline at an organization the actor oversees (staff only)."""
    scope.require(actor, VIEW, organization)
    return (
        ServiceApplication.objects.filter(
            organization__path__startswith=organization.path,
            is_final=False,
            deadline__lt=timezone.localdate(),
        )
        .select_related("service", "organization", "subject", "applicant")
        .order_by("deadline", "submitted_at")
    )


def history(application: ServiceApplication) -> list[StatusChange]:
    return list(application.history.order_by("at", "created_at"))


def documents(application: ServiceApplication) -> list[ApplicationDocument]:
    return list(application.documents.all())


def document_get(actor: scope.Actor, document_id: UUID | str) -> ApplicationDocument:
    """A document of an application the actor sees (the same 404 otherwise)."""
    visible = application_queryset(actor).values("pk")
    qs = ApplicationDocument.objects.filter(application_id__in=visible)
    return scope.get_in(qs, document_id, actor, VIEW)


def is_applicant(actor: scope.Actor, application: ServiceApplication) -> bool:
    return bool(actor.person_id) and application.applicant_id == actor.person_id


def available_transitions(
    actor: scope.Actor, application: ServiceApplication
) -> list[dict[str, Any]]:
    """The transitions out of the current status that this actor may make."""
    if application.is_final:
        return []
    allowed = []
    for transition in definitions.transitions_from(
        application.service.definition, application.status
    ):
        if transition["by"] == "organization":
            if actor.can_at(DECIDE, application.organization.path):
                allowed.append(transition)
        elif is_applicant(actor, application):
            allowed.append(transition)
    return allowed


def subjects_for(actor: scope.Actor, service: Service) -> list[Person]:
    """Whom the actor may apply for under this service: themselves and/or their children."""
    if actor.is_anonymous or not actor.person_id:
        return []
    kind = service.definition["applicant"]
    people: list[Person] = []
    if kind in ("self", "guardian_or_self"):
        people.extend(Person.objects.filter(pk=actor.person_id))
    if kind in ("guardian", "guardian_or_self"):
        people.extend(
            Person.objects.filter(pk__in=_wards_of(actor.person_id)).order_by("birth_date")
        )
    return people


def deciding_organizations(
    service: Service, subject: Person | None = None, search: str = ""
) -> QuerySet[Unit]:
    """Active organizations of the kinds that decide the service, nearest the subject first.

    The catalogue of organizations is public; it is narrowed to the region where the subject or
    their guardians are enrolled when that is known, so the list stays short; `search` finds an
    organization anywhere by a part of its name or by its BIN.
    """
    qs = Unit.objects.filter(
        kind=Unit.Kind.ORGANIZATION,
        status=Unit.Status.ACTIVE,
        org_type__code__in=service.definition["decided_by"]["org_types"],
    )
    search = search.strip()[:100]
    if search:
        return qs.filter(Q(name__icontains=search) | Q(bin=search)).order_by("name")[:500]
    if subject is not None:
        regions = [
            _region_path(path)
            for path in subject.enrolments.filter(end_date__isnull=True).values_list(
                "organization__path", flat=True
            )
        ]
        if regions:
            query = Q()
            for region in set(regions):
                query |= Q(path__startswith=region)
            qs = qs.filter(query)
    return qs.order_by("name")[:500]


def _region_path(path: str) -> str:
    """'KZ/region/district/org/' → 'KZ/region/': the republic and the region segments."""
    ends = [i for i, char in enumerate(path) if char == "/"]
    return path[: ends[1] + 1] if len(ends) > 1 else path


def deadline_passed(application: ServiceApplication, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(application.deadline and not application.is_final and application.deadline < today)
