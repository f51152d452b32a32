"""Scheduled work of the school (jobs in kernel/schedule.py)."""

from __future__ import annotations

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from .timetable import generate_coming_weeks


@task()
def generate_lessons() -> dict[str, int]:
    """Every night, make the lessons of the coming three weeks from each school's timetable
    (SEC-27.8): idempotent, so a night missed or run twice changes nothing extra."""
    return generate_coming_weeks()
