"""Demo data of the kindergarten: the demo head's preschool gets this school year's age groups with
its enrolled children in them (by age), an educator per group, a weekly grid of organized
activities and the attendance of the last two weeks (set-up of a demonstration: rows created
directly, not journaled; a preschool that already has groups this year is left as it is)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from oqu.kernel.calendar import is_working_day
from oqu.people.models import Employment, Enrolment, Level

from . import rules
from .models import Activity, AgeGroup, AgeGroupKind, Attendance, GroupMembership

CAPACITY = 25
NAMES = {
    "nursery": ["Балапан", "Бөбек"],
    "junior": ["Күншуақ", "Қызғалдақ"],
    "middle": ["Балдырған", "Айгөлек"],
    "senior": ["Жұлдыз", "Ақбота"],
    "pre_school": ["Болашақ", "Мектепалды"],
}
# weekday → (start, end, activity, educational area)
DAY = [
    ("09:00", "09:20", "Сөйлеуді дамыту", "Коммуникация"),
    ("09:30", "09:50", "Математика негіздері", "Танымдық және зияткерлік дағдылар"),
    ("10:30", "10:55", "Дене шынықтыру", "Физикалық даму"),
]
ALT = [
    ("09:00", "09:20", "Сурет салу", "Шығармашылық дағдылар"),
    ("09:30", "09:50", "Музыка", "Шығармашылық дағдылар"),
    ("10:30", "10:55", "Қоршаған ортамен таныстыру", "Әлеуметтік-эмоционалдық дағдылар"),
]


def _kind_for(birth: dt.date, start_year: int) -> str:
    age = start_year - birth.year
    if age <= 2:
        return AgeGroupKind.NURSERY
    return {3: AgeGroupKind.JUNIOR, 4: AgeGroupKind.MIDDLE, 5: AgeGroupKind.SENIOR}.get(
        age, AgeGroupKind.PRE_SCHOOL
    )


@transaction.atomic
def ensure_demo_preschool(organization: Any) -> int:
    """Form the groups of this school year; returns how many groups were created."""
    today = timezone.localdate()
    year = rules.school_year_of(today)
    if AgeGroup.objects.filter(organization=organization, school_year=year).exists():
        return 0
    start_year = int(year[:4])
    enrolments = list(
        Enrolment.objects.filter(
            organization=organization, level=Level.PRESCHOOL, is_main=True, end_date__isnull=True
        )
        .exclude(
            person_id__in=GroupMembership.objects.filter(end_date__isnull=True).values("child_id")
        )
        .select_related("person")
        .order_by("person__birth_date")
    )
    educators = list(
        Employment.objects.filter(
            organization=organization, end_date__isnull=True, position="educator"
        ).values_list("person_id", flat=True)
    )
    by_kind: dict[str, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_kind.setdefault(_kind_for(enrolment.person.birth_date, start_year), []).append(enrolment)
    rng = random.Random(str(organization.pk))  # noqa: S311 - demo marks, not a secret
    start = dt.date(start_year, 9, 1)
    created = 0
    for kind, items in by_kind.items():
        for number in range(0, len(items), CAPACITY):
            names = NAMES[kind]
            index = number // CAPACITY
            name = names[index % len(names)] + (
                f" {index // len(names) + 1}" if index >= len(names) else ""
            )
            group = AgeGroup.objects.create(
                organization=organization,
                school_year=year,
                name=name,
                kind=kind,
                capacity=CAPACITY,
                language=(getattr(organization, "languages", None) or ["kk"])[0][:2],
                educator_id=educators[created % len(educators)] if educators else None,
            )
            created += 1
            members = items[number : number + CAPACITY]
            GroupMembership.objects.bulk_create(
                GroupMembership(
                    organization=organization,
                    group=group,
                    child_id=e.person_id,
                    enrolment=e,
                    start_date=max(start, e.start_date),
                    start_move=GroupMembership.Move.ENROLLED,
                    source="demo",
                )
                for e in members
            )
            Enrolment.objects.filter(pk__in=[e.pk for e in members]).update(group_name=name)
            _schedule(group)
            _attendance(group, [e.person_id for e in members], today, rng)
    return created


def _schedule(group: AgeGroup) -> None:
    Activity.objects.bulk_create(
        Activity(
            organization=group.organization,
            group=group,
            weekday=weekday,
            starts_at=dt.time.fromisoformat(start),
            ends_at=dt.time.fromisoformat(end),
            title=title,
            area=area,
        )
        for weekday in range(1, 6)
        for start, end, title, area in (DAY if weekday % 2 else ALT)
    )


def _attendance(group: AgeGroup, children: list[Any], today: dt.date, rng: random.Random) -> None:
    days = [today - dt.timedelta(days=n) for n in range(1, 15)]
    marks = ["present"] * 16 + ["sick", "vacation", "other", "absent"]
    Attendance.objects.bulk_create(
        Attendance(
            organization=group.organization,
            group=group,
            child_id=child,
            date=day,
            status=rng.choice(marks),
        )
        for day in days
        if is_working_day(day) and day >= dt.date(int(group.school_year[:4]), 9, 1)
        for child in children
    )
