"""Scheduled work of the preschool (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from . import services


@task()
def purge_creative_works() -> int:
    """Every night, delete the photos of creative works kept for a calendar month (PRE-25.11);
    each deletion is journaled as proof. Returns how many were deleted."""
    return services.works_purge()
