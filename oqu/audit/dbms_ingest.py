"""Ingest PostgreSQL's log into the DBMS-event journal (G-5.14), each record exactly once.

The location (`OQU_DBMS_LOG_DIR`) is a directory of log files or one file. Each file is read from
its stored position (`DbmsLogPosition`, keyed by device and inode so that a file renamed by
rotation keeps its position). The new events and the moved position are written in one
transaction, under a row lock on the position, so two ingesters (the command and the scheduled
job) never insert the same record twice, and a crash between the two loses nothing.

A file that got shorter than its position, or whose first bytes changed, was truncated or
replaced: it is read again from the start. An incomplete last record is left for the next pass.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from . import journal
from .dbms_log import complete_records, log_format, parse_record
from .dbms_models import DbmsEvent, DbmsLogPosition
from .models import SecurityEvent

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
FINGERPRINT_BYTES = 256


class NotConfigured(Exception):
    """OQU_DBMS_LOG_DIR is not set: there is no log to ingest."""


@dataclass
class IngestResult:
    files: int = 0
    events: int = 0
    auth_failures: int = 0
    skipped_records: int = 0
    by_file: dict[str, int] = field(default_factory=dict)


def configured_location() -> Path:
    location = getattr(settings, "OQU_DBMS_LOG_DIR", "") or ""
    if not location:
        raise NotConfigured
    return Path(location)


def log_files(location: Path) -> list[Path]:
    """The jsonlog/csvlog files at `location` (a directory or one file), oldest first."""
    if location.is_file():
        return [location] if log_format(location) else []
    if not location.is_dir():
        return []
    found = []
    for path in location.iterdir():
        if not log_format(path):
            continue
        try:  # a file removed by PostgreSQL's or logrotate's cleanup meanwhile is skipped
            info = path.stat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((info.st_mtime, path.name, path))
    return [path for _mtime, _name, path in sorted(found)]


def ingest(location: Path | None = None) -> IngestResult:
    """Ingest every log file at `location` (default: the configured one)."""
    location = location or configured_location()
    result = IngestResult()
    for path in log_files(location):
        result.files += 1
        count = ingest_file(path, result)
        result.by_file[str(path)] = count
    return result


def ingest_file(path: Path, result: IngestResult | None = None) -> int:
    """Ingest the new complete records of one file; returns how many events were stored."""
    result = result or IngestResult()
    fmt = log_format(path)
    if fmt is None:
        return 0
    stored = 0
    try:
        handle = path.open("rb")
    except OSError as error:
        logger.warning("dbms log: cannot open %s: %s", path, error)
        return 0
    with handle:
        while True:
            count, progressed = _ingest_chunk(handle, path, fmt, result)
            stored += count
            if not progressed:
                return stored


@transaction.atomic
def _ingest_chunk(handle, path: Path, fmt: str, result: IngestResult) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    info = os.fstat(handle.fileno())
    position = _locked_position(str(info.st_dev), str(info.st_ino), str(path))
    moved = position.path != str(path)
    position.path = str(path)
    if _was_replaced(handle, info.st_size, position):
        logger.info("dbms log: %s was truncated or replaced; reading it from the start", path)
        position.offset = 0
        position.fingerprint = ""
        position.fingerprint_length = 0
        moved = True
    records, consumed = _read_records(handle, position.offset, info.st_size, fmt)
    if consumed == 0:
        if moved:  # nothing new: write only what changed (most passes write nothing)
            position.save(update_fields=["path", "offset", "fingerprint", "fingerprint_length"])
        return 0, False
    events = []
    for relative, record in records:
        entry = parse_record(record, fmt)
        if entry is None:
            result.skipped_records += 1
            logger.warning("dbms log: unreadable record at %s:%d", path, position.offset + relative)
            continue
        events.append(_event(entry, path, position.offset + relative))
    DbmsEvent.objects.bulk_create(events)
    for event in events:
        if event.kind == DbmsEvent.Kind.AUTH_FAILURE:
            _raise_security_event(event)
            result.auth_failures += 1
    position.offset += consumed
    _refresh_fingerprint(handle, position)
    position.save()
    result.events += len(events)
    return len(events), True


def _locked_position(device: str, inode: str, path: str) -> DbmsLogPosition:
    position = (
        DbmsLogPosition.objects.select_for_update().filter(device=device, inode=inode).first()
    )
    if position is not None:
        return position
    try:
        with transaction.atomic():
            DbmsLogPosition.objects.create(device=device, inode=inode, path=path)
    except IntegrityError:
        pass  # another ingester created it a moment ago; its lock below makes us wait for it
    return DbmsLogPosition.objects.select_for_update().get(device=device, inode=inode)


def _fingerprint(handle, length: int) -> str:  # type: ignore[no-untyped-def]
    handle.seek(0)
    return hashlib.sha256(handle.read(length)).hexdigest()


def _was_replaced(handle, size: int, position: DbmsLogPosition) -> bool:  # type: ignore[no-untyped-def]
    if size < position.offset:
        return True
    if position.fingerprint_length and size >= position.fingerprint_length:
        return _fingerprint(handle, position.fingerprint_length) != position.fingerprint
    return False


def _refresh_fingerprint(handle, position: DbmsLogPosition) -> None:  # type: ignore[no-untyped-def]
    length = min(position.offset, FINGERPRINT_BYTES)
    if length != position.fingerprint_length:
        position.fingerprint = _fingerprint(handle, length)
        position.fingerprint_length = length


def _read_records(handle, offset: int, size: int, fmt: str):  # type: ignore[no-untyped-def]
    """The complete records from `offset` in about one chunk, the chunk grown while it holds
    none (one huge record) until the end of the file."""
    length = CHUNK_BYTES
    while True:
        handle.seek(offset)
        data = handle.read(min(length, max(size - offset, 0)))
        records, consumed = complete_records(data, fmt)
        if consumed or offset + len(data) >= size:
            return records, consumed
        length *= 2


def _event(entry, path: Path, offset: int) -> DbmsEvent:  # type: ignore[no-untyped-def]
    return DbmsEvent(
        at=entry.at,
        kind=entry.kind,
        severity=entry.severity,
        db_user=entry.db_user,
        database=entry.database,
        client=entry.client,
        session_id=entry.session_id,
        sqlstate=entry.sqlstate,
        message=entry.message,
        statement=entry.statement,
        log_file=str(path)[:500],
        log_offset=offset,
    )


def _client_ip(client: str) -> str | None:
    """The IP address of `host:port` or `host` ("[local]" for a Unix socket has none).

    PostgreSQL always logs the port of a TCP client, so the part after the last colon is tried as
    the port first (csvlog writes an IPv6 client as `::1:5432`).
    """
    for candidate in (client.rsplit(":", 1)[0], client):
        try:
            return str(ipaddress.ip_address(candidate.strip("[]")))
        except ValueError:
            continue
    return None


def _raise_security_event(event: DbmsEvent) -> None:
    security_event = journal.record_security_event(
        kind="dbms_auth_failure",
        summary=event.message[:300],
        severity=SecurityEvent.Severity.WARNING,
        username=event.db_user,
        details={
            "dbms_event": str(event.pk),
            "logged_at": event.at,
            "database": event.database,
            "client": event.client,
            "sqlstate": event.sqlstate,
        },
    )
    ip = _client_ip(event.client)
    if ip:
        security_event.ip = ip
        security_event.save(update_fields=["ip"])
