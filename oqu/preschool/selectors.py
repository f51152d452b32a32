"""Reads of age groups: every query starts from `scope.visible` (PRE-25.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.calendar import is_working_day
from oqu.kernel.errors import NotFound
from oqu.kernel.rules import rule_value
from oqu.people.models import Guardianship, Person

from . import rules
from .models import (
    Activity,
    AgeGroup,
    Attendance,
    AttendanceStatus,
    CatalogueItem,
    ChildStatus,
    CreativeWork,
    GroupMembership,
    TransitionBatch,
    TransitionLine,
)

GROUP_VIEW = "preschool.group.view"


def groups_with_places(qs: QuerySet[AgeGroup]) -> QuerySet[AgeGroup]:
    """Annotate `children` (open memberships) and `free_places` (norm − children), live."""
    return qs.annotate(
        children=Count("members", filter=Q(members__end_date__isnull=True))
    ).annotate(free_places=F("capacity") - F("children"))


def group_list(actor: Actor, *, school_year: str | None = None) -> QuerySet[AgeGroup]:
    qs = scope.visible(actor, GROUP_VIEW, AgeGroup.objects.select_related("organization"))
    if school_year:
        qs = qs.filter(school_year=school_year)
    return groups_with_places(qs).order_by("organization__name", "kind", "name")


def free_places(group: AgeGroup) -> int:
    """Free places of one group now (the norm minus the children in it)."""
    taken = group.members.filter(end_date__isnull=True).count()
    return max(group.capacity - taken, 0)


# -- details and the child's profile ------------------------------------------------------------

CHILD_VIEW = "preschool.child.view"
ATTENDANCE_VIEW = "preschool.attendance.view"
CATALOGUE_VIEW = "preschool.catalogue.view"
PAID_RULE = "preschool.attendance.paid_statuses"


def group_get(actor: Actor, group_id: Any) -> AgeGroup:
    qs = groups_with_places(
        scope.visible(
            actor, GROUP_VIEW, AgeGroup.objects.select_related("organization", "educator")
        )
    )
    return scope.get_in(qs, group_id, actor, GROUP_VIEW)


def membership_get(actor: Actor, membership_id: Any) -> GroupMembership:
    qs = scope.visible(
        actor, GROUP_VIEW, GroupMembership.objects.select_related("group__organization", "child")
    )
    return scope.get_in(qs, membership_id, actor, GROUP_VIEW)


def members(group: AgeGroup) -> list[GroupMembership]:
    return list(
        group.members.filter(end_date__isnull=True)
        .select_related("child")
        .order_by("child__last_name_ru", "child__first_name_ru", "child_id")
    )


def child_get(actor: Actor, child_id: Any, action: str = CHILD_VIEW) -> Person:
    """A preschool child the actor may see: staff of the child's preschool or the child's parent.

    Anyone else, and an id that is not a preschool child, gets the same 404.
    """
    child = Person.objects.filter(pk=child_id).first() if _is_uuid(child_id) else None
    if child is None or not GroupMembership.objects.filter(child=child).exists():
        raise scope.not_found(actor, action, "people.person", child_id)
    scope.require_person(actor, action, child)
    return child


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def child_memberships(child: Person) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(child=child)
        .select_related("group", "group__organization")
        .order_by("-start_date")
    )


def child_statuses(child: Person) -> list[ChildStatus]:
    # open statuses first, then the ended ones, latest ended first
    return list(
        ChildStatus.objects.filter(child=child).order_by(
            F("until").desc(nulls_first=True), "kind", "-since"
        )
    )


def child_guardians(child: Person) -> list[Guardianship]:
    return list(
        Guardianship.objects.filter(child=child, end_date__isnull=True).select_related("guardian")
    )


def child_works(child: Person) -> list[CreativeWork]:
    return list(CreativeWork.objects.filter(child=child).order_by("-uploaded_on", "-created_at"))


def work_get(actor: Actor, work_id: Any) -> CreativeWork:
    """A photo: seen by whoever may see the child (staff of the preschool, the child's parent)."""
    work = (
        CreativeWork.objects.select_related("child").filter(pk=work_id).first()
        if _is_uuid(work_id)
        else None
    )
    if work is None:
        raise scope.not_found(actor, CHILD_VIEW, "preschool.creativework", work_id)
    try:
        scope.require_person(actor, CHILD_VIEW, work.child)
    except NotFound:
        raise scope.not_found(actor, CHILD_VIEW, "preschool.creativework", work_id) from None
    return work


def status_get(actor: Actor, status_id: Any) -> ChildStatus:
    qs = scope.visible(actor, CHILD_VIEW, ChildStatus.objects.select_related("organization"))
    return scope.get_in(qs, status_id, actor, CHILD_VIEW)


# -- schedule ----------------------------------------------------------------------------------


WEEKDAYS = (1, 2, 3, 4, 5)


def activities(group: AgeGroup) -> list[Activity]:
    return list(group.activities.order_by("weekday", "starts_at"))


def week_grid(group: AgeGroup) -> list[tuple[int, list[Activity]]]:
    """The weekly grid: each weekday with its activities in time order."""
    by_day: dict[int, list[Activity]] = {day: [] for day in WEEKDAYS}
    for activity in activities(group):
        by_day[activity.weekday].append(activity)
    return list(by_day.items())


def activity_get(actor: Actor, activity_id: Any) -> Activity:
    qs = scope.visible(actor, GROUP_VIEW, Activity.objects.select_related("group__organization"))
    return scope.get_in(qs, activity_id, actor, GROUP_VIEW)


# -- attendance -------------------------------------------------------------------------------


def day_marks(group: AgeGroup, day: dt.date) -> dict[Any, Attendance]:
    return {a.child_id: a for a in Attendance.objects.filter(group=group, date=day)}


@dataclass
class MonthRow:
    child: Person
    cells: list[str | None]
    totals: dict[str, int]
    to_pay: int


@dataclass
class MonthTable:
    year: int
    month: int
    days: list[dt.date]
    rows: list[MonthRow]
    totals: dict[str, int]
    to_pay: int
    paid_statuses: list[str]
    working_days: int


def paid_statuses(as_of: dt.date) -> list[str]:
    """Which marks count as days to pay: a rule with effective dates (regional rules differ)."""
    return list(rule_value(PAID_RULE, as_of)["statuses"])


def month_table(group: AgeGroup, year: int, month: int) -> MonthTable:
    """Children × days of the month with their marks, totals per mark and the days to pay.

    Two queries whatever the number of children: the stays overlapping the month and the marks.
    """
    days = rules.month_days(year, month)
    first, last = days[0], days[-1]
    stays = (
        GroupMembership.objects.filter(group=group, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=first))
        .select_related("child")
        .order_by("child__last_name_ru", "child__first_name_ru", "child_id")
    )
    children: dict[Any, Person] = {}
    for stay in stays:
        children.setdefault(stay.child_id, stay.child)
    marks: dict[tuple[Any, dt.date], str] = {
        (a.child_id, a.date): a.status
        for a in Attendance.objects.filter(group=group, date__range=(first, last))
    }
    paid = paid_statuses(first)
    statuses = AttendanceStatus.values
    rows = []
    totals = dict.fromkeys(statuses, 0)
    for child_id, child in children.items():
        cells = [marks.get((child_id, day)) for day in days]
        row_totals = {s: cells.count(s) for s in statuses}
        for s in statuses:
            totals[s] += row_totals[s]
        rows.append(
            MonthRow(child, cells, row_totals, sum(row_totals[s] for s in paid if s in row_totals))
        )
    return MonthTable(
        year=year,
        month=month,
        days=days,
        rows=rows,
        totals=totals,
        to_pay=sum(r.to_pay for r in rows),
        paid_statuses=paid,
        working_days=sum(1 for day in days if is_working_day(day)),
    )


def child_month(child: Person, year: int, month: int) -> list[tuple[dt.date, str | None]]:
    """A parent's view: the child's mark on each day of the month."""
    days = rules.month_days(year, month)
    marks = {
        a.date: a.status
        for a in Attendance.objects.filter(child=child, date__range=(days[0], days[-1]))
    }
    return [(day, marks.get(day)) for day in days]


# -- the yearly move ----------------------------------------------------------------------------


def batch_list(actor: Actor) -> QuerySet[TransitionBatch]:
    return scope.visible(actor, GROUP_VIEW, TransitionBatch.objects.select_related("organization"))


def batch_get(actor: Actor, batch_id: Any) -> TransitionBatch:
    return scope.get_in(batch_list(actor), batch_id, actor, GROUP_VIEW)


def batch_lines(batch: TransitionBatch) -> list[TransitionLine]:
    return list(
        batch.lines.select_related("child", "membership__group", "to_group").order_by(
            "membership__group__kind",
            "membership__group__name",
            "child__last_name_ru",
            "child__first_name_ru",
        )
    )


def line_get(actor: Actor, line_id: Any) -> TransitionLine:
    qs = scope.visible(
        actor, GROUP_VIEW, TransitionLine.objects.select_related("batch__organization")
    )
    return scope.get_in(qs, line_id, actor, GROUP_VIEW)


# -- the catalogue ------------------------------------------------------------------------------


def catalogue_list(
    actor: Actor, *, kind: str = "", include_inactive: bool = False
) -> QuerySet[CatalogueItem]:
    """Items published in the actor's subtrees and by the units above them (the ministry's
    standard programs reach every kindergarten)."""
    qs = CatalogueItem.objects.select_related("organization")
    if actor.is_anonymous:
        return qs.none()
    if not actor.is_platform_admin:
        paths = actor.paths_for(CATALOGUE_VIEW)
        if not paths:
            return qs.none()
        above = {ancestor for path in paths for ancestor in _ancestors(path)}
        qs = qs.filter(
            scope.path_filter(actor, CATALOGUE_VIEW, "organization__path")
            | Q(organization__path__in=above)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "title", "pk")


def _ancestors(path: str) -> list[str]:
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def catalogue_get(actor: Actor, item_id: Any) -> CatalogueItem:
    return scope.get_in(
        catalogue_list(actor, include_inactive=True), item_id, actor, CATALOGUE_VIEW
    )
