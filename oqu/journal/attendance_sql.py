"""A class's attendance at a lesson written in one hand-written upsert.

`bulk_create(update_conflicts=True)` produced the same statement, but building it for 25 rows
(field preparation, the ON CONFLICT clause, PostgreSQL's UNNEST form) cost more than running it,
on the write teachers make every lesson. `INSERT … ON CONFLICT (lesson, learner) DO UPDATE`
runs unchanged on PostgreSQL and SQLite; values are adapted by the model fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from oqu.kernel.sql import db_uuid, fetch_all
from oqu.school.models import ClassMembership, Lesson, Subgroup

from .models import Attendance

_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "lesson_id", "learner_id")
_UPSERT = """
INSERT INTO {table} ({columns}, status, note) VALUES {values}
ON CONFLICT (lesson_id, learner_id) DO UPDATE
SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at
"""


def upsert(rows: Sequence[Attendance]) -> None:
    """Insert the rows, or update status and note of those the lesson already has (one statement).

    The rows must belong to one lesson and one organization, as a class's attendance does.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        _upsert_arrays(rows)
        return
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for row in rows:
        row.pk = row.pk or uuid.uuid4()
        row.created_at = row.updated_at = now
        params += [db_uuid(row.pk), stamp, stamp, db_uuid(row.organization_id)]
        params += [db_uuid(row.lesson_id), db_uuid(row.learner_id), row.status, row.note]
    placeholders = "(" + ", ".join(["%s"] * (len(_COLUMNS) + 2)) + ")"
    sql = _UPSERT.format(
        table=connection.ops.quote_name(Attendance._meta.db_table),
        columns=", ".join(_COLUMNS),
        values=", ".join([placeholders] * len(rows)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# On PostgreSQL the rows travel as four arrays: the statement's text is then the same for any class
# size, so psycopg parses it once and PostgreSQL plans it once (prepared), where the VALUES form
# (200 placeholders for 25 learners) was parsed again on every save.
_UPSERT_ARRAYS = """
INSERT INTO {table} ({columns}, status, note)
SELECT r.id, %s, %s, %s, %s, r.learner_id, r.status, r.note
FROM unnest(%s::uuid[], %s::uuid[], %s::varchar[], %s::varchar[]) AS r(id, learner_id, status, note)
ON CONFLICT (lesson_id, learner_id) DO UPDATE
SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at
"""


def _upsert_arrays(rows: Sequence[Attendance]) -> None:
    first = rows[0]
    if any(
        row.lesson_id != first.lesson_id or row.organization_id != first.organization_id
        for row in rows
    ):
        raise ValueError("attendance rows of one lesson and one organization only")
    now = timezone.now()
    for row in rows:
        row.pk = row.pk or uuid.uuid4()
        row.created_at = row.updated_at = now
    sql = _UPSERT_ARRAYS.format(
        table=connection.ops.quote_name(Attendance._meta.db_table), columns=", ".join(_COLUMNS)
    )
    params = [
        now,
        now,
        first.organization_id,
        first.lesson_id,
        [row.pk for row in rows],
        [row.learner_id for row in rows],
        [row.status for row in rows],
        [row.note for row in rows],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# The class at the lesson (`gates.roster_filter` on the lesson's date) with what each learner has
# stored for it: the whole-class write needs both, and reading them apart cost a round trip.
_ROSTER = """
SELECT DISTINCT m.person_id, a.status, a.note
FROM {membership} m
LEFT JOIN {attendance} a ON a.lesson_id = %s AND a.learner_id = m.person_id
WHERE m.school_class_id = %s AND m.start_date <= %s AND (m.end_date IS NULL OR m.end_date > %s)
"""
_IN_SUBGROUP = (
    "  AND m.person_id IN (SELECT s.person_id FROM {members} s WHERE s.subgroup_id = %s)\n"
)


def roster_with_stored(lesson: Lesson) -> dict[uuid.UUID, tuple[str, str] | None]:
    """Each learner of the lesson's class (or subgroup) that day → their stored (status, note) at
    the lesson, or None (one query)."""
    assignment = lesson.assignment
    quote = connection.ops.quote_name
    sql = _ROSTER.format(
        membership=quote(ClassMembership._meta.db_table),
        attendance=quote(Attendance._meta.db_table),
    )
    params: list[Any] = [
        db_uuid(lesson.pk),
        db_uuid(assignment.school_class_id),
        lesson.date,
        lesson.date,
    ]
    if assignment.subgroup_id:
        sql += _IN_SUBGROUP.format(members=quote(Subgroup.learners.through._meta.db_table))
        params.append(db_uuid(assignment.subgroup_id))
    return {
        _as_uuid(person): (status, note) if status is not None else None
        for person, status, note in fetch_all(sql, params)
    }


def _as_uuid(value: Any) -> uuid.UUID:
    """SQLite answers a UUID as its 32 hex characters."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
