"""Background work of the queue: cancelling directions whose deadlines passed (MAP-QUEUE)."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from . import services


@task()
def cancel_overdue_directions() -> int:
    """Cancel unclaimed directions and unconfirmed priorities; returns how many were cancelled."""
    return services.cancel_overdue()
