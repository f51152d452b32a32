"""Demo data of surveys and the FAQ: an open survey of the demo school for teachers, another for
parents (anonymous), and national FAQ entries in Kazakh and Russian (set-up of a demonstration:
rows created directly, not journaled; existing rows are left as they are)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from oqu.orgs.models import Unit

from .models import FaqEntry, Survey, SurveyQuestion

SURVEYS = [
    (
        "Әдістемелік бірлестіктің жұмысы",
        False,
        ["school_teacher", "school_methodologist"],
        [
            ("scale", "Бірлестіктің жұмысын бағалаңыз", [], 5),
            (
                "multiple",
                "Қандай тақырыптар қажет?",
                ["Критериалды бағалау", "Цифрлық құралдар", "Инклюзия"],
                None,
            ),
            ("text", "Ұсыныстарыңыз", [], None),
        ],
    ),
    (
        "Ата-аналар сауалнамасы: мектеп асханасы",
        True,
        ["parent"],
        [
            ("single", "Баланың тамақтануына көңіліңіз тола ма?", ["Иә", "Ішінара", "Жоқ"], None),
            ("scale", "Асхананы бағалаңыз", [], 5),
            ("text", "Пікіріңіз", [], None),
        ],
    ),
]

FAQ = [
    (
        "account",
        "Құпиясөзді қалай өзгертемін?",
        "Как сменить пароль?",
        "Мәзірдегі «Құпиясөз» бөлімін ашып, ескі және жаңа құпиясөзді енгізіңіз.",
        "Откройте раздел «Пароль» в меню и введите старый и новый пароль.",
    ),
    (
        "account",
        "Неге екі факторлы аутентификация қажет?",
        "Зачем нужна двухфакторная аутентификация?",
        "Ол тіркелгіңізді құпиясөз ұрланған жағдайда да қорғайды.",
        "Она защищает учётную запись, даже если пароль украден.",
    ),
    (
        "learning",
        "Тест кезінде басқа қойындыға ауысуға бола ма?",
        "Можно ли переключаться на другую вкладку во время теста?",
        "Ауысу тіркеледі және мұғалімге көрінеді. Тестті бастаған браузерде ғана жалғастыруға болады.",
        "Переключение фиксируется и видно учителю. Продолжить тест можно только в том браузере, где он начат.",
    ),
    (
        "parents",
        "Баланың бағаларын қайдан көремін?",
        "Где посмотреть оценки ребёнка?",
        "Ата-ана кабинетінде: бүгінгі сабақтар, бағалар және сабаққа қатысу.",
        "В кабинете родителя: сегодняшние уроки, оценки и посещаемость.",
    ),
]


@transaction.atomic
def ensure_demo_feedback(school: Any, user: Any = None) -> int:
    """Open surveys of the demo school and the national FAQ; returns how many rows were added."""
    added = 0
    for title, anonymous, roles, questions in SURVEYS:
        if Survey.objects.filter(organization=school, title=title).exists():
            continue
        survey = Survey.objects.create(
            organization=school,
            title=title,
            anonymous=anonymous,
            target_roles=roles,
            status=Survey.Status.OPEN,
            opened_at=timezone.now(),
            created_by=user,
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                organization=school,
                survey=survey,
                number=number,
                kind=kind,
                text=text,
                choices=choices,
                scale_max=scale_max,
            )
            for number, (kind, text, choices, scale_max) in enumerate(questions, start=1)
        )
        added += 1
    republic = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if republic is not None and not FaqEntry.objects.exists():
        FaqEntry.objects.bulk_create(
            FaqEntry(
                organization=republic,
                category=category,
                question_kk=question_kk,
                question_ru=question_ru,
                answer_kk=answer_kk,
                answer_ru=answer_ru,
                position=position,
            )
            for position, (category, question_kk, question_ru, answer_kk, answer_ru) in enumerate(
                FAQ
            )
        )
        added += len(FAQ)
    return added
