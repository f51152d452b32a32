"""The document kinds of O456 p.22 as data (EDMS-22)."""

from django.db import migrations

from oqu.edms.kinds import seed_kinds


def forwards(apps, schema_editor):
    seed_kinds(apps)


class Migration(migrations.Migration):
    dependencies = [("edms", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
