"""Load the 20 regions, organization types and the attribute catalogue (R503-3, MAP-ENT)."""

from django.db import migrations

from oqu.orgs.reference import load_regions, load_types_and_attributes


def forwards(apps, schema_editor):
    load_regions(apps)
    load_types_and_attributes(apps)


class Migration(migrations.Migration):
    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
