"""Reads of the queue: every query starts from the access layer (MAP-QUEUE).

District staff see the applications of their territory through grants; a parent sees their own
applications through the parent relation; a preschool head sees the directions to their preschool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from oqu.access import scope
from oqu.access.scope import PARENT_ROLE, Actor

from . import allocation
from .models import AllocationRun, Application, Category, Direction, Preference

VIEW = "equeue.application.view"
RUN = "equeue.allocation.run"
ENROL = "equeue.direction.enrol"
CONFIRM = "equeue.priority.confirm"


def application_filter(actor: Actor) -> Q:
    """Applications in the actor's territory, or their own as a parent."""
    if actor.is_anonymous:
        return Q(pk__in=[])
    query = scope.path_filter(actor, VIEW, "organization__path")
    if actor.person_id and actor.relation_can(PARENT_ROLE, VIEW):
        query |= Q(applicant_id=actor.person_id)
    return query


def application_list(actor: Actor, *, status: str | None = None) -> QuerySet[Application]:
    qs = Application.objects.filter(application_filter(actor)).select_related(
        "child", "organization"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(flag_count=Count("flags", distinct=True)).order_by("submitted_at", "id")


def my_applications(actor: Actor) -> QuerySet[Application]:
    if actor.is_anonymous or not actor.person_id:
        return Application.objects.none()
    return application_list(actor).filter(applicant_id=actor.person_id)


def application_get(actor: Actor, application_id: Any) -> Application:
    qs = Application.objects.filter(application_filter(actor)).select_related(
        "child", "organization", "applicant"
    )
    return scope.get_in(qs, application_id, actor, VIEW)


@dataclass(frozen=True)
class Position:
    preschool: Any
    rank: int
    position: int


def positions(application: Application) -> list[Position]:
    """The place in the queue per chosen organization: live applications for the same organization
    with children born the same year, ordered as the allocation orders ordinary places."""
    prefs = list(application.preferences.select_related("preschool"))
    if application.status != Application.Status.QUEUED:
        return [Position(p.preschool, p.rank, 0) for p in prefs]
    birth = application.child.birth_date
    extraordinary = application.category == Category.EXTRAORDINARY
    if extraordinary:
        ahead = Q(category=Category.EXTRAORDINARY, submitted_at__lt=application.submitted_at)
    else:
        ahead = Q(category=Category.EXTRAORDINARY) | Q(submitted_at__lt=application.submitted_at)
    base = Application.objects.filter(
        organization_id=application.organization_id,
        status=Application.Status.QUEUED,
        child__birth_date__year=birth.year if birth else 0,
    ).filter(ahead)
    counts = dict(
        Preference.objects.filter(
            application__in=base, preschool_id__in=[p.preschool_id for p in prefs]
        )
        .values_list("preschool_id")
        .annotate(n=Count("id"))
    )
    return [Position(p.preschool, p.rank, counts.get(p.preschool_id, 0) + 1) for p in prefs]


def directions_of(application: Application) -> QuerySet[Direction]:
    return application.directions.select_related("preschool", "group", "run").order_by(
        "-created_at"
    )


def runs_of(actor: Actor) -> QuerySet[AllocationRun]:
    return scope.visible(actor, RUN, AllocationRun.objects.select_related("organization")).defer(
        "inputs"
    )


def run_get(actor: Actor, run_id: Any) -> AllocationRun:
    return scope.get_in(runs_of(actor), run_id, actor, RUN)


def directions_to_preschools(actor: Actor) -> QuerySet[Direction]:
    """Directions to the preschools where the actor enrols children."""
    qs = Direction.objects.select_related("application__child", "group", "preschool")
    return scope.visible(actor, ENROL, qs, via="preschool__path").order_by("-created_at")


def direction_get_for_staff(actor: Actor, direction_id: Any) -> Direction:
    qs = Direction.objects.select_related("application__child", "group", "preschool")
    qs = qs.filter(
        scope.path_filter(actor, ENROL, "preschool__path")
        | scope.path_filter(actor, CONFIRM, "organization__path")
    )
    return scope.get_in(qs, direction_id, actor, ENROL)


def direction_get_for_parent(actor: Actor, direction_id: Any) -> Direction:
    qs = Direction.objects.select_related("application__child", "group", "preschool")
    mine = qs.filter(application__applicant_id=actor.person_id) if actor.person_id else qs.none()
    return scope.get_in(mine, direction_id, actor, "equeue.application.apply")


def pending_priorities(actor: Actor) -> QuerySet[Direction]:
    qs = Direction.objects.select_related("application__child", "group", "preschool").filter(
        priority_status=Direction.Priority.PENDING, status__in=["issued", "accepted"]
    )
    return scope.visible(actor, CONFIRM, qs).order_by("priority_by", "id")


# -- "why did I not get a place at X" ----------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    pseudonym: str
    group: str
    sequence: int
    priority_slot: bool
    category: str
    submitted_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class Explanation:
    run: AllocationRun | None
    asked: bool
    got_here: bool
    my_token: str
    my_category: str
    holders: list[Holder]
    placed_elsewhere: str = ""


def _reason(holder: allocation.Applicant, me: allocation.Applicant, priority_slot: bool) -> str:
    """Which criterion put the holder above the asking applicant (codes translated in the view)."""
    if holder.category == allocation.EXTRAORDINARY and me.category != allocation.EXTRAORDINARY:
        return "extraordinary"
    if priority_slot and holder.category == allocation.FIRST and me.category == allocation.GENERAL:
        return "priority_slot"
    if holder.submitted_at < me.submitted_at:
        return "earlier"
    if holder.submitted_at == me.submitted_at:
        return "lottery"
    return "other"


def explain(application: Application, preschool_id: Any) -> Explanation:
    """For the latest run that considered the application: who got the places of `preschool_id`
    that the child could take, and why each stood higher. Only pseudonyms, no personal data."""
    from .services import pseudonym

    run = (
        AllocationRun.objects.filter(organization_id=application.organization_id)
        .order_by("-run_at")
        .first()
    )
    empty = Explanation(run, False, False, "", application.category, [])
    if run is None:
        return empty
    applicants = {row[0]: row for row in run.inputs.get("applicants", [])}
    mine = applicants.get(str(application.pk))
    if mine is None:
        return empty
    me = allocation.Applicant(mine[0], mine[1], mine[2], tuple(mine[3]))
    directions = list(
        Direction.objects.filter(run=run, preschool_id=preschool_id, group_id__in=me.preferences)
        .select_related("group")
        .order_by("group__name", "sequence")
    )
    holders = []
    got_here = False
    for d in directions:
        if str(d.application_id) == me.id:
            got_here = True
            continue
        row = applicants[str(d.application_id)]
        other = allocation.Applicant(row[0], row[1], row[2], tuple(row[3]))
        holders.append(
            Holder(
                pseudonym=d.token,
                group=d.group.name,
                sequence=d.sequence,
                priority_slot=d.priority_slot,
                category=other.category,
                submitted_at=dt.datetime.fromtimestamp(other.submitted_at / 1_000_000, tz=dt.UTC),
                reason=_reason(other, me, d.priority_slot),
            )
        )
    elsewhere = (
        Direction.objects.filter(run=run, application_id=application.pk)
        .exclude(preschool_id=preschool_id)
        .select_related("preschool")
        .first()
    )
    return Explanation(
        run,
        True,
        got_here,
        pseudonym(run.seed, application.pk),
        application.category,
        holders,
        placed_elsewhere=elsewhere.preschool.name if elsewhere else "",
    )


def stop_until(application: Application) -> dt.date | None:
    entry = (
        application.stop_entries.filter(until__gte=timezone.localdate()).order_by("-until").first()
    )
    return entry.until if entry else None
