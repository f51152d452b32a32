"""Give the seeded roles the feedback capabilities (surveys and FAQ, shared LMS items).

School heads and deputies and the education authorities run surveys for their subtree; staff,
learners and parents answer the ones addressed to them; heads and administrators edit the FAQ.
"""

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = "feedback.survey.view"
MANAGE = "feedback.survey.manage"
RESPOND = "feedback.survey.respond"
FAQ = "feedback.faq.manage"

ADDITIONS = {
    "school_director": [VIEW, MANAGE, RESPOND, FAQ],
    "school_deputy_director": [VIEW, MANAGE, RESPOND],
    "school_teacher": [RESPOND],
    "school_methodologist": [RESPOND],
    "school_tutor": [RESPOND],
    "district_specialist": [VIEW, MANAGE],
    "district_head": [VIEW, MANAGE, FAQ],
    "region_specialist": [VIEW, MANAGE],
    "region_head": [VIEW, MANAGE, FAQ],
    "ministry_specialist": [VIEW, MANAGE],
    "ministry_head": [VIEW, MANAGE, FAQ],
    "platform_admin": [VIEW, MANAGE, FAQ],
    "learner": [RESPOND],
    "parent": [RESPOND],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
