"""Idempotent creates: the same Idempotency-Key and body give back the same interaction instead of a second job.

The SDK retries a create after a dropped connection or a 5xx; with a key, that retry cannot start a duplicate
render. The key row is written in the create's own transaction. Reusing a key with a different body is a 422.
Keys are kept for at least 24 hours, per tenant.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Connection

from omnireel import clock
from omnireel.errors import InvalidArgument, OmnireelError
from omnireel.storage.tables import idempotency_keys, interactions

RETENTION_S = 24 * 3600
MAX_KEY_LENGTH = 255


class KeyReused(OmnireelError):
    http_status = 422
    status = "INVALID_ARGUMENT"
    code = "idempotency_key_reused"


def fingerprint(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidArgument(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.")
    return key


def existing(conn: Connection, tenant_id: str, key: str, print_: str) -> str | None:
    """The interaction already created with this key, or None; a different body under the same key is an error."""
    if conn.dialect.name == "postgresql":
        # Concurrent retries may reach different API processes: the lock (held to the end of the caller's
        # transaction) lets one create win and the others read its row, instead of a unique-key error (a 500).
        # SQLite's single writer already serialises them.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": f"{tenant_id}/{key}"})
    row = conn.execute(select(idempotency_keys).where(
        idempotency_keys.c.tenant_id == tenant_id, idempotency_keys.c.key == key)).first()
    if row is None:
        return None
    if row.fingerprint != print_:
        raise KeyReused("This Idempotency-Key was already used with a different request body.")
    alive = conn.execute(select(interactions.c.id).where(interactions.c.id == row.interaction_id)).first()
    if alive is None:
        # The first interaction was deleted: the key is free again.
        conn.execute(delete(idempotency_keys).where(idempotency_keys.c.tenant_id == tenant_id,
                                                    idempotency_keys.c.key == key))
        return None
    return row.interaction_id


def remember(conn: Connection, tenant_id: str, key: str, print_: str, interaction_id: str) -> None:
    conn.execute(insert(idempotency_keys).values(tenant_id=tenant_id, key=key, fingerprint=print_,
                                                 interaction_id=interaction_id, created_at=clock.now()))


def purge(db) -> int:
    with db.begin() as conn:
        result = conn.execute(delete(idempotency_keys).where(idempotency_keys.c.created_at < clock.now() - RETENTION_S))
    return result.rowcount or 0
