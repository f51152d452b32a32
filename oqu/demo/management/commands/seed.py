"""`manage.py seed --scale S [--seed N] [--force] [--demo-accounts]`: a synthetic country (G-6).

Scale 1.0 = the digital transformation map's counts (see `oqu.demo.generator`). The seed is a bulk
load (COPY on PostgreSQL, bulk_create elsewhere): simple-history and the action journal are not
filled, as for any data import. Each district is written in its own transaction; if a run is
interrupted, the districts already written stay, and the next run without --force will not add more.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from oqu.demo import accounts
from oqu.demo.generator import plan_country, school_year_start
from oqu.demo.loader import (
    Loader,
    MissingReferenceData,
    read_inputs,
    seeded_organizations,
)

MAX_SCALE = 2.0


class Command(BaseCommand):
    help = (
        "Fill the database with a consistent synthetic country: districts, authorities, schools, "
        "preschools, colleges, additional education, people with valid IINs, enrolments, staff and "
        "guardians. Scale 1.0 = the national counts of the digital transformation map."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=0.001,
            help="share of the national counts (default 0.001)",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed gives the same data"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even if the database already holds organizations (adds a further data set)",
        )
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="create (or list again) the demo accounts and print their password",
        )
        parser.add_argument(
            "--school-year",
            type=int,
            default=None,
            help="the year the school year starts; ages and grades are counted on its 1 September",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be above 0 and at most {MAX_SCALE}.")
        existing = seeded_organizations()
        if existing and not options["force"]:
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"The database already holds {existing} organizations: nothing was seeded "
                    "(use --force to add a further synthetic data set)."
                )
        else:
            self._seed(scale, options)
        if options["demo_accounts"]:
            try:
                rows = accounts.ensure_demo_accounts()
            except accounts.DemoDataMissing as exc:
                raise CommandError(
                    f"Cannot create the demo accounts: no {exc} in the database."
                ) from None
            demo_school_year(self)
            self.stdout.write("")
            self.stdout.write(f"Demo accounts (password for all: {accounts.DEMO_PASSWORD})")
            self.stdout.write(accounts.format_table(rows))

    def _seed(self, scale: float, options: dict[str, Any]) -> None:
        verbosity = options["verbosity"]
        started = time.perf_counter()
        now = timezone.now()
        year = options["school_year"]
        school_year = dt.date(year, 9, 1) if year else school_year_start(timezone.localdate())
        try:
            inputs = read_inputs(
                seed=options["seed"], scale=scale, school_year=school_year, now=now
            )
        except MissingReferenceData as exc:
            raise CommandError(
                f"Reference data missing ({exc}): run `manage.py migrate` first."
            ) from None
        plan = plan_country(inputs)
        if verbosity >= 1:
            self.stdout.write(
                f"Seeding scale {scale:g} (seed {options['seed']}, school year "
                f"{school_year.year}-{school_year.year + 1}): {len(plan.orgs):,} organizations "
                f"in {len(plan.districts)} districts"
            )
        loader = Loader()
        with transaction.atomic():
            loader.write(plan.unit_rows())
        for label, batch in plan.batches():
            with transaction.atomic():
                loader.write(batch)
            if verbosity >= 2:
                self.stdout.write(f"  {label}: {sum(len(rows) for rows in batch.values()):,} rows")
        loader.analyze()
        seconds = time.perf_counter() - started
        total = sum(loader.counts.values())
        if verbosity >= 1:
            for key, count in loader.counts.items():
                self.stdout.write(f"  {key:<16}{count:>12,}")
            self.stdout.write(
                f"Seeded {total:,} rows in {seconds:.1f} s ({total / max(seconds, 1e-9):,.0f} rows/s)"
            )


def demo_school_year(command: BaseCommand) -> None:
    """The demo director's school gets an academic year with quarters and classes, the demo
    learner's class a full timetable, and lessons from September to two weeks ahead with
    attendance and marks for those already held (issue 5)."""
    from oqu.access.models import Grant
    from oqu.demo.journal_scale import add_lessons
    from oqu.demo.school import ensure_demo_school
    from oqu.identity.models import User

    grant = Grant.objects.filter(user__username="director").select_related("unit").first()
    if grant is None:
        return
    teacher = User.objects.filter(username="teacher").select_related("person").first()
    learner = User.objects.filter(username="learner").select_related("person").first()
    year = ensure_demo_school(
        grant.unit, teacher.person if teacher else None, learner.person if learner else None
    )
    with transaction.atomic():
        written = add_lessons(year, until=timezone.localdate() + dt.timedelta(days=14))
    command.stdout.write(
        f"Demo school year {year.name}: {year.classes.count()} classes, "
        f"{written['lesson']:,} lessons added"
    )
    from oqu.feedback.demo import ensure_demo_feedback
    from oqu.testing.demo import ensure_demo_tests

    tests = ensure_demo_tests(teacher.person if teacher else None)
    ensure_demo_feedback(grant.unit, grant.user)
    command.stdout.write(f"Demo tests: {tests} new; demo surveys and FAQ in place")
    from oqu.edms.demo import ensure_demo_documents

    documents = ensure_demo_documents(grant.unit, grant.user)
    command.stdout.write(f"Demo documents: {documents} new")
    from oqu.demo.profiles import ensure_demo_profiles

    ensure_demo_profiles(
        grant.unit, teacher.person if teacher else None, learner.person if learner else None
    )
    kindergarten = (
        Grant.objects.filter(user__username="kindergarten").select_related("unit").first()
    )
    if kindergarten is not None:
        from oqu.preschool.demo import ensure_demo_preschool

        groups = ensure_demo_preschool(kindergarten.unit)
        command.stdout.write(f"Demo kindergarten: {groups} age groups formed")
    district_user = User.objects.filter(username="district").first()
    if district_user is not None:
        from oqu.equeue.demo import ensure_demo_queue

        # the demo district head runs the queue of their district; the administrator that of
        # the demo kindergarten's district when the kindergarten lies elsewhere
        parent_user = User.objects.filter(username="parent").select_related("person").first()
        near = kindergarten.unit if kindergarten is not None else None
        queued = ensure_demo_queue(district_user, parent_user, near)
        admin = User.objects.filter(username="admin").first()
        if not queued and admin is not None and near is not None:
            queued = ensure_demo_queue(admin, parent_user, near)
        command.stdout.write(f"Demo preschool queue: {queued} applications added")
