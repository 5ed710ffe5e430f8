"""Webhooks: a signed POST to each `webhook_config.uris` entry when an interaction reaches a terminal state.

Deliveries are an outbox written in the same transaction as the terminal state, so none is lost to a crash; a
delivery thread sends them with retries and exponential backoff (at-least-once: receivers dedupe on the
`X-Omnireel-Webhook-Id` header). Each request is signed with a per-tenant secret (`omnireel webhooks secret TENANT`):
`X-Omnireel-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with `X-Omnireel-Timestamp`.
Targets that resolve to private, loopback or link-local addresses are refused unless the operator allows them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from omnireel import clock, ids
from omnireel.storage.tables import webhook_deliveries

log = logging.getLogger("omnireel.webhooks")

EVENT_FOR_STATUS = {"completed": "interaction.completed", "failed": "interaction.failed",
                    "cancelled": "interaction.cancelled"}
MAX_BACKOFF_S = 600.0


def server_key(data_dir: Path) -> bytes:
    """The server's webhook signing root key, created once per data directory (0600)."""
    path = Path(data_dir) / "webhook.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    key = os.urandom(32).hex()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
    except FileExistsError:
        pass  # another process won the race; use its key
    return bytes.fromhex(path.read_text().strip())


def tenant_secret(data_dir: Path, tenant_id: str) -> str:
    return "whsec_" + hmac.new(server_key(data_dir), f"webhook:{tenant_id}".encode(), hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def blocked_host(host: str, allow_private: bool) -> bool:
    """True if the host is (or resolves to) an address a server must not call on a user's behalf."""
    if allow_private:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return True
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if not addr.is_global or addr.is_multicast:
            return True
    return False


def enqueue_for(conn: Connection, row) -> int:
    """Write the deliveries for a terminal interaction (inside the caller's transaction)."""
    config = ((row.request or {}).get("echo") or {}).get("webhook_config") or {}
    uris = config.get("uris") or []
    if not uris or row.status not in EVENT_FOR_STATUS:
        return 0
    now = clock.now()
    outputs = [c for s in (row.outputs or []) for c in s.get("content", []) if c.get("type") == "video"]
    body = {
        "event": EVENT_FOR_STATUS[row.status],
        "interaction_id": row.id,
        "status": row.status,
        "model": row.model,
        "created": clock.rfc3339(now),
        "user_metadata": config.get("user_metadata") or {},
    }
    if outputs:
        body["video_uri"] = outputs[0].get("uri")
    if row.errors:
        body["errors"] = row.errors
    for uri in uris:
        conn.execute(insert(webhook_deliveries).values(
            id="whk" + ids.new_id(20), tenant_id=row.tenant_id, interaction_id=row.id, uri=uri, body=body,
            status="pending", attempts=0, next_attempt_at=now, created_at=now, updated_at=now))
    return len(uris)


def deliver_due(runtime, limit: int = 20) -> int:
    """Send the deliveries that are due; returns how many were attempted."""
    settings = runtime.settings
    with runtime.db.connect().execution_options(readonly=True) as conn:
        due = conn.execute(select(webhook_deliveries).where(
            webhook_deliveries.c.status == "pending", webhook_deliveries.c.next_attempt_at <= clock.now())
            .order_by(webhook_deliveries.c.next_attempt_at).limit(limit)).fetchall()
    for row in due:
        outcome, error = _send(runtime, row)
        attempts = row.attempts + 1
        values = {"attempts": attempts, "updated_at": clock.now(), "last_error": error}
        if outcome == "delivered":
            values["status"] = "delivered"
        elif outcome == "blocked" or attempts >= settings.webhook_max_attempts:
            values["status"] = "failed"
            log.warning("webhook %s for %s gave up: %s", row.id, row.interaction_id, error)
        else:
            values["next_attempt_at"] = clock.now() + min(MAX_BACKOFF_S, settings.webhook_retry_base_s * 2 ** row.attempts)
        with runtime.db.begin() as conn:
            conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.id == row.id,
                                                          webhook_deliveries.c.status == "pending").values(**values))
    return len(due)


def _send(runtime, row) -> tuple[str, str | None]:
    settings = runtime.settings
    host = urlsplit(row.uri).hostname or ""
    if blocked_host(host, settings.webhook_allow_private):
        return "blocked", "target address is not allowed"
    body = json.dumps(row.body, separators=(",", ":")).encode()
    timestamp = str(int(clock.now()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "omnireel-webhooks/1",
        "X-Omnireel-Webhook-Id": row.id,
        "X-Omnireel-Event": row.body.get("event", ""),
        "X-Omnireel-Timestamp": timestamp,
        "X-Omnireel-Signature": sign(tenant_secret(settings.data_dir, row.tenant_id), timestamp, body),
    }
    try:
        response = httpx.post(row.uri, content=body, headers=headers, timeout=settings.webhook_timeout_s,
                              follow_redirects=False)
    except httpx.HTTPError as exc:
        return "retry", type(exc).__name__
    if 200 <= response.status_code < 300:
        return "delivered", None
    return "retry", f"HTTP {response.status_code}"
