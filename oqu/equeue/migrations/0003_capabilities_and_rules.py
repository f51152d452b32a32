"""Give the roles the queue's capabilities and seed the queue's rule sets (MAP-QUEUE).

District specialists and heads run the allocation and confirm priorities; preschool heads see the
directions to their organization and enrol the children; parents act on their own applications
through the parent relation. Every uncertain fact of DOMAIN.md §3 is an effective-dated rule set
here, written out so that the migration keeps meaning what it meant.
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["equeue.application.view"]
DISTRICT = [*VIEW, "equeue.allocation.run", "equeue.priority.confirm", "equeue.direction.enrol"]

ADDITIONS = {
    "parent": [*VIEW, "equeue.application.apply"],
    "preschool_head": ["equeue.direction.enrol"],
    "district_specialist": DISTRICT,
    "district_head": DISTRICT,
    "region_specialist": VIEW,
    "region_head": VIEW,
    "ministry_specialist": VIEW,
    "ministry_head": VIEW,
    "platform_admin": [*DISTRICT, "equeue.application.apply"],
}

FROM = dt.date(2024, 5, 31)
ORDER_133 = (
    "Rules for the provision of state services in preschool education, MES Order No. 254 of "
    "19.06.2020, new wording by Order No. 133 of 31.05.2024; DOMAIN.md §3"
)
RULES = [
    (
        "equeue.interleave",
        {"every": 4},
        f"{ORDER_133}: first-priority places are issued 1 privileged : 3 general, so every 4th "
        "place of an organization and age group goes first to a first-priority applicant (M).",
        "M",
    ),
    (
        "equeue.direction",
        {"accept_working_days": 3, "priority_confirm_working_days": 5, "enrol_days": 5},
        f"{ORDER_133}; Astana practice 2019: 3 working days to accept a published place, a "
        "privilege confirmed with documents within 5 working days, enrolment within 5 days (M).",
        "M",
    ),
    (
        "equeue.stop_list",
        {"days": 10},
        f"{ORDER_133}; Astana practice: an unclaimed or unconfirmed direction is cancelled and the "
        "applicant goes to a 10-day stop list (M).",
        "M",
    ),
    (
        "equeue.age_bands",
        {
            "nursery": [12, 24],
            "junior": [24, 36],
            "middle": [36, 48],
            "senior": [48, 60],
            "pre_school": [60, 72],
        },
        "Age of the child in full months on the day of the run, [from, to) per age group: "
        "ясельная 1–2, младшая 2–3, средняя 3–4, старшая 4–5, предшкольная 5–6 (DOMAIN.md §3, L).",
        "L",
    ),
    (
        "equeue.application",
        {"max_preferences": 5, "max_age_months": 72, "document_max_bytes": 5242880},
        f"{ORDER_133}: children under 6 are put in the queue; up to 5 preferred organizations "
        "(issue 6); a supporting document up to 5 MB (local decision).",
        "M",
    ),
    (
        "equeue.antifraud",
        {"close_birth_days": 240},
        "Local decision: two children of one applicant born more than a day and less than about "
        "eight months apart is implausible and flagged for district staff (twins are not).",
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
        ("equeue", "0002_history_documents_runs_directions"),
        ("access", "0003_load_reference_data"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
