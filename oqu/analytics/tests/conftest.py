"""A hand-computed example: two schools of district A1 and one school of another district.

School A1 (2025-2026): class 5А (math by `teacher`, Kazakh by another teacher; homeroom `homeroom`),
class 5Ә (math), class 1А (grade 1: ungraded), class 6А (empty: an assignment, no learners, no rows).
School A1-other: class 7А (math). School B1 (district B1): class 9А with marks that must never be
counted for district A1.

Quarter 1, math 5А: L1 5; L2 computed 3, final 4 confirmed → 4; L3 computed 3, final 5 NOT
confirmed → 3; L4 a row without a mark (not assessed).
Quarter 1, Kazakh 5А: L1 4, L2 3, L3 2 (L4 has no row).
Quarter 1, math 5Ә: L5 5, L6 2. Math 1А: L7 5 (excluded). Math 7А (A1-other): L8 4, L9 3.
Year mark, math 5А: L1 5.
Attendance, math 5А, quarter 1: lesson 1 — L1 present, L2 late, L3 absent with a reason, L4 sick;
lesson 2 — L1 present, L2 present, L3 absent without a reason, L4 present; a cancelled lesson
(L1 absent without a reason) does not count. Quarter 3: L1 present. Math 1А, quarter 1: L7 absent
without a reason (attendance of grade 1 counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from oqu.journal.models import Attendance, PeriodMark
from oqu.school.models import Lesson, SchoolClass, StudyPeriod, Subject, TeachingAssignment
from oqu.school.tests.conftest import make_class, make_year
from oqu.tests import factories as f

D = dt.date


@dataclass
class Example:
    tree: Any
    year: Any
    class_5a: SchoolClass
    class_5b: SchoolClass
    class_1a: SchoolClass
    class_6a: SchoolClass
    class_7a: SchoolClass
    class_9a: SchoolClass
    math_5a: TeachingAssignment
    teacher: Any
    teacher_user: Any
    homeroom_user: Any
    learners: dict[str, Any] = field(default_factory=dict)


class Builder:
    """Rows of the e-journal made directly with the ORM (the journal's services come elsewhere)."""

    def __init__(self) -> None:
        self.people = 0

    def person(self, last: str = "Оқушы") -> Any:
        self.people += 1
        return f.make_person(
            last, f"Аты{self.people}", D(2014, 1, 1) + dt.timedelta(self.people), "F"
        )

    def subject(self, org: Any, code: str, ru: str, kk: str) -> Subject:
        return Subject.objects.create(organization=org, code=code, name_ru=ru, name_kk=kk)

    def assignment(
        self, school_class: SchoolClass, subject: Subject, teacher: Any
    ) -> TeachingAssignment:
        return TeachingAssignment.objects.create(
            organization=school_class.organization,
            year=school_class.year,
            teacher=teacher,
            school_class=school_class,
            subject=subject,
            hours_per_week=2,
        )

    def period_mark(
        self,
        assignment: TeachingAssignment,
        learner: Any,
        period: StudyPeriod | None,
        computed: int | None,
        final: int | None = None,
        confirmed: bool = False,
    ) -> PeriodMark:
        now = timezone.now()
        return PeriodMark.objects.create(
            organization=assignment.organization,
            assignment=assignment,
            learner=learner,
            period=period,
            computed_mark=computed,
            final_mark=final,
            computed_at=now,
            confirmed_at=now if confirmed else None,
            confirmed_by=assignment.teacher if confirmed else None,
        )

    def lesson(
        self,
        assignment: TeachingAssignment,
        period: StudyPeriod,
        day: dt.date,
        statuses: dict[Any, str],
        status: str = Lesson.Status.HELD,
    ) -> Lesson:
        lesson = Lesson.objects.create(
            organization=assignment.organization,
            assignment=assignment,
            period=period,
            date=day,
            lesson_number=1,
            teacher=assignment.teacher,
            status=status,
        )
        Attendance.objects.bulk_create(
            Attendance(
                organization=lesson.organization, lesson=lesson, learner=learner, status=value
            )
            for learner, value in statuses.items()
        )
        return lesson


def quarters(year: Any) -> dict[int, StudyPeriod]:
    return {p.number: p for p in StudyPeriod.objects.filter(year=year, kind="quarter")}


@pytest.fixture
def build() -> Builder:
    return Builder()


@pytest.fixture
def example(org_tree: Any, build: Builder) -> Example:
    tree = org_tree
    year = make_year(tree.school_a1)
    q = quarters(year)
    teacher = build.person("Мұғалім")
    other_teacher = build.person("Басқа")
    homeroom = build.person("Сынып")
    for person in (teacher, other_teacher, homeroom):
        f.employ(person, tree.school_a1)
    teacher_user = f.make_user("analytics-teacher", person=teacher)
    f.grant(teacher_user, "school_teacher", tree.school_a1)
    homeroom_user = f.make_user("analytics-homeroom", person=homeroom)
    f.grant(homeroom_user, "school_teacher", tree.school_a1)

    math = build.subject(tree.school_a1, "MATH", "Математика", "Математика")
    kazakh = build.subject(tree.school_a1, "KAZ", "Казахский язык", "Қазақ тілі")
    class_5a = make_class(year, 5, "А", homeroom_teacher=homeroom)
    class_5b = make_class(year, 5, "Ә")
    class_1a = make_class(year, 1, "А")
    class_6a = make_class(year, 6, "А")
    math_5a = build.assignment(class_5a, math, teacher)
    kazakh_5a = build.assignment(class_5a, kazakh, other_teacher)
    math_5b = build.assignment(class_5b, math, other_teacher)
    math_1a = build.assignment(class_1a, math, other_teacher)
    build.assignment(class_6a, math, other_teacher)

    pupil = {
        name: build.person() for name in ("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9")
    }
    pm = build.period_mark
    pm(math_5a, pupil["L1"], q[1], 5)
    pm(math_5a, pupil["L2"], q[1], 3, final=4, confirmed=True)
    pm(math_5a, pupil["L3"], q[1], 3, final=5, confirmed=False)
    pm(math_5a, pupil["L4"], q[1], None)
    pm(math_5a, pupil["L1"], None, 5)
    pm(kazakh_5a, pupil["L1"], q[1], 4)
    pm(kazakh_5a, pupil["L2"], q[1], 3)
    pm(kazakh_5a, pupil["L3"], q[1], 2)
    pm(math_5b, pupil["L5"], q[1], 5)
    pm(math_5b, pupil["L6"], q[1], 2)
    pm(math_1a, pupil["L7"], q[1], 5)

    build.lesson(
        math_5a,
        q[1],
        D(2025, 9, 2),
        {
            pupil["L1"]: "present",
            pupil["L2"]: "late",
            pupil["L3"]: "absent_excused",
            pupil["L4"]: "sick",
        },
    )
    build.lesson(
        math_5a,
        q[1],
        D(2025, 9, 4),
        {
            pupil["L1"]: "present",
            pupil["L2"]: "present",
            pupil["L3"]: "absent_unexcused",
            pupil["L4"]: "present",
        },
    )
    build.lesson(
        math_5a,
        q[1],
        D(2025, 9, 5),
        {pupil["L1"]: "absent_unexcused"},
        status=Lesson.Status.CANCELLED,
    )
    build.lesson(math_5a, q[3], D(2026, 1, 9), {pupil["L1"]: "present"})
    build.lesson(math_1a, q[1], D(2025, 9, 2), {pupil["L7"]: "absent_unexcused"})

    # The other school of the same district.
    year_other = make_year(tree.school_a1_other)
    class_7a = make_class(year_other, 7, "А")
    math_other = build.subject(tree.school_a1_other, "MATH", "Математика", "Математика")
    math_7a = build.assignment(class_7a, math_other, build.person("Екінші"))
    q_other = quarters(year_other)
    pm(math_7a, pupil["L8"], q_other[1], 4)
    pm(math_7a, pupil["L9"], q_other[1], 3)

    # A school of another district: never counted for district A1.
    year_b = make_year(tree.school_b1)
    class_9a = make_class(year_b, 9, "А")
    math_b = build.subject(tree.school_b1, "MATH", "Математика", "Математика")
    math_9a = build.assignment(class_9a, math_b, build.person("Үшінші"))
    for _ in range(3):
        pm(math_9a, build.person(), quarters(year_b)[1], 2)

    return Example(
        tree=tree,
        year=year,
        class_5a=class_5a,
        class_5b=class_5b,
        class_1a=class_1a,
        class_6a=class_6a,
        class_7a=class_7a,
        class_9a=class_9a,
        math_5a=math_5a,
        teacher=teacher,
        teacher_user=teacher_user,
        homeroom_user=homeroom_user,
        learners=pupil,
    )
