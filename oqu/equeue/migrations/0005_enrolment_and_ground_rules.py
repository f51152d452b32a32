"""Seed the rule sets of the enrolment term and of the ranks of priority grounds (MAP-QUEUE).

Both facts are uncertain (DOMAIN.md §3), so they are effective-dated data: a new edition of the
rules is a new row with a later `valid_from`, never a code change.
"""

import datetime as dt

from django.db import migrations

FROM = dt.date(2024, 5, 31)
ORDER_133 = (
    "Rules for the provision of state services in preschool education, MES Order No. 254 of "
    "19.06.2020, new wording by Order No. 133 of 31.05.2024; DOMAIN.md §3"
)
RULES = [
    (
        "equeue.enrolment",
        {"days": 5, "max_days": 30},
        f"{ORDER_133}; Astana practice 2019: after accepting a direction the child is enrolled "
        "within 5 days of the notification, extendable up to 30 days at the parent's request (M).",
        "M",
    ),
    (
        "equeue.ground_ranks",
        {"teacher": "first"},
        f"{ORDER_133}: the service page asks for a certificate from the teacher's place of work, "
        "so the 2024 rules contain a category of teachers' children; its rank is unconfirmed and "
        "taken as first-priority until the official text says otherwise (L). Ground code → "
        "category (extraordinary, first or general) used by allocation runs on their date.",
        "L",
    ),
]


def forwards(apps, schema_editor):
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
        ("equeue", "0004_signed_acceptance_enrolment_term"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
