"""Rule sets for marks computed by rule (issue 5, SEC-27.8): the pieces `DOMAIN.md` §2 leaves
uncertain are data with their source and confidence, so a confirmed edition is a new row, not code.

The values are written out here (not imported) so that the migration keeps meaning what it meant.
"""

import datetime as dt

from django.db import migrations

FROM = dt.date(2020, 9, 1)  # the editions of the weights and thresholds already seeded start here

RULES = [
    (
        "school.grading.fo_scale",
        {"min": 1, "max": 10, "lowest_mark": 2},
        "UNCONFIRMED: ФО on a 1-10 scale, ФО% = sum of marks / (n * 10) * 100; only public grade "
        "calculators implement it, the official text was not seen (DOMAIN.md §2). Lowest 5-point "
        "mark 2 per Order 125 Appendix 1.",
        "L",
    ),
    (
        "school.grading.redistribution",
        {
            "mode": "table",
            "table": [{"groups": ["fo", "sor"], "weights": {"fo": 50, "sor": 50}}],
        },
        "UNCONFIRMED: weights when a group is empty. No СОЧ -> ФО 50 / СОР 50 as public "
        "calculators do (and as the older edition did under restrictions); any other missing group "
        "-> the remaining weights scaled proportionally. Mode 'proportional' is the alternative "
        "(DOMAIN.md §2).",
        "L",
    ),
    (
        "school.grading.rounding",
        {"percent": "half_up", "year_mark": "half_up"},
        "Percent before thresholds: UNCONFIRMED, rounded half-up to an integer as public "
        "calculators do (alternatives: none, half_even). Year mark: mean of period marks rounded "
        "to the nearest integer (engime.org excerpt; site file citing Order 125) (DOMAIN.md §2).",
        "L",
    ),
    (
        "school.grading.ungraded_grades",
        [1],
        "Grade 1: achievements not graded, feedback only (site file citing Order 125 p.7). "
        "Conflict: Appendix 1 shows a grade-1 percent column, probably an older edition "
        "(DOMAIN.md §2).",
        "M",
    ),
    (
        "school.grading.soch_schedule",
        {
            "max_per_class_day": 3,
            "not_on_last_day_of_quarter": True,
            "not_with_sor_same_subject": True,
        },
        "Ministry statement 2026-03-11 (ng.kz storyid=58993): at most 3 СОЧ a day, not on the last "
        "day of the quarter, СОР and СОЧ of a subject not on one day (DOMAIN.md §2).",
        "H",
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
        ("kernel", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
