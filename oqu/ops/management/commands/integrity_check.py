"""Compare the installed files with the manifest (G-5.17); exits non-zero on any difference."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from oqu.ops.models import IntegrityCheck
from oqu.ops.services import integrity_check_run


class Command(BaseCommand):
    help = (
        "Compare the installed code and configuration with the manifest; a changed, missing or "
        "added file raises a critical security event and the command exits with status 1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        check = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
        if check.ok:
            self.stdout.write(f"integrity: passed ({check.files_checked} files)")
            return
        self.stderr.write(f"integrity: {check.result}")
        for label, names in (
            ("changed", check.changed),
            ("missing", check.missing),
            ("added", check.added),
        ):
            for name in names:
                self.stderr.write(f"  {label}: {name}")
        sys.exit(1)
