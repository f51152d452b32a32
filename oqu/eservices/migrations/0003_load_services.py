"""Load the e-services shipped in `services_data/` (the same loader as `manage.py load_services`)."""

from django.db import migrations

from oqu.eservices.loader import load_files, shipped_files


def forwards(apps, schema_editor):
    load_files(apps.get_model("eservices", "Service"), shipped_files())


class Migration(migrations.Migration):
    dependencies = [("eservices", "0002_capabilities")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
