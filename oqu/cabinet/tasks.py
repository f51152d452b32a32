"""The cabinet's notices of journal events, sent by the task worker (`manage.py db_worker`).

A teacher saving a class's attendance should not wait while every learner's and guardian's notice
is written and e-mailed: the journal's event handler only enqueues one of these tasks (one insert,
committed with the teacher's change: an outbox), and the worker sends the notices. The services they call are idempotent, so a
task run twice notifies once.
"""

from __future__ import annotations

from uuid import UUID

from oqu.journal.events import AbsencesRecorded, MarksRecorded
from oqu.kernel.tasks import task

from . import services


def _ids(values: list[str]) -> tuple[UUID, ...]:
    return tuple(UUID(value) for value in values)


@task()
def notify_marks(*, organization_id: str, assessment_id: str, learner_ids: list[str]) -> int:
    event = MarksRecorded(UUID(organization_id), UUID(assessment_id), _ids(learner_ids))
    return services.notify_marks(event)


@task()
def notify_absences(*, organization_id: str, lesson_id: str, learner_ids: list[str]) -> int:
    event = AbsencesRecorded(UUID(organization_id), UUID(lesson_id), _ids(learner_ids))
    return services.notify_absences(event)


def enqueue_marks(event: MarksRecorded) -> None:
    """The `MarksRecorded` handler: hand the notices to the worker."""
    notify_marks.enqueue(
        organization_id=str(event.organization_id),
        assessment_id=str(event.assessment_id),
        learner_ids=[str(pk) for pk in event.learner_ids],
    )


def enqueue_absences(event: AbsencesRecorded) -> None:
    """The `AbsencesRecorded` handler: hand the notices to the worker."""
    notify_absences.enqueue(
        organization_id=str(event.organization_id),
        lesson_id=str(event.lesson_id),
        learner_ids=[str(pk) for pk in event.learner_ids],
    )
