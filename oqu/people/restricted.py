"""Restricted personal data (health, social status, disability …): sealing, integrity, scope
(G-5.16, G-10). Shared by the services and the selector of restricted records.

A record is reachable by holders of `people.restricted.view` on its organization's subtree; the
person must also be visible to the actor (otherwise 404, as for any person).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from oqu.audit import journal
from oqu.kernel import crypto
from oqu.kernel.errors import DomainError

from .models import RestrictedRecord

VIEW = "people.restricted.view"
MANAGE = "people.restricted.manage"


class IntegrityFailure(DomainError):
    """A restricted row no longer matches its integrity code: it was changed outside the platform."""

    status = 409
    code = "integrity_failure"
    default_message = _(
        "This restricted record failed its integrity check and cannot be shown: it was changed "
        "outside the platform. The security administrator has been alerted."
    )


@dataclass(frozen=True)
class OpenRecord:
    """A restricted record with its payload opened, for display."""

    record: RestrictedRecord
    payload: dict[str, Any]


def associated_data(record: RestrictedRecord) -> bytes:
    return f"people.restricted:{record.pk}:{record.person_id}".encode()


def _integrity_parts(record: RestrictedRecord) -> list[bytes | str]:
    return [
        str(record.pk),
        str(record.person_id),
        str(record.organization_id),
        record.category,
        record.key_id,
        bytes(record.payload_sealed),
    ]


def seal_payload(record: RestrictedRecord, payload: dict[str, Any]) -> None:
    """Encrypt `payload` into the record and compute its integrity code (id must be set)."""
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    record.key_id, record.payload_sealed = crypto.seal(
        data, associated_data=associated_data(record)
    )
    record.integrity_code = crypto.integrity_code(record.key_id, _integrity_parts(record))


def open_payload(record: RestrictedRecord, *, actor: Any = None) -> dict[str, Any]:
    """Check the integrity code, then decrypt; a mismatch raises IntegrityFailure and an alert."""
    intact = crypto.integrity_ok(record.key_id, _integrity_parts(record), record.integrity_code)
    if intact:
        try:
            return json.loads(
                crypto.unseal(
                    record.key_id, record.payload_sealed, associated_data=associated_data(record)
                )
            )
        except (crypto.CryptoError, ValueError):
            intact = False
    journal.record_security_event(
        kind="integrity_failure",
        severity="critical",
        summary=f"Restricted record {record.pk} failed its integrity check",
        details={
            "model": "people.restrictedrecord",
            "id": str(record.pk),
            "person": str(record.person_id),
            "category": record.category,
        },
        user=getattr(actor, "user", actor),
        organization_id=record.organization_id,
    )
    error = IntegrityFailure(fields={"record": [str(record.pk)]})
    raise error
