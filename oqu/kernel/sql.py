"""Small helpers for the few hot reads and writes written as SQL text (portable PostgreSQL/SQLite).

Raw parameters are not adapted by the model fields, so UUIDs go through `db_uuid` (PostgreSQL takes
them as they are, SQLite stores 32 hex characters).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import UUIDField

_UUID = UUIDField()


def db_uuid(value: Any) -> Any:
    """A UUID as the database in use stores it."""
    return _UUID.get_db_prep_value(value, connection)


def fetch_all(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
