"""Scheduled work of the documents app (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task

from .services import overdue_reminders


@task()
def remind_overdue() -> int:
    """Remind approvers and executors whose deadline has passed; returns how many were reminded."""
    return overdue_reminders()
