"""Enqueue periodic jobs (oqu.kernel.schedule.JOBS) when they are due; the worker runs them."""

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from oqu.kernel.schedule import JOBS, run_due_jobs

logger = logging.getLogger("oqu.kernel.schedule")


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (runs until stopped; --once for a single pass)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between passes (default: %(default)s).",
        )

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        if interval <= 0:
            raise CommandError("--interval must be positive")
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            names = ", ".join(job.name for job in JOBS)
            self.stdout.write(f"scheduler: {len(JOBS)} job(s), a pass every {interval:g}s: {names}")
        while True:
            try:
                result = run_due_jobs()
            except Exception:
                # The database may be briefly unreachable; the next pass retries.
                logger.exception("scheduler: pass failed")
                if once:
                    raise
            else:
                for name in result.enqueued:
                    self.stdout.write(f"scheduler: enqueued {name}")
                if once and result.failed:
                    raise CommandError(f"could not enqueue: {', '.join(result.failed)}")
            if once or stop.wait(interval):
                break
            # A fresh connection each pass: a pass after a database restart must not reuse a dead one.
            close_old_connections()
