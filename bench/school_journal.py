"""The class journal read and the whole-class attendance write through the API vs raw SQL (issue 5).

    DATABASE_URL=postgres://user:password@host:port/db python bench/school_journal.py [--prepare]
        [--runs 200] [--districts 1]

`--prepare` drops and creates a database `oqu_bench_school` (credentials of DATABASE_URL; the role
needs CREATEDB), migrates it, runs `seed --scale 0.05` and `seed_journal --districts N` (one district
gives ≈ 1.5 million attendance and mark rows), and benchmarks there. Without it, the database of
DATABASE_URL is used as it is and must already hold the seeded journals.

1. Class journal: a class-subject of about 25 learners and its first quarter, read as its teacher
   through `GET /api/v1/journal/assignments/{id}?period=…` (session, access checks, MFA middleware,
   JSON) vs the same rows (learners, lessons, attendance, assessments, marks) fetched by one prepared
   query with psycopg 3 in this process and encoded with `json.dumps`. Medians of `--runs` runs each;
   the ratio is printed (target ≤ 3), and the query count of the API read at two class sizes.
2. Attendance write: one class's attendance for a lesson (about 25 rows) through
   `PUT /api/v1/journal/lessons/{id}/attendance` (service, edit-window check, one journal entry) vs a
   raw multi-row INSERT of the same rows, each in its own transaction, on fresh lessons created for the
   benchmark (removed afterwards; the journal entries stay, the journal is append-only).
A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from pgbench_db import connect_admin, database_url, recreate, url_for

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "oqu_bench_school"
TARGET_CLASS_SIZE = 25

# One query, five kinds of rows told apart by the first column, in the API's order.
JOURNAL_SQL = """
WITH lessons AS (
    SELECT l.id, l.date, l.lesson_number, l.topic, l.status, l.teacher_id
    FROM school_lesson l
    WHERE l.assignment_id = %(a)s AND l.date BETWEEN %(start)s AND %(end)s
)
SELECT 1 AS kind, p.id, NULL::uuid, NULL::date, NULL::int, p.last_name_ru, p.first_name_ru,
       p.middle_name_ru, NULL::numeric
FROM people_person p
WHERE p.id IN (
    SELECT m.person_id FROM school_classmembership m
    WHERE m.school_class_id = %(c)s AND m.start_date <= %(end)s
      AND (m.end_date IS NULL OR m.end_date >= %(start)s))
UNION ALL
SELECT 2, l.id, l.teacher_id, l.date, l.lesson_number, l.topic, l.status, NULL, NULL FROM lessons l
UNION ALL
SELECT 3, a.lesson_id, a.learner_id, NULL, NULL, a.status, NULL, NULL, NULL
FROM journal_attendance a WHERE a.lesson_id IN (SELECT id FROM lessons)
UNION ALL
SELECT 4, s.id, s.lesson_id, NULL, s.max_points, s.kind, s.title, NULL, NULL
FROM journal_assessment s WHERE s.lesson_id IN (SELECT id FROM lessons)
UNION ALL
SELECT 5, m.assessment_id, m.learner_id, NULL, NULL, NULL, NULL, NULL, m.points
FROM journal_mark m JOIN journal_assessment s ON s.id = m.assessment_id
WHERE s.lesson_id IN (SELECT id FROM lessons)
"""


def raw_journal(cursor: Any, params: dict[str, Any]) -> str:
    cursor.execute(JOURNAL_SQL, params, prepare=True)
    body: dict[str, list[Any]] = {
        "learners": [],
        "lessons": [],
        "attendance": [],
        "assessments": [],
        "marks": [],
    }
    for kind, a, b, day, number, s1, s2, s3, points in cursor.fetchall():
        if kind == 1:
            body["learners"].append({"id": a, "name": " ".join(x for x in (s1, s2, s3) if x)})
        elif kind == 2:
            body["lessons"].append(
                {
                    "id": a,
                    "date": day,
                    "lesson_number": number,
                    "topic": s1,
                    "status": s2,
                    "teacher_id": b,
                }
            )
        elif kind == 3:
            body["attendance"].append({"lesson_id": a, "learner_id": b, "status": s1})
        elif kind == 4:
            body["assessments"].append(
                {"id": a, "lesson_id": b, "kind": s1, "title": s2, "max_points": number}
            )
        else:
            body["marks"].append({"assessment_id": a, "learner_id": b, "points": points})
    body["learners"].sort(key=lambda row: row["name"])
    body["lessons"].sort(key=lambda row: (row["date"], row["lesson_number"]))
    return json.dumps(body, default=str, ensure_ascii=False, separators=(",", ":"))


def median_ms(fn: Any, runs: int) -> float:
    for _ in range(min(10, runs)):
        fn()  # warm caches and prepared statements
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def paired_medians(first: Any, second: Any, runs: int) -> tuple[float, float]:
    """Medians (ms) of two functions run alternately, so both see the same load on the machine."""
    for _ in range(min(10, runs)):
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def prepare(url: str, districts: int) -> str:
    admin = connect_admin(url)
    recreate(admin, BENCH_DB)
    bench_url = url_for(url, BENCH_DB)
    env = {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "oqu.settings.dev"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    for args in (
        ["migrate", "-v", "0"],
        ["seed", "--scale", "0.05", "-v", "0"],
        ["seed_journal", "--districts", str(districts)],
    ):
        print("$ manage.py", " ".join(args), flush=True)
        subprocess.run([*manage, *args], check=True, env=env, cwd=ROOT)  # noqa: S603 (our own manage.py)
    # Fresh statistics, as autovacuum would have them: plans for a just-loaded table are guesses.
    import psycopg

    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return bench_url


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "oqu.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log, time the code and not the debug aids


def pick_class_subject(size: int) -> tuple[Any, Any]:
    """A class-subject whose class has about `size` learners, and its first quarter."""
    from django.db.models import Count, F, Func, IntegerField, Q

    from oqu.school.models import StudyPeriod, TeachingAssignment

    assignment = (
        TeachingAssignment.objects.filter(subject__code="MATH", school_class__grade__gte=2)
        .annotate(
            size=Count("school_class__members", filter=Q(school_class__members__end_date=None))
        )
        .annotate(gap=Func(F("size") - size, function="ABS", output_field=IntegerField()))
        .select_related("school_class", "teacher", "organization")
        .order_by("gap", "pk")
        .first()
    )
    if assignment is None:
        raise SystemExit("No seeded journals: run with --prepare (or seed_journal first).")
    period = StudyPeriod.objects.get(year_id=assignment.year_id, kind="quarter", number=1)
    return assignment, period


def teacher_client(assignment: Any) -> Any:
    """A signed-in test client for the assignment's teacher (an account made for the benchmark)."""
    from django.test import Client

    from oqu.identity.models import User
    from oqu.tests import factories as f

    person = assignment.teacher
    user = User.objects.filter(person=person).first()
    if user is None:
        user = f.make_user(f"bench-{str(person.pk)[:8]}", person=person)
        f.grant(user, "school_teacher", assignment.organization)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    client.cookies["django_language"] = "ru"  # as a browser has it after the first page
    return client


def api_queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def bench_read(client: Any, assignment: Any, period: Any, url: str, runs: int) -> float:
    import psycopg

    path = f"/api/v1/journal/assignments/{assignment.pk}?period={period.pk}"
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")
    body = json.loads(response.content)
    small, small_period = pick_class_subject(8)
    small_path = f"/api/v1/journal/assignments/{small.pk}?period={small_period.pk}"
    small_queries = api_queries(teacher_client(small), small_path)
    queries = api_queries(client, path)
    params = {
        "a": assignment.pk,
        "c": assignment.school_class_id,
        "start": period.start_date,
        "end": period.end_date,
    }
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        raw = json.loads(raw_journal(cursor, params))
        same = all(len(raw[key]) == len(body[key]) for key in raw)
        print(
            f"Class journal {assignment.school_class} {assignment.subject.code}, quarter 1: "
            f"{len(body['learners'])} learners × {len(body['lessons'])} lessons, "
            f"{len(body['attendance'])} attendance rows, {len(body['marks'])} marks "
            f"(raw rows {'match' if same else 'DIFFER'}); queries per API read: {queries} "
            f"(a class of {small.school_class.members.filter(end_date=None).count()}: {small_queries})"
        )
        api_ms, raw_ms = paired_medians(
            lambda: client.get(path), lambda: raw_journal(cursor, params), runs
        )
    ratio = api_ms / raw_ms
    print(f"  API  median {api_ms:8.2f} ms   (n={runs})")
    print(f"  raw  median {raw_ms:8.2f} ms   (one prepared query + json.dumps)")
    print(f"  ratio API / raw = {ratio:.2f}  (target ≤ 3)")
    return ratio


def _fresh_lessons(assignment: Any, period: Any, count: int, first: int) -> list[Any]:
    """Lessons of today with numbers no timetable uses, so nothing else touches them."""
    from django.utils import timezone

    from oqu.school.models import Lesson

    today = timezone.localdate()
    return Lesson.objects.bulk_create(
        Lesson(
            organization_id=assignment.organization_id,
            assignment=assignment,
            period=period,
            date=today,
            lesson_number=first + i,
            teacher_id=assignment.teacher_id,
            status=Lesson.Status.HELD,
        )
        for i in range(count)
    )


def bench_write(client: Any, assignment: Any, period: Any, url: str, runs: int) -> float:
    """The figure is the service write (access checks, edit window, upsert, journal entry, commit)
    against the raw INSERT; the same write through the HTTP API is printed beside it."""
    import psycopg

    from oqu.access.scope import actor_for
    from oqu.identity.models import User
    from oqu.journal import selectors, services
    from oqu.school.models import ClassMembership, Lesson

    learners = list(
        ClassMembership.objects.filter(
            school_class_id=assignment.school_class_id, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    fresh = {
        name: iter(_fresh_lessons(assignment, period, runs + 10, first))
        for name, first in (("api", 1000), ("service", 2000), ("raw", 3000))
    }
    absent = {"learner_id": str(learners[0]), "status": "sick", "note": ""}
    body = json.dumps({"default_status": "present", "exceptions": [absent]})
    teacher = actor_for(User.objects.get(person=assignment.teacher))

    def api_write() -> None:
        lesson = next(fresh["api"])
        response = client.put(
            f"/api/v1/journal/lessons/{lesson.pk}/attendance",
            body,
            content_type="application/json",
        )
        if response.status_code != 200:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")

    def service_write() -> None:
        lesson = selectors.lesson_for_attendance(teacher, next(fresh["service"]).pk)
        services.attendance_record_class(
            actor=teacher,
            lesson=lesson,
            exceptions=[services.AttendanceEntry(learners[0], "sick")],
        )

    org = assignment.organization_id
    with psycopg.connect(url) as conn:

        def raw_write() -> None:
            lesson = next(fresh["raw"])
            now = time.time()
            rows = []
            for learner in learners:
                status = "sick" if learner == learners[0] else "present"
                rows.extend([uuid.uuid4(), now, now, org, lesson.pk, learner, status, ""])
            values = ", ".join(
                ["(%s, to_timestamp(%s), to_timestamp(%s), %s, %s, %s, %s, %s)"] * len(learners)
            )
            with conn.transaction():
                conn.execute(
                    "INSERT INTO journal_attendance (id, created_at, updated_at, organization_id, "
                    f"lesson_id, learner_id, status, note) VALUES {values}",  # noqa: S608 (placeholders only)
                    rows,
                )

        times = {"api": [], "service": [], "raw": []}
        for _ in range(runs):
            for name, fn in (("service", service_write), ("raw", raw_write), ("api", api_write)):
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
    Lesson.objects.filter(
        assignment=assignment, lesson_number__gte=1000, date=timezone_today()
    ).delete()
    api_ms, service_ms, raw_ms = (
        statistics.median(times[name]) * 1000 for name in ("api", "service", "raw")
    )
    ratio = service_ms / raw_ms
    print(
        f"Attendance of one lesson, {len(learners)} learners (one absent), each its own transaction:"
    )
    print(
        f"  service median {service_ms:8.2f} ms   (access + edit window + upsert + journal entry)"
    )
    print(f"  raw     median {raw_ms:8.2f} ms   (one multi-row INSERT)")
    print(f"  ratio service / raw = {ratio:.2f}  (target ≤ 3)")
    print(f"  through the HTTP API: {api_ms:.2f} ms, {api_ms / raw_ms:.2f} × raw (session, JSON)")
    return ratio


def timezone_today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--districts", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.runs < 200:
        print("note: the figure is defined on at least 200 runs")
    url = database_url()
    if args.prepare:
        url = prepare(url, args.districts)
    django_setup(url)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "testserver"]
    from oqu.journal.models import Attendance, Mark

    rows = Attendance.objects.count() + Mark.objects.count()
    print(f"Database: {rows:,} attendance and mark rows")
    assignment, period = pick_class_subject(TARGET_CLASS_SIZE)
    client = teacher_client(assignment)
    bench_read(client, assignment, period, url, args.runs)
    bench_write(client, assignment, period, url, args.runs)


if __name__ == "__main__":
    main()
