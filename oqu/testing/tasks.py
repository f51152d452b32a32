"""Scheduled work of the testing app (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task

from .services import close_overdue_attempts


@task()
def close_overdue() -> int:
    """Close and grade every attempt whose deadline has passed (SEC-27.14); returns how many."""
    return close_overdue_attempts()
