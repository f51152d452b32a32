"""Give the seeded roles the child-passport capability (MAP-PASS).

Heads of the child's organizations and the education authorities over them read the passport
(each read journaled); a parent reads their own child's through the parent relation.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = "passport.child.view"

ADDITIONS = {
    "school_director": [VIEW],
    "school_deputy_director": [VIEW],
    "preschool_head": [VIEW],
    "college_director": [VIEW],
    "college_deputy_director": [VIEW],
    "district_specialist": [VIEW],
    "district_head": [VIEW],
    "region_specialist": [VIEW],
    "region_head": [VIEW],
    "ministry_specialist": [VIEW],
    "ministry_head": [VIEW],
    "platform_admin": [VIEW],
    "parent": [VIEW],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [("access", "0003_load_reference_data")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
