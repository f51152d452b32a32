"""Give the organization roles that answer for learners' welfare the restricted-data capabilities.

Heads and deputies see and record restricted data (they answer for the learners' welfare and keep
the social passport); methodologists see it, to plan individual educational routes for learners
with special needs, but do not record it. Teachers, tutors and education authorities do not get it:
need to know (authorities see only aggregated statistics).
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = "people.restricted.view"
MANAGE = "people.restricted.manage"

ADDITIONS = {
    "preschool_head": [VIEW, MANAGE],
    "school_director": [VIEW, MANAGE],
    "college_director": [VIEW, MANAGE],
    "additional_head": [VIEW, MANAGE],
    "school_deputy_director": [VIEW, MANAGE],
    "college_deputy_director": [VIEW, MANAGE],
    "preschool_methodologist": [VIEW],
    "school_methodologist": [VIEW],
    "college_methodologist": [VIEW],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_restricted_record"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
