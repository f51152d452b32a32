"""Seed the roles the law names (PRE-25.10, SEC-27.18, TVET-34.20, ADD-36.14)."""

from django.db import migrations

from oqu.access.reference import load_roles


def forwards(apps, schema_editor):
    load_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ('access', '0002_initial'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
