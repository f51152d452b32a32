"""A parent's TODAY through the API against the same rows fetched by one SQL query (SEC-27.1, R503-12).

    DATABASE_URL=postgres://user:password@host:port/db python bench/parent_today.py [--runs 200]
        [--build-small]

Works on the database in DATABASE_URL as it is (seeded with a school year and lessons). It picks a
parent with an account whose child has the most lessons on one date, then times:
- the API `GET /api/v1/cabinet/{child}/today?date=…` as that parent (Django test client, signed
  in, access checks and every middleware included), median of `--runs` requests;
- the baseline: the same answer built by one prepared SQL query through psycopg 3 (in the same
  process) and encoded with `json.dumps`, median of `--runs` runs.
It first checks that both give exactly the same JSON, then prints the ratio (target: ≤ 3×), and,
for scale, the time of an API call through the same stack that reads one row, and a second ratio
against every statement the page runs (the session row, the account with its grants, TODAY),
raw — what any signed-in request must read before its own query.
`--build-small` first migrates the database and adds a small school (a class, a parent of two,
eight lessons on a date with marks, attendance, a substitution and homework) unless it is there.
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from pgbench_db import database_url

ROOT = Path(__file__).resolve().parent.parent
SMALL_SCHOOL = "Bench cabinet school"
LANGUAGES = ("kk", "ru")

# The TODAY answer in one query: the same rows, order and formatting as `cabinet.today_sql`.
# {lang} is "kk" or "ru" (checked against LANGUAGES), the columns of names in the reader's language.
TODAY_SQL = """
WITH stay AS (
    SELECT cm.school_class_id, sc.year_id, sc.shift, sc.grade::text || sc.letter AS class_name,
           u.name AS school
    FROM school_classmembership cm
    JOIN school_schoolclass sc ON sc.id = cm.school_class_id
    JOIN orgs_unit u ON u.id = cm.organization_id
    WHERE cm.person_id = %(child)s AND cm.start_date <= %(day)s
      AND (cm.end_date IS NULL OR cm.end_date >= %(day)s)
    ORDER BY cm.start_date DESC
    LIMIT 1
), assignments AS (
    SELECT a.id, s.code, s.name_{lang} AS subject
    FROM school_teachingassignment a
    JOIN stay ON a.school_class_id = stay.school_class_id
    JOIN school_subject s ON s.id = a.subject_id
    WHERE a.subgroup_id IS NULL OR EXISTS (
        SELECT 1 FROM school_subgroup_learners sl
        WHERE sl.subgroup_id = a.subgroup_id AND sl.person_id = %(child)s)
)
SELECT
  (SELECT json_build_object(
      'id', p.id,
      'name', concat_ws(' ', NULLIF(p.last_name_{lang}, ''), NULLIF(p.first_name_{lang}, ''),
                        NULLIF(p.middle_name_{lang}, '')),
      'class_name', coalesce((SELECT class_name FROM stay), ''),
      'school', coalesce((SELECT school FROM stay), ''))
   FROM people_person p WHERE p.id = %(child)s) AS person,
  (SELECT coalesce(json_agg(json_build_object(
      'id', l.id,
      'date', l.date,
      'number', l.lesson_number,
      'starts_at', to_char(b.starts_at, 'HH24:MI'),
      'ends_at', to_char(b.ends_at, 'HH24:MI'),
      'subject', a.subject,
      'teacher', concat_ws(' ', NULLIF(t.last_name_{lang}, ''), NULLIF(t.first_name_{lang}, ''),
                           NULLIF(t.middle_name_{lang}, '')),
      'room', coalesce(r.name, ''),
      'topic', l.topic,
      'status', l.status,
      'substitution', CASE WHEN sub.id IS NULL THEN NULL ELSE json_build_object(
          'absent_teacher', concat_ws(' ', NULLIF(at.last_name_{lang}, ''),
                                      NULLIF(at.first_name_{lang}, ''),
                                      NULLIF(at.middle_name_{lang}, '')),
          'reason', sub.reason) END,
      'attendance', att.status
    ) ORDER BY l.date, l.lesson_number, a.code, l.id), '[]')
   FROM school_lesson l
   JOIN assignments a ON a.id = l.assignment_id
   JOIN people_person t ON t.id = l.teacher_id
   CROSS JOIN stay
   LEFT JOIN school_room r ON r.id = l.room_id
   LEFT JOIN school_bellslot b
     ON b.year_id = stay.year_id AND b.shift = stay.shift AND b.number = l.lesson_number
   LEFT JOIN school_substitution sub ON sub.lesson_id = l.id
   LEFT JOIN people_person at ON at.id = sub.absent_teacher_id
   LEFT JOIN journal_attendance att ON att.lesson_id = l.id AND att.learner_id = %(child)s
   WHERE l.date = %(day)s) AS lessons,
  (SELECT coalesce(json_agg(json_build_object(
      'id', m.id,
      'date', l.date,
      'lesson_number', l.lesson_number,
      'subject', s.name_{lang},
      'kind', asm.kind,
      'title', asm.title,
      'points', m.points::float8,
      'max_points', asm.max_points
    ) ORDER BY l.lesson_number, asm.created_at, m.id), '[]')
   FROM journal_mark m
   JOIN journal_assessment asm ON asm.id = m.assessment_id
   JOIN school_lesson l ON l.id = asm.lesson_id
   JOIN school_teachingassignment ta ON ta.id = l.assignment_id
   JOIN school_subject s ON s.id = ta.subject_id
   WHERE m.learner_id = %(child)s AND l.date = %(day)s AND EXISTS (SELECT 1 FROM stay)) AS marks,
  (SELECT coalesce(json_agg(json_build_object(
      'id', h.id,
      'subject', a.subject,
      'text', h.text,
      'due_date', h.due_date,
      'max_points', h.max_points,
      'state', coalesce(hs.status, CASE WHEN h.due_date < %(day)s THEN 'overdue' ELSE 'open' END),
      'points', hs.points::float8
    ) ORDER BY h.due_date, a.code, h.created_at, h.id), '[]')
   FROM lms_homework h
   JOIN assignments a ON a.id = h.assignment_id
   LEFT JOIN lms_homeworksubmission hs ON hs.homework_id = h.id AND hs.learner_id = %(child)s
   WHERE h.due_date >= %(day)s AND h.due_date <= %(day)s + 1) AS homework
"""

PICK_SQL = """
SELECT u.id, g.child_id, l.date, count(*) AS lessons
FROM people_guardianship g
JOIN identity_user u ON u.person_id = g.guardian_id AND u.is_active
JOIN school_classmembership cm ON cm.person_id = g.child_id AND cm.end_date IS NULL
JOIN school_teachingassignment a ON a.school_class_id = cm.school_class_id
JOIN school_lesson l ON l.assignment_id = a.id
WHERE g.end_date IS NULL
GROUP BY u.id, g.child_id, l.date
ORDER BY lessons DESC, l.date DESC
LIMIT 1
"""


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oqu.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: time the code, not the debugging aids
    # A server keeps its database connections (CONN_MAX_AGE or a pooler); without this the test
    # client would reconnect on every request and time PostgreSQL's connection set-up instead.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = None
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _build_small() -> None:
    """Migrate, then add a small school with a parent of two and a day of lessons (once)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from oqu.orgs.models import Unit

    if Unit.objects.filter(name=SMALL_SCHOOL).exists():
        return
    _small_school()


def _small_school() -> None:  # noqa: PLR0914 - one scene, told in order
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from oqu.journal.models import Assessment, Attendance, Mark
    from oqu.lms.models import Homework, HomeworkSubmission
    from oqu.orgs.models import Unit
    from oqu.school.models import (
        AcademicYear,
        BellSlot,
        ClassMembership,
        Lesson,
        Room,
        SchoolClass,
        StudyPeriod,
        Subject,
        Substitution,
        TeachingAssignment,
    )
    from oqu.tests import factories as f

    day = dt.date(2025, 10, 6)
    with transaction.atomic():
        region = Unit.objects.filter(kind="region").first() or f.region("75")
        district = f.make_unit(region, "district", "Bench cabinet district")
        org = f.make_unit(district, "organization", SMALL_SCHOOL, "school")
        year = AcademicYear.objects.create(
            organization=org,
            name="2025-2026",
            start_date=dt.date(2025, 9, 1),
            end_date=dt.date(2026, 5, 31),
        )
        period = StudyPeriod.objects.create(
            organization=org,
            year=year,
            kind="quarter",
            number=1,
            start_date=dt.date(2025, 9, 1),
            end_date=dt.date(2025, 10, 24),
        )
        for number in range(1, 9):
            BellSlot.objects.create(
                organization=org,
                year=year,
                shift=1,
                number=number,
                starts_at=dt.time(7 + number, 0),
                ends_at=dt.time(7 + number, 45),
            )
        teacher = f.make_person("Ахметова", "Сәуле", dt.date(1980, 2, 3), "F")
        substitute = f.make_person("Омаров", "Бауыржан", dt.date(1979, 5, 6), "M")
        parent = f.make_person("Серікова", "Айгүл", dt.date(1985, 6, 7), "F")
        f.make_user(f"bench-parent-{parent.pk.hex[:8]}", person=parent)
        school_class = SchoolClass.objects.create(
            organization=org, year=year, grade=5, letter="А", language="kk"
        )
        room = Room.objects.create(organization=org, name="204")
        children = []
        for first in ("Арман", "Дана", "Тимур"):
            child = f.make_person("Серікұлы", first, dt.date(2014, 1, 1), "M")
            enrolment = f.enrol(child, org, grade=5)
            ClassMembership.objects.create(
                organization=org,
                person=child,
                school_class=school_class,
                enrolment=enrolment,
                start_date=year.start_date,
                start_move="enrolled",
            )
            children.append(child)
        for child in children[:2]:
            f.guard(parent, child)
        subjects = [
            Subject.objects.create(organization=org, code=code, name_kk=kk, name_ru=ru)
            for code, kk, ru in (
                ("MATH", "Математика", "Математика"),
                ("KAZ", "Қазақ тілі", "Казахский язык"),
                ("PHYS", "Физика", "Физика"),
            )
        ]
        assignments = [
            TeachingAssignment.objects.create(
                organization=org,
                year=year,
                teacher=teacher,
                school_class=school_class,
                subject=subject,
                hours_per_week=Decimal(2),
            )
            for subject in subjects
        ]
        for number in range(1, 9):
            assignment = assignments[number % 3]
            lesson = Lesson.objects.create(
                organization=org,
                assignment=assignment,
                period=period,
                date=day,
                lesson_number=number,
                teacher=substitute if number == 3 else teacher,
                room=room,
                topic=f"Тақырып {number}",
            )
            if number == 3:
                Substitution.objects.create(
                    organization=org,
                    lesson=lesson,
                    absent_teacher=teacher,
                    substitute=substitute,
                    reason="Ауырып қалды",
                )
            assessment = Assessment.objects.create(
                organization=org,
                lesson=lesson,
                period=period,
                kind="fo",
                max_points=10,
                title=f"ФО {number}",
            )
            homework = Homework.objects.create(
                organization=org,
                lesson=lesson,
                assignment=assignment,
                text=f"№ {number}",
                due_date=day + dt.timedelta(days=number % 2),
                max_points=10,
                set_by=teacher,
            )
            for child in children:
                Attendance.objects.create(
                    organization=org,
                    lesson=lesson,
                    learner=child,
                    status="late" if number == 2 else "present",
                )
                Mark.objects.create(
                    organization=org,
                    assessment=assessment,
                    learner=child,
                    points=Decimal(number % 10),
                )
                if number % 4 == 0:
                    HomeworkSubmission.objects.create(
                        organization=org,
                        homework=homework,
                        learner=child,
                        submitted_at=timezone.now(),
                    )


def _pick(url: str) -> tuple[str, str, dt.date]:
    with psycopg.connect(url) as conn:
        row = conn.execute(PICK_SQL).fetchone()
    if row is None:
        raise SystemExit(
            "No parent with an account has a child with lessons; run with --build-small."
        )
    return str(row[0]), str(row[1]), row[2]


def _medians_ms(first: Any, second: Any, runs: int) -> tuple[float, float]:
    """Median milliseconds of each, the two run in turn so that both meet the same load."""
    for _ in range(10):  # warm caches, connections and prepared statements
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for run, bucket in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - started)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="timed runs of each side (≥ 200)")
    parser.add_argument("--build-small", action="store_true", help="add a small dataset first")
    args = parser.parse_args()
    runs = max(args.runs, 200)
    url = database_url()
    _django(url)
    if args.build_small:
        _build_small()
    user_id, child_id, day = _pick(url)

    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(pk=user_id)
    # the cabinet answers in the account's language; the SQL picks the same name columns
    language = "kk" if (user.language or "kk").startswith("kk") else "ru"
    client = Client()
    client.force_login(user)
    path = f"/api/v1/cabinet/{child_id}/today"
    params = {"date": day.isoformat()}

    def through_api() -> bytes:
        response = client.get(path, params)
        if response.status_code != 200:
            raise SystemExit(f"the API answered {response.status_code}: {response.content[:300]!r}")
        return response.content

    query = TODAY_SQL.format(lang=language)
    raw = psycopg.connect(url, autocommit=True)

    def through_sql() -> str:
        person, lessons, marks, homework = raw.execute(
            query, {"child": child_id, "day": day}, prepare=True
        ).fetchone()
        return json.dumps(
            {
                "person": person,
                "date": day.isoformat(),
                "lessons": lessons,
                "marks": marks,
                "homework": homework,
            }
        )

    api_answer = json.loads(through_api())
    sql_answer = json.loads(through_sql())
    if api_answer != sql_answer:
        raise SystemExit(
            "the SQL does not give what the API gives:\n"
            f"API: {json.dumps(api_answer, ensure_ascii=False)[:2000]}\n"
            f"SQL: {json.dumps(sql_answer, ensure_ascii=False)[:2000]}"
        )
    counts = {k: len(api_answer[k]) for k in ("lessons", "marks", "homework")}
    print(f"parent {user_id}, child {child_id}, {day}: {counts}; answers identical")
    api_ms, sql_ms = _medians_ms(through_api, through_sql, runs)

    def floor() -> bytes:  # the same stack (session, MFA, actor) reading one row of the caller's
        return client.get("/api/v1/cabinet/notification-settings").content

    floor_ms, _sql = _medians_ms(floor, through_sql, runs)

    # A wider baseline, printed for comparison only: every statement the page runs, raw — the
    # session row, the account with its grants (the same SQL texts the platform sends) and TODAY.
    from django.db import connection

    from oqu.access import scope, sessions

    session_key = client.cookies["sessionid"].value
    account_sql = scope._user_sql()
    account_params = [*scope._actor_params(user_id), user.pk]

    def all_page_sql() -> str:
        now = dt.datetime.now(dt.UTC)
        raw.execute(sessions._load_sql(), [session_key, now], prepare=True).fetchone()
        raw.execute(account_sql, account_params, prepare=True).fetchall()
        return through_sql()

    connection.ensure_connection()
    api_again_ms, page_sql_ms = _medians_ms(through_api, all_page_sql, runs)
    raw.close()
    print(f"TODAY through the API   : {api_ms:7.2f} ms (median of {runs})")
    print(f"one SQL query + json    : {sql_ms:7.2f} ms (median of {runs})")
    print(f"ratio {api_ms / sql_ms:.2f}x (target <= 3x)")
    print(
        f"for scale: an API call of the same stack reading one row takes {floor_ms:.2f} ms "
        f"({floor_ms / sql_ms:.2f}x the SQL); TODAY adds {api_ms - floor_ms:.2f} ms to it"
    )
    print(
        f"wider baseline, all three statements the page runs (session, account + grants, "
        f"TODAY) raw: {page_sql_ms:.2f} ms; TODAY through the API {api_again_ms:.2f} ms: "
        f"{api_again_ms / page_sql_ms:.2f}x"
    )


if __name__ == "__main__":
    main()
