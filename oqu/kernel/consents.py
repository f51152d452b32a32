"""Consent records: who consented, for whom, to what, when, until when (G-5.11, HSC-1, PRE-25.11).

The identity issue builds the MFA exemption on these; the campus and preschool issues build ID
cards and photos on them. A consent is active from `given_at` until it is revoked or `valid_until`
passes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .errors import Conflict
from .models import Consent


@transaction.atomic
def consent_record(
    *,
    subject: Any,
    given_by: Any,
    purpose: str,
    valid_until: dt.date | None = None,
    recorded_by: Any = None,
) -> Consent:
    """Record a consent now. Callers check who may give it (e.g. a linked guardian)."""
    return Consent.objects.create(
        subject=subject,
        given_by=given_by,
        purpose=purpose,
        given_at=timezone.now(),
        valid_until=valid_until,
        recorded_by=recorded_by,
    )


@transaction.atomic
def consent_revoke(*, consent: Consent) -> Consent:
    if consent.revoked_at is not None:
        raise Conflict(code="consent_already_revoked")
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at", "updated_at"])
    return consent


def consent_active(*, subject: Any, purpose: str, on: dt.date | None = None) -> Consent | None:
    """The consent in force for `subject` and `purpose` on a date, if any."""
    day = on or timezone.localdate()
    return (
        Consent.objects.filter(subject=subject, purpose=purpose, revoked_at__isnull=True)
        .filter(given_at__date__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-given_at")
        .first()
    )
