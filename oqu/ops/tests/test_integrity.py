"""G-5.17: the manifest of installed files, the check command, the scheduled check, the viewer.

Each test builds a small tree in a temporary directory and points OQU_INTEGRITY_ROOT at it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oqu.audit.models import FailedAccess, SecurityEvent
from oqu.kernel.schedule import JOBS, run_due_jobs
from oqu.ops import integrity
from oqu.ops.models import IntegrityCheck

API = "/api/v1/ops/integrity-checks"
PAGE = "/ops/integrity/"
KEY = "test-integrity-key-not-a-secret"


@pytest.fixture
def tree(tmp_path, settings):  # type: ignore[no-untyped-def]
    root = tmp_path / "install"
    files = {
        "manage.py": "#!/usr/bin/env python\n",
        "pyproject.toml": "[project]\nname='oqu'\n",
        "oqu/__init__.py": "",
        "oqu/settings/base.py": "DEBUG = False\n",
        "oqu/web/templates/web/base.html": "<html></html>\n",
        "oqu/web/static/web/app.css": "body {}\n",
        "locale/kk/LC_MESSAGES/django.mo": "\x00mo",
        "requirements/base.lock": "django==5.2\n",
        "scripts/run": "#!/bin/sh\n",
        # not covered: caches, sources of translations, data under var/
        "oqu/__pycache__/x.cpython-311.pyc": "cache",
        "locale/kk/LC_MESSAGES/django.po": "msgid ''\n",
        "var/oqu.sqlite3": "data",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    settings.OQU_INTEGRITY_ROOT = str(root)
    settings.OQU_INTEGRITY_MANIFEST = str(root / "var" / "integrity-manifest.json")
    settings.OQU_INTEGRITY_KEY = KEY
    return root


def _manifest(root: Path) -> Path:
    return root / "var" / "integrity-manifest.json"


def test_g5_17_manifest_covers_code_and_configuration_only(tree):
    assert integrity.installed_files(tree) == [
        "locale/kk/LC_MESSAGES/django.mo",
        "manage.py",
        "oqu/__init__.py",
        "oqu/settings/base.py",
        "oqu/web/static/web/app.css",
        "oqu/web/templates/web/base.html",
        "pyproject.toml",
        "requirements/base.lock",
        "scripts/run",
    ]


def test_g5_17_clean_tree_passes(db, tree, capsys):
    call_command("integrity_manifest")
    assert "9 files hashed" in capsys.readouterr().out
    call_command("integrity_check")
    assert "integrity: passed (9 files)" in capsys.readouterr().out
    check = IntegrityCheck.objects.get()
    assert check.result == "passed"
    assert check.authenticated is True
    assert check.trigger == "command"
    assert not SecurityEvent.objects.exists()


@pytest.mark.smoke
def test_g5_17_changed_added_and_removed_files_are_detected(db, tree, capsys):
    call_command("integrity_manifest")
    (tree / "oqu/settings/base.py").write_text("DEBUG = True\n")
    (tree / "oqu/web/backdoor.py").write_text("import os\n")
    (tree / "scripts/run").unlink()
    with pytest.raises(SystemExit) as exit_info:
        call_command("integrity_check")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "changed: oqu/settings/base.py" in err
    assert "added: oqu/web/backdoor.py" in err
    assert "missing: scripts/run" in err
    check = IntegrityCheck.objects.get()
    assert (check.result, check.changed, check.added, check.missing) == (
        "failed",
        ["oqu/settings/base.py"],
        ["oqu/web/backdoor.py"],
        ["scripts/run"],
    )
    event = SecurityEvent.objects.get(kind="integrity_failure")
    assert event.severity == "critical"
    assert event.details["changed"] == ["oqu/settings/base.py"]
    assert event.details["added"] == ["oqu/web/backdoor.py"]
    assert event.details["missing"] == ["scripts/run"]
    assert event.details["check"] == str(check.pk)


def test_g5_17_rewriting_the_manifest_without_the_key_is_detected(db, tree):
    call_command("integrity_manifest")
    # an attacker changes a file and rewrites its hash in the manifest, without the key
    (tree / "oqu/settings/base.py").write_text("DEBUG = True\n")
    manifest = json.loads(_manifest(tree).read_text())
    manifest["files"]["oqu/settings/base.py"] = integrity.file_hash(tree / "oqu/settings/base.py")
    _manifest(tree).write_text(json.dumps(manifest))
    with pytest.raises(SystemExit):
        call_command("integrity_check")
    assert IntegrityCheck.objects.get().result == "manifest_tampered"
    assert SecurityEvent.objects.get(kind="integrity_failure").details["result"] == (
        "manifest_tampered"
    )
    # removing the HMAC does not help either
    manifest["hmac"] = None
    _manifest(tree).write_text(json.dumps(manifest))
    with pytest.raises(SystemExit):
        call_command("integrity_check")
    assert IntegrityCheck.objects.filter(result="manifest_tampered").count() == 2


def test_g5_17_without_a_key_the_manifest_is_used_unauthenticated(db, tree, settings):
    settings.OQU_INTEGRITY_KEY = ""
    call_command("integrity_manifest")
    assert json.loads(_manifest(tree).read_text())["hmac"] is None
    call_command("integrity_check")
    check = IntegrityCheck.objects.get()
    assert (check.result, check.authenticated) == ("passed", False)


@pytest.mark.parametrize(("content", "result"), [(None, "no_manifest"), ("{", "manifest_invalid")])
def test_g5_17_missing_or_broken_manifest_fails(db, tree, content, result):
    if content is not None:
        _manifest(tree).write_text(content)
    with pytest.raises(SystemExit):
        call_command("integrity_check")
    assert IntegrityCheck.objects.get().result == result
    assert SecurityEvent.objects.get(kind="integrity_failure").severity == "critical"


def test_g5_17_scheduled_job_raises_the_event(db, tree):
    call_command("integrity_manifest")
    (tree / "oqu/web/templates/web/base.html").write_text("<html>changed</html>\n")
    job = next(j for j in JOBS if j.name == "ops.integrity_check")
    assert run_due_jobs(jobs=[job]).enqueued == ["ops.integrity_check"]
    check = IntegrityCheck.objects.get()
    assert (check.trigger, check.result) == ("schedule", "failed")
    event = SecurityEvent.objects.get(kind="integrity_failure")
    assert event.details["changed"] == ["oqu/web/templates/web/base.html"]


# -- the viewer and the API: platform administrator only -------------------------------------


def test_g5_17_platform_admin_sees_runs_and_runs_a_check(org_tree, user_with_role, client, tree):
    call_command("integrity_manifest")
    admin = user_with_role("platform_admin", org_tree.republic)
    client.force_login(admin)
    started = client.post(API)
    assert started.status_code == 201
    assert started.json()["result"] == "passed"
    assert started.json()["started_by"] == admin.username
    (tree / "manage.py").write_text("changed\n")
    response = client.post(PAGE)
    assert response.status_code == 302
    listed = client.get(API).json()["items"]
    assert [row["result"] for row in listed] == ["failed", "passed"]
    assert listed[0]["changed"] == ["manage.py"]
    failed = client.get(API, {"failed_only": True}).json()["items"]
    assert [row["id"] for row in failed] == [listed[0]["id"]]
    assert client.get(f"{API}/{listed[0]['id']}").json()["changed"] == ["manage.py"]
    page = client.get(PAGE).content.decode()
    assert "manage.py" in page
    assert f'<form method="post" action="{PAGE}">' in page  # the "check now" button


def test_g5_17_api_query_count_does_not_grow_with_rows(org_tree, user_with_role, client, tree):
    call_command("integrity_manifest")
    client.force_login(user_with_role("platform_admin", org_tree.republic))
    for _ in range(6):
        client.post(API)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(API, {"limit": 2}).json()["items"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(API, {"limit": 6}).json()["items"]) == 6
    assert len(large) == len(small)


def test_g5_17_others_are_refused(org_tree, user_with_role, client, tree):
    call_command("integrity_manifest")
    client.force_login(user_with_role("ministry_head", org_tree.republic))
    assert client.get(API).status_code == 403
    assert client.post(API).status_code == 403
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE).status_code == 403
    client.force_login(user_with_role("school_director", org_tree.school_a1))
    assert client.get(API).status_code == 404
    assert client.post(API).status_code == 404
    assert client.get(PAGE).status_code == 404
    assert not IntegrityCheck.objects.exists()
    assert FailedAccess.objects.filter(action__startswith="ops.integrity").count() == 7
