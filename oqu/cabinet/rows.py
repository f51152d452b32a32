"""How the cabinet's hand-written queries turn database values into API values, the same on
PostgreSQL and SQLite (which answers dates and times as text)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def hhmm(value: Any) -> str | None:
    if value is None:
        return None
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


def full_name(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def points(value: Any) -> float | None:
    return float(value) if value is not None else None


def homework_state(status: str | None, due: dt.date, on: dt.date) -> str:
    """A submission's own status, else overdue or open as of `on`."""
    if status:
        return status
    return "overdue" if due < on else "open"
