"""Scheduled work of the e-services (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task

from .services import overdue_reminders


@task()
def remind_overdue() -> int:
    """Each morning, tell the deciding staff how many applications are past their deadline."""
    return overdue_reminders()
