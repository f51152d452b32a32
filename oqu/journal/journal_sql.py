"""The class journal's rows in one hand-written query (the page teachers open most).

The ORM built the same UNION ALL, but compiling its five annotated branches cost more than running
it: on the benchmark database (1.5 million rows) the compile took about as long as the database
work, so the query text is written once here and only the parameters change. It stays portable:
`CAST(NULL AS …)` types the empty columns on PostgreSQL (a UNION resolves each column's type from
its branches) and is harmless on SQLite, and the values are adapted by the model fields both ways.

Access is not decided here: callers pass an assignment they already reached through `gates`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Any

from django.db import connection

from oqu.kernel.sql import db_uuid, fetch_all
from oqu.people.models import Person
from oqu.school.models import ClassMembership, Lesson, Subgroup, TeachingAssignment

from .models import Assessment, Attendance, Mark

LEARNER, LESSON, ATTENDANCE, ASSESSMENT, MARK = range(1, 6)
NAME_COLUMNS = {
    "kk": ("last_name_kk", "first_name_kk", "middle_name_kk"),
    "ru": ("last_name_ru", "first_name_ru", "middle_name_ru"),
}

# kind, id, ref, date, int, text1, text2, text3, points, at — each branch fills some of them.
_SQL = """
SELECT {learner}, p.id, CAST(NULL AS uuid), CAST(NULL AS date), CAST(NULL AS integer),
       p.{last}, p.{first}, p.{middle}, CAST(NULL AS numeric), CAST(NULL AS timestamp with time zone)
FROM {person} p
WHERE p.id IN (
    SELECT m.person_id FROM {membership} m
    WHERE m.school_class_id = %s AND m.start_date <= %s
      AND (m.end_date IS NULL OR m.end_date > %s){subgroup})
UNION ALL
SELECT {lesson_kind}, l.id, l.teacher_id, l.date, l.lesson_number, l.topic, l.status, NULL, NULL,
       NULL
FROM {lesson} l WHERE l.assignment_id = %s AND l.date BETWEEN %s AND %s
UNION ALL
SELECT {attendance_kind}, a.lesson_id, a.learner_id, NULL, NULL, a.status, NULL, NULL, NULL, NULL
FROM {attendance} a JOIN {lesson} l ON l.id = a.lesson_id
WHERE l.assignment_id = %s AND l.date BETWEEN %s AND %s
UNION ALL
SELECT {assessment_kind}, s.id, s.lesson_id, NULL, s.max_points, s.kind, s.title, NULL, NULL,
       s.created_at
FROM {assessment} s JOIN {lesson} l ON l.id = s.lesson_id
WHERE l.assignment_id = %s AND l.date BETWEEN %s AND %s
UNION ALL
SELECT {mark_kind}, k.assessment_id, k.learner_id, NULL, NULL, NULL, NULL, NULL, k.points, NULL
FROM {mark} k JOIN {assessment} s ON s.id = k.assessment_id JOIN {lesson} l ON l.id = s.lesson_id
WHERE l.assignment_id = %s AND l.date BETWEEN %s AND %s
"""

_SUBGROUP = " AND m.person_id IN (SELECT sl.person_id FROM {through} sl WHERE sl.subgroup_id = %s)"


@cache
def _query(language: str, with_subgroup: bool) -> str:
    last, first, middle = NAME_COLUMNS[language]
    through = Subgroup.learners.through._meta.db_table
    return _SQL.format(
        learner=LEARNER,
        lesson_kind=LESSON,
        attendance_kind=ATTENDANCE,
        assessment_kind=ASSESSMENT,
        mark_kind=MARK,
        last=last,
        first=first,
        middle=middle,
        person=Person._meta.db_table,
        membership=ClassMembership._meta.db_table,
        lesson=Lesson._meta.db_table,
        attendance=Attendance._meta.db_table,
        assessment=Assessment._meta.db_table,
        mark=Mark._meta.db_table,
        subgroup=_SUBGROUP.format(through=through) if with_subgroup else "",
    )


def _db_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _params(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[Any]:
    a, first_day, last_day = db_uuid(assignment.pk), _db_date(start), _db_date(end)
    roster = [db_uuid(assignment.school_class_id), last_day, first_day]
    if assignment.subgroup_id:
        roster.append(db_uuid(assignment.subgroup_id))
    return [*roster, *[a, first_day, last_day] * 4]


def journal_rows(
    assignment: TeachingAssignment, start: dt.date, end: dt.date, language: str
) -> list[tuple[Any, ...]]:
    """The flat rows of the class journal of `assignment` between `start` and `end` (one query)."""
    sql = _query(language, bool(assignment.subgroup_id))
    rows = fetch_all(sql, _params(assignment, start, end))
    if connection.vendor == "postgresql":
        return rows
    return [_from_text(row) for row in rows]


def _as_uuid(value: Any) -> Any:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _from_text(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite hands back uuids and dates as text: give them the types PostgreSQL returns."""
    kind, c_id, c_ref, c_date, *rest = row
    if isinstance(c_date, str):
        c_date = dt.date.fromisoformat(c_date)
    return (kind, _as_uuid(c_id), _as_uuid(c_ref), c_date, *rest)
