"""The roles the law names, seeded as data (PRE-25.10, SEC-27.18, TVET-34.20, ADD-36.14), plus the
education authorities of each level and the platform administrator. Administrators may change
them afterwards; history is kept.
"""

from __future__ import annotations

from typing import Any

VIEW_PEOPLE = [
    "orgs.unit.view",
    "people.person.view",
    "people.enrolment.view",
    "people.employment.view",
    "people.guardianship.view",
]
MANAGE_PEOPLE = [
    "people.person.manage",
    "people.enrolment.manage",
    "people.employment.manage",
    "people.guardianship.manage",
]
HEAD = [
    *VIEW_PEOPLE,
    *MANAGE_PEOPLE,
    "orgs.attribute.manage",
    "access.role.view",
    "access.grant.view",
    "access.grant.manage",
    "audit.journal.view",
]
DEPUTY = [
    *VIEW_PEOPLE,
    "people.enrolment.manage",
    "people.person.manage",
    "people.guardianship.manage",
    "access.grant.view",
]
AUTHORITY_SPECIALIST = [
    *VIEW_PEOPLE,
    "orgs.attribute.manage",
    "access.grant.view",
    "access.role.view",
]
AUTHORITY_HEAD = [
    *AUTHORITY_SPECIALIST,
    "orgs.unit.manage",
    "access.grant.manage",
    "audit.journal.view",
]
PLATFORM_ADMIN = [
    *AUTHORITY_HEAD,
    *MANAGE_PEOPLE,
    "access.role.manage",
]

# code, Kazakh, Russian, level, capabilities, legal basis
ROLES: list[tuple[str, str, str, str, list[str], str]] = [
    ("preschool_educator", "Тәрбиеші", "Воспитатель", "organization", VIEW_PEOPLE, "PRE-25.10"),
    (
        "preschool_methodologist",
        "Әдіскер (МДҰ)",
        "Методист (ДО)",
        "organization",
        VIEW_PEOPLE,
        "PRE-25.10",
    ),
    ("preschool_head", "Меңгеруші", "Заведующий", "organization", HEAD, "PRE-25.10"),
    ("school_teacher", "Мұғалім", "Учитель", "organization", VIEW_PEOPLE, "SEC-27.18"),
    (
        "school_methodologist",
        "Әдіскер (мектеп)",
        "Методист (школа)",
        "organization",
        VIEW_PEOPLE,
        "SEC-27.18",
    ),
    ("school_tutor", "Тьютор (мектеп)", "Тьютор (школа)", "organization", VIEW_PEOPLE, "SEC-27.18"),
    ("school_director", "Мектеп директоры", "Директор школы", "organization", HEAD, "SEC-27.18"),
    (
        "school_deputy_director",
        "Директордың орынбасары",
        "Заместитель директора",
        "organization",
        DEPUTY,
        "SEC-27.18",
    ),
    (
        "college_teacher",
        "Оқытушы (колледж)",
        "Преподаватель (колледж)",
        "organization",
        VIEW_PEOPLE,
        "TVET-34.20",
    ),
    (
        "college_methodologist",
        "Әдіскер (колледж)",
        "Методист (колледж)",
        "organization",
        VIEW_PEOPLE,
        "TVET-34.20",
    ),
    (
        "college_tutor",
        "Тьютор (колледж)",
        "Тьютор (колледж)",
        "organization",
        VIEW_PEOPLE,
        "TVET-34.20",
    ),
    (
        "college_director",
        "Колледж басшысы",
        "Руководитель колледжа",
        "organization",
        HEAD,
        "TVET-34.20",
    ),
    (
        "college_deputy_director",
        "Колледж басшысының орынбасары",
        "Заместитель руководителя колледжа",
        "organization",
        DEPUTY,
        "TVET-34.20",
    ),
    (
        "additional_teacher",
        "Қосымша білім беру педагогі",
        "Педагог дополнительного образования",
        "organization",
        VIEW_PEOPLE,
        "ADD-36.14",
    ),
    (
        "additional_head",
        "Қосымша білім беру ұйымының басшысы",
        "Руководитель организации дополнительного образования",
        "organization",
        HEAD,
        "ADD-36.14",
    ),
    (
        "parent",
        "Ата-ана немесе заңды өкіл",
        "Родитель или законный представитель",
        "relation",
        ["people.person.view", "people.enrolment.view", "people.guardianship.view"],
        "SEC-27.18",
    ),
    (
        "learner",
        "Білім алушы",
        "Обучающийся",
        "relation",
        ["people.person.view", "people.enrolment.view"],
        "SEC-27.18",
    ),
    (
        "district_specialist",
        "Білім бөлімінің маманы",
        "Специалист отдела образования",
        "district",
        AUTHORITY_SPECIALIST,
        "MON-3",
    ),
    (
        "district_head",
        "Білім бөлімінің басшысы",
        "Руководитель отдела образования",
        "district",
        AUTHORITY_HEAD,
        "MON-3",
    ),
    (
        "region_specialist",
        "Білім басқармасының маманы",
        "Специалист управления образования",
        "region",
        AUTHORITY_SPECIALIST,
        "MON-3",
    ),
    (
        "region_head",
        "Білім басқармасының басшысы",
        "Руководитель управления образования",
        "region",
        AUTHORITY_HEAD,
        "MON-3",
    ),
    (
        "ministry_specialist",
        "Министрлік маманы",
        "Специалист министерства",
        "republic",
        AUTHORITY_SPECIALIST,
        "MON-3",
    ),
    (
        "ministry_head",
        "Министрлік басшысы",
        "Руководитель министерства",
        "republic",
        AUTHORITY_HEAD,
        "MON-3",
    ),
    (
        "platform_admin",
        "Платформа әкімшісі",
        "Администратор платформы",
        "republic",
        PLATFORM_ADMIN,
        "G-5.8",
    ),
]


def load_roles(apps: Any) -> None:
    role_model = apps.get_model("access", "Role")
    for code, name_kk, name_ru, level, capabilities, basis in ROLES:
        if role_model.objects.filter(code=code).exists():
            continue  # administrators may have edited it; never overwrite their changes
        role_model.objects.create(
            code=code,
            name=name_kk,
            name_kk=name_kk,
            name_ru=name_ru,
            level=level,
            capabilities=sorted(set(capabilities)),
            legal_basis=basis,
        )


def add_capabilities(apps: Any, additions: dict[str, list[str]]) -> None:
    """Give seeded roles the capabilities of a feature added later (data migrations of that app).

    Additive only: an administrator's other edits of the role are kept. A role an administrator
    deleted is not recreated.
    """
    role_model = apps.get_model("access", "Role")
    for code, capabilities in additions.items():
        role = role_model.objects.filter(code=code).first()
        if role is None:
            continue
        merged = sorted(set(role.capabilities) | set(capabilities))
        if merged != sorted(role.capabilities):
            role.capabilities = merged
            role.save(update_fields=["capabilities"])
