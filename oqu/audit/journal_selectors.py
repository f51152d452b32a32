"""The journal viewer's reads (G-5.13): the action journal for a chosen user over a chosen period,
filtered by object and action, scoped by the actor.

Holders of `audit.journal.view` see the rows of organizations in their subtrees; platform-level
rows (no organization: district or region changes, sign-ins of users without an organization)
only the platform administrator.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import Forbidden, ValidationError

from .models import ActionRecord

VIEW = "audit.journal.view"
DEFAULT_PERIOD_DAYS = 30
USER_CHOICES_LIMIT = 20


@dataclass(frozen=True)
class JournalFilter:
    """What the viewer asks for; `date_to` is inclusive (a whole local day)."""

    date_from: dt.date
    date_to: dt.date
    user_id: UUID | None = None
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    organization: Any = None

    def describe(self) -> dict[str, Any]:
        """The filter as journaled with an export (ids, not objects)."""
        data = asdict(self)
        data["organization"] = str(self.organization.pk) if self.organization else None
        return {k: v for k, v in data.items() if v not in (None, "")}


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def make_filter(
    actor: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user_id: UUID | None = None,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    organization_id: UUID | None = None,
) -> JournalFilter:
    """Validate the viewer's parameters; the organization must be in the actor's journal scope."""
    start, end = default_period()
    date_from, date_to = date_from or start, date_to or end
    if date_from > date_to:
        raise ValidationError(
            _("The period starts after it ends."),
            code="period_invalid",
            fields={"date_from": ["after_date_to"]},
        )
    organization = None
    if organization_id is not None:
        from oqu.orgs.models import Unit

        organization = Unit.objects.filter(pk=organization_id).first()
        if organization is None:
            raise scope.not_found(actor, VIEW, "orgs.unit", organization_id)
        scope.require(actor, VIEW, organization)
    return JournalFilter(
        date_from=date_from,
        date_to=date_to,
        user_id=user_id,
        action=action.strip()[:100],
        target_type=target_type.strip().lower()[:100],
        target_id=target_id.strip()[:64],
        organization=organization,
    )


def may_view_journal(actor: Actor) -> bool:
    return not actor.is_anonymous and (actor.is_platform_admin or bool(actor.paths_for(VIEW)))


def require_journal_access(actor: Actor) -> None:
    """A 403 (journaled) for someone who holds the journal capability nowhere."""
    if may_view_journal(actor):
        return
    error = Forbidden()
    error.denial = scope.Denial(actor, VIEW, "audit.actionrecord", "", "missing_capability")  # type: ignore[attr-defined]
    raise error


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from the start of `date_from` to the end of `date_to`, local time."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return start, end


def scoped_records(actor: Actor) -> QuerySet[ActionRecord]:
    """Every journal row the actor may read (benchmark rows outside the chains excluded)."""
    qs = ActionRecord.objects.exclude(chain__startswith="u-")
    return scope.visible(actor, VIEW, qs)


def journal_rows(actor: Actor, filters: JournalFilter) -> QuerySet[ActionRecord]:
    """The rows matching the viewer's filters, newest first; one query, any page size."""
    start, end = period_bounds(filters.date_from, filters.date_to)
    qs = scoped_records(actor).filter(at__gte=start, at__lt=end)
    if filters.user_id:
        qs = qs.filter(actor_id=filters.user_id)
    if filters.action:
        if filters.action.endswith((".", "*")):
            qs = qs.filter(action__startswith=filters.action.rstrip("*"))
        else:
            qs = qs.filter(action=filters.action)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.target_id:
        qs = qs.filter(target_id=filters.target_id)
    if filters.organization is not None:
        qs = qs.filter(organization__path__startswith=filters.organization.path)
    return qs.select_related("organization").order_by("-at", "-pk")


def journal_users(
    actor: Actor, search: str = "", *, include: Any = None, limit: int = USER_CHOICES_LIMIT
) -> list[Any]:
    """Accounts the actor may pick in the viewer: those holding a role, working or learning in
    the actor's journal subtrees (everyone for the platform administrator), by username or name;
    `include` (the account already chosen) is kept in the list when it is one of them."""
    from oqu.access.models import Grant
    from oqu.identity.models import User
    from oqu.people.models import Person

    if not may_view_journal(actor):
        return []
    qs = User.objects.select_related("person")
    if not actor.is_platform_admin:
        granted = Grant.objects.filter(scope.path_filter(actor, VIEW, "unit__path")).values(
            "user_id"
        )
        people = Person.objects.filter(scope.person_filter(actor, VIEW)).values("pk")
        qs = qs.filter(Q(pk__in=granted) | Q(person_id__in=people))
    search = search.strip()[:100]
    if search:
        words = Q(username__istartswith=search)
        for word in search.split()[:3]:
            words |= (
                Q(person__last_name_kk__istartswith=word)
                | Q(person__last_name_ru__istartswith=word)
                | Q(person__first_name_kk__istartswith=word)
                | Q(person__first_name_ru__istartswith=word)
            )
        if include:
            words |= Q(pk=include)
        qs = qs.filter(words)
    chosen_first = Case(When(pk=include, then=Value(0)), default=Value(1)) if include else Value(1)
    return list(qs.order_by(chosen_first, "username")[:limit])


# -- before/after as a readable diff ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    changed: bool


def _readable(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _as_mapping(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def changes(row: ActionRecord) -> list[Change]:
    """Field by field: the value before, the value after, and whether it changed."""
    before, after = _as_mapping(row.before), _as_mapping(row.after)
    fields = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            field,
            _readable(before.get(field)),
            _readable(after.get(field)),
            before.get(field) != after.get(field),
        )
        for field in fields
    ]


UNIT_CHOICES_LIMIT = 300


def journal_units(actor: Actor) -> list[Any]:
    """Units the viewer may narrow the journal or a report to: the units of the actor's journal
    grants and the units directly below them (the republic and regions for the administrator)."""
    from oqu.orgs.models import Unit

    if actor.is_anonymous:
        return []
    if actor.is_platform_admin:
        qs = Unit.objects.filter(depth__lte=1)
    else:
        paths = actor.paths_for(VIEW)
        if not paths:
            return []
        roots = list(Unit.objects.filter(path__in=paths).values_list("pk", flat=True))
        qs = Unit.objects.filter(Q(pk__in=roots) | Q(parent_id__in=roots))
    return list(qs.order_by("depth", "name")[:UNIT_CHOICES_LIMIT])
