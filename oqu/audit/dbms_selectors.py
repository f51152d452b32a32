"""Reads of the DBMS-event journal (G-5.14): the platform administrator only.

The journal is platform-wide (the DBMS serves every organization), so the capability is checked on
the republic: only a holder of `audit.dbms.view` there (the platform administrator role) sees it;
anyone else gets the journaled 404/403 of the access layer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.kernel.errors import ValidationError

from .dbms_models import DbmsEvent

DBMS_VIEW = "audit.dbms.view"
USER_MAX_LENGTH = 100


def require_platform(actor: Actor, action: str) -> None:
    """Allow `action` only to a holder of it on the republic (or a superuser)."""
    from oqu.orgs.models import Unit

    republic = Unit.objects.filter(kind=Unit.Kind.REPUBLIC).first()
    if republic is None:
        if actor.is_platform_admin:
            return
        raise scope.not_found(actor, action, "orgs.unit", "republic")
    scope.require(actor, action, republic)


def day_bounds(since: dt.date | None, until: dt.date | None) -> tuple[Any, Any]:
    """The period [since 00:00, until+1 00:00) in the platform's time zone; both ends optional."""
    if since and until and since > until:
        raise ValidationError(
            _("The start of the period is after its end."),
            code="period_invalid",
            fields={"since": ["after_until"]},
        )
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone) if since else None
    end = (
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        if until
        else None
    )
    return start, end


def dbms_event_list(
    actor: Actor,
    *,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    db_user: str | None = None,
) -> QuerySet[DbmsEvent]:
    """DBMS events, newest first, filtered by kind, period (local days) and database user."""
    require_platform(actor, DBMS_VIEW)
    if kind and kind not in DbmsEvent.Kind.values:
        raise ValidationError(
            _("Unknown kind of DBMS event."), code="kind_invalid", fields={"kind": ["invalid"]}
        )
    qs = DbmsEvent.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    start, end = day_bounds(since, until)
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    if db_user:
        qs = qs.filter(db_user=db_user[:USER_MAX_LENGTH])
    return qs.order_by("-at", "-pk")
