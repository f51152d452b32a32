from django.db import migrations

from oqu.access.reference import add_capabilities


def forwards(apps, schema_editor):
    add_capabilities(apps, {"platform_admin": ["sso.client.manage"]})


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
