"""Give the school roles the e-journal capabilities and seed the journal's rule sets.

Teachers fill the journals of their own class-subjects; deputy directors and directors see and
fill every journal of the school and reopen a lesson after the edit window. The edit window and
when a teacher may confirm a period mark are effective-dated rule sets (data, not constants); the
values are written out here so that the migration keeps meaning what it meant.
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

OWN = ["journal.class_journal.view", "journal.class_journal.write"]
ALL = [*OWN, "journal.class_journal.manage"]

ADDITIONS = {
    "school_director": ALL,
    "school_deputy_director": ALL,
    "school_teacher": OWN,
    "platform_admin": ALL,
}

FROM = dt.date(2020, 9, 1)
RULES = [
    (
        "school.journal.edit_window",
        {"days": 3},
        "Local decision, not a legal rule: a lesson's attendance and marks may be entered or "
        "changed until the end of the third day after the lesson; later only after the deputy "
        "director reopens the lesson (issue 5, SEC-27.12).",
        "L",
    ),
    (
        "school.journal.period_mark_confirmation",
        {"days_before_period_end": 7},
        "Local decision: the teacher confirms the computed period mark as the final mark from "
        "seven days before the end of the period on (DOMAIN.md §2: the year mark is the final "
        "mark; the confirmation window itself is not in the sources).",
        "L",
    ),
]


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)
    rule_model = apps.get_model("kernel", "RuleSet")
    for code, value, source, confidence in RULES:
        rule_model.objects.get_or_create(
            code=code,
            valid_from=FROM,
            defaults={"valid_to": None, "value": value, "source": source, "confidence": confidence},
        )


def backwards(apps, schema_editor):
    rule_model = apps.get_model("kernel", "RuleSet")
    rule_model.objects.filter(code__in=[row[0] for row in RULES], valid_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_initial"),
        ("access", "0003_load_reference_data"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
