"""Reach over every class's interim control tests (SEC-27.14).

Setting tests and reading results becomes limited to the class-subjects one teaches; the director
and the deputy director keep the whole school, and the read-only roles (tutors, the education
authorities) keep reading every class of their area.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

ALL = ["testing.class.all"]

ADDITIONS = {
    "school_director": ALL,
    "school_deputy_director": ALL,
    "school_tutor": ALL,
    "district_specialist": ALL,
    "district_head": ALL,
    "region_specialist": ALL,
    "region_head": ALL,
    "ministry_specialist": ALL,
    "ministry_head": ALL,
    "platform_admin": ALL,
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [("testing", "0002_capabilities")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
