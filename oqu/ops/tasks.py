"""The scheduled integrity check (job `ops.integrity_check` in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from .models import IntegrityCheck
from .services import integrity_check_run


@task()
def integrity_check() -> str:
    """Compare the installed files with the manifest; returns the result code."""
    return integrity_check_run(trigger=IntegrityCheck.Trigger.SCHEDULE).result
