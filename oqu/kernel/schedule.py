"""Periodic jobs: a table in code that `manage.py scheduler` enqueues through django-tasks when due.

A job runs either every fixed interval or once a day at a local time (Asia/Almaty). Each job's last
enqueue time is a `ScheduledJobRun` row. A pass locks that row (`SELECT ... FOR UPDATE` on PostgreSQL;
on SQLite, `BEGIN IMMEDIATE` serializes writers), decides, moves `last_run_at` and enqueues in one
transaction, so two schedulers, or one restarted, never enqueue the same run twice. With the database
task backend the enqueued task is itself a row of that transaction: a run is recorded if and only if its
task was queued. A job whose slot passed while no scheduler ran is enqueued once when one comes back.

Tasks are named by dotted path, so the kernel imports no domain app to schedule its tasks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from oqu.kernel.models import ScheduledJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A periodic job: `every` a fixed interval, or `daily_at` a local time of day."""

    name: str
    task_path: str
    every: timedelta | None = None
    daily_at: time | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name}: give exactly one of every= and daily_at=")
        if self.every is not None and self.every <= timedelta(0):
            raise ValueError(f"job {self.name}: every= must be positive")

    def is_due(self, last_run_at: datetime | None, now: datetime) -> bool:
        """Whether the job should be enqueued at `now`, given when it was last enqueued."""
        if last_run_at is None:
            return True
        if self.every is not None:
            return now - last_run_at >= self.every
        return last_run_at < self.latest_slot(now)

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent moment at or before `now` at which a daily job is scheduled."""
        if self.daily_at is None:
            raise ValueError(f"job {self.name} is not a daily job")
        local_now = timezone.localtime(now)
        slot = local_now.replace(
            hour=self.daily_at.hour,
            minute=self.daily_at.minute,
            second=self.daily_at.second,
            microsecond=0,
        )
        if slot > local_now:
            slot -= timedelta(days=1)
        return slot

    def task(self) -> Any:
        """The django-tasks Task this job enqueues."""
        return import_string(self.task_path)


JOBS: tuple[Job, ...] = (
    Job(
        name="kernel.purge_finished_tasks",
        task_path="oqu.kernel.tasks.purge_finished_tasks",
        daily_at=time(3, 0),
    ),
    Job(
        name="audit.ingest_dbms_log",
        task_path="oqu.audit.dbms_tasks.ingest_dbms_log",
        every=timedelta(minutes=1),
    ),
    Job(
        name="audit.verify_journal_chains",
        task_path="oqu.audit.tasks.verify_journal_chains",
        daily_at=time(2, 30),
    ),
    Job(
        name="ops.integrity_check",
        task_path="oqu.ops.tasks.integrity_check",
        every=timedelta(hours=1),
    ),
    Job(
        name="registration.purge_phone_verifications",
        task_path="oqu.registration.tasks.purge_phone_verifications",
        daily_at=time(3, 30),
    ),
    Job(
        name="registration.recheck_unavailable_links",
        task_path="oqu.registration.tasks.recheck_unavailable_links",
        every=timedelta(hours=1),
    ),
    Job(
        name="school.generate_lessons",
        task_path="oqu.school.tasks.generate_lessons",
        daily_at=time(4, 0),
    ),
    Job(
        name="equeue.cancel_overdue_directions",
        task_path="oqu.equeue.tasks.cancel_overdue_directions",
        daily_at=time(0, 30),
    ),
    Job(
        name="testing.close_overdue_attempts",
        task_path="oqu.testing.tasks.close_overdue",
        every=timedelta(minutes=1),
    ),
    Job(
        name="preschool.purge_creative_works",
        task_path="oqu.preschool.tasks.purge_creative_works",
        daily_at=time(0, 30),
    ),
    Job(
        name="eservices.remind_overdue",
        task_path="oqu.eservices.tasks.remind_overdue",
        daily_at=time(8, 0),
    ),
    Job(
        name="edms.remind_overdue",
        task_path="oqu.edms.tasks.remind_overdue",
        daily_at=time(9, 0),
    ),
)


@dataclass
class PassResult:
    """What one scheduler pass did."""

    enqueued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_due_jobs(
    *, now: datetime | None = None, jobs: tuple[Job, ...] | list[Job] = JOBS
) -> PassResult:
    """Enqueue every job that is due at `now` (default: the current time); one transaction per job.

    A job that cannot be enqueued (its task path is wrong, the backend is down) is logged and left
    due for the next pass; the other jobs still run.
    """
    now = now or timezone.now()
    result = PassResult()
    for job in jobs:
        try:
            enqueued = _enqueue_if_due(job, now)
        except Exception:
            logger.exception("scheduler: could not enqueue job %s", job.name)
            result.failed.append(job.name)
            continue
        if enqueued:
            result.enqueued.append(job.name)
    return result


@transaction.atomic
def _enqueue_if_due(job: Job, now: datetime) -> bool:
    run = ScheduledJobRun.objects.select_for_update().filter(name=job.name).first()
    if not job.is_due(run.last_run_at if run else None, now):
        return False
    if run is None:
        try:
            with transaction.atomic():
                ScheduledJobRun.objects.create(name=job.name, last_run_at=now)
        except IntegrityError:
            # Another scheduler recorded (and enqueued) the job's first run a moment ago.
            return False
    else:
        run.last_run_at = now
        run.save(update_fields=["last_run_at"])
    job.task().enqueue(**job.kwargs)
    logger.info("scheduler: enqueued %s", job.name)
    return True
