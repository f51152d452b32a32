"""`manage.py seed_journal`: school journals at scale for the issue 5 figures (SEC-27.12, G-6)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from oqu.demo import journal_scale
from oqu.journal.models import Assessment, Attendance, Mark
from oqu.school.models import ClassMembership, Lesson, SchoolClass, TimetableEntry

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def seeded_country(db):
    call_command("seed", "--scale", "0.0005", "--school-year", "2026", stdout=io.StringIO())


def test_sec_27_12_journal_seed_writes_consistent_lessons_attendance_and_marks(seeded_country):
    district = journal_scale.largest_districts(1)[0]
    counts = journal_scale.seed_districts([district], weeks=2, seed=3, today=TODAY)

    assert counts["lesson"] > 0
    assert counts["attendance"] > 0
    assert counts["mark"] > 0
    assert Lesson.objects.count() == counts["lesson"]
    # every learner of the class has exactly one attendance row per held lesson
    lesson = Lesson.objects.select_related("assignment__school_class").first()
    members = ClassMembership.objects.filter(
        school_class=lesson.assignment.school_class, end_date__isnull=True
    ).count()
    assert Attendance.objects.filter(lesson=lesson).count() == members
    # marks never exceed the maximum; grade 1 is not marked; lessons follow the grid
    assert not Mark.objects.filter(points__gt=F("assessment__max_points")).exists()
    assert not Assessment.objects.filter(lesson__assignment__school_class__grade=1).exists()
    assert not Lesson.objects.exclude(lesson_number=F("timetable_entry__lesson_number")).exists()
    # no class has two lessons at the same time
    clashes = (
        Lesson.objects.values("assignment__school_class", "date", "lesson_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not clashes.exists()
    assert TimetableEntry.objects.exists()
    assert SchoolClass.objects.exists()


def test_sec_27_12_journal_seed_is_reproducible_and_skips_seeded_schools(seeded_country):
    district = journal_scale.largest_districts(1)[0]
    first = journal_scale.seed_districts([district], weeks=1, seed=3, today=TODAY)
    again = journal_scale.seed_districts([district], weeks=1, seed=3, today=TODAY)
    assert first
    assert not again


def test_journal_seed_command_reports_rows_and_refuses_bad_arguments(seeded_country):
    out = io.StringIO()
    call_command("seed_journal", "--districts", "1", "--weeks", "1", stdout=out)
    assert "attendance and mark rows" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("seed_journal", "--weeks", "0", stdout=io.StringIO())


def test_sec_27_8_seeded_timetable_never_puts_a_teacher_in_two_classes_at_once(seeded_country):
    district = journal_scale.largest_districts(1)[0]
    journal_scale.seed_districts([district], weeks=1, seed=5, today=TODAY)
    clashes = (
        TimetableEntry.objects.values("assignment__teacher", "weekday", "lesson_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not clashes.exists()


def test_sec_27_1_demo_learner_gets_a_full_week_and_lessons_until_two_weeks_ahead(seeded_country):
    import io as _io

    from oqu.identity.models import User
    from oqu.school.models import TeachingAssignment

    call_command("seed", "--demo-accounts", stdout=_io.StringIO())
    learner = User.objects.get(username="learner").person
    teacher = User.objects.get(username="teacher").person
    membership = ClassMembership.objects.get(person=learner, end_date__isnull=True)
    subjects = TeachingAssignment.objects.filter(school_class=membership.school_class)
    assert subjects.count() >= 5
    assert subjects.filter(subject__code="MATH", teacher=teacher).exists()
    lessons = Lesson.objects.filter(assignment__school_class=membership.school_class)
    assert lessons.filter(date__lt=dt.date.today()).exists()
    assert Attendance.objects.filter(lesson__in=lessons, learner=learner).exists()
    again = io.StringIO()
    call_command("seed", "--demo-accounts", stdout=again)
    assert "0 lessons added" in again.getvalue()
