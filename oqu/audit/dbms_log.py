"""Read PostgreSQL's own log (G-5.14): the `jsonlog` (PostgreSQL 15+) and `csvlog` formats.

Pure functions, no database: split a chunk of bytes into complete records (an incomplete last
record is left for the next pass), parse each record and classify it. A csvlog record may span
several lines (a statement with newlines is quoted), so its end is a newline outside quotes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

JSONLOG = "jsonlog"
CSVLOG = "csvlog"

MESSAGE_MAX = 1000
STATEMENT_MAX = 2000

# Log files PostgreSQL writes (and rotated copies such as `postgresql.json.1`); compressed ones
# are not read.
_LOG_NAME = re.compile(r"\.(json|csv)(\.\d+)?$")

# PostgreSQL 15 csvlog columns, in order.
CSV_COLUMNS = (
    "log_time",
    "user_name",
    "database_name",
    "process_id",
    "connection_from",
    "session_id",
    "session_line_num",
    "command_tag",
    "session_start_time",
    "virtual_transaction_id",
    "transaction_id",
    "error_severity",
    "sql_state_code",
    "message",
    "detail",
    "hint",
    "internal_query",
    "internal_query_pos",
    "context",
    "query",
    "query_pos",
    "location",
    "application_name",
    "backend_type",
    "leader_pid",
    "query_id",
)

DDL_VERBS = frozenset(
    {"CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "SECURITY", "TRUNCATE", "REINDEX"}
)
ERROR_SEVERITIES = frozenset({"ERROR", "FATAL", "PANIC"})
# A statement as logged by log_statement: "statement: ...", or for the extended protocol
# "execute <name>: ..." (and "execute <name>/<portal>: ...").
_STATEMENT_PREFIX = re.compile(r"^(?:statement|execute [^:]*):\s*", re.IGNORECASE)
# Passwords in CREATE/ALTER ROLE ... PASSWORD '...' never reach the journal.
_PASSWORD = re.compile(r"(\bPASSWORD\s+)'(?:[^']|'')*'", re.IGNORECASE)
_OFFSET_ZONE = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")


@dataclass(frozen=True)
class LogEntry:
    at: dt.datetime
    kind: str
    severity: str
    db_user: str
    database: str
    client: str
    session_id: str
    sqlstate: str
    message: str
    statement: str


def log_format(path: Path) -> str | None:
    """`jsonlog` for `*.json`, `csvlog` for `*.csv` (rotated `.N` copies too); None otherwise."""
    match = _LOG_NAME.search(path.name)
    if match is None:
        return None
    return JSONLOG if match.group(1) == "json" else CSVLOG


def complete_records(data: bytes, fmt: str) -> tuple[list[tuple[int, bytes]], int]:
    """The complete records in `data` as (offset in `data`, bytes), and how many bytes they span.

    Bytes after the last complete record (a line still being written) are not consumed.
    """
    records: list[tuple[int, bytes]] = []
    start = 0
    quotes = 0  # csvlog: quote characters seen since `start`; a record ends at an even count
    scan = 0
    while True:
        newline = data.find(b"\n", scan)
        if newline < 0:
            break
        if fmt == CSVLOG:
            quotes += data.count(b'"', scan, newline)
            scan = newline + 1
            if quotes % 2:
                continue  # the newline is inside a quoted field
        else:
            scan = newline + 1
        record = data[start:newline].rstrip(b"\r")
        if record.strip():
            records.append((start, record))
        start = scan
        quotes = 0
    return records, start


def parse_record(record: bytes, fmt: str) -> LogEntry | None:
    """One log record as a `LogEntry`, or None when it cannot be read (logged, then skipped)."""
    try:
        fields = _json_fields(record) if fmt == JSONLOG else _csv_fields(record)
    except (ValueError, csv.Error):
        return None
    if fields is None:
        return None
    at = parse_timestamp(fields.get("timestamp", ""))
    if at is None:
        return None
    severity = fields.get("severity", "")
    sqlstate = fields.get("sqlstate", "")
    message = fields.get("message", "")
    statement = fields.get("statement", "")
    statement_match = _STATEMENT_PREFIX.match(message) if severity == "LOG" else None
    if statement_match and not statement:
        statement = message[statement_match.end() :]
    kind = classify(severity, sqlstate, message, statement if statement_match else "")
    return LogEntry(
        at=at,
        kind=kind,
        severity=severity[:10],
        db_user=fields.get("user", "")[:100],
        database=fields.get("database", "")[:100],
        client=fields.get("client", "")[:100],
        session_id=fields.get("session_id", "")[:40],
        sqlstate=sqlstate[:5],
        message=redact(message)[:MESSAGE_MAX],
        statement=redact(statement)[:STATEMENT_MAX],
    )


def classify(severity: str, sqlstate: str, message: str, logged_statement: str) -> str:
    """The kind of a record. `logged_statement` is set only for a log_statement line."""
    if sqlstate.startswith("28"):  # invalid authorization / invalid password
        return "auth_failure"
    if severity == "LOG" and message.startswith(
        ("connection received:", "connection authenticated:", "connection authorized:")
    ):
        return "connection"
    if severity == "LOG" and message.startswith("disconnection:"):
        return "disconnection"
    if logged_statement and _first_word(logged_statement) in DDL_VERBS:
        return "ddl"
    if severity in ERROR_SEVERITIES:
        return "error"
    return "other"


def redact(text: str) -> str:
    return _PASSWORD.sub(r"\1'***'", text)


def parse_timestamp(value: str) -> dt.datetime | None:
    """PostgreSQL's `2026-11-23 16:01:24.510 UTC` (zone: UTC/GMT or a numeric offset like +06)."""
    stamp, _, zone = value.strip().rpartition(" ")
    if not stamp:
        return None
    try:
        naive = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return naive.replace(tzinfo=_zone(zone))


def _zone(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "GMT", "Z"):
        return dt.UTC
    match = _OFFSET_ZONE.match(name)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return dt.timezone(sign * delta)
    # A named abbreviation we cannot resolve: set log_timezone to UTC (documented).
    return dt.UTC


def _first_word(statement: str) -> str:
    words = statement.lstrip(" \t\r\n(").split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


def _json_fields(record: bytes) -> dict[str, str] | None:
    data = json.loads(record.decode("utf-8", errors="replace"))
    if not isinstance(data, dict):
        return None
    host = str(data.get("remote_host", "") or "")
    port = data.get("remote_port")
    return {
        "timestamp": str(data.get("timestamp", "")),
        "user": str(data.get("user", "") or ""),
        "database": str(data.get("dbname", "") or ""),
        "client": _host_port(host, port),
        "session_id": str(data.get("session_id", "") or ""),
        "severity": str(data.get("error_severity", "") or ""),
        "sqlstate": str(data.get("state_code", "") or ""),
        "message": str(data.get("message", "") or ""),
        "statement": str(data.get("statement", "") or ""),
    }


def _host_port(host: str, port: object) -> str:
    if not host or not port:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _csv_fields(record: bytes) -> dict[str, str] | None:
    rows = list(csv.reader(io.StringIO(record.decode("utf-8", errors="replace"))))
    if len(rows) != 1 or len(rows[0]) < 20:
        return None
    row = dict(zip(CSV_COLUMNS, rows[0], strict=False))
    return {
        "timestamp": row["log_time"],
        "user": row["user_name"],
        "database": row["database_name"],
        "client": row["connection_from"],
        "session_id": row["session_id"],
        "severity": row["error_severity"],
        "sqlstate": "" if row["sql_state_code"] == "00000" else row["sql_state_code"],
        "message": row["message"],
        "statement": row["query"],
    }
