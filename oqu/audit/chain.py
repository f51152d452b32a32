"""The per-organization hash chain of the action journal (G-5.13, G-5.16).

Each row carries `content_hash`, the SHA-256 of its own canonical content, and `hash`, the link
`SHA-256(previous hash : number : content_hash)`. Verifying a chain recomputes both in order: an
altered row fails its content hash, a deleted row leaves a gap in the numbers, an inserted or
re-ordered row breaks the links, and a deleted tail no longer reaches the chain head.

The chain head (one row per chain) is the only lock: writers of different organizations never
wait for each other. On PostgreSQL the head update, the link and the insert are one statement
(the link computed by the server's `sha256`), so the chain adds no round trip to a write; other
databases (SQLite for the embedded and offline node) take the portable path.

A chain shows tampering by anyone who cannot rewrite the whole chain after the change; publishing
head hashes outside the database (a later issue) closes that gap too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from .models import ActionRecord, ChainHead

GENESIS = "0" * 64
PLATFORM_CHAIN = "platform"


def chain_key(organization_id: Any) -> str:
    return str(organization_id) if organization_id else PLATFORM_CHAIN


def content_hash(row: ActionRecord) -> str:
    """SHA-256 of the row's canonical JSON (sorted keys), its chain included."""
    content = {
        "chain": row.chain,
        "at": row.at.isoformat(),
        "organization": str(row.organization_id) if row.organization_id else None,
        "actor": str(row.actor_id) if row.actor_id else None,
        "actor_name": row.actor_name,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "target_repr": row.target_repr,
        "before": row.before,
        "after": row.after,
        "ip": row.ip,
        "user_agent": row.user_agent,
    }
    data = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def link_hash(prev_hash: str, seq: int, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{seq}:{content}".encode()).hexdigest()


def append(row: ActionRecord) -> ActionRecord:
    """Number, link and store `row` at the end of its chain, in the caller's transaction."""
    row.chain = chain_key(row.organization_id)
    row.content_hash = content_hash(row)
    if connection.vendor == "postgresql":
        return _append_postgres(row)
    return _append_portable(row)


def _append_portable(row: ActionRecord) -> ActionRecord:
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(chain=row.chain).first()
        if head is None:
            try:
                with transaction.atomic():
                    ChainHead.objects.create(chain=row.chain, last_seq=0, last_hash=GENESIS)
            except IntegrityError:
                pass  # another writer created it first
            head = ChainHead.objects.select_for_update().get(chain=row.chain)
        row.seq = head.last_seq + 1
        row.hash = link_hash(head.last_hash, row.seq, row.content_hash)
        row.save(force_insert=True)
        head.last_seq, head.last_hash = row.seq, row.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return row


# The head row is created or advanced, and locked, by the same statement that inserts the row.
# The head row is created (its first link starts from GENESIS, written out) or advanced, and so
# locked, by the same statement that inserts the row.
_HEAD_SQL = """
WITH head AS (
    INSERT INTO audit_chainhead AS h (chain, last_seq, last_hash)
    VALUES (%s, 1, encode(sha256(convert_to(
        '0000000000000000000000000000000000000000000000000000000000000000:1:' || %s::text,
        'UTF8')), 'hex'))
    ON CONFLICT (chain) DO UPDATE SET
        last_seq = h.last_seq + 1,
        last_hash = encode(sha256(convert_to(
            h.last_hash || ':' || (h.last_seq + 1)::text || ':' || %s::text, 'UTF8')), 'hex')
    RETURNING last_seq, last_hash
)
"""


def _append_postgres(row: ActionRecord) -> ActionRecord:
    fields = [f for f in ActionRecord._meta.concrete_fields if f.attname not in ("seq", "hash")]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(values))
    sql = (
        f"{_HEAD_SQL} INSERT INTO audit_actionrecord ({columns}, seq, hash)"  # noqa: S608 (columns from the model)
        f" VALUES ({placeholders}, (SELECT last_seq FROM head), (SELECT last_hash FROM head))"
        " RETURNING seq, hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [row.chain, row.content_hash, row.content_hash, *values])
        row.seq, row.hash = cursor.fetchone()
    row._state.adding = False
    return row


def append_unchained(row: ActionRecord) -> ActionRecord:
    """Store a row outside every chain: only for the benchmark's baseline, never for real records."""
    row.chain = f"u-{row.pk.hex}"  # its own one-row "chain": no head, no lock
    row.save(force_insert=True)
    return row


@dataclass(frozen=True)
class ChainReport:
    chain: str
    rows: int
    ok: bool
    broken_seq: int | None = None
    broken_id: str | None = None
    reason: str = ""


def verify_chain(key: str) -> ChainReport:
    """Recompute one chain; name the first broken entry and why."""
    expected_seq = 1
    prev = GENESIS
    rows = 0
    for row in ActionRecord.objects.filter(chain=key).order_by("seq").iterator(chunk_size=2000):
        rows += 1
        if row.seq != expected_seq:
            reason = "deleted" if row.seq > expected_seq else "inserted"
            return ChainReport(key, rows, False, expected_seq, str(row.pk), reason)
        if content_hash(row) != row.content_hash:
            return ChainReport(key, rows, False, row.seq, str(row.pk), "altered")
        if link_hash(prev, row.seq, row.content_hash) != row.hash:
            return ChainReport(key, rows, False, row.seq, str(row.pk), "inserted")
        prev = row.hash
        expected_seq += 1
    head = ChainHead.objects.filter(chain=key).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        return ChainReport(key, rows, False, last_seq + 1, None, "deleted")
    return ChainReport(key, rows, True)


def verify_all(keys: list[str] | None = None) -> list[ChainReport]:
    """Verify every chain (or the given ones), including chains whose rows are all gone."""
    if keys is None:
        heads = set(ChainHead.objects.values_list("chain", flat=True))
        used = set(
            ActionRecord.objects.exclude(chain__startswith="u-")
            .values_list("chain", flat=True)
            .distinct()
        )
        keys = sorted(heads | used)
    return [verify_chain(key) for key in keys]
