"""Give the seeded roles the e-service capabilities (MAP-SVC).

Heads and deputies of the deciding organizations see and decide the applications addressed to
them; the education authorities oversee (see) their territory; parents and learners apply.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = "eservices.application.view"
DECIDE = "eservices.application.decide"
APPLY = "eservices.application.apply"

ADDITIONS = {
    "school_director": [VIEW, DECIDE],
    "school_deputy_director": [VIEW, DECIDE],
    "preschool_head": [VIEW, DECIDE],
    "college_director": [VIEW, DECIDE],
    "college_deputy_director": [VIEW, DECIDE],
    "additional_head": [VIEW, DECIDE],
    "district_specialist": [VIEW],
    "district_head": [VIEW],
    "region_specialist": [VIEW],
    "region_head": [VIEW],
    "ministry_specialist": [VIEW],
    "ministry_head": [VIEW],
    "platform_admin": [VIEW, DECIDE],
    "parent": [APPLY],
    "learner": [APPLY],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("eservices", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
