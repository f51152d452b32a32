"""Give the seeded school roles and the education authorities the school capabilities.

Directors and deputy directors form the year, the curriculum and the classes; teachers,
methodologists and tutors see them (their lessons, journals and load are built on them); district
and region specialists and heads see them, to supervise the schools of their territory.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["school.structure.view", "school.class.view"]
MANAGE = ["school.structure.manage", "school.class.manage"]

ADDITIONS = {
    "school_director": [*VIEW, *MANAGE],
    "school_deputy_director": [*VIEW, *MANAGE],
    "school_teacher": VIEW,
    "school_methodologist": VIEW,
    "school_tutor": VIEW,
    "district_specialist": VIEW,
    "district_head": VIEW,
    "region_specialist": VIEW,
    "region_head": VIEW,
    "ministry_specialist": VIEW,
    "ministry_head": VIEW,
    "platform_admin": [*VIEW, *MANAGE],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("school", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
