"""SMS backends: console and file for development, memory for tests; a gateway in production."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import ClassVar

from django.conf import settings


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")


class FileSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        folder = Path(settings.OQU_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d")
        with (folder / f"sms-{stamp}.log").open("a", encoding="utf-8") as fh:
            fh.write(f"{dt.datetime.now(tz=dt.UTC).isoformat()}\t{phone}\t{text}\n")


class MemorySmsBackend(SmsBackend):
    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
