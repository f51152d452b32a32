"""Give the school roles and the relation roles the LMS capabilities, and seed the first edition
of the distance-lesson archiving rule.

Teachers set homework, write lesson plans and run distance lessons of their own class-subjects
(the services narrow `manage` to the lesson's teacher, so a head who teaches acts on their own
lessons only); the director, deputy director and methodologist read them all; a learner submits
homework and writes in their class's chat; a parent reads their child's homework.
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

SUPERVISE = ["lms.homework.view", "lms.plan.view", "lms.plan.review", "lms.distance.view"]
TEACH = ["lms.homework.manage", "lms.plan.view", "lms.plan.manage", "lms.distance.manage"]

ADDITIONS = {
    "school_teacher": TEACH,
    "school_methodologist": SUPERVISE,
    # Heads may teach too, and grant the teacher's role only when they hold its capabilities.
    "school_deputy_director": [*SUPERVISE, *TEACH],
    "school_director": [*SUPERVISE, *TEACH],
    "platform_admin": [*SUPERVISE, *TEACH],
    "learner": [
        "lms.homework.view",
        "lms.homework.submit",
        "lms.distance.view",
        "lms.distance.post",
    ],
    "parent": ["lms.homework.view"],
}

ARCHIVE_RULE = "lms.distance.archive_after_days"


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)
    apps.get_model("kernel", "RuleSet").objects.get_or_create(
        code=ARCHIVE_RULE,
        valid_from=dt.date(2020, 1, 1),
        defaults={
            "value": 14,
            "source": "Design choice (O456 p.27 sub-p.10 asks for archiving, names no period): a "
            "distance lesson's chat and announcements become read-only 14 days after its date.",
            "confidence": "L",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_lessons_plans_distance"),
        ("kernel", "0002_load_reference_data"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
