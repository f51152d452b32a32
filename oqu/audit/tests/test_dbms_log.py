"""G-5.14: PostgreSQL 15's jsonlog and csvlog records are split, parsed and classified.

The fixtures `fixtures/pg15.json` and `fixtures/pg15.csv` were written by a real PostgreSQL 15.18
(logging_collector, log_connections, log_disconnections, log_statement=ddl): start-up, peer and
password connections, a wrong password, DDL, errors and a statement spanning two lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oqu.audit.dbms_log import (
    CSVLOG,
    JSONLOG,
    classify,
    complete_records,
    log_format,
    parse_record,
    parse_timestamp,
    redact,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _entries(name: str, fmt: str):  # type: ignore[no-untyped-def]
    data = (FIXTURES / name).read_bytes()
    records, consumed = complete_records(data, fmt)
    assert consumed == len(data)
    return [parse_record(record, fmt) for _, record in records]


@pytest.mark.parametrize(("name", "fmt"), [("pg15.json", JSONLOG), ("pg15.csv", CSVLOG)])
def test_g5_14_both_formats_give_the_same_classified_events(name, fmt):
    entries = _entries(name, fmt)
    assert all(entry is not None for entry in entries)
    assert len(entries) == 33
    kinds = [entry.kind for entry in entries]
    assert kinds.count("auth_failure") == 1
    assert kinds.count("ddl") == 3
    assert kinds.count("error") == 2
    assert kinds.count("disconnection") == 5
    assert kinds.count("connection") == 17
    assert kinds.count("other") == 5


@pytest.mark.parametrize(("name", "fmt"), [("pg15.json", JSONLOG), ("pg15.csv", CSVLOG)])
def test_g5_14_failed_authentication_carries_user_database_client_and_sqlstate(name, fmt):
    failure = next(e for e in _entries(name, fmt) if e.kind == "auth_failure")
    assert failure.db_user == "probe"
    assert failure.database == "postgres"
    assert failure.client == "127.0.0.1:43440"
    assert failure.sqlstate == "28P01"
    assert failure.severity == "FATAL"
    assert failure.session_id == "6b046358.28a3"
    assert failure.message == 'password authentication failed for user "probe"'
    assert failure.at == dt.datetime(2026, 11, 23, 16, 1, 28, 529000, tzinfo=dt.UTC)


@pytest.mark.parametrize(("name", "fmt"), [("pg15.json", JSONLOG), ("pg15.csv", CSVLOG)])
def test_g5_14_ddl_keeps_the_statement_and_never_a_password(name, fmt):
    ddl = [e for e in _entries(name, fmt) if e.kind == "ddl"]
    statements = [e.statement for e in ddl]
    assert statements == [
        "CREATE ROLE probe LOGIN PASSWORD '***'",
        "CREATE TEMP TABLE probe_t (id int)",
        "ALTER TABLE probe_t ADD COLUMN note text",
    ]
    assert all("rightpass" not in e.message for e in ddl)


@pytest.mark.parametrize(("name", "fmt"), [("pg15.json", JSONLOG), ("pg15.csv", CSVLOG)])
def test_g5_14_an_error_keeps_its_multiline_statement(name, fmt):
    errors = [e for e in _entries(name, fmt) if e.kind == "error"]
    assert [e.sqlstate for e in errors] == ["22012", "22012"]
    assert errors[1].statement == "select 'multi\nline' as x, 1/0"
    assert errors[1].message == "division by zero"


@pytest.mark.parametrize(("name", "fmt"), [("pg15.json", JSONLOG), ("pg15.csv", CSVLOG)])
def test_g5_14_an_incomplete_last_record_is_not_consumed(name, fmt):
    data = (FIXTURES / name).read_bytes()
    whole, _ = complete_records(data, fmt)
    # cut inside the last record (the csv one spans two lines: cut after its first line too)
    cut = data[: len(data) - 20]
    records, consumed = complete_records(cut, fmt)
    assert len(records) == len(whole) - 1
    assert consumed == whole[-1][0]


def test_g5_14_a_csv_newline_inside_quotes_does_not_end_the_record():
    data = (FIXTURES / "pg15.csv").read_bytes()
    start = data.index(b"select 'multi")
    records, consumed = complete_records(data[: start + len(b"select 'multi\n")], CSVLOG)
    assert consumed < start  # the open quoted field holds the record back
    assert all(b"select 'multi" not in record for _, record in records)


def test_g5_14_record_sizes_are_trimmed():
    line = (
        b'{"timestamp":"2026-11-23 16:01:28.568 UTC","error_severity":"ERROR","state_code":"42601",'
        b'"message":"syntax error","statement":"' + b"x" * 5000 + b'"}'
    )
    entry = parse_record(line, JSONLOG)
    assert entry is not None
    assert len(entry.statement) == 2000


def test_g5_14_unreadable_records_are_skipped_not_fatal():
    assert parse_record(b"{not json", JSONLOG) is None
    assert parse_record(b'"a","b"', CSVLOG) is None
    assert parse_record(b'{"timestamp":"garbage"}', JSONLOG) is None


def test_g5_14_timestamps_with_offsets():
    assert parse_timestamp("2026-01-02 03:04:05.678 +06") == dt.datetime(
        2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone(dt.timedelta(hours=6))
    )
    assert parse_timestamp("2026-01-02 03:04:05 -03:30").utcoffset() == -dt.timedelta(
        hours=3, minutes=30
    )
    assert parse_timestamp("nonsense") is None


def test_g5_14_classification_rules():
    assert classify("FATAL", "28000", 'no pg_hba.conf entry for host "10.0.0.1"', "") == (
        "auth_failure"
    )
    assert classify("LOG", "", "statement: DROP TABLE t", "DROP TABLE t") == "ddl"
    assert classify("LOG", "", "statement: SELECT 1", "SELECT 1") == "other"
    assert classify("ERROR", "42P01", 'relation "x" does not exist', "") == "error"
    assert classify("LOG", "", "checkpoint starting: time", "") == "other"


def test_g5_14_passwords_are_redacted():
    assert redact("ALTER ROLE a WITH PASSWORD 'it''s secret' VALID UNTIL 'x'") == (
        "ALTER ROLE a WITH PASSWORD '***' VALID UNTIL 'x'"
    )


def test_g5_14_log_format_by_file_name():
    assert log_format(Path("postgresql-2026-11-23_160124.json")) == JSONLOG
    assert log_format(Path("postgresql-2026-11-23_160124.csv")) == CSVLOG
    assert log_format(Path("postgresql.json.1")) == JSONLOG
    assert log_format(Path("postgresql-2026-11-23_160124.log")) is None
    assert log_format(Path("postgresql.json.1.gz")) is None


def test_g5_14_client_ip_of_the_security_event():
    from oqu.audit.dbms_ingest import _client_ip

    assert _client_ip("127.0.0.1:43440") == "127.0.0.1"
    assert _client_ip("127.0.0.1") == "127.0.0.1"
    assert _client_ip("::1:5432") == "::1"
    assert _client_ip("[2001:db8::7]:5432") == "2001:db8::7"
    assert _client_ip("[local]") is None
    assert _client_ip("") is None


def test_g5_14_jsonlog_ipv6_client_keeps_host_and_port_apart():
    line = (
        b'{"timestamp":"2026-11-23 16:01:28.523 UTC","remote_host":"2001:db8::7","remote_port":5432,'
        b'"error_severity":"LOG","message":"connection received: host=2001:db8::7 port=5432"}'
    )
    entry = parse_record(line, JSONLOG)
    assert entry is not None
    assert entry.client == "[2001:db8::7]:5432"
    assert entry.kind == "connection"
