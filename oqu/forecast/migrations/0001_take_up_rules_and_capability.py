"""The first edition of the forecast's assumptions, and the capability for the authorities.

The take-up shares by age are a design assumption (confidence L): there is no official figure in
DOMAIN.md; the coverage targets of the map are for ages 2–6. A later edition is a new RuleSet
row with its own `valid_from`, so past forecasts stay explainable.
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

CODE = "forecast.preschool.take_up"
VALID_FROM = dt.date(2024, 1, 1)
VALUE = {
    "take_up_by_age": {"1": 0.15, "2": 0.6, "3": 0.85, "4": 0.9, "5": 0.95},
    "reference_day": "09-01",
    "complete_cohorts_for_mean": 3,
    "horizon_years": 3,
}
SOURCE = (
    "ASSUMPTION (design choice, not a legal figure): the share of each age cohort on 1 September "
    "that wants a preschool place. Age groups 1-2 … 5-6 per DOMAIN.md §3 (L); the map's coverage "
    "targets are for ages 2-6. Replace with observed take-up by adding a new edition."
)
VIEW = "forecast.demand.view"
ADDITIONS = {
    "district_specialist": [VIEW],
    "district_head": [VIEW],
    "region_specialist": [VIEW],
    "region_head": [VIEW],
    "ministry_specialist": [VIEW],
    "ministry_head": [VIEW],
    "platform_admin": [VIEW],
}


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)
    apps.get_model("kernel", "RuleSet").objects.get_or_create(
        code=CODE,
        valid_from=VALID_FROM,
        defaults={"value": VALUE, "source": SOURCE, "confidence": "L"},
    )


def backwards(apps, schema_editor):
    apps.get_model("kernel", "RuleSet").objects.filter(code=CODE, valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_load_reference_data"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
