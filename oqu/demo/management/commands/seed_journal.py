"""`manage.py seed_journal --districts N [--weeks W] [--seed S]`: school journals at scale (issue 5).

Run after `manage.py seed`: for every school of the N districts with the most learners, writes the
year, classes, timetable, the lessons of the first W weeks of the first quarter, attendance and
marks (see `oqu.demo.journal_scale`). Prints the rows written per table.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oqu.demo import journal_scale


class Command(BaseCommand):
    help = (
        "Write school years, timetables, lessons, attendance and marks for every school of the "
        "largest seeded districts (run `seed` first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--districts", type=int, default=1, help="how many districts")
        parser.add_argument(
            "--weeks", type=int, default=8, help="weeks of lessons from the first quarter's start"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["districts"] <= 500 or not 1 <= options["weeks"] <= 40:
            raise CommandError("--districts must be 1-500 and --weeks 1-40.")
        started = time.perf_counter()
        districts = journal_scale.largest_districts(options["districts"])
        if not districts:
            raise CommandError("No seeded school learners: run `manage.py seed` first.")
        counts = journal_scale.seed_districts(
            districts, weeks=options["weeks"], seed=options["seed"]
        )
        journal_scale.analyze()
        seconds = time.perf_counter() - started
        for table, count in sorted(counts.items()):
            self.stdout.write(f"  {table:<20}{count:>12,}")
        total = sum(counts.values())
        self.stdout.write(
            f"Seeded {total:,} rows for {len(districts)} district(s) in {seconds:.1f} s "
            f"({counts['attendance'] + counts['mark']:,} attendance and mark rows)"
        )
