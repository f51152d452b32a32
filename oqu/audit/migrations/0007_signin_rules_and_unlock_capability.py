"""Seed the first edition of the sign-in lockout rules and give heads the unlock capability."""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

# The first edition; later editions are new RuleSet rows with their own validity dates.
FIRST_EDITION = {
    "pair_failures": 5,
    "pair_window_minutes": 15,
    "pair_lock_minutes": 15,
    "account_failures": 10,
    "account_window_minutes": 60,
    "account_lock_minutes": 15,
    "account_lock_max_minutes": 120,
    "escalation_hours": 24,
    "address_failures": 30,
    "address_window_minutes": 10,
    "address_lock_minutes": 15,
    "familiar_days": 90,
}

UNLOCKERS = [
    "preschool_head",
    "school_director",
    "college_director",
    "additional_head",
    "district_head",
    "region_head",
    "ministry_head",
    "platform_admin",
]


def forwards(apps, schema_editor):
    apps.get_model("kernel", "RuleSet").objects.get_or_create(
        code="identity.signin.lockout",
        valid_from=dt.date(2020, 1, 1),
        defaults={
            "value": FIRST_EDITION,
            "source": "O456 p.3 sub-p.12 (access attempts with invalid keys), G-5.12",
            "confidence": "M",
        },
    )
    add_capabilities(apps, {code: ["audit.signin.unlock"] for code in UNLOCKERS})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_signin_protection"),
        ("kernel", "0002_load_reference_data"),
        ("access", "0003_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
