"""Give school heads, methodologists and the education authorities the learning analytics.

Directors, deputy directors and methodologists see their school; district, region and ministry
roles their territory; teachers and tutors only the classes they teach or lead (`view_own`).
Whoever holds `view` holds `view_own` too: it is less, and those who give the teacher role on
their own unit may give only what they hold.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

OWN = ["analytics.learning.view_own"]
VIEW = ["analytics.learning.view", *OWN]

ADDITIONS = {
    "school_director": VIEW,
    "school_deputy_director": VIEW,
    "school_methodologist": VIEW,
    "school_teacher": OWN,
    "school_tutor": OWN,
    "district_specialist": VIEW,
    "district_head": VIEW,
    "region_specialist": VIEW,
    "region_head": VIEW,
    "ministry_specialist": VIEW,
    "ministry_head": VIEW,
    "platform_admin": VIEW,
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_load_reference_data"),
        ("school", "0002_capabilities"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
