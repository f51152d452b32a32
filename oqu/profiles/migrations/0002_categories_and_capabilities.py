"""Qualification categories as reference data, and the profile capabilities of the seeded roles.

Categories (педагог … педагог-мастер) and how long each is valid are data an administrator may
change when the attestation rules change; the logic reads them, it never names them.
Directors and deputies keep the teachers' profiles (HR), a teacher sees their own and proposes
courses (the `learner` relation role is "oneself"), school staff keep the learners' profiles,
a parent sees their own child's; education authorities see teachers' profiles and the load.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

CATEGORIES = [
    # code, Kazakh, Russian, rank, validity in years
    ("pedagog", "Педагог", "Педагог", 1, 5),
    ("moderator", "Педагог-модератор", "Педагог-модератор", 2, 5),
    ("expert", "Педагог-сарапшы", "Педагог-эксперт", 3, 5),
    ("researcher", "Педагог-зерттеуші", "Педагог-исследователь", 4, 5),
    ("master", "Педагог-шебер", "Педагог-мастер", 5, 5),
]

TEACHER_VIEW = "profiles.teacher.view"
TEACHER_MANAGE = "profiles.teacher.manage"
PROPOSE = "profiles.course.propose"
LEARNER_VIEW = "profiles.learner.view"
LEARNER_MANAGE = "profiles.learner.manage"
LOAD_VIEW = "profiles.load.view"
AUTHORITY = [TEACHER_VIEW, LOAD_VIEW]

ADDITIONS = {
    "school_director": [TEACHER_VIEW, TEACHER_MANAGE, LEARNER_VIEW, LEARNER_MANAGE, LOAD_VIEW],
    "school_deputy_director": [
        TEACHER_VIEW,
        TEACHER_MANAGE,
        LEARNER_VIEW,
        LEARNER_MANAGE,
        LOAD_VIEW,
    ],
    "school_methodologist": [TEACHER_VIEW, LEARNER_VIEW, LOAD_VIEW],
    "school_teacher": [LEARNER_VIEW, LEARNER_MANAGE],
    "school_tutor": [LEARNER_VIEW],
    "parent": [LEARNER_VIEW],
    "learner": [LEARNER_VIEW, TEACHER_VIEW, PROPOSE],
    "district_specialist": AUTHORITY,
    "district_head": AUTHORITY,
    "region_specialist": AUTHORITY,
    "region_head": AUTHORITY,
    "ministry_specialist": AUTHORITY,
    "ministry_head": AUTHORITY,
    "platform_admin": [TEACHER_VIEW, LEARNER_VIEW, LOAD_VIEW],
}


def forwards(apps, schema_editor):
    category = apps.get_model("profiles", "QualificationCategory")
    for code, name_kk, name_ru, rank, years in CATEGORIES:
        category.objects.get_or_create(
            code=code,
            defaults={"name_kk": name_kk, "name_ru": name_ru, "rank": rank, "validity_years": years},
        )
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
