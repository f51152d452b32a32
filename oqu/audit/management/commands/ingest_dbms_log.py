"""Ingest PostgreSQL's log (jsonlog/csvlog) into the DBMS-event journal (G-5.14)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oqu.audit.dbms_ingest import NotConfigured, ingest


class Command(BaseCommand):
    help = (
        "Read new records of PostgreSQL's log (OQU_DBMS_LOG_DIR: a directory or one file, "
        "jsonlog or csvlog) into the DBMS-event journal; each record is read once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", help="A log directory or file instead of OQU_DBMS_LOG_DIR.")

    def handle(self, *args: Any, **options: Any) -> None:
        location = Path(options["path"]) if options["path"] else None
        if location is not None and not location.exists():
            raise CommandError(f"{location} does not exist")
        try:
            result = ingest(location)
        except NotConfigured:
            raise CommandError("OQU_DBMS_LOG_DIR is not set and no --path was given") from None
        self.stdout.write(
            f"{result.files} log file(s), {result.events} new event(s), "
            f"{result.auth_failures} failed authentication(s), "
            f"{result.skipped_records} unreadable record(s)"
        )
