"""Give heads and deputies of schools, preschools and colleges the right to decide link requests."""

from django.db import migrations

from oqu.access.reference import add_capabilities

CONFIRM = ["registration.link.confirm"]
ROLES = [
    "school_director",
    "school_deputy_director",
    "preschool_head",
    "college_director",
    "college_deputy_director",
    "platform_admin",
]


def grant_confirm(apps, schema_editor):
    add_capabilities(apps, dict.fromkeys(ROLES, CONFIRM))


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(grant_confirm, migrations.RunPython.noop)]
