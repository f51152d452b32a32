"""Give the seeded roles the testing capabilities (SEC-27.14).

Teachers, methodologists, deputy directors and directors keep the question bank and set tests, and
see results and proctoring events; tutors and the education authorities see them; a learner takes
the tests of their own class through the `learner` relation role.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["testing.bank.view", "testing.result.view"]
MANAGE = [*VIEW, "testing.bank.manage"]

ADDITIONS = {
    "school_director": MANAGE,
    "school_deputy_director": MANAGE,
    "school_teacher": MANAGE,
    "school_methodologist": MANAGE,
    "school_tutor": VIEW,
    "district_specialist": VIEW,
    "district_head": VIEW,
    "region_specialist": VIEW,
    "region_head": VIEW,
    "ministry_specialist": VIEW,
    "ministry_head": VIEW,
    "platform_admin": MANAGE,
    "learner": ["testing.attempt.take"],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("testing", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
