"""Demo data of interim control tests: a small grade bank of maths questions and one open test for
each of the demo teacher's maths classes (set-up of a demonstration: rows created directly, not
journaled; an existing bank is left as it is)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from oqu.school.models import TeachingAssignment

from .models import Question, Test

# topic, kind, text, options, right answer (indexes, or accepted texts), points
QUESTIONS = [
    ("Бөлшектер", "single", "1/2 + 1/4 = ?", ["3/4", "2/6", "1/6"], [0], 1),
    ("Бөлшектер", "single", "3/6 бөлшегін қысқартыңыз", ["1/3", "1/2", "2/3"], [1], 1),
    (
        "Бөлшектер",
        "multiple",
        "1/2-ге тең бөлшектерді белгілеңіз",
        ["2/4", "3/5", "4/8"],
        [0, 2],
        2,
    ),
    ("Теңдеулер", "short", "x + 7 = 12. x = ?", [], ["5", "бес", "пять"], 2),
    ("Теңдеулер", "short", "3x = 18. x = ?", [], ["6", "алты", "шесть"], 2),
]


@transaction.atomic
def ensure_demo_tests(teacher: Any) -> int:
    """For each maths class-subject of the teacher: a bank for its grade and an open test."""
    if teacher is None:
        return 0
    assignments = TeachingAssignment.objects.filter(
        teacher=teacher, subject__code="MATH"
    ).select_related("school_class", "subject")
    now = timezone.now()
    made = 0
    for assignment in assignments:
        grade = assignment.school_class.grade
        bank = Question.objects.filter(
            organization_id=assignment.organization_id, subject=assignment.subject, grade=grade
        )
        if not bank.exists():
            Question.objects.bulk_create(
                Question(
                    organization_id=assignment.organization_id,
                    subject=assignment.subject,
                    grade=grade,
                    topic=topic,
                    kind=kind,
                    text=text,
                    choices=choices,
                    correct=correct,
                    points=points,
                    author=teacher,
                )
                for topic, kind, text, choices, correct, points in QUESTIONS
            )
        if Test.objects.filter(assignment=assignment).exists():
            continue
        Test.objects.create(
            organization_id=assignment.organization_id,
            assignment=assignment,
            title="Математика: аралық бақылау",
            mode=Test.Mode.RANDOM,
            topic_counts={"Бөлшектер": 2, "Теңдеулер": 1},
            time_limit_minutes=20,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=14),
            created_by=teacher,
        )
        made += 1
    return made
