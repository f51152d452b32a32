"""Reference data of the kernel: the working calendar 2026 (official) and 2027 (projected by the
statutory transfer rule, `DOMAIN.md` §4), and the first effective-dated rule sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

D = dt.date
HOLIDAY, TRANSFER = "holiday", "transfer_off"

# (date, kind, Kazakh, Russian)
CALENDAR_2026: list[tuple[dt.date, str, str, str]] = [
    (D(2026, 1, 1), HOLIDAY, "Жаңа жыл", "Новый год"),
    (D(2026, 1, 2), HOLIDAY, "Жаңа жыл", "Новый год"),
    (D(2026, 1, 7), HOLIDAY, "Православиелік Рождество", "Православное Рождество"),
    (D(2026, 3, 8), HOLIDAY, "Халықаралық әйелдер күні", "Международный женский день"),
    (D(2026, 3, 9), TRANSFER, "8 наурыздан ауыстырылған демалыс", "Перенос выходного с 8 марта"),
    (D(2026, 3, 21), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2026, 3, 22), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2026, 3, 23), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2026, 3, 24), TRANSFER, "Наурыздан ауыстырылған демалыс", "Перенос выходного (Наурыз)"),
    (D(2026, 3, 25), TRANSFER, "Наурыздан ауыстырылған демалыс", "Перенос выходного (Наурыз)"),
    (
        D(2026, 5, 1),
        HOLIDAY,
        "Қазақстан халқының бірлігі күні",
        "Праздник единства народа Казахстана",
    ),
    (D(2026, 5, 7), HOLIDAY, "Отан қорғаушы күні", "День защитника Отечества"),
    (D(2026, 5, 9), HOLIDAY, "Жеңіс күні", "День Победы"),
    (D(2026, 5, 11), TRANSFER, "9 мамырдан ауыстырылған демалыс", "Перенос выходного с 9 мая"),
    (D(2026, 5, 27), HOLIDAY, "Құрбан айттың бірінші күні", "Первый день Курбан айта"),
    (D(2026, 7, 6), HOLIDAY, "Астана күні", "День Столицы"),
    (D(2026, 8, 30), HOLIDAY, "Конституция күні", "День Конституции"),
    (
        D(2026, 8, 31),
        TRANSFER,
        "30 тамыздан ауыстырылған демалыс",
        "Перенос выходного с 30 августа",
    ),
    (D(2026, 10, 25), HOLIDAY, "Республика күні", "День Республики"),
    (
        D(2026, 10, 26),
        TRANSFER,
        "25 қазаннан ауыстырылған демалыс",
        "Перенос выходного с 25 октября",
    ),
    (D(2026, 12, 16), HOLIDAY, "Тәуелсіздік күні", "День Независимости"),
]

# Projected: no official 2027 calendar yet; Kurban ait 2027 is not announced and is absent.
CALENDAR_2027: list[tuple[dt.date, str, str, str]] = [
    (D(2027, 1, 1), HOLIDAY, "Жаңа жыл", "Новый год"),
    (D(2027, 1, 2), HOLIDAY, "Жаңа жыл", "Новый год"),
    (D(2027, 1, 4), TRANSFER, "2 қаңтардан ауыстырылған демалыс", "Перенос выходного со 2 января"),
    (D(2027, 1, 7), HOLIDAY, "Православиелік Рождество", "Православное Рождество"),
    (D(2027, 3, 8), HOLIDAY, "Халықаралық әйелдер күні", "Международный женский день"),
    (D(2027, 3, 21), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2027, 3, 22), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2027, 3, 23), HOLIDAY, "Наурыз мейрамы", "Наурыз мейрамы"),
    (D(2027, 3, 24), TRANSFER, "Наурыздан ауыстырылған демалыс", "Перенос выходного (Наурыз)"),
    (
        D(2027, 5, 1),
        HOLIDAY,
        "Қазақстан халқының бірлігі күні",
        "Праздник единства народа Казахстана",
    ),
    (D(2027, 5, 3), TRANSFER, "1 мамырдан ауыстырылған демалыс", "Перенос выходного с 1 мая"),
    (D(2027, 5, 7), HOLIDAY, "Отан қорғаушы күні", "День защитника Отечества"),
    (D(2027, 5, 9), HOLIDAY, "Жеңіс күні", "День Победы"),
    (D(2027, 5, 10), TRANSFER, "9 мамырдан ауыстырылған демалыс", "Перенос выходного с 9 мая"),
    (D(2027, 7, 6), HOLIDAY, "Астана күні", "День Столицы"),
    (D(2027, 8, 30), HOLIDAY, "Конституция күні", "День Конституции"),
    (D(2027, 10, 25), HOLIDAY, "Республика күні", "День Республики"),
    (D(2027, 12, 16), HOLIDAY, "Тәуелсіздік күні", "День Независимости"),
]

# code, valid_from, valid_to, value, source, confidence
RULES: list[tuple[str, dt.date, dt.date | None, Any, str, str]] = [
    (
        "school.teaching_load.weekly_hours",
        D(2000, 1, 1),
        D(2021, 8, 31),
        18,
        "Law on Education art. 52 p.7 (before 01.09.2021)",
        "H",
    ),
    (
        "school.teaching_load.weekly_hours",
        D(2021, 9, 1),
        None,
        16,
        "Law on the status of a teacher art. 8 p.3 sub-p.1",
        "H",
    ),
    (
        "school.grading.quarter_weights",
        D(2020, 9, 1),
        None,
        {"fo": 25, "sor": 25, "soch": 50},
        "Order 125 p.28 (site file), DOMAIN.md §2",
        "M",
    ),
    (
        "school.grading.thresholds",
        D(2020, 9, 1),
        None,
        {"5": 85, "4": 65, "3": 40},
        "Order 125 Appendix 1, DOMAIN.md §2",
        "H",
    ),
]


def load_calendar(apps: Any) -> None:
    day_model = apps.get_model("kernel", "CalendarDay")
    for rows, projected in ((CALENDAR_2026, False), (CALENDAR_2027, True)):
        for date, kind, name_kk, name_ru in rows:
            day_model.objects.update_or_create(
                date=date,
                defaults={
                    "kind": kind,
                    "name_kk": name_kk,
                    "name_ru": name_ru,
                    "projected": projected,
                },
            )


def load_rules(apps: Any) -> None:
    rule_model = apps.get_model("kernel", "RuleSet")
    for code, valid_from, valid_to, value, source, confidence in RULES:
        rule_model.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={
                "valid_to": valid_to,
                "value": value,
                "source": source,
                "confidence": confidence,
            },
        )
