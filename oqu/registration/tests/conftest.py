"""Fixtures of the registration tests: the simulated person register as a real process, SMS outbox."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oqu.notifications.backends import MemorySmsBackend

REPO_ROOT = Path(__file__).resolve().parents[3]
API_KEY = "test-register-key"
START_TIMEOUT_SECONDS = 15


def _start_peer(data_file: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [
            sys.executable,
            "-m",
            "oqu.exchange.person_register.simulator",
            "--port",
            "0",
            "--data",
            str(data_file),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
    line = process.stdout.readline().strip() if ready else ""
    if not line.isdigit():
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
        raise RuntimeError("the person register simulator did not start")
    return process, int(line)


def _stop_peer(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if process.stdout:
        process.stdout.close()


@dataclass
class Peer:
    base_url: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        _stop_peer(self.process)


@pytest.fixture
def person_register(tmp_path: Path, settings: Any) -> Iterator[Any]:
    """Start the simulated register with the given persons and point the settings at it.

    `person_register(persons=[...], api_key=..., delay_seconds=...)` returns the running peer;
    every process started is stopped by its pid at the end of the test.
    """
    processes: list[subprocess.Popen[str]] = []

    def start(*, persons: list[dict[str, Any]], api_key: str = API_KEY, **extra: Any) -> Peer:
        data_file = tmp_path / f"register-{len(processes)}.json"
        data_file.write_text(
            json.dumps({"api_key": api_key, "persons": persons, **extra}, ensure_ascii=False),
            encoding="utf-8",
        )
        process, port = _start_peer(data_file)
        processes.append(process)
        base_url = f"http://127.0.0.1:{port}"
        settings.OQU_PERSON_REGISTER_URL = base_url
        settings.OQU_PERSON_REGISTER_API_KEY = API_KEY
        settings.OQU_PERSON_REGISTER_TIMEOUT = 3.0
        return Peer(base_url=base_url, process=process)

    yield start
    for process in processes:
        _stop_peer(process)


@pytest.fixture
def sms_outbox() -> Iterator[list[tuple[str, str]]]:
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def no_register(settings: Any) -> None:
    """The register is not configured: link requests wait for the organization."""
    settings.OQU_PERSON_REGISTER_URL = ""


def register_person(person: Any, representatives: list[tuple[Any, str]] = ()) -> dict[str, Any]:
    """A register entry for a platform person, naming (person, kind) as their representatives."""
    return {
        "iin": person.iin,
        "last_name": person.last_name_ru,
        "first_name": person.first_name_ru,
        "middle_name": person.middle_name_ru,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "address": {"kato": "751110000", "text": "Алматы қ., Абай даңғылы, 1"},
        "representatives": [
            {"iin": rep.iin, "kind": kind, "since": person.birth_date.isoformat()}
            for rep, kind in representatives
        ],
    }
