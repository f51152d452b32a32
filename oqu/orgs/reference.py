"""Reference data of the hierarchy: the 20 regions (`DOMAIN.md` §9), organization types, and the
typed attribute catalogue per type taken from the map's entity tables (MAP-ENT).

Loaded by data migrations through `load_*(apps)` so it is idempotent and re-runnable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

# Stable ids: the tree path is built from these, never from KATO codes (which change).
REPUBLIC_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
KATO_VERSION = "2023"

# (KATO two-digit code, Kazakh name, Russian name, centre kk, centre ru)
REGIONS: list[tuple[str, str, str, str, str]] = [
    ("10", "Абай облысы", "область Абай", "Семей", "Семей"),
    ("11", "Ақмола облысы", "Акмолинская область", "Көкшетау", "Кокшетау"),
    ("15", "Ақтөбе облысы", "Актюбинская область", "Ақтөбе", "Актобе"),
    ("19", "Алматы облысы", "Алматинская область", "Қонаев", "Конаев"),
    ("23", "Атырау облысы", "Атырауская область", "Атырау", "Атырау"),
    ("27", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "Орал", "Уральск"),
    ("31", "Жамбыл облысы", "Жамбылская область", "Тараз", "Тараз"),
    ("33", "Жетісу облысы", "область Жетісу", "Талдықорған", "Талдыкорган"),
    ("35", "Қарағанды облысы", "Карагандинская область", "Қарағанды", "Караганда"),
    ("39", "Қостанай облысы", "Костанайская область", "Қостанай", "Костанай"),
    ("43", "Қызылорда облысы", "Кызылординская область", "Қызылорда", "Кызылорда"),
    ("47", "Маңғыстау облысы", "Мангистауская область", "Ақтау", "Актау"),
    ("55", "Павлодар облысы", "Павлодарская область", "Павлодар", "Павлодар"),
    (
        "59",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        "Петропавл",
        "Петропавловск",
    ),
    ("61", "Түркістан облысы", "Туркестанская область", "Түркістан", "Туркестан"),
    ("62", "Ұлытау облысы", "область Ұлытау", "Жезқазған", "Жезказган"),
    (
        "63",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        "Өскемен",
        "Усть-Каменогорск",
    ),
    ("71", "Астана қаласы", "город Астана", "", ""),
    ("75", "Алматы қаласы", "город Алматы", "", ""),
    ("79", "Шымкент қаласы", "город Шымкент", "", ""),
]


def region_id(kato: str) -> uuid.UUID:
    """A fixed id per region so that every installation builds the same paths."""
    return uuid.uuid5(REPUBLIC_ID, f"region:{kato}")


def path_segment(unit_id: uuid.UUID) -> str:
    return unit_id.hex[:8]


# code, Kazakh, Russian, level of main enrolment
ORG_TYPES: list[tuple[str, str, str, str]] = [
    ("preschool", "Мектепке дейінгі ұйым", "Дошкольная организация", "preschool"),
    ("school", "Жалпы білім беретін мектеп", "Общеобразовательная школа", "school"),
    (
        "college",
        "Техникалық және кәсіптік білім беру ұйымы (колледж)",
        "Организация ТиПО (колледж)",
        "college",
    ),
    (
        "additional",
        "Қосымша білім беру ұйымы",
        "Организация дополнительного образования",
        "additional",
    ),
    (
        "special",
        "Арнаулы (инклюзивті) білім беру ұйымы",
        "Специальная (инклюзивная) организация",
        "school",
    ),
    ("support_centre", "Отбасын қолдау орталығы", "Центр поддержки семьи", ""),
    ("youth_house", "Жастар үйі", "Дом юношества", ""),
    ("authority", "Білім басқару органы", "Орган управления образованием", ""),
]

MAP_START = dt.date(2026, 1, 1)


def _choice(code: str, kk: str, ru: str) -> dict[str, str]:
    return {"code": code, "label_kk": kk, "label_ru": ru}


_INTERNET = [
    ("internet_access", "Интернетке қолжетімділік", "Доступ к интернету", "bool", [], ""),
    (
        "internet_speed_contract",
        "Шарт бойынша интернет жылдамдығы",
        "Скорость интернета по договору",
        "number",
        [],
        "Mbit/s",
    ),
    (
        "internet_speed_actual",
        "Нақты интернет жылдамдығы",
        "Фактическая скорость интернета",
        "number",
        [],
        "Mbit/s",
    ),
]
_ACCREDITATION = [
    _choice("none", "Жоқ", "Нет"),
    _choice("national", "Ұлттық", "Национальная"),
    _choice("international", "Халықаралық", "Международная"),
]

# type code -> [(attribute code, Kazakh label, Russian label, value type, choices, unit)]
ATTRIBUTES: dict[str, list[tuple[str, str, str, str, list[dict[str, str]], str]]] = {
    "preschool": [
        (
            "kind",
            "Ұйым түрі",
            "Тип организации",
            "choice",
            [
                _choice("kindergarten", "Балабақша", "Детский сад"),
                _choice("nursery_kindergarten", "Бөбекжай-бақша", "Ясли-сад"),
                _choice("special", "Арнаулы", "Специальный"),
                _choice("sanatorium", "Санаторлық", "Санаторный"),
                _choice("family", "Отбасылық", "Семейный"),
                _choice("mini_centre", "Шағын орталық", "Мини-центр"),
            ],
            "",
        ),
        (
            "safe_environment",
            "Қауіпсіз және жайлы орта",
            "Безопасная и комфортная среда",
            "bool",
            [],
            "",
        ),
        ("occupancy", "Толықтығы", "Наполняемость", "number", [], "%"),
        ("experimental_site", "Эксперименттік алаң", "Экспериментальная площадка", "bool", [], ""),
        *_INTERNET,
        (
            "inclusive_materials",
            "Материалдардың қолжетімділігі (инклюзия)",
            "Доступность материалов (инклюзия)",
            "bool",
            [],
            "",
        ),
        (
            "education_form",
            "Оқыту нысаны",
            "Форма обучения",
            "choice",
            [
                _choice("full_day", "Толық күн", "Полный день"),
                _choice("short_stay", "Қысқа мерзімді болу", "Кратковременное пребывание"),
            ],
            "",
        ),
        ("security_systems", "Қауіпсіздік жүйелері", "Системы безопасности", "bool", [], ""),
        ("accreditation", "Аккредиттеу түрі", "Вид аккредитации", "choice", _ACCREDITATION, ""),
        (
            "teaching_staff",
            "Педагог кадрлар саны",
            "Численность педагогических кадров",
            "number",
            [],
            "",
        ),
    ],
    "school": [
        (
            "status",
            "Мектеп мәртебесі",
            "Статус школы",
            "choice",
            [
                _choice("general", "Жалпы білім беретін", "Общеобразовательная"),
                _choice("specialized", "Мамандандырылған", "Специализированная"),
                _choice("profile", "Бейіндік оқыту", "Профильного обучения"),
                _choice("gymnasium", "Гимназия", "Гимназия"),
                _choice("lyceum", "Лицей", "Лицей"),
                _choice("international", "Халықаралық", "Международная"),
                _choice("evening", "Кешкі (ауысымдық)", "Вечерняя (сменная)"),
            ],
            "",
        ),
        ("small_class", "Шағын жинақты мектеп", "Малокомплектная школа", "bool", [], ""),
        ("reference_school", "Тірек мектеп", "Опорная школа", "bool", [], ""),
        (
            "meals",
            "Тамақтануды ұйымдастыру",
            "Организация питания",
            "choice",
            [
                _choice("own_canteen", "Өз асханасы", "Собственная столовая"),
                _choice("outsourced", "Аутсорсинг", "Аутсорсинг"),
                _choice("none", "Жоқ", "Нет"),
            ],
            "",
        ),
        ("capacity", "Жобалық қуаты", "Проектная мощность", "number", [], "places"),
        (
            "computer_classes",
            "Компьютерлік сыныптар саны",
            "Количество компьютерных классов",
            "number",
            [],
            "",
        ),
        (
            "operating_mode",
            "Жұмыс режимі",
            "Режим работы",
            "choice",
            [
                _choice("one_shift", "Бір ауысым", "Одна смена"),
                _choice("two_shifts", "Екі ауысым", "Две смены"),
                _choice("three_shifts", "Үш ауысым", "Три смены"),
            ],
            "",
        ),
        ("sports_facilities", "Спорт ғимараттары", "Спортивные сооружения", "bool", [], ""),
        (
            "initial_military_training",
            "Алғашқы әскери дайындық",
            "Начальная военная подготовка",
            "bool",
            [],
            "",
        ),
        ("library", "Кітапхана", "Библиотека", "bool", [], ""),
    ],
    "college": [
        (
            "specialties",
            "Мамандықтар (ТжКБ жіктеуіші)",
            "Специальности (классификатор ТиПО)",
            "text",
            [],
            "",
        ),
        ("dormitory", "Жатақхананың болуы", "Наличие общежития", "bool", [], ""),
        ("admission_quota", "Қабылдау квотасы", "Квота приема", "number", [], "places"),
        (
            "status",
            "Мәртебесі",
            "Статус",
            "choice",
            [
                _choice("college", "Колледж", "Колледж"),
                _choice("higher_college", "Жоғары колледж", "Высший колледж"),
                _choice("uchilishe", "Училище", "Училище"),
                _choice(
                    "military_special",
                    "Әскери, арнаулы оқу орны",
                    "Военное, специальное учебное заведение",
                ),
            ],
            "",
        ),
        ("dual_training", "Дуалды оқыту", "Дуальное обучение", "bool", [], ""),
        (
            "business_patronage",
            "Бизнес өкілдерінің қамқорлығы",
            "Шефство представителей бизнеса",
            "bool",
            [],
            "",
        ),
    ],
    "additional": [
        ("activity_directions", "Қызмет бағыттары", "Направления деятельности", "text", [], ""),
    ],
    "special": [
        ("experimental_site", "Эксперименттік алаң", "Экспериментальная площадка", "bool", [], ""),
        *_INTERNET,
        (
            "labs_workshops",
            "Зертханалар мен шеберханалар",
            "Лаборатории и мастерские",
            "bool",
            [],
            "",
        ),
        (
            "inclusive_materials",
            "Материалдардың қолжетімділігі (инклюзия)",
            "Доступность материалов (инклюзия)",
            "bool",
            [],
            "",
        ),
        ("security_systems", "Қауіпсіздік жүйелері", "Системы безопасности", "bool", [], ""),
        ("accreditation", "Аккредиттеу түрі", "Вид аккредитации", "choice", _ACCREDITATION, ""),
        (
            "teaching_staff",
            "Педагог кадрлар саны",
            "Численность педагогических кадров",
            "number",
            [],
            "",
        ),
    ],
    "youth_house": [
        (
            "residents",
            "Интернатта тұратын балалар саны",
            "Дети, проживающие и обучающиеся в интернате",
            "number",
            [],
            "",
        ),
        ("correctional", "Түзету ұйымы", "Коррекционная организация", "bool", [], ""),
        (
            "orphan_status",
            "Жетімдер ұйымы мәртебесі",
            "Статус организации для детей-сирот",
            "bool",
            [],
            "",
        ),
        ("sports_hall", "Спорт залы", "Спортивный зал", "bool", [], ""),
        (
            "advanced_study",
            "Пәндерді тереңдетіп оқыту",
            "Углубленное изучение предметов",
            "bool",
            [],
            "",
        ),
    ],
}


def load_regions(apps: Any) -> None:
    unit_model = apps.get_model("orgs", "Unit")
    republic, _ = unit_model.objects.update_or_create(
        id=REPUBLIC_ID,
        defaults={
            "kind": "republic",
            "path": "KZ/",
            "depth": 0,
            "name": "Қазақстан Республикасы",
            "name_kk": "Қазақстан Республикасы",
            "name_ru": "Республика Казахстан",
        },
    )
    for kato, name_kk, name_ru, centre_kk, centre_ru in REGIONS:
        rid = region_id(kato)
        unit_model.objects.update_or_create(
            id=rid,
            defaults={
                "kind": "region",
                "parent": republic,
                "path": f"KZ/{path_segment(rid)}/",
                "depth": 1,
                "name": name_kk,
                "name_kk": name_kk,
                "name_ru": name_ru,
                "centre": centre_kk,
                "centre_kk": centre_kk,
                "centre_ru": centre_ru,
                "kato_code": f"{kato}0000000",
                "kato_version": KATO_VERSION,
            },
        )


def load_types_and_attributes(apps: Any) -> None:
    type_model = apps.get_model("orgs", "OrganizationType")
    definition_model = apps.get_model("orgs", "AttributeDefinition")
    for order, (code, name_kk, name_ru, level) in enumerate(ORG_TYPES):
        org_type, _ = type_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name_kk,
                "name_kk": name_kk,
                "name_ru": name_ru,
                "level": level,
                "ordering": order,
            },
        )
        for position, (attr, label_kk, label_ru, value_type, choices, measure) in enumerate(
            ATTRIBUTES.get(code, [])
        ):
            definition_model.objects.update_or_create(
                org_type=org_type,
                code=attr,
                defaults={
                    "label": label_kk,
                    "label_kk": label_kk,
                    "label_ru": label_ru,
                    "value_type": value_type,
                    "choices": choices,
                    "unit_of_measure": measure,
                    "valid_from": MAP_START,
                    "source": "MAP-ENT",
                    "ordering": position,
                },
            )
