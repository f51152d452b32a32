"""Events the e-journal publishes after commit (`oqu.kernel.events`); the cabinets notify on them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class MarksRecorded:
    """New or changed marks of one assessment."""

    organization_id: UUID
    assessment_id: UUID
    learner_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class AbsencesRecorded:
    """Learners marked absent, sick or late at one lesson."""

    organization_id: UUID
    lesson_id: UUID
    learner_ids: tuple[UUID, ...]
