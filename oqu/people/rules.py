"""Pure rules about people: age at a date, which levels accept adults."""

from __future__ import annotations

import datetime as dt

ADULT_AGE = 18
# Main enrolments of children only; colleges take adults; additional education takes anyone.
CHILD_ONLY_LEVELS = {"preschool", "school"}


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def level_accepts_age(level: str, age: int) -> bool:
    if level in CHILD_ONLY_LEVELS:
        return 0 <= age < ADULT_AGE
    return age >= 0
