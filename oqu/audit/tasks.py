"""Scheduled checks of the journals (jobs in kernel/schedule.py)."""

from __future__ import annotations

from .integrity import verify_and_report

try:  # Django 6 ships the same API as django.tasks; the backport serves Django 5.2.
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def verify_journal_chains() -> int:
    """Verify every chain of the action journal once a day (G-5.16); a break becomes a critical
    security event (G-5.20). Returns how many chains are broken."""
    return sum(1 for report in verify_and_report() if not report.ok)
