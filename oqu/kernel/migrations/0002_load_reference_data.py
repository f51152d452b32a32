"""Load the working calendar 2026-2027 and the first rule sets."""

from django.db import migrations

from oqu.kernel.reference import load_calendar, load_rules


def forwards(apps, schema_editor):
    load_calendar(apps)
    load_rules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ('kernel', '0001_initial'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
