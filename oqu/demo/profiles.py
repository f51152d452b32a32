"""A few digital-profile entries for the demo teacher and the demo learner (issue 5, MAP-PASS,
SEC-27.1), so the profile pages show something. Set-up like the demo accounts: rows are created
directly, not journaled, and a profile that already has entries is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from oqu.profiles.models import (
    Achievement,
    Attestation,
    CareerChoice,
    Certificate,
    Course,
    Education,
    QualificationCategory,
)
from oqu.profiles.rules import valid_until


@transaction.atomic
def ensure_demo_profiles(organization: Any, teacher: Any = None, learner: Any = None) -> None:
    own = {"organization": organization}
    if teacher is not None and not Education.objects.filter(person=teacher).exists():
        Education.objects.create(
            **own,
            person=teacher,
            level=Education.Level.BACHELOR,
            institution="Қазақ ұлттық педагогикалық университеті",
            speciality="Математика",
            graduation_year=2008,
            diploma_number="ЖБ-Б 0123456",
        )
        category = QualificationCategory.objects.filter(code="moderator").first()
        if category is not None:
            held_on = dt.date(2022, 5, 20)
            Attestation.objects.create(
                **own,
                person=teacher,
                held_on=held_on,
                category=category,
                result=Attestation.Result.ASSIGNED,
                valid_until=valid_until(held_on, category.validity_years),
                order_number="№ 45-к",
            )
        Course.objects.create(
            **own,
            person=teacher,
            title="Критериалды бағалау",
            provider="«Өрлеу» БАҰО",
            hours=72,
            start_date=dt.date(2023, 3, 1),
            end_date=dt.date(2023, 3, 20),
            certificate_number="ӨР-2023-0456",
        )
    if learner is not None and not Achievement.objects.filter(person=learner).exists():
        Achievement.objects.create(
            **own,
            person=learner,
            kind=Achievement.Kind.OLYMPIAD,
            title="Мектепішілік математика олимпиадасы",
            subject="Математика",
            level="school",
            result=Achievement.Result.FIRST,
            held_on=dt.date(2025, 11, 15),
        )
        CareerChoice.objects.create(
            **own,
            person=learner,
            direction="Ақпараттық технологиялар",
            chosen_on=dt.date(2025, 12, 1),
        )
        Certificate.objects.create(
            **own,
            person=learner,
            profile=Certificate.Profile.LEARNER,
            kind=Certificate.Kind.DIPLOMA,
            title="Олимпиада жеңімпазының дипломы",
            issuer="Мектеп",
            issued_on=dt.date(2025, 11, 20),
        )
