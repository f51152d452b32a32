"""The periodic-job scheduler: due jobs are enqueued exactly once, and the kernel's purge task."""

import threading
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from oqu.kernel.models import ScheduledJobRun
from oqu.kernel.schedule import JOBS, Job, run_due_jobs
from oqu.kernel.tasks import purge_finished_tasks

ALMATY = ZoneInfo("Asia/Almaty")
PURGE_PATH = "oqu.kernel.tasks.purge_finished_tasks"
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def db_tasks(settings):
    """Queue tasks in the database (as `run` and production do), so every enqueue leaves a row."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(task_path: str = PURGE_PATH) -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


@pytest.mark.smoke
@pytest.mark.django_db
def test_due_job_is_enqueued_once_and_not_again_before_its_interval(db_tasks):
    # given: an hourly job that has never run
    job = Job(name="test.hourly", task_path=PURGE_PATH, every=timedelta(hours=1))
    start = datetime(2026, 3, 2, 9, 0, tzinfo=ALMATY)
    with time_machine.travel(start, tick=False) as clock:
        # when: two passes at once, then passes 59 and 60 minutes later
        first = run_due_jobs(jobs=[job]).enqueued
        again = run_due_jobs(jobs=[job]).enqueued
        clock.shift(timedelta(minutes=59))
        too_early = run_due_jobs(jobs=[job]).enqueued
        clock.shift(timedelta(minutes=1))
        next_hour = run_due_jobs(jobs=[job]).enqueued
    # then: enqueued at 09:00 and 10:00 only
    assert (first, again, too_early, next_hour) == (["test.hourly"], [], [], ["test.hourly"])
    assert queued() == 2
    assert ScheduledJobRun.objects.get(name="test.hourly").last_run_at == start + timedelta(hours=1)


@pytest.mark.smoke
@pytest.mark.django_db
def test_daily_job_runs_once_a_day_at_its_local_time(db_tasks):
    # given: a 03:00 job that last ran yesterday at 03:00 (Almaty time)
    job = Job(name="test.daily", task_path=PURGE_PATH, daily_at=time(3, 0))
    ScheduledJobRun.objects.create(
        name="test.daily", last_run_at=datetime(2026, 3, 1, 3, 0, tzinfo=ALMATY)
    )
    passes = {}
    with time_machine.travel(datetime(2026, 3, 2, 2, 59, tzinfo=ALMATY), tick=False) as clock:
        # when: passes just before and at 03:00, late that evening, and at 03:00 the next day
        passes["02:59"] = run_due_jobs(jobs=[job]).enqueued
        clock.shift(timedelta(minutes=1))
        passes["03:00"] = run_due_jobs(jobs=[job]).enqueued
        clock.shift(timedelta(hours=20))
        passes["23:00"] = run_due_jobs(jobs=[job]).enqueued
        clock.shift(timedelta(hours=4))
        passes["next 03:00"] = run_due_jobs(jobs=[job]).enqueued
    # then
    assert passes == {
        "02:59": [],
        "03:00": ["test.daily"],
        "23:00": [],
        "next 03:00": ["test.daily"],
    }
    assert queued() == 2


@pytest.mark.smoke
@pytest.mark.django_db
def test_restarted_scheduler_catches_up_a_missed_slot_once(db_tasks):
    # given: a daily job last run three days ago (no scheduler ran since)
    job = Job(name="test.daily", task_path=PURGE_PATH, daily_at=time(3, 0))
    ScheduledJobRun.objects.create(
        name="test.daily", last_run_at=datetime(2026, 3, 1, 3, 0, tzinfo=ALMATY)
    )
    # when: the scheduler comes back on the 4th at noon and makes two passes
    now = datetime(2026, 3, 4, 12, 0, tzinfo=ALMATY)
    passes = [
        run_due_jobs(now=now, jobs=[job]).enqueued,
        run_due_jobs(now=now, jobs=[job]).enqueued,
    ]
    # then: the three missed runs are one run
    assert passes == [["test.daily"], []]
    assert queued() == 1


@pytest.mark.smoke
@pytest.mark.django_db
def test_broken_job_does_not_stop_the_others(db_tasks):
    # given: a job pointing at a task that does not exist, listed before a good one
    broken = Job(
        name="test.broken", task_path="oqu.kernel.tasks.no_such_task", every=timedelta(hours=1)
    )
    good = Job(name="test.good", task_path=PURGE_PATH, every=timedelta(hours=1))
    # when
    result = run_due_jobs(jobs=[broken, good])
    # then: the good job ran; the broken one stays due (no run recorded)
    assert (result.enqueued, result.failed) == (["test.good"], ["test.broken"])
    assert list(ScheduledJobRun.objects.values_list("name", flat=True)) == ["test.good"]
    assert queued() == 1


@pytest.mark.smoke
@pytest.mark.django_db
def test_scheduler_command_once_enqueues_the_purge_job_a_single_time(db_tasks):
    # when: `manage.py scheduler --once` runs twice
    first, second = StringIO(), StringIO()
    call_command("scheduler", "--once", stdout=first)
    call_command("scheduler", "--once", stdout=second)
    # then: the shipped purge job is queued for the worker once
    # (every shipped job is due on the first pass: other apps add their own to JOBS)
    assert first.getvalue() == "".join(f"scheduler: enqueued {job.name}\n" for job in JOBS)
    assert second.getvalue() == ""
    assert [queued(job.task_path) for job in JOBS] == [1] * len(JOBS)
    assert ScheduledJobRun.objects.filter(name="kernel.purge_finished_tasks").exists()


def test_every_shipped_job_points_at_a_task_and_has_a_unique_name():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    assert [job.task().module_path for job in JOBS] == [job.task_path for job in JOBS]


def test_a_job_needs_exactly_one_kind_of_schedule():
    with pytest.raises(ValueError, match="exactly one"):
        Job(name="x", task_path=PURGE_PATH)
    with pytest.raises(ValueError, match="exactly one"):
        Job(name="x", task_path=PURGE_PATH, every=timedelta(hours=1), daily_at=time(3, 0))


@pytest.mark.smoke
@pytest.mark.django_db
def test_purge_deletes_results_finished_more_than_30_days_ago(db_tasks):
    # given: results finished 31 and 29 days ago, one failed 40 days ago, one still queued since then
    now = datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)
    ids = {}
    with time_machine.travel(now - timedelta(days=40), tick=False):
        for label in ("ok_31", "ok_29", "failed_40", "queued_40"):
            ids[label] = purge_finished_tasks.enqueue().id
    finished = {
        "ok_31": ("SUCCESSFUL", now - timedelta(days=31)),
        "ok_29": ("SUCCESSFUL", now - timedelta(days=29)),
        "failed_40": ("FAILED", now - timedelta(days=40)),
    }
    for label, (status, finished_at) in finished.items():
        DBTaskResult.objects.filter(pk=ids[label]).update(status=status, finished_at=finished_at)
    # when
    with time_machine.travel(now, tick=False):
        deleted = purge_finished_tasks.call()
    # then
    assert deleted == 2
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert remaining == {str(ids["ok_29"]), str(ids["queued_40"])}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_scheduler_waits_for_the_first_and_does_not_enqueue_again(db_tasks):
    # given: a due job
    job = Job(name="test.hourly", task_path=PURGE_PATH, every=timedelta(hours=1))
    now = datetime(2026, 3, 2, 9, 0, tzinfo=ALMATY)
    ScheduledJobRun.objects.create(name=job.name, last_run_at=now - timedelta(hours=2))
    other = {}

    def other_scheduler():
        try:
            other["enqueued"] = run_due_jobs(now=now, jobs=[job]).enqueued
        finally:
            connection.close()

    # when: scheduler A is mid-pass (its transaction still open) as scheduler B starts the same pass
    with transaction.atomic():
        mine = run_due_jobs(now=now, jobs=[job]).enqueued
        thread = threading.Thread(target=other_scheduler)
        thread.start()
        thread.join(timeout=1.0)
        b_waited_for_a = thread.is_alive()
    thread.join(timeout=30)
    # then: B waited on A's row lock, then found the job no longer due
    assert (mine, b_waited_for_a, other["enqueued"]) == (["test.hourly"], True, [])
    assert queued() == 1
