"""Give the platform administrator the DBMS-event journal (G-5.14) and the integrity checks (G-5.17)."""

from django.db import migrations

from oqu.access.reference import add_capabilities

ADDITIONS = {
    "platform_admin": ["audit.dbms.view", "ops.integrity.view", "ops.integrity.run"],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
