"""The demo school year (seed --demo-accounts): quarters inside the year, classes from the seeded
groups, idempotent (SEC-27.3/4, SEC-27.6)."""

from __future__ import annotations

import datetime as dt

from oqu.demo.school import ensure_demo_school
from oqu.school.models import ClassMembership, CurriculumLine, SchoolClass, StudyPeriod
from oqu.tests import factories as f


def test_sec_27_6_demo_school_year_is_consistent_and_idempotent(org_tree):
    org = org_tree.school_a1
    teacher = f.make_person("Демо", "Мұғалім", dt.date(1980, 1, 1), "F")
    f.employ(teacher, org)
    for n, group in enumerate(["5А", "5А", "5Б", "10А"]):
        grade = int(group[:-1])
        learner = f.make_person("Демо", f"Оқушы{n}", dt.date(2019 - grade, 1, 1 + n), "M")
        f.enrol(learner, org, grade=grade, group_name=group)
    year = ensure_demo_school(org, teacher)
    again = ensure_demo_school(org, teacher)
    assert again == year
    periods = list(StudyPeriod.objects.filter(year=year).order_by("number"))
    assert len(periods) == 4
    assert all(year.start_date <= p.start_date < p.end_date <= year.end_date for p in periods)
    assert all(a.end_date < b.start_date for a, b in zip(periods, periods[1:], strict=False))
    classes = {str(c): c for c in SchoolClass.objects.filter(year=year)}
    assert set(classes) == {"5А", "5Б", "10А"}
    assert ClassMembership.objects.filter(school_class=classes["5А"]).count() == 2
    assert classes["5А"].homeroom_teacher == teacher
    assert CurriculumLine.objects.filter(year=year, grade=5).count() == 6


def test_sec_27_8_demo_school_has_a_timetable_from_the_draft(org_tree):
    from oqu.school.models import BellSlot, Room, TeachingAssignment, TimetableEntry

    org = org_tree.school_a1
    teacher = f.make_person("Демо", "Кесте", dt.date(1981, 1, 1), "F")
    f.employ(teacher, org)
    learner = f.make_person("Демо", "Оқушы", dt.date(2014, 1, 1), "M")
    f.enrol(learner, org, grade=5, group_name="5А")
    year = ensure_demo_school(org, teacher)
    assignment = TeachingAssignment.objects.get(year=year)
    entries = TimetableEntry.objects.filter(assignment=assignment)
    assert entries.count() == int(assignment.hours_per_week)
    assert BellSlot.objects.filter(year=year).count() == 7
    assert Room.objects.filter(organization=org).count() == 5
    ensure_demo_school(org, teacher)
    assert TimetableEntry.objects.filter(assignment=assignment).count() == entries.count()
