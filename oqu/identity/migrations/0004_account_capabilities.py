"""Give the heads of organizations and authorities the account administration capabilities (G-5.7)."""

from django.db import migrations

from oqu.access.reference import add_capabilities

ACCOUNT_ADMIN = ["identity.account.view", "identity.account.manage"]
HEADS = [
    "school_director",
    "college_director",
    "preschool_head",
    "additional_head",
    "district_head",
    "region_head",
    "ministry_head",
    "platform_admin",
]


def forwards(apps, schema_editor):
    add_capabilities(apps, dict.fromkeys(HEADS, ACCOUNT_ADMIN))


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_account_administration"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
