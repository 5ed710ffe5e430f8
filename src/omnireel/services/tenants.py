"""Tenants and API keys: keys are stored hashed, looked up by their public id, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from omnireel import clock, ids
from omnireel.errors import InvalidArgument, NotFound, Unauthenticated
from omnireel.storage.tables import api_keys, tenants

KEY_PREFIX = "omr"
LOCAL_TENANT = "local"
_TENANT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


@dataclass(frozen=True)
class Tenant:
    id: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def ensure_tenant(db: Engine, tenant_id: str) -> None:
    with db.begin() as conn:
        if conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first() is None:
            conn.execute(insert(tenants).values(id=tenant_id, created_at=clock.now()))


def create_key(db: Engine, tenant_id: str) -> str:
    """Create a key for the tenant (creating the tenant if new) and return the key; only its hash is stored."""
    if not _TENANT_NAME.fullmatch(tenant_id):
        raise InvalidArgument("Tenant names are 1-63 lowercase letters, digits, '_' or '-', starting with a letter or digit.")
    ensure_tenant(db, tenant_id)
    key_id = ids.new_id(12)
    secret = ids.token(24)
    with db.begin() as conn:
        conn.execute(
            insert(api_keys).values(id=key_id, tenant_id=tenant_id, secret_hash=_hash(secret), created_at=clock.now())
        )
    return f"{KEY_PREFIX}_{key_id}_{secret}"


def list_keys(db: Engine, tenant_id: str | None = None) -> list[dict]:
    query = select(api_keys).order_by(api_keys.c.created_at)
    if tenant_id:
        query = query.where(api_keys.c.tenant_id == tenant_id)
    with db.connect().execution_options(readonly=True) as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def revoke_key(db: Engine, key_id: str) -> None:
    if key_id.startswith(KEY_PREFIX + "_"):
        key_id = key_id.split("_")[1]
    with db.begin() as conn:
        result = conn.execute(
            update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=clock.now())
        )
    if result.rowcount != 1:
        raise NotFound(f"No active API key with id {key_id}.")


def authenticate(db: Engine, key: str) -> Tenant:
    """Map a presented key to its tenant; every failure looks the same to the caller."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise Unauthenticated()
    _, key_id, secret = parts
    with db.connect().execution_options(readonly=True) as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
    # Compare even when the row is missing so timing does not reveal which key ids exist.
    expected = row.secret_hash if row is not None else _hash("x" * 32)
    ok = hmac.compare_digest(expected, _hash(secret))
    if row is None or not ok:
        raise Unauthenticated()
    if row.revoked_at is not None:
        raise Unauthenticated("API key was revoked. Create a new key with `omnireel keys create`.")
    return Tenant(row.tenant_id)
