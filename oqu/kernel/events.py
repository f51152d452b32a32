"""Domain events published after commit, dispatched to handlers registered per app.

Apps declare handlers in a table in `apps.ready()` (no Django signals for domain logic). Handlers
run after the transaction commits and must be idempotent. A handler that only records work for
later (enqueues a task: a transactional outbox) subscribes `in_transaction=True`: it runs inside
the publisher's transaction, so the work is committed with the change or not at all, and the
change costs one commit instead of two.
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
_in_transaction: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler, *, in_transaction: bool = False) -> None:
    table = _in_transaction if in_transaction else _handlers
    if handler not in table[event_type]:
        table[event_type].append(handler)


def publish(event: Any) -> None:
    """Run the in-transaction handlers of `event` now (an error rolls the change back), and
    deliver it to the other handlers once the current transaction commits."""
    for handler in list(_in_transaction.get(type(event), [])):
        handler(event)
    if _handlers.get(type(event)):
        transaction.on_commit(lambda: _dispatch(event), robust=True)


def _dispatch(event: Any) -> None:
    """Run every handler; one that fails is logged and does not keep the others from running."""
    for handler in list(_handlers.get(type(event), [])):
        try:
            handler(event)
        except Exception:
            log.exception("Handler %r failed for %r", handler, event)
