"""Background tasks of the kernel (run by `manage.py db_worker`, enqueued by `manage.py scheduler`)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

# Django 6 ships the same API as django.tasks; the backport serves Django 5.2. Every app's tasks
# module takes `task` from here, so the switch is made once.
try:
    from django.tasks import task
except ImportError:
    from django_tasks import task

FINISHED_TASK_RETENTION_DAYS = 30


@task()
def purge_finished_tasks(*, older_than_days: int = FINISHED_TASK_RETENTION_DAYS) -> int:
    """Delete results of tasks that finished (successfully or not) more than 30 days ago.

    Queued and running tasks are never touched. Returns how many results were deleted.
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
