"""The scheduled integrity check (job `ops.integrity_check` in kernel/schedule.py)."""

from __future__ import annotations

from .models import IntegrityCheck
from .services import integrity_check_run

try:  # Django 6 ships the same API as django.tasks; the backport serves Django 5.2.
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def integrity_check() -> str:
    """Compare the installed files with the manifest; returns the result code."""
    return integrity_check_run(trigger=IntegrityCheck.Trigger.SCHEDULE).result
