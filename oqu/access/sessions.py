"""Database sessions, read by one hand-written query.

Django's database backend compiles the same `Session.objects.get(...)` on every request of a
signed-in user; here its text is written once. Same table, rows, expiry rule and failure
behaviour (an unknown or expired key is an empty session and is forgotten), so a logout or an
expired session ends exactly as with `django.contrib.sessions.backends.db`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

_LOAD = "SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"


@cache
def _load_sql() -> str:
    from django.contrib.sessions.models import Session

    return _LOAD.format(table=connection.ops.quote_name(Session._meta.db_table))


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
