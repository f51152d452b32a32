"""Statistical reports of platform use (G-5.15): sign-ins, actions and active users over a period,
by subsystem (the app prefix of the action code), by role or by user, counted from the action
journal in SQL (a fixed, small number of queries whatever the volume).

Sign-ins are the journal's `identity.login` rows; "actions" are all other rows; an active user is
an account with at least one row in the period. A row counts for a role when the acting user held
that role, at the time of the row, on a unit covering the row's organization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex, Substr
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oqu.access.scope import Actor
from oqu.kernel.errors import ValidationError

from . import journal
from .journal_selectors import VIEW, period_bounds, require_journal_access, scoped_records
from .models import ActionRecord, UsageReport
from .xlsx import workbook_bytes

LOGIN_ACTION = "identity.login"
MAX_ROWS = 500
CHART_ROWS = 15
BAR_STEP = 34  # SVG units per chart row
BAR_AREA = 340  # SVG units of the longest bar

SUBSYSTEMS = {
    "identity": gettext_lazy("Accounts and sign-in"),
    "orgs": gettext_lazy("Organizations and hierarchy"),
    "people": gettext_lazy("People"),
    "access": gettext_lazy("Roles and access"),
    "audit": gettext_lazy("Journals"),
    "notifications": gettext_lazy("Notifications"),
}


@dataclass(frozen=True)
class UsageRow:
    key: str
    label: str
    logins: int
    actions: int
    active_users: int


@dataclass
class UsageResult:
    grouping: str
    date_from: dt.date
    date_to: dt.date
    organization: Any
    rows: list[UsageRow]
    totals: UsageRow
    truncated: bool = False
    chart: list[dict[str, Any]] = field(default_factory=list)

    @property
    def chart_height(self) -> int:
        return max(len(self.chart), 1) * BAR_STEP + 4

    @property
    def grouping_label(self) -> str:
        return str(UsageReport.Grouping(self.grouping).label)


def _metrics() -> dict[str, Any]:
    return {
        "logins": Count("pk", filter=Q(action=LOGIN_ACTION), distinct=True),
        "actions": Count("pk", filter=~Q(action=LOGIN_ACTION), distinct=True),
        "active_users": Count("actor", distinct=True),
    }


def usage_rows_queryset(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, organization: Any = None
) -> QuerySet[ActionRecord]:
    """The journal rows a report counts: the actor's scope, the period, the organization subtree."""
    require_journal_access(actor)
    if date_from > date_to:
        raise ValidationError(
            _("The period starts after it ends."),
            code="period_invalid",
            fields={"date_from": ["after_date_to"]},
        )
    if organization is not None:
        from oqu.access import scope

        scope.require(actor, VIEW, organization)
    start, end = period_bounds(date_from, date_to)
    qs = scoped_records(actor).filter(at__gte=start, at__lt=end)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs


def _row(key: Any, label: Any, values: dict[str, Any]) -> UsageRow:
    return UsageRow(
        key=str(key if key is not None else ""),
        label=str(label),
        logins=values["logins"],
        actions=values["actions"],
        active_users=values["active_users"],
    )


def _by_subsystem(qs: QuerySet[ActionRecord]) -> list[UsageRow]:
    dot = StrIndex("action", Value("."))
    grouped = (
        qs.annotate(
            subsystem=Case(
                When(Q(action__contains="."), then=Substr("action", 1, dot - 1)),
                default=F("action"),
            )
        )
        .values("subsystem")
        .annotate(**_metrics())
        .order_by("-actions", "subsystem")
    )
    return [
        _row(g["subsystem"], SUBSYSTEMS.get(g["subsystem"], g["subsystem"]), g)
        for g in grouped[: MAX_ROWS + 1]
    ]


def _by_user(qs: QuerySet[ActionRecord]) -> list[UsageRow]:
    grouped = (
        qs.values("actor_id", "actor_name")
        .annotate(**_metrics())
        .order_by("-actions", "-logins", "actor_name")
    )
    return [
        _row(g["actor_id"], g["actor_name"] or _("(system)"), g) for g in grouped[: MAX_ROWS + 1]
    ]


def _covering_grant() -> Q:
    """The acting user's grant in force at the row's time on a unit covering its organization."""
    return (
        Q(actor__grants__valid_from__lte=F("at"))
        & (Q(actor__grants__valid_to__isnull=True) | Q(actor__grants__valid_to__gt=F("at")))
        & Q(organization__path__startswith=F("actor__grants__unit__path"))
    )


def _by_role(qs: QuerySet[ActionRecord]) -> list[UsageRow]:
    from oqu.access.models import Grant, Role

    grouped = (
        qs.filter(_covering_grant())
        .values(role=F("actor__grants__role__code"))
        .annotate(**_metrics())
        .order_by("-actions", "role")
    )
    names = dict(Role.objects.values_list("code", "name"))
    rows = [_row(g["role"], names.get(g["role"], g["role"]), g) for g in grouped[:MAX_ROWS]]
    in_force = (
        Grant.objects.filter(user_id=OuterRef("actor_id"), valid_from__lte=OuterRef("at"))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("at")))
        .filter(StartsWith(OuterRef("organization__path"), F("unit__path")))
    )
    without = qs.filter(~Exists(in_force)).aggregate(**_metrics())
    if without["logins"] or without["actions"]:
        rows.append(_row("", _("Without a role (parents, learners, system)"), without))
    return rows


GROUPERS = {
    UsageReport.Grouping.SUBSYSTEM: _by_subsystem,
    UsageReport.Grouping.ROLE: _by_role,
    UsageReport.Grouping.USER: _by_user,
}


def chart_bars(rows: list[UsageRow], limit: int = CHART_ROWS) -> list[dict[str, Any]]:
    """Bar lengths (in SVG units, the largest value filling the bar area) of the top rows, for
    the chart drawn on the server (no JavaScript, no external library)."""
    top = rows[:limit]
    largest = max([1, *(max(r.actions, r.logins) for r in top)])
    return [
        {
            "row": row,
            "y": index * BAR_STEP,
            "actions_width": round(BAR_AREA * row.actions / largest, 1),
            "logins_width": round(BAR_AREA * row.logins / largest, 1),
        }
        for index, row in enumerate(top)
    ]


def usage_run(
    actor: Actor,
    *,
    grouping: str,
    date_from: dt.date,
    date_to: dt.date,
    organization: Any = None,
) -> UsageResult:
    """Compute one report (3 to 4 queries, however many rows the journal holds)."""
    if grouping not in GROUPERS:
        raise ValidationError(
            _("Choose a grouping: by subsystem, by role or by user."),
            code="grouping_unknown",
            fields={"grouping": [grouping]},
        )
    qs = usage_rows_queryset(actor, date_from=date_from, date_to=date_to, organization=organization)
    rows = GROUPERS[grouping](qs)
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    totals = _row("total", _("Total"), qs.aggregate(**_metrics()))
    return UsageResult(
        grouping=grouping,
        date_from=date_from,
        date_to=date_to,
        organization=organization,
        rows=rows,
        totals=totals,
        truncated=truncated,
        chart=chart_bars(rows),
    )


def usage_xlsx(*, actor: Actor, result: UsageResult, name: str = "") -> bytes:
    """The report as a workbook; downloading it is journaled as an export."""
    grouping_label = str(UsageReport.Grouping(result.grouping).label)
    content = workbook_bytes(
        _("Usage report"),
        [grouping_label, _("Sign-ins"), _("Actions"), _("Active users")],
        [
            *([r.label, r.logins, r.actions, r.active_users] for r in result.rows),
            [
                result.totals.label,
                result.totals.logins,
                result.totals.actions,
                result.totals.active_users,
            ],
        ],
    )
    with transaction.atomic():
        journal.record(
            actor=actor,
            action="audit.report.export",
            target=result.organization,
            after={
                "name": name,
                "grouping": result.grouping,
                "date_from": result.date_from,
                "date_to": result.date_to,
                "rows": len(result.rows),
                "format": "xlsx",
            },
        )
    return content


# -- saved reports ---------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(
            _("Give the report a name of up to 200 characters."),
            code="name_required",
            fields={"name": ["required"]},
        )
    return name


def usage_report_save(
    *,
    actor: Actor,
    name: str,
    grouping: str,
    date_from: dt.date,
    date_to: dt.date,
    organization: Any = None,
) -> UsageReport:
    """Save a report's parameters for its owner; they are checked by running it once."""
    name = _check_name(name)
    usage_rows_queryset(actor, date_from=date_from, date_to=date_to, organization=organization)
    if grouping not in GROUPERS:
        raise ValidationError(
            _("Choose a grouping: by subsystem, by role or by user."),
            code="grouping_unknown",
            fields={"grouping": [grouping]},
        )
    return UsageReport.objects.create(
        owner=actor.user,
        name=name,
        grouping=grouping,
        date_from=date_from,
        date_to=date_to,
        organization=organization,
    )


def usage_report_delete(*, actor: Actor, report: UsageReport) -> None:
    report.delete()


def usage_report_list(actor: Actor) -> QuerySet[UsageReport]:
    """The actor's own saved reports."""
    if actor.is_anonymous:
        return UsageReport.objects.none()
    return UsageReport.objects.filter(owner=actor.user).select_related("organization")


def usage_report_get(actor: Actor, report_id: Any) -> UsageReport:
    from oqu.access import scope

    return scope.get_in(usage_report_list(actor), report_id, actor, VIEW)


def usage_report_run(actor: Actor, report: UsageReport) -> UsageResult:
    return usage_run(
        actor,
        grouping=report.grouping,
        date_from=report.date_from,
        date_to=report.date_to,
        organization=report.organization,
    )
