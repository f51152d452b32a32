"""Verify the hash chains of the action journal; exit 1 and name the first broken entry if any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oqu.audit.chain import chain_key
from oqu.audit.integrity import verify_and_report


class Command(BaseCommand):
    help = "Verify the per-organization hash chains of the action journal (G-5.16)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organization", help="verify only this organization's chain (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Each broken chain also becomes a critical security event (G-5.20).
        if options["organization"]:
            reports = verify_and_report([chain_key(options["organization"])])
        else:
            reports = verify_and_report()
        broken = [r for r in reports if not r.ok]
        for report in broken:
            self.stdout.write(
                f"BROKEN chain={report.chain} seq={report.broken_seq} "
                f"id={report.broken_id or '-'} reason={report.reason}"
            )
        rows = sum(r.rows for r in reports)
        if broken:
            raise CommandError(f"{len(broken)} of {len(reports)} chains broken")
        self.stdout.write(f"OK: {len(reports)} chains, {rows} rows verified")
