"""Give the preschool roles and the education authorities the age-group capabilities (PRE-25.3).

The head forms groups and enrols children; educators and methodologists see the groups they work
with; district staff enrol children who come with a direction from the queue, and district and
region staff see the groups and free places of their territory.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["preschool.group.view"]
MANAGE = ["preschool.group.manage"]

ADDITIONS = {
    "preschool_head": [*VIEW, *MANAGE],
    "preschool_educator": VIEW,
    "preschool_methodologist": VIEW,
    "district_specialist": [*VIEW, *MANAGE],
    "district_head": [*VIEW, *MANAGE],
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
        ("preschool", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
