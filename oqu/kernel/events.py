"""Domain events published after commit, dispatched to handlers registered per app.

Apps declare handlers in a table in `apps.ready()` (no Django signals for domain logic). Handlers
run after the transaction commits and must be idempotent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: Any) -> None:
    """Deliver `event` to its handlers once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(event), robust=True)


def _dispatch(event: Any) -> None:
    """Run every handler; one that fails is logged and does not keep the others from running."""
    for handler in list(_handlers.get(type(event), [])):
        try:
            handler(event)
        except Exception:
            log.exception("Handler %r failed for %r", handler, event)
