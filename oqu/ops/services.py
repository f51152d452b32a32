"""Build the manifest and run integrity checks (G-5.17); every run is recorded, every failure
raises a critical security event (kind `integrity_failure`) in the one place administrators watch."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.audit.dbms_selectors import require_platform
from oqu.audit.models import SecurityEvent

from . import integrity
from .models import IntegrityCheck

RUN = "ops.integrity.run"
# How many names of each list go into the security event (the check row keeps them all).
EVENT_FILES_MAX = 100


def integrity_root() -> Path:
    return Path(settings.OQU_INTEGRITY_ROOT)


def manifest_path() -> Path:
    return Path(settings.OQU_INTEGRITY_MANIFEST)


def integrity_key() -> str:
    return settings.OQU_INTEGRITY_KEY or ""


def manifest_build() -> dict[str, Any]:
    """Hash the installed files and write the manifest (at install; `manage.py integrity_manifest`)."""
    manifest = integrity.build_manifest(integrity_root(), key=integrity_key())
    integrity.write_manifest(manifest, manifest_path())
    return manifest


def integrity_check_run(*, trigger: str, actor: Actor | None = None) -> IntegrityCheck:
    """Compare the installed files with the manifest, record the run, raise an event on failure.

    A person starting it from the web or API needs `ops.integrity.run` on the republic.
    """
    if actor is not None:
        require_platform(actor, RUN)
    started = time.monotonic()
    check = IntegrityCheck(
        at=timezone.now(),
        trigger=trigger,
        started_by=getattr(getattr(actor, "user", None), "username", "") or "",
    )
    try:
        comparison = integrity.compare(integrity_root(), manifest_path(), key=integrity_key())
    except integrity.ManifestError as error:
        check.result = error.result
        problem = str(error)
    else:
        check.result = (
            IntegrityCheck.Result.PASSED if comparison.ok else IntegrityCheck.Result.FAILED
        )
        check.files_checked = comparison.files_checked
        check.changed = comparison.changed
        check.missing = comparison.missing
        check.added = comparison.added
        check.manifest_created_at = comparison.manifest_created_at
        check.authenticated = comparison.authenticated
        problem = ""
    check.duration_ms = int((time.monotonic() - started) * 1000)
    check.save()
    if not check.ok:
        _raise_security_event(check, problem)
    return check


def _raise_security_event(check: IntegrityCheck, problem: str) -> None:
    counts = {
        "changed": len(check.changed),
        "missing": len(check.missing),
        "added": len(check.added),
    }
    if check.result == IntegrityCheck.Result.FAILED:
        summary = "Installed files differ from the manifest: {changed} changed, {missing} missing, {added} added".format(
            **counts
        )
    else:
        summary = f"Integrity check impossible: {problem}"
    journal.record_security_event(
        kind="integrity_failure",
        severity=SecurityEvent.Severity.CRITICAL,
        summary=summary,
        username=check.started_by,
        details={
            "check": str(check.pk),
            "result": check.result,
            "trigger": check.trigger,
            "problem": problem,
            **{f"{name}_count": count for name, count in counts.items()},
            "changed": check.changed[:EVENT_FILES_MAX],
            "missing": check.missing[:EVENT_FILES_MAX],
            "added": check.added[:EVENT_FILES_MAX],
        },
    )
