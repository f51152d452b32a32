"""The timetable capabilities for the seeded roles, and the per-grade limit of lessons a day.

Teachers, methodologists, tutors and the education authorities see the timetable; deputy
directors and directors (and the platform administrator) edit it. The day limit is an
effective-dated rule set (`school.timetable.max_lessons_per_day`): the values are written out
here so that the migration keeps meaning what it meant, and a confirmed edition is a new row.
"""

import datetime as dt

from django.db import migrations

from oqu.access.reference import add_capabilities

VIEW = ["school.timetable.view"]
MANAGE = ["school.timetable.view", "school.timetable.manage"]

ADDITIONS = {
    "school_director": MANAGE,
    "school_deputy_director": MANAGE,
    "school_teacher": VIEW,
    "school_methodologist": VIEW,
    "school_tutor": VIEW,
    "district_specialist": VIEW,
    "district_head": VIEW,
    "region_specialist": VIEW,
    "region_head": VIEW,
    "ministry_specialist": VIEW,
    "ministry_head": VIEW,
    "platform_admin": MANAGE,
}

DAY_LIMIT_CODE = "school.timetable.max_lessons_per_day"
DAY_LIMIT_FROM = dt.date(2021, 8, 5)
DAY_LIMIT = {
    "by_grade": {
        "0": 4,
        "1": 4,
        "2": 5,
        "3": 5,
        "4": 5,
        "5": 6,
        "6": 6,
        "7": 7,
        "8": 7,
        "9": 7,
        "10": 7,
        "11": 7,
        "12": 7,
    }
}
DAY_LIMIT_SOURCE = (
    "UNCONFIRMED: the sanitary rules 'Sanitary and epidemiological requirements for educational "
    "facilities' (Order of the Minister of Health No. KR DSM-76 of 05.08.2021, reg. 23890) govern "
    "the daily load, but DOMAIN.md has no per-grade figures and the text with them was not seen. "
    "Values are the usual hygienic limits (grade 1: 4; 2-4: 5; 5-6: 6; 7-12: 7; pre-school class "
    "as grade 1); verify and add a confirmed edition. The limit is a warning, not a refusal."
)


def forwards(apps, schema_editor):
    add_capabilities(apps, ADDITIONS)
    RuleSet = apps.get_model("kernel", "RuleSet")
    RuleSet.objects.get_or_create(
        code=DAY_LIMIT_CODE,
        valid_from=DAY_LIMIT_FROM,
        defaults={"value": DAY_LIMIT, "source": DAY_LIMIT_SOURCE, "confidence": "L"},
    )


def backwards(apps, schema_editor):
    apps.get_model("kernel", "RuleSet").objects.filter(
        code=DAY_LIMIT_CODE, valid_from=DAY_LIMIT_FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("school", "0003_timetable_and_lessons"),
        ("access", "0003_load_reference_data"),
        ("kernel", "0003_school_grading_rules"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
