"""Re-encrypt restricted personal data under the current field key (key rotation, G-10)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oqu.kernel import crypto
from oqu.people.models import RestrictedRecord
from oqu.people.restricted import IntegrityFailure
from oqu.people.restricted_services import restricted_reseal


class Command(BaseCommand):
    help = (
        "Re-seal restricted records with the first key of OQU_FIELD_KEYS, checking each one's "
        "integrity code first; then the old key can be dropped from the setting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        current = crypto.current_key().key_id
        resealed = failed = 0
        stale = RestrictedRecord.objects.exclude(key_id=current).order_by("pk")
        for record in stale.iterator(chunk_size=500):
            try:
                resealed += int(restricted_reseal(record))
            except IntegrityFailure:
                failed += 1
                self.stdout.write(f"INTEGRITY FAILURE id={record.pk}")
        if failed:
            raise CommandError(
                f"{failed} records failed their integrity check; {resealed} re-sealed"
            )
        self.stdout.write(f"OK: {resealed} records re-sealed with key {current}")
