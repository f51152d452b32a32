"""Reads of the learner's and the parent's cabinet (SEC-27.1, R503-12).

The cabinet belongs to relations, not to grants: a learner opens their own, a parent the cabinets
of the children they are an active guardian of. Anyone else — a classmate, another family, staff
of the school — gets the 404 a missing id gets (staff read the same rows through the journal).
Every page is a fixed, small number of queries: rows are joined and annotated, never fetched per
lesson or per child, so a parent of three sees today as fast as a parent of one.

The selectors return plain dicts (names already in the reader's language) that the API returns
as they are and the templates render; `bench/parent_today.py` rebuilds `today` with one SQL query.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import OrderedDict
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from oqu.access import scope
from oqu.journal.models import ABSENT_STATUSES, Attendance, Mark, PeriodMark
from oqu.kernel.errors import NotFound
from oqu.kernel.sql import db_uuid, fetch_all
from oqu.lms.models import Homework, HomeworkSubmission
from oqu.people.models import Enrolment, Guardianship, Person
from oqu.school.models import (
    BellSlot,
    ClassMembership,
    Lesson,
    Room,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
)

from . import rows as fmt
from . import today_sql
from .models import NotificationPreference

VIEW = "cabinet.learner.view"
WEEK_DAYS = 6  # Monday to Saturday: schools may teach on Saturdays


def language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _name(person: Any, lang: str) -> str:
    return person.full_name(lang) if person is not None else ""


def _subject(subject: Any, lang: str) -> str:
    return subject.name_kk if lang == "kk" else subject.name_ru


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


# -- whose cabinet ------------------------------------------------------------------------------


def _reachable(actor: scope.Actor) -> Q:
    """The actor themselves while enrolled somewhere, and the children they actively guard."""
    if actor.is_anonymous or not actor.person_id:
        return Q(pk__in=[])
    enrolled = Enrolment.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    guarded = Guardianship.objects.filter(
        guardian_id=actor.person_id, child=OuterRef("pk"), end_date__isnull=True
    )
    return Q(Exists(enrolled), pk=actor.person_id) | Q(Exists(guarded))


def cabinet_people(actor: scope.Actor) -> list[Person]:
    """Whose cabinets the actor may open, themselves first, then the children by name (1 query)."""
    people = list(
        Person.objects.filter(_reachable(actor)).order_by("last_name_ru", "first_name_ru", "pk")
    )
    return sorted(people, key=lambda p: p.pk != actor.person_id)


def cabinet_person(actor: scope.Actor, person_id: UUID) -> Person:
    """The learner whose cabinet is asked for, or the journaled 404; then the capability check.

    Only a relation opens a cabinet: a grant over the school (a teacher who is also a parent at
    it) does not, so `require_person` runs on a person already known to be self or a ward.
    """
    person = Person.objects.filter(_reachable(actor), pk=person_id).first()
    if person is None:
        raise scope.not_found(actor, VIEW, "people.person", person_id)
    # The query above proved the relation (self while enrolled, or an active ward), so the
    # relation role's capability settles it; anything else takes the full check and its journal.
    relation = scope.LEARNER_ROLE if person.pk == actor.person_id else scope.PARENT_ROLE
    if not actor.relation_can(relation, VIEW):
        scope.require_person(actor, VIEW, person)
    return person


def cabinet_people_rows(actor: scope.Actor, on: dt.date) -> list[dict[str, Any]]:
    """The switcher: each reachable learner with their class on `on` (2 queries)."""
    lang = language()
    people = cabinet_people(actor)
    stays = {
        stay.person_id: stay
        for stay in ClassMembership.objects.filter(
            person__in=[p.pk for p in people], start_date__lte=on
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("school_class", "organization")
        .order_by("start_date")
    }
    return [
        {
            **_person_row(person, stays.get(person.pk), lang),
            "relation": "self" if person.pk == actor.person_id else "child",
        }
        for person in people
    ]


def stay_on(person: Person, on: dt.date) -> ClassMembership | None:
    """The learner's class stay covering `on` (the latest one begun by then)."""
    return (
        ClassMembership.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("school_class__year", "organization")
        .order_by("-start_date")
        .first()
    )


def _in_subgroup(person: Person, assignment_path: str) -> Q:
    """Lessons of the whole class, or of a subgroup the learner belongs to."""
    member = Subgroup.learners.through.objects.filter(
        subgroup_id=OuterRef(f"{assignment_path}subgroup_id"), person_id=person.pk
    )
    return Q(**{f"{assignment_path}subgroup__isnull": True}) | Q(Exists(member))


# -- lessons: today and the week --------------------------------------------------------------


def _names(prefix: str, lang: str) -> tuple[str, str, str]:
    return tuple(f"{prefix}{part}_name_{lang}" for part in ("last", "first", "middle"))  # type: ignore[return-value]


def _joined(row: dict[str, Any], fields: tuple[str, ...]) -> str:
    """A person's full name from its parts, as `Person.full_name` writes it."""
    return " ".join(row[f] for f in fields if row[f])


# The lessons of a day or a week, in plain SQL: compiling the equivalent queryset (three
# correlated subqueries, a subgroup EXISTS, seven joins) cost Django more than executing it, on
# the page a parent opens most. Portable SQL (PostgreSQL and SQLite), names of the tables taken
# from the models; the access check has been made before (`cabinet_person`).
LESSONS_SQL = """
SELECT l.id, l.date, l.lesson_number, b.starts_at, b.ends_at, s.name_{lang},
       t.last_name_{lang}, t.first_name_{lang}, t.middle_name_{lang},
       r.name, l.topic, l.status, sub.id, sub.reason,
       at.last_name_{lang}, at.first_name_{lang}, at.middle_name_{lang}, att.status
FROM {lesson} l
JOIN {assignment} a ON a.id = l.assignment_id
JOIN {subject} s ON s.id = a.subject_id
JOIN {person} t ON t.id = l.teacher_id
LEFT JOIN {room} r ON r.id = l.room_id
LEFT JOIN {bell} b ON b.year_id = %s AND b.shift = %s AND b.number = l.lesson_number
LEFT JOIN {substitution} sub ON sub.lesson_id = l.id
LEFT JOIN {person} at ON at.id = sub.absent_teacher_id
LEFT JOIN {attendance} att ON att.lesson_id = l.id AND att.learner_id = %s
WHERE a.school_class_id = %s AND l.date >= %s AND l.date <= %s
  AND (a.subgroup_id IS NULL OR EXISTS (
      SELECT 1 FROM {members} m WHERE m.subgroup_id = a.subgroup_id AND m.person_id = %s))
ORDER BY l.date, l.lesson_number, s.code, l.id
"""


@functools.cache
def _lessons_sql(lang: str) -> str:
    tables = {
        "lesson": Lesson,
        "assignment": TeachingAssignment,
        "subject": Subject,
        "person": Person,
        "room": Room,
        "bell": BellSlot,
        "substitution": Substitution,
        "attendance": Attendance,
        "members": Subgroup.learners.through,
    }
    quote = connection.ops.quote_name
    names = {key: quote(model._meta.db_table) for key, model in tables.items()}
    return LESSONS_SQL.format(lang=lang, **names)


def _lessons(
    person: Person, school_class: SchoolClass, date_from: dt.date, date_to: dt.date
) -> list[dict[str, Any]]:
    """The class's lessons (the learner's subgroups only) with bell times, the substitution and
    the learner's attendance, as rows ready for the API (one query)."""
    lang = language()
    learner = db_uuid(person.pk)
    params = [
        db_uuid(school_class.year_id),
        school_class.shift,
        learner,
        db_uuid(school_class.pk),
        date_from,
        date_to,
        learner,
    ]
    rows = fetch_all(_lessons_sql(lang), params)
    return [
        {
            "id": str(uuid.UUID(str(row[0]))),
            "date": fmt.day(row[1]).isoformat(),
            "number": row[2],
            "starts_at": fmt.hhmm(row[3]),
            "ends_at": fmt.hhmm(row[4]),
            "subject": row[5],
            "teacher": fmt.full_name(row[6], row[7], row[8]),
            "room": row[9] or "",
            "topic": row[10],
            "status": row[11],
            "substitution": {
                "absent_teacher": fmt.full_name(row[14], row[15], row[16]),
                "reason": row[13],
            }
            if row[12]
            else None,
            "attendance": row[17],
        }
        for row in rows
    ]


def _homework(person: Person, school_class: SchoolClass) -> QuerySet[Homework]:
    submission = HomeworkSubmission.objects.filter(homework=OuterRef("pk"), learner=person)
    return Homework.objects.filter(
        _in_subgroup(person, "assignment__"), assignment__school_class=school_class
    ).annotate(
        submission_status=Subquery(submission.values("status")[:1]),
        submission_points=Subquery(submission.values("points")[:1]),
    )


def _homework_rows(qs: QuerySet[Homework], today: dt.date) -> list[dict[str, Any]]:
    lang = language()
    rows = qs.order_by("due_date", "assignment__subject__code", "created_at", "pk").values(
        "pk",
        f"assignment__subject__name_{lang}",
        "text",
        "due_date",
        "max_points",
        "submission_status",
        "submission_points",
    )
    return [
        {
            "id": str(row["pk"]),
            "subject": row[f"assignment__subject__name_{lang}"],
            "text": row["text"],
            "due_date": row["due_date"].isoformat(),
            "max_points": row["max_points"],
            "state": fmt.homework_state(row["submission_status"], row["due_date"], today),
            "points": fmt.points(row["submission_points"]),
        }
        for row in rows
    ]


def _mark_rows(qs: QuerySet[Mark]) -> list[dict[str, Any]]:
    lang = language()
    rows = qs.values(
        "pk",
        "assessment__lesson__date",
        "assessment__lesson__lesson_number",
        f"assessment__lesson__assignment__subject__name_{lang}",
        "assessment__kind",
        "assessment__title",
        "points",
        "assessment__max_points",
        "assessment__period_id",
    )
    return [
        {
            "id": str(row["pk"]),
            "date": row["assessment__lesson__date"].isoformat(),
            "lesson_number": row["assessment__lesson__lesson_number"],
            "subject": row[f"assessment__lesson__assignment__subject__name_{lang}"],
            "kind": row["assessment__kind"],
            "title": row["assessment__title"],
            "points": fmt.points(row["points"]),
            "max_points": row["assessment__max_points"],
            "period_id": str(row["assessment__period_id"]),
        }
        for row in rows
    ]


def _person_row(person: Person, stay: ClassMembership | None, lang: str) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "name": _name(person, lang),
        "class_name": str(stay.school_class) if stay else "",
        "school": stay.organization.name if stay else "",
    }


def today_of(actor: scope.Actor, person_id: UUID, on: dt.date) -> dict[str, Any]:
    """`today` of the learner `person_id` as `actor` may open it: access (the same rule as
    `cabinet_person`) and the whole page in one query (`today_sql`); the journaled 404 otherwise."""
    if actor.is_anonymous or not actor.person_id:
        raise scope.not_found(actor, VIEW, "people.person", person_id)
    page = today_sql.today_rows(language(), actor.person_id, person_id, on)
    if page is None:
        raise scope.not_found(actor, VIEW, "people.person", person_id)
    relation = scope.LEARNER_ROLE if person_id == actor.person_id else scope.PARENT_ROLE
    if not actor.relation_can(relation, VIEW):
        scope.require_person(actor, VIEW, Person.objects.get(pk=person_id))
    return page


def week(person: Person, on: dt.date) -> dict[str, Any]:
    """The lessons of the week (Monday to Saturday) holding `on`, by day. A teaching day whose
    lessons are not generated yet shows the timetable grid in force instead (`from_timetable`)."""
    lang = language()
    monday = on - dt.timedelta(days=on.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(WEEK_DAYS)]
    stay = stay_on(person, on)
    by_day: OrderedDict[str, list[dict[str, Any]]] = OrderedDict((d.isoformat(), []) for d in days)
    if stay is not None:
        for lesson in _lessons(person, stay.school_class, days[0], days[-1]):
            by_day[lesson["date"]].append({**lesson, "from_timetable": False})
        empty = [d for d in days if not by_day[d.isoformat()]]
        for day, rows in _grid(person, stay.school_class, empty).items():
            by_day[day.isoformat()] = rows
    return {
        "person": _person_row(person, stay, lang),
        "week_of": monday.isoformat(),
        "days": [{"date": d, "lessons": rows} for d, rows in by_day.items()],
    }


def _grid(
    person: Person, school_class: SchoolClass, days: list[dt.date]
) -> dict[dt.date, list[dict[str, Any]]]:
    """The timetable entries in force on each of `days` that falls in a study period (2 queries)."""
    if not days:
        return {}
    periods = StudyPeriod.objects.filter(
        year_id=school_class.year_id, start_date__lte=days[-1], end_date__gte=days[0]
    ).values_list("start_date", "end_date")
    spans = list(periods)
    teaching = [d for d in days if any(start <= d <= end for start, end in spans)]
    if not teaching:
        return {}
    lang = language()
    bell = BellSlot.objects.filter(
        year_id=school_class.year_id, shift=school_class.shift, number=OuterRef("lesson_number")
    )
    teacher = _names("assignment__teacher__", lang)
    entries = list(
        TimetableEntry.objects.filter(
            _in_subgroup(person, "assignment__"),
            assignment__school_class=school_class,
            valid_from__lte=teaching[-1],
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=teaching[0]))
        .annotate(
            starts_at=Subquery(bell.values("starts_at")[:1]),
            ends_at=Subquery(bell.values("ends_at")[:1]),
        )
        .order_by("lesson_number", "assignment__subject__code", "pk")
        .values(
            "weekday",
            "lesson_number",
            "valid_from",
            "valid_to",
            "starts_at",
            "ends_at",
            f"assignment__subject__name_{lang}",
            *teacher,
            "room__name",
        )
    )
    return {
        day: [
            {
                "id": None,
                "date": day.isoformat(),
                "number": row["lesson_number"],
                "starts_at": _time(row["starts_at"]),
                "ends_at": _time(row["ends_at"]),
                "subject": row[f"assignment__subject__name_{lang}"],
                "teacher": _joined(row, teacher),
                "room": row["room__name"] or "",
                "topic": "",
                "status": "planned",
                "substitution": None,
                "attendance": None,
                "from_timetable": True,
            }
            for row in entries
            if row["weekday"] == day.isoweekday()
            and row["valid_from"] <= day
            and (row["valid_to"] is None or row["valid_to"] >= day)
        ]
        for day in teaching
    }


# -- marks, attendance, homework, period marks ---------------------------------------------------


def _periods(stay: ClassMembership) -> list[StudyPeriod]:
    return list(
        StudyPeriod.objects.filter(year_id=stay.school_class.year_id).order_by("kind", "number")
    )


def _period_row(period: StudyPeriod) -> dict[str, Any]:
    return {
        "id": str(period.pk),
        "kind": period.kind,
        "number": period.number,
        "name": str(period),
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
    }


def marks(person: Person, on: dt.date, period_id: UUID | None = None) -> dict[str, Any]:
    """The year's marks by subject and period, each with its kind and points out of the maximum."""
    lang = language()
    stay = stay_on(person, on)
    result: dict[str, Any] = {
        "person": _person_row(person, stay, lang),
        "periods": [],
        "subjects": [],
    }
    if stay is None:
        return result
    periods = _periods(stay)
    result["periods"] = [_period_row(p) for p in periods]
    rows = Mark.objects.filter(
        learner=person, assessment__period__year_id=stay.school_class.year_id
    ).order_by(
        "assessment__lesson__assignment__subject__code",
        "assessment__lesson__date",
        "assessment__lesson__lesson_number",
        "assessment__created_at",
        "pk",
    )
    if period_id:
        rows = rows.filter(assessment__period_id=period_id)
    subjects: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in _mark_rows(rows):
        subject = subjects.setdefault(row["subject"], {"subject": row["subject"], "periods": {}})
        subject["periods"].setdefault(row.pop("period_id"), []).append(row)
    result["subjects"] = [
        {
            "subject": s["subject"],
            "periods": [
                {"period_id": p["id"], "name": p["name"], "marks": s["periods"][p["id"]]}
                for p in result["periods"]
                if p["id"] in s["periods"]
            ],
        }
        for s in subjects.values()
    ]
    return result


def attendance(person: Person, on: dt.date) -> dict[str, Any]:
    """Missed and late lessons of the year, summed up per quarter (or half-year) and listed."""
    lang = language()
    stay = stay_on(person, on)
    result: dict[str, Any] = {
        "person": _person_row(person, stay, lang),
        "periods": [],
        "records": [],
    }
    if stay is None:
        return result
    year = stay.school_class.year
    periods = [p for p in _periods(stay) if p.kind == StudyPeriod.Kind.QUARTER] or _periods(stay)
    rows = (
        Attendance.objects.filter(
            learner=person,
            lesson__date__gte=year.start_date,
            lesson__date__lte=year.end_date,
        )
        .exclude(status="present")
        .select_related("lesson__assignment__subject")
        .order_by("-lesson__date", "-lesson__lesson_number", "pk")
    )
    summary = {str(p.pk): _attendance_summary(p) for p in periods}
    for row in rows:
        record = {
            "id": str(row.pk),
            "date": row.lesson.date.isoformat(),
            "lesson_number": row.lesson.lesson_number,
            "subject": _subject(row.lesson.assignment.subject, lang),
            "status": row.status,
            "note": row.note,
        }
        result["records"].append(record)
        period = next((p for p in periods if p.start_date <= row.lesson.date <= p.end_date), None)
        if period is not None:
            counts = summary[str(period.pk)]
            counts["late" if row.status == "late" else "absent"] += 1
            if row.status in ABSENT_STATUSES and row.status != "absent_unexcused":
                counts["absent_with_reason"] += 1
    result["periods"] = list(summary.values())
    return result


def _attendance_summary(period: StudyPeriod) -> dict[str, Any]:
    return {**_period_row(period), "absent": 0, "absent_with_reason": 0, "late": 0}


HOMEWORK_STATES = ("open", "returned", "overdue", "submitted", "checked")


def homework(person: Person, on: dt.date) -> dict[str, Any]:
    """The year's homework by state: open, returned for revision, overdue, submitted, checked."""
    lang = language()
    stay = stay_on(person, on)
    result: dict[str, Any] = {
        "person": _person_row(person, stay, lang),
        "groups": [{"state": s, "items": []} for s in HOMEWORK_STATES],
        "total": 0,
    }
    if stay is None:
        return result
    year = stay.school_class.year
    rows = _homework(person, stay.school_class).filter(
        due_date__gte=year.start_date, due_date__lte=year.end_date
    )
    groups = {g["state"]: g["items"] for g in result["groups"]}
    for row in _homework_rows(rows, on):
        groups[row["state"]].append(row)
        result["total"] += 1
    return result


def period_marks(person: Person, on: dt.date) -> dict[str, Any]:
    """Quarter, half-year and year marks by subject: the confirmed final mark, or the computed
    one flagged as preliminary until the teacher confirms it."""
    lang = language()
    stay = stay_on(person, on)
    result: dict[str, Any] = {
        "person": _person_row(person, stay, lang),
        "periods": [],
        "subjects": [],
    }
    if stay is None:
        return result
    result["periods"] = [_period_row(p) for p in _periods(stay)]
    rows = (
        PeriodMark.objects.filter(learner=person, assignment__year_id=stay.school_class.year_id)
        .select_related("assignment__subject")
        .order_by("assignment__subject__code", "pk")
    )
    subjects: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in rows:
        name = _subject(row.assignment.subject, lang)
        entry = subjects.setdefault(name, {"subject": name, "marks": {}})
        entry["marks"][str(row.period_id) if row.period_id else "year"] = _period_mark(row)
    result["subjects"] = list(subjects.values())
    return result


def _period_mark(row: PeriodMark) -> dict[str, Any]:
    confirmed = row.confirmed_at is not None and row.final_mark is not None
    return {
        "mark": row.final_mark if confirmed else row.computed_mark,
        "percent": fmt.points(row.percent),
        "preliminary": not confirmed,
    }


# -- documents ------------------------------------------------------------------------------------


def documents(person: Person, on: dt.date, actor: scope.Actor) -> dict[str, Any]:
    """The learner's own data the cabinet can reach: person, enrolments, class history; the
    certificates of the learner's digital profile, read through the profile's own selector."""
    lang = language()
    stay = stay_on(person, on)
    enrolments = Enrolment.objects.filter(person=person).select_related("organization")
    stays = (
        ClassMembership.objects.filter(person=person)
        .select_related("school_class__year", "organization")
        .order_by("-start_date")
    )
    return {
        "person": {
            **_person_row(person, stay, lang),
            "iin": person.iin,
            "birth_date": person.birth_date.isoformat(),
        },
        "enrolments": [
            {
                "organization": e.organization.name,
                "grade": e.grade,
                "start_date": e.start_date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
            }
            for e in enrolments.order_by("-start_date")
        ],
        "class_history": [
            {
                "school": s.organization.name,
                "year": s.school_class.year.name,
                "class_name": str(s.school_class),
                "start_date": s.start_date.isoformat(),
                "end_date": s.end_date.isoformat() if s.end_date else None,
                "end_move": s.end_move,
            }
            for s in stays
        ],
        "profiles_installed": apps.is_installed("oqu.profiles"),
        "certificates": certificates(actor, person),
    }


def certificates(actor: scope.Actor, person: Person) -> list[dict[str, Any]]:
    """The learner's certificates from `oqu.profiles.selectors.learner_certificates` — the one
    source of truth, with its own access check: only the learner profile's certificates (never a
    teacher's, should the person also work somewhere), newest first, with the link to the file
    through the profile's access-checked download."""
    from django.urls import reverse

    from oqu.profiles.selectors import learner_certificates

    return [
        {
            "id": str(row.pk),
            "kind": row.kind,
            "kind_label": str(row.get_kind_display()),
            "title": row.title,
            "issuer": row.issuer,
            "date": row.issued_on.isoformat(),
            "download_url": reverse("profiles:attachment", args=[row.pk])
            if row.attachment
            else None,
        }
        for row in learner_certificates(actor, person)[:200]
    ]


def preference_of(user: Any) -> NotificationPreference:
    """The user's notification choice; the defaults (marks and absences, in the app) when unset."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def has_cabinet(actor: scope.Actor) -> bool:
    """Whether the actor opens any cabinet (their own or a child's): one query, for the menu."""
    if actor.is_anonymous or not actor.person_id:
        return False
    return Person.objects.filter(_reachable(actor)).exists()


def notifications_of(user: Any, *, unread_only: bool = False, limit: int = 100) -> list[Any]:
    """The user's own notifications, newest first (marks, absences and any other notice)."""
    from oqu.notifications.models import Notification

    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows.order_by("-created_at")[:limit])


def unread_count(user: Any) -> int:
    from oqu.notifications.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get(user: Any, notification_id: UUID) -> Any:
    """One of the user's own notifications; another user's id answers 404 like a missing one."""
    from oqu.notifications.models import Notification

    row = Notification.objects.filter(user=user, pk=notification_id).first()
    if row is None:
        raise NotFound()
    return row
