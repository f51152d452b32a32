"""Scheduled checks of the journals (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from .integrity import verify_and_report


@task()
def verify_journal_chains() -> int:
    """Verify every chain of the action journal once a day (G-5.16); a break becomes a critical
    security event (G-5.20). Returns how many chains are broken."""
    return sum(1 for report in verify_and_report() if not report.ok)
