"""The pre-configured document kinds of O456 p.22, seeded as data (administrators may add more).

Each kind: code, group, Kazakh and Russian names, number prefix, numbering pattern, fields, the
default route (stages in order; the steps of a stage run in parallel), the execution period in
working days (0: no execution control) and the retention period in years. The numbering patterns
and routes are our reading of common Kazakh office practice, not law: they are data.
"""

from __future__ import annotations

from typing import Any


def _f(name: str, kk: str, ru: str, kind: str = "text", required: bool = True, **extra: Any):
    return {
        "name": name,
        "type": kind,
        "required": required,
        "label_kk": kk,
        "label_ru": ru,
        **extra,
    }


APPROVE = {"capability": "edms.document.approve", "days": 2, "signature": False}
HEAD_SIGNS = {"capability": "edms.document.sign", "days": 1, "signature": True}
HEAD_APPROVES = {"capability": "edms.document.sign", "days": 2, "signature": False}

CORRESPONDENT = _f(
    "correspondent_number", "Корреспонденттің нөмірі", "Номер корреспондента", required=False
)
CORRESPONDENT_DATE = _f(
    "correspondent_date", "Корреспонденттің күні", "Дата корреспондента", "date", required=False
)

KINDS: list[dict[str, Any]] = [
    {
        "code": "incoming",
        "group": "incoming",
        "name_kk": "Кіріс хат",
        "name_ru": "Входящее письмо",
        "prefix": "КХ",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [CORRESPONDENT, CORRESPONDENT_DATE],
        # registered on receipt; the head gives it to an executor
        "route": [],
        "execution_days": 10,
        "retention_years": 5,
    },
    {
        "code": "outgoing",
        "group": "outgoing",
        "name_kk": "Шығыс хат",
        "name_ru": "Исходящее письмо",
        "prefix": "ШХ",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [
            _f("addressee", "Адресат", "Адресат"),
            _f("reply_to", "Жауап ретінде (нөмір)", "В ответ на (номер)", required=False),
        ],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 5,
    },
    {
        "code": "internal",
        "group": "internal",
        "name_kk": "Ішкі құжат",
        "name_ru": "Внутренний документ",
        "prefix": "ІҚ",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [_f("addressee", "Кімге", "Кому")],
        "route": [[APPROVE]],
        "execution_days": 5,
        "retention_years": 3,
    },
    {
        "code": "order",
        "group": "order",
        "name_kk": "Негізгі қызмет бойынша бұйрық",
        "name_ru": "Приказ по основной деятельности",
        "prefix": "Н",
        "number_pattern": "{seq}-{prefix}",
        "fields": [_f("effective_date", "Күшіне енетін күні", "Дата вступления в силу", "date")],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 10,
        "retention_years": 75,
    },
    {
        "code": "hr-leave",
        "group": "hr",
        "name_kk": "Еңбек демалысына өтініш",
        "name_ru": "Заявление на отпуск",
        "prefix": "Ж",
        "number_pattern": "{seq}-{prefix}",
        "fields": [
            _f("employee", "Қызметкер", "Сотрудник"),
            _f(
                "leave_type",
                "Демалыс түрі",
                "Вид отпуска",
                "choice",
                choices=["annual", "unpaid", "study"],
            ),
            _f("date_from", "Басталуы", "С", "date"),
            _f("date_to", "Аяқталуы", "По", "date"),
        ],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 75,
    },
    {
        "code": "hr-trip",
        "group": "hr",
        "name_kk": "Іссапарға жіберу туралы қызметтік жазба",
        "name_ru": "Служебная записка на командирование",
        "prefix": "ІС",
        "number_pattern": "{seq}-{prefix}",
        "fields": [
            _f("employee", "Қызметкер", "Сотрудник"),
            _f("destination", "Баратын жері", "Место назначения"),
            _f("date_from", "Басталуы", "С", "date"),
            _f("date_to", "Аяқталуы", "По", "date"),
            _f("purpose", "Мақсаты", "Цель"),
        ],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 5,
    },
    {
        "code": "hr-contract",
        "group": "hr",
        "name_kk": "Еңбек шарты",
        "name_ru": "Трудовой договор",
        "prefix": "ЕШ",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [
            _f("employee", "Қызметкер", "Сотрудник"),
            _f("position", "Лауазымы", "Должность"),
            _f("start_date", "Жұмысқа кірісу күні", "Дата начала работы", "date"),
            _f("salary", "Лауазымдық жалақы", "Должностной оклад", "number", required=False),
        ],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 75,
    },
    {
        "code": "hr-supplement",
        "group": "hr",
        "name_kk": "Қосымша келісім",
        "name_ru": "Дополнительное соглашение",
        "prefix": "ҚК",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [
            _f("employee", "Қызметкер", "Сотрудник"),
            _f("contract_number", "Еңбек шартының нөмірі", "Номер трудового договора"),
            _f("effective_date", "Күшіне енетін күні", "Дата вступления в силу", "date"),
        ],
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 75,
    },
    {
        "code": "hr-memo",
        "group": "hr",
        "name_kk": "Қызметтік жазба",
        "name_ru": "Служебная записка",
        "prefix": "ҚЖ",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [_f("addressee", "Кімге", "Кому")],
        "route": [[HEAD_APPROVES]],
        "execution_days": 5,
        "retention_years": 5,
    },
    {
        "code": "finance-contract",
        "group": "finance",
        "name_kk": "Шарт",
        "name_ru": "Договор",
        "prefix": "Д",
        "number_pattern": "{prefix}-{seq}/{year}",
        "fields": [
            _f("counterparty", "Контрагент", "Контрагент"),
            _f("counterparty_bin", "Контрагенттің БСН", "БИН контрагента", required=False),
            _f("amount", "Сомасы, теңге", "Сумма, тенге", "number"),
            _f("valid_to", "Қолданылу мерзімі", "Срок действия", "date", required=False),
        ],
        # every approver (deputy, accountant) in parallel, then the head signs
        "route": [[APPROVE], [HEAD_SIGNS]],
        "execution_days": 0,
        "retention_years": 5,
    },
]


def seed_kinds(apps: Any) -> None:
    """Create the kinds that do not exist yet (a re-run changes nothing)."""
    kind_model = apps.get_model("edms", "DocumentKind")
    for spec in KINDS:
        if kind_model.objects.filter(code=spec["code"]).exists():
            continue
        kind_model.objects.create(
            code=spec["code"],
            group=spec["group"],
            name_kk=spec["name_kk"],
            name_ru=spec["name_ru"],
            prefix=spec["prefix"],
            number_pattern=spec["number_pattern"],
            field_schema=spec["fields"],
            default_route=spec["route"],
            execution_days=spec["execution_days"],
            retention_years=spec["retention_years"],
        )
