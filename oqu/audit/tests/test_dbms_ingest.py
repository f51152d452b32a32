"""G-5.14: ingestion of PostgreSQL's log with a position per file; the viewer and the API.

Positions: nothing is read twice, an incomplete last line waits for its end, a file renamed by
rotation keeps its position, a truncated or replaced file is read again from the start.
"""

from __future__ import annotations

import html
import os
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.audit.dbms_ingest import ingest
from oqu.audit.dbms_models import DbmsEvent, DbmsLogPosition
from oqu.audit.models import FailedAccess, SecurityEvent
from oqu.kernel.schedule import JOBS, run_due_jobs

FIXTURES = Path(__file__).parent / "fixtures"
API = "/api/v1/audit/dbms-events"
PAGE = "/audit/dbms-events/"


@pytest.fixture
def log_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    directory = tmp_path / "pg_log"
    directory.mkdir()
    settings.OQU_DBMS_LOG_DIR = str(directory)
    return directory


def _lines(name: str) -> list[bytes]:
    return (FIXTURES / name).read_bytes().splitlines(keepends=True)


@pytest.mark.smoke
def test_g5_14_ingests_jsonlog_and_csvlog_once(db, log_dir):
    shutil.copy(FIXTURES / "pg15.json", log_dir / "postgresql-1.json")
    shutil.copy(FIXTURES / "pg15.csv", log_dir / "postgresql-1.csv")
    (log_dir / "postgresql-1.log").write_text("stderr lines are not read\n")
    first = ingest()
    assert first.files == 2
    assert first.events == 66
    assert DbmsEvent.objects.filter(kind="auth_failure").count() == 2
    again = ingest()
    assert again.events == 0
    assert DbmsEvent.objects.count() == 66


def test_g5_14_failed_authentication_raises_a_security_event(db, log_dir):
    shutil.copy(FIXTURES / "pg15.json", log_dir / "postgresql-1.json")
    ingest()
    event = SecurityEvent.objects.get(kind="dbms_auth_failure")
    assert event.username == "probe"
    assert event.details["client"] == "127.0.0.1:43440"
    assert event.ip == "127.0.0.1"
    assert event.details["sqlstate"] == "28P01"
    assert event.details["database"] == "postgres"
    ingest()
    assert SecurityEvent.objects.filter(kind="dbms_auth_failure").count() == 1


def test_g5_14_an_incomplete_last_line_is_read_when_complete(db, log_dir):
    lines = _lines("pg15.json")
    path = log_dir / "postgresql-1.json"
    path.write_bytes(b"".join(lines[:10]) + lines[10][:40])
    assert ingest().events == 10
    with path.open("ab") as handle:
        handle.write(lines[10][40:])
    assert ingest().events == 1
    with path.open("ab") as handle:
        handle.write(b"".join(lines[11:]))
    assert ingest().events == len(lines) - 11
    offsets = list(DbmsEvent.objects.order_by("log_offset").values_list("log_offset", flat=True))
    assert len(offsets) == len(set(offsets)) == len(lines)
    assert DbmsLogPosition.objects.get().offset == path.stat().st_size


def test_g5_14_a_multiline_csv_record_waits_for_its_end(db, log_dir):
    data = (FIXTURES / "pg15.csv").read_bytes()
    cut = data.index(b"select 'multi") + len(b"select 'multi\n")
    path = log_dir / "postgresql-1.csv"
    path.write_bytes(data[:cut])
    before = ingest().events
    with path.open("ab") as handle:
        handle.write(data[cut:])
    after = ingest().events
    assert before + after == 33
    assert DbmsEvent.objects.filter(statement="select 'multi\nline' as x, 1/0").count() == 1


@pytest.mark.smoke
def test_g5_14_rotation_by_rename_keeps_the_position(db, log_dir):
    lines = _lines("pg15.json")
    current = log_dir / "postgresql.json"
    current.write_bytes(b"".join(lines[:20]))
    assert ingest().events == 20
    # logrotate-style: the file is renamed, more lines land in it, a new file starts
    rotated = log_dir / "postgresql.json.1"
    current.rename(rotated)
    with rotated.open("ab") as handle:
        handle.write(b"".join(lines[20:25]))
    current.write_bytes(b"".join(lines[25:]))
    assert ingest().events == len(lines) - 20
    assert DbmsEvent.objects.count() == len(lines)
    assert DbmsLogPosition.objects.count() == 2
    assert set(DbmsLogPosition.objects.values_list("path", flat=True)) == {
        str(rotated),
        str(current),
    }


def test_g5_14_a_truncated_file_is_read_from_the_start(db, log_dir):
    lines = _lines("pg15.json")
    path = log_dir / "postgresql.json"
    path.write_bytes(b"".join(lines[:20]))
    ingest()
    # log_truncate_on_rotation: same name, same inode, shorter content
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(b"".join(lines[25:28]))
    assert ingest().events == 3
    assert DbmsEvent.objects.count() == 23


def test_g5_14_a_file_rewritten_beyond_the_old_offset_is_read_again(db, log_dir):
    lines = _lines("pg15.json")
    path = log_dir / "postgresql.json"
    path.write_bytes(b"".join(lines[:5]))
    ingest()
    # truncated and refilled (longer than before) between two passes: the first bytes changed
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(b"".join(lines[25:]))
    assert ingest().events == len(lines) - 25


def test_g5_14_one_configured_file_instead_of_a_directory(db, tmp_path, settings):
    path = tmp_path / "postgresql.csv"
    shutil.copy(FIXTURES / "pg15.csv", path)
    settings.OQU_DBMS_LOG_DIR = str(path)
    assert ingest().events == 33


def test_g5_14_command_ingests_and_refuses_without_configuration(db, log_dir, settings, capsys):
    shutil.copy(FIXTURES / "pg15.json", log_dir / "postgresql-1.json")
    call_command("ingest_dbms_log")
    assert "33 new event(s), 1 failed authentication(s)" in capsys.readouterr().out
    settings.OQU_DBMS_LOG_DIR = ""
    with pytest.raises(CommandError):
        call_command("ingest_dbms_log")


def test_g5_14_scheduled_job_ingests(db, log_dir):
    shutil.copy(FIXTURES / "pg15.json", log_dir / "postgresql-1.json")
    job = next(j for j in JOBS if j.name == "audit.ingest_dbms_log")
    result = run_due_jobs(jobs=[job])
    assert result.enqueued == ["audit.ingest_dbms_log"]
    assert DbmsEvent.objects.count() == 33


# -- the viewer: platform administrator only -------------------------------------------------


@pytest.fixture
def ingested(db, log_dir):  # type: ignore[no-untyped-def]
    shutil.copy(FIXTURES / "pg15.json", log_dir / "postgresql-1.json")
    ingest()


def test_g5_14_platform_admin_reads_and_filters_the_api(org_tree, user_with_role, client, ingested):
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    page = client.get(API, {"limit": 10}).json()
    assert len(page["items"]) == 10
    assert page["next_cursor"]
    ats = [item["at"] for item in page["items"]]
    assert ats == sorted(ats, reverse=True)
    rest = client.get(API, {"limit": 200, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 23
    failures = client.get(API, {"kind": "auth_failure"}).json()["items"]
    assert [(i["db_user"], i["sqlstate"]) for i in failures] == [("probe", "28P01")]
    probe = client.get(API, {"user": "probe", "kind": "ddl"}).json()["items"]
    assert {i["statement"] for i in probe} == {
        "CREATE TEMP TABLE probe_t (id int)",
        "ALTER TABLE probe_t ADD COLUMN note text",
    }
    assert client.get(API, {"since": "2026-11-24"}).json()["items"] == []
    assert (
        len(client.get(API, {"since": "2026-11-23", "until": "2026-11-23"}).json()["items"]) == 33
    )


def test_g5_14_api_rejects_a_bad_filter(org_tree, user_with_role, client, ingested):
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    response = client.get(API, {"kind": "nonsense"})
    assert response.status_code == 400
    assert response.json()["code"] == "kind_invalid"
    response = client.get(API, {"since": "2026-11-24", "until": "2026-11-23"})
    assert response.status_code == 400
    assert response.json()["code"] == "period_invalid"


def test_g5_14_others_are_refused_and_journaled(org_tree, user_with_role, client, ingested):
    # the ministry's head sees the republic but lacks the capability: 403
    client.force_login(user_with_role("ministry_head", org_tree.republic))
    assert client.get(API).status_code == 403
    assert client.get(PAGE).status_code == 403
    # a school director does not see the republic at all: 404
    client.force_login(user_with_role("school_director", org_tree.school_a1))
    assert client.get(API).status_code == 404
    assert client.get(PAGE).status_code == 404
    assert FailedAccess.objects.filter(action="audit.dbms.view").count() == 4
    client.logout()
    assert client.get(API).status_code == 401
    assert client.get(PAGE).status_code == 302


def test_g5_14_api_query_count_does_not_grow_with_rows(
    org_tree, user_with_role, client, ingested, log_dir
):
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(API, {"limit": 5}).json()["items"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(API, {"limit": 33}).json()["items"]) == 33
    assert len(large) == len(small)


def test_g5_14_web_page_lists_and_filters(org_tree, user_with_role, client, ingested):
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    response = client.get(PAGE, {"kind": "auth_failure"})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert 'password authentication failed for user "probe"' in body
    assert "127.0.0.1:43440" in body
    assert "division by zero" not in body
    response = client.get(PAGE, {"kind": "error", "user": "probe"})
    assert "division by zero" in response.content.decode()
    paged = client.get(PAGE, {"page": 1})
    assert paged.status_code == 200


# -- live: the test cluster of scripts/test ---------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("OQU_TEST_PG_LOG_DIR"),
    reason="needs OQU_TEST_PG_LOG_DIR: the log directory of a PostgreSQL cluster started with "
    "jsonlog (scripts/test always sets it)",
)
def test_g5_14_live_wrong_password_and_ddl_are_ingested(db, settings):
    """Against the real cluster of scripts/test: a wrong password and a DDL statement reach the
    journal. Skipped only when OQU_TEST_PG_LOG_DIR is absent (scripts/test always sets it)."""
    settings.OQU_DBMS_LOG_DIR = os.environ["OQU_TEST_PG_LOG_DIR"]
    url = urlsplit(os.environ["DATABASE_URL"])
    probe = f"oqu_probe_{uuid.uuid4().hex[:12]}"
    params = {"host": url.hostname, "port": url.port, "dbname": url.path.lstrip("/")}
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(**params, user=probe, password="wrong-password", connect_timeout=10)
    with psycopg.connect(
        **params, user=url.username, password=url.password, autocommit=True
    ) as live:
        live.execute(f"CREATE TEMP TABLE {probe} (id int)")  # noqa: S608  (a generated name)
    deadline = time.monotonic() + 30
    found: dict[str, bool] = {}
    while time.monotonic() < deadline:
        ingest()
        found = {
            "auth": DbmsEvent.objects.filter(kind="auth_failure", db_user=probe).exists(),
            "ddl": DbmsEvent.objects.filter(kind="ddl", statement__contains=probe).exists(),
        }
        if all(found.values()):
            break
        time.sleep(0.5)
    assert found == {"auth": True, "ddl": True}
    assert SecurityEvent.objects.filter(kind="dbms_auth_failure", username=probe).count() == 1


def test_g5_14_menu_shows_platform_operations_to_the_platform_admin_only(
    org_tree, user_with_role, client
):
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    assert f'href="{PAGE}"' in client.get(PAGE).content.decode()
    assert 'href="/ops/integrity/"' in client.get(PAGE).content.decode()
    client.force_login(user_with_role("ministry_head", org_tree.republic))
    assert f'href="{PAGE}"' not in client.get("/people/").content.decode()
