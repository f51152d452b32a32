"""Give the preschool roles their capabilities (PRE-25.10) and seed the rule of the days to pay.

Head: everything in the organization. Educator: the children's profiles (medical statuses of their
own groups), attendance, schedule and photos of their own groups (the services check the group).
Methodologist: the catalogue (PRE-26). Parent (relation): their child's profile, attendance and
photos. Authorities: attendance and the catalogue of their territory; the ministry publishes the
standard programs and curricula for the whole republic.

Which attendance marks are paid by the parents is set by regional decisions on the parental fee,
so it is a rule with effective dates, not a constant (confidence low: to be checked per region).
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

CHILD = ["preschool.child.view", "preschool.child.manage"]
MEDICAL = ["preschool.medical.view", "preschool.medical.manage"]
ATTENDANCE = ["preschool.attendance.view", "preschool.attendance.mark"]
CATALOGUE = ["preschool.catalogue.view", "preschool.catalogue.manage"]
ALL = [*CHILD, *MEDICAL, *ATTENDANCE, *CATALOGUE, "preschool.schedule.manage", "preschool.photo.manage"]

ADDITIONS = {
    "preschool_head": ALL,
    "preschool_educator": [
        "preschool.child.view",
        "preschool.medical.view",
        *ATTENDANCE,
        "preschool.schedule.manage",
        "preschool.photo.manage",
        "preschool.catalogue.view",
    ],
    "preschool_methodologist": ["preschool.child.view", "preschool.attendance.view", *CATALOGUE],
    "parent": ["preschool.child.view", "preschool.attendance.view"],
    "district_specialist": ["preschool.attendance.view", "preschool.catalogue.view"],
    "district_head": ["preschool.attendance.view", "preschool.catalogue.view"],
    "region_specialist": ["preschool.catalogue.view"],
    "region_head": ["preschool.catalogue.view"],
    "ministry_specialist": CATALOGUE,
    "ministry_head": CATALOGUE,
    "platform_admin": ALL,
}

FROM = dt.date(2020, 1, 1)
RULES = [
    (
        "preschool.attendance.paid_statuses",
        {"statuses": ["present", "absent"]},
        "Regional decisions on the parental fee for preschool: the fee is charged for the days "
        "attended; days missed for a valid reason (illness, vacation, other documented reason) are "
        "not charged; unexplained absences are (practice of most regions, to be confirmed).",
        "L",
    )
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
    apps.get_model("kernel", "RuleSet").objects.filter(
        code__in=[row[0] for row in RULES], valid_from=FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("preschool", "0003_profile_schedule_attendance_photos_catalogue"),
        ("access", "0003_load_reference_data"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
