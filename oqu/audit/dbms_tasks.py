"""The scheduled ingestion of PostgreSQL's log (job `audit.ingest_dbms_log`, kernel/schedule.py)."""

from __future__ import annotations

import logging

from oqu.kernel.tasks import task  # the one place that picks django.tasks or its backport

from .dbms_ingest import NotConfigured, ingest

logger = logging.getLogger(__name__)


@task()
def ingest_dbms_log() -> int:
    """Ingest the new log records; returns how many events were stored (0 when not configured)."""
    try:
        result = ingest()
    except NotConfigured:
        logger.debug("dbms log: OQU_DBMS_LOG_DIR is not set; nothing to ingest")
        return 0
    return result.events
