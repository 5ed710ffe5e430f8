"""Interaction events: an append-only, per-interaction ordered log that SSE streams replay and follow.

Event ids are `evt_<seq>`; seq is dense per interaction, so resuming after `evt_N` means seq > N: no gap, no duplicate.
Inline video bytes are never stored in the log: a video delta keeps the file id and is filled in when streamed.
"""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from omnireel import clock
from omnireel.errors import InvalidArgument
from omnireel.storage.tables import events, interactions

TERMINAL_EVENT = "interaction.completed"
_EVENT_ID = re.compile(r"evt_(\d{1,9})")


def append(conn: Connection, interaction_id: str, tenant_id: str, body: dict) -> int:
    """Append an event inside the caller's transaction; returns its seq."""
    if conn.dialect.name == "postgresql":
        # Processes on several hosts append to one interaction (a worker's progress, the API's cancel): the row
        # lock makes max(seq) + 1 theirs alone until commit. SQLite's single writer already guarantees it.
        conn.execute(select(interactions.c.id).where(interactions.c.id == interaction_id).with_for_update())
    last = conn.execute(select(func.max(events.c.seq)).where(events.c.interaction_id == interaction_id)).scalar()
    seq = (last or 0) + 1
    conn.execute(
        insert(events).values(interaction_id=interaction_id, seq=seq, tenant_id=tenant_id, body=body, created_at=clock.now())
    )
    return seq


def after(conn: Connection, interaction_id: str, tenant_id: str, seq: int, limit: int = 200) -> list[tuple[int, dict]]:
    rows = conn.execute(
        select(events.c.seq, events.c.body)
        .where(events.c.interaction_id == interaction_id, events.c.tenant_id == tenant_id, events.c.seq > seq)
        .order_by(events.c.seq)
        .limit(limit)
    ).fetchall()
    return [(r.seq, r.body) for r in rows]


def parse_event_id(value: str | None) -> int:
    """The seq after which to resume; 0 replays from the start."""
    if value is None or value == "":
        return 0
    match = _EVENT_ID.fullmatch(value.strip())
    if not match:
        shown = value if len(value) <= 64 else value[:64] + "…"  # never echo an unbounded client value
        raise InvalidArgument(f"last_event_id '{shown}' is not an event id of this server (expected evt_<n>).",
                              field="last_event_id")
    return int(match.group(1))


def event_id(seq: int) -> str:
    return f"evt_{seq}"
