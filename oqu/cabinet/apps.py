from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CabinetConfig(AppConfig):
    name = "oqu.cabinet"
    label = "cabinet"
    verbose_name = _("Learner and parent cabinet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Notify learners and their guardians of new marks and absences (SEC-27.1, R503-12), from
        # the task worker: the teacher's save only enqueues the notices, in its own transaction.
        from oqu.journal.events import AbsencesRecorded, MarksRecorded
        from oqu.kernel.events import subscribe

        from . import tasks

        subscribe(MarksRecorded, tasks.enqueue_marks, in_transaction=True)
        subscribe(AbsencesRecorded, tasks.enqueue_absences, in_transaction=True)
