"""Verify the journal's hash chains and raise a security event for each broken one (G-5.16, G-5.20).

One event per distinct break (chain, first broken number, reason): the daily check or an
administrator's repeated verification does not flood the security journal or the platform
administrators' notifications with the same finding.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import journal
from .chain import ChainReport, verify_all, verify_chain
from .models import SecurityEvent

SUBJECT = "journal_chain"


def report_broken(reports: list[ChainReport]) -> list[SecurityEvent]:
    """Raise a critical `integrity_failure` event for each broken chain not reported before."""
    events = []
    for report in reports:
        if report.ok:
            continue
        known = SecurityEvent.objects.filter(
            kind="integrity_failure",
            details__subject=SUBJECT,
            details__chain=report.chain,
            details__broken_seq=report.broken_seq,
            details__reason=report.reason,
        ).exists()
        if known:
            continue
        events.append(
            journal.record_security_event(
                kind="integrity_failure",
                summary=_(
                    "The action journal chain %(chain)s is broken at entry %(seq)s (%(reason)s)"
                )
                % {"chain": report.chain, "seq": report.broken_seq, "reason": report.reason},
                severity=SecurityEvent.Severity.CRITICAL,
                organization_id=None if report.chain == "platform" else report.chain,
                details={
                    "subject": SUBJECT,
                    "chain": report.chain,
                    "broken_seq": report.broken_seq,
                    "broken_id": report.broken_id,
                    "reason": report.reason,
                },
            )
        )
    return events


def verify_and_report(keys: list[str] | None = None) -> list[ChainReport]:
    """Verify the chains (all, or the given keys) and report the broken ones as security events."""
    reports = verify_all() if keys is None else [verify_chain(key) for key in keys]
    report_broken(reports)
    return reports
