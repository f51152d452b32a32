"""A learner's TODAY — who may open it, the class stay, lessons, marks, homework — in one query.

The parent's most opened page. Built from five queries (the reachable person, the stay, then
lessons, marks and homework), the database round trips and the ORM compiling the access subqueries
cost ten times the database work (`bench/parent_today.py`), so the whole page is one UNION ALL
written once here; only the parameters change. It stays portable (PostgreSQL and SQLite):
`CAST(NULL AS …)` types the empty columns of a branch, and values are normalised in Python.

Access is decided in the same statement and by the same rule as `selectors.cabinet_person`: the
person row comes back only for the actor themselves while enrolled somewhere, or for a child the
actor actively guards, and every other branch hangs off that row (through the stay), so nothing of
an unreachable learner is read. The caller turns a missing person row into the journaled 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Any

from django.db import connection

from oqu.journal.models import Assessment, Attendance, Mark
from oqu.kernel.sql import db_uuid, fetch_all
from oqu.lms.models import Homework, HomeworkSubmission
from oqu.orgs.models import Unit
from oqu.people.models import Enrolment, Guardianship, Person
from oqu.school.models import (
    BellSlot,
    ClassMembership,
    Lesson,
    Room,
    SchoolClass,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
)

from . import rows as fmt

PERSON, LESSON, MARK, HOMEWORK = range(1, 5)

# Columns: kind, id, ref, day, number, number2, t1 … t12, points, starts, ends, code, at.
# The ORDER BY gives each branch its page order: lessons by date, number, subject code, id;
# marks by lesson number, assessment creation, id; homework by due date, subject code, creation, id.
_SQL = """
WITH reach AS (
    SELECT p.id, p.last_name_{lang} AS last_name, p.first_name_{lang} AS first_name,
           p.middle_name_{lang} AS middle_name
    FROM {person} p
    WHERE p.id = %s AND (
        (p.id = %s AND EXISTS (
            SELECT 1 FROM {enrolment} e WHERE e.person_id = p.id AND e.end_date IS NULL))
        OR EXISTS (
            SELECT 1 FROM {guardianship} g
            WHERE g.guardian_id = %s AND g.child_id = p.id AND g.end_date IS NULL))
), stay AS (
    SELECT cm.school_class_id, sc.year_id, sc.shift, sc.grade, sc.letter, u.name AS school
    FROM {membership} cm
    JOIN reach ON reach.id = cm.person_id
    JOIN {school_class} sc ON sc.id = cm.school_class_id
    JOIN {unit} u ON u.id = cm.organization_id
    WHERE cm.start_date <= %s AND (cm.end_date IS NULL OR cm.end_date >= %s)
    ORDER BY cm.start_date DESC
    LIMIT 1
)
SELECT {person_kind} AS kind, r.id, CAST(NULL AS uuid) AS ref, CAST(NULL AS date) AS day,
       stay.grade AS number, CAST(NULL AS integer) AS number2,
       r.last_name AS t1, r.first_name AS t2, r.middle_name AS t3, stay.letter AS t4,
       stay.school AS t5, CAST(NULL AS text) AS t6, CAST(NULL AS text) AS t7,
       CAST(NULL AS text) AS t8, CAST(NULL AS text) AS t9, CAST(NULL AS text) AS t10,
       CAST(NULL AS text) AS t11, CAST(NULL AS text) AS t12, CAST(NULL AS numeric) AS points,
       CAST(NULL AS time) AS starts, CAST(NULL AS time) AS ends, CAST(NULL AS text) AS code,
       CAST(NULL AS timestamp with time zone) AS at
FROM reach r LEFT JOIN stay ON 1 = 1
UNION ALL
SELECT {lesson_kind}, l.id, sub.id, l.date, l.lesson_number, NULL,
       s.name_{lang}, t.last_name_{lang}, t.first_name_{lang}, t.middle_name_{lang}, rm.name,
       l.topic, l.status, sub.reason, at.last_name_{lang}, at.first_name_{lang},
       at.middle_name_{lang}, att.status, NULL, b.starts_at, b.ends_at, s.code, NULL
FROM stay
JOIN {assignment} a ON a.school_class_id = stay.school_class_id
JOIN {lesson} l ON l.assignment_id = a.id
JOIN {subject} s ON s.id = a.subject_id
JOIN {person} t ON t.id = l.teacher_id
LEFT JOIN {room} rm ON rm.id = l.room_id
LEFT JOIN {bell} b
  ON b.year_id = stay.year_id AND b.shift = stay.shift AND b.number = l.lesson_number
LEFT JOIN {substitution} sub ON sub.lesson_id = l.id
LEFT JOIN {person} at ON at.id = sub.absent_teacher_id
LEFT JOIN {attendance} att ON att.lesson_id = l.id AND att.learner_id = %s
WHERE l.date = %s
  AND (a.subgroup_id IS NULL OR EXISTS (
      SELECT 1 FROM {members} m WHERE m.subgroup_id = a.subgroup_id AND m.person_id = %s))
UNION ALL
SELECT {mark_kind}, k.id, NULL, l.date, l.lesson_number, x.max_points,
       s.name_{lang}, x.kind, x.title, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       k.points, NULL, NULL, NULL, x.created_at
FROM {mark} k
JOIN {assessment} x ON x.id = k.assessment_id
JOIN {lesson} l ON l.id = x.lesson_id
JOIN {assignment} a ON a.id = l.assignment_id
JOIN {subject} s ON s.id = a.subject_id
WHERE k.learner_id = %s AND l.date = %s AND EXISTS (SELECT 1 FROM stay)
UNION ALL
SELECT {homework_kind}, h.id, NULL, h.due_date, NULL, h.max_points,
       s.name_{lang}, h.text,
       (SELECT hs.status FROM {submission} hs
        WHERE hs.homework_id = h.id AND hs.learner_id = %s LIMIT 1),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT hs.points FROM {submission} hs
        WHERE hs.homework_id = h.id AND hs.learner_id = %s LIMIT 1),
       NULL, NULL, s.code, h.created_at
FROM stay
JOIN {assignment} a ON a.school_class_id = stay.school_class_id
JOIN {homework} h ON h.assignment_id = a.id
JOIN {subject} s ON s.id = a.subject_id
WHERE h.due_date >= %s AND h.due_date <= %s
  AND (a.subgroup_id IS NULL OR EXISTS (
      SELECT 1 FROM {members} m WHERE m.subgroup_id = a.subgroup_id AND m.person_id = %s))
ORDER BY 1, 4, 5, 22, 23, 2
"""


@cache
def _sql(lang: str) -> str:
    tables = {
        "person": Person,
        "enrolment": Enrolment,
        "guardianship": Guardianship,
        "membership": ClassMembership,
        "school_class": SchoolClass,
        "unit": Unit,
        "assignment": TeachingAssignment,
        "lesson": Lesson,
        "subject": Subject,
        "room": Room,
        "bell": BellSlot,
        "substitution": Substitution,
        "attendance": Attendance,
        "members": Subgroup.learners.through,
        "mark": Mark,
        "assessment": Assessment,
        "homework": Homework,
        "submission": HomeworkSubmission,
    }
    quote = connection.ops.quote_name
    names = {key: quote(model._meta.db_table) for key, model in tables.items()}
    kinds = {
        "person_kind": PERSON,
        "lesson_kind": LESSON,
        "mark_kind": MARK,
        "homework_kind": HOMEWORK,
    }
    return _SQL.format(lang=lang, **names, **kinds)


def _uuid_text(value: Any) -> str:
    return str(value) if isinstance(value, uuid.UUID) else str(uuid.UUID(str(value)))


def today_rows(
    lang: str, actor_person_id: Any, person_id: Any, on: dt.date
) -> dict[str, Any] | None:
    """The TODAY page of `person_id` on `on` as the API answers it, or None when the actor (by
    their person) neither is that learner while enrolled nor actively guards them."""
    learner = db_uuid(person_id)
    params = [
        learner,
        db_uuid(actor_person_id),
        db_uuid(actor_person_id),
        on,
        on,
        learner,
        on,
        learner,
        learner,
        on,
        learner,
        learner,
        on,
        on + dt.timedelta(days=1),
        learner,
    ]
    rows = fetch_all(_sql(lang), params)
    if not rows or rows[0][0] != PERSON:
        return None
    return _page(rows, on)


def _page(rows: list[tuple[Any, ...]], on: dt.date) -> dict[str, Any]:
    person = rows[0]
    grade, letter, school = person[4], person[9], person[10]
    page: dict[str, Any] = {
        "person": {
            "id": _uuid_text(person[1]),
            "name": fmt.full_name(person[6], person[7], person[8]),
            "class_name": f"{grade}{letter}" if grade is not None else "",
            "school": school or "",
        },
        "date": on.isoformat(),
        "lessons": [],
        "marks": [],
        "homework": [],
    }
    for row in rows[1:]:
        kind = row[0]
        if kind == LESSON:
            page["lessons"].append(_lesson(row))
        elif kind == MARK:
            page["marks"].append(_mark(row))
        else:
            page["homework"].append(_homework(row, on))
    return page


def _lesson(row: tuple[Any, ...]) -> dict[str, Any]:
    (_k, pk, substitution, day, number, _n2, subject, t_last, t_first, t_middle, room, topic,
     status, reason, a_last, a_first, a_middle, attendance, _p, starts, ends, _c, _at) = row  # fmt: skip
    return {
        "id": _uuid_text(pk),
        "date": fmt.day(day).isoformat(),
        "number": number,
        "starts_at": fmt.hhmm(starts),
        "ends_at": fmt.hhmm(ends),
        "subject": subject,
        "teacher": fmt.full_name(t_last, t_first, t_middle),
        "room": room or "",
        "topic": topic,
        "status": status,
        "substitution": {
            "absent_teacher": fmt.full_name(a_last, a_first, a_middle),
            "reason": reason,
        }
        if substitution is not None
        else None,
        "attendance": attendance,
    }


def _mark(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": _uuid_text(row[1]),
        "date": fmt.day(row[3]).isoformat(),
        "lesson_number": row[4],
        "subject": row[6],
        "kind": row[7],
        "title": row[8],
        "points": fmt.points(row[18]),
        "max_points": row[5],
    }


def _homework(row: tuple[Any, ...], on: dt.date) -> dict[str, Any]:
    due = fmt.day(row[3])
    return {
        "id": _uuid_text(row[1]),
        "subject": row[6],
        "text": row[7],
        "due_date": due.isoformat(),
        "max_points": row[5],
        "state": fmt.homework_state(row[8], due, on),
        "points": fmt.points(row[18]),
    }
