"""Give learners (their own cabinet) and parents (their children's) the cabinet capability.

The cabinet opens through relations only; the platform administrator holds every capability.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

ADDITIONS = {
    "parent": ["cabinet.learner.view"],
    "learner": ["cabinet.learner.view"],
    "platform_admin": ["cabinet.learner.view"],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("cabinet", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
