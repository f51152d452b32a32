"""Give the heads, deputies and education authorities the document capabilities (EDMS-22/23).

Heads of organizations and authorities do everything, including signing and monitoring; deputies
and specialists keep the office (create, register, route) and approve; the ministry and the
platform administrator likewise. Teachers and educators take no part in document routes here.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["edms.document.view"]
OFFICE = ["edms.document.view", "edms.document.manage", "edms.document.approve"]
HEAD = [*OFFICE, "edms.document.sign", "edms.monitor.view", "edms.archive.export"]

ADDITIONS = {
    "school_director": HEAD,
    "preschool_head": HEAD,
    "college_director": HEAD,
    "additional_head": HEAD,
    "school_deputy_director": OFFICE,
    "college_deputy_director": OFFICE,
    "district_specialist": OFFICE,
    "district_head": HEAD,
    "region_specialist": OFFICE,
    "region_head": HEAD,
    "ministry_specialist": OFFICE,
    "ministry_head": HEAD,
    "platform_admin": HEAD,
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("edms", "0002_kinds"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
