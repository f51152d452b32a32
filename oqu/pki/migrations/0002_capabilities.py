"""Give the heads, the education authorities and the platform administrators the right to see
the signature verifications recorded for the organizations in their scope (EDMS-23, G-5.12)."""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["pki.verification.view"]

ADDITIONS = {
    "school_director": VIEW,
    "preschool_head": VIEW,
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
        ("pki", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
