"""Server-sent events for an interaction: replay the stored log after a given event id, then follow it live.

The SDK reads only the `data:` JSON, so the resumable id travels inside it as `event_id`; `event:` and `id:` lines
are sent too for other clients. Comment lines keep idle connections alive through proxies and client timeouts.
"""

from __future__ import annotations

import asyncio
import json
import time
import types
from typing import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from omnireel import clock
from omnireel.jobs import events
from omnireel.jobs.queue import TERMINAL, completed_event
from omnireel.services import interactions as interactions_service

POLL_S = 0.1


def _frame(seq: int, body: dict) -> str:
    data = dict(body)
    data["event_id"] = events.event_id(seq)
    return f"event: {data.get('event_type', 'message')}\nid: {data['event_id']}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _public(runtime, tenant_id: str, body: dict) -> dict:
    """Fill inline video bytes into a stored video delta (the log never holds them)."""
    delta = body.get("delta")
    if body.get("event_type") != "step.delta" or not delta or delta.get("type") != "video":
        return body
    # An over-cap note is not added here: it is in the log as its own text delta (jobs/runner.py), so ids stay dense.
    public, _note = interactions_service.render_video_block(runtime, tenant_id, delta)
    return {**body, "delta": public}


def _read(runtime, interaction_id: str, tenant_id: str, after_seq: int):
    row, batch = interactions_service.read_stream(runtime, tenant_id, interaction_id, after_seq)
    return row, [(seq, _public(runtime, tenant_id, body)) for seq, body in batch]


def _deleted_tail(row, last_seq: int) -> list[str]:
    """The closing events of an interaction deleted while it was streamed. Delete cancels a running render and
    removes the event log in one transaction, so the log cannot deliver them: send what cancel would have sent,
    so that a client sees a final status instead of a stream that just stops, like a dropped connection."""
    status = row.status if row.status in TERMINAL else "cancelled"
    frames = []
    if row.status not in TERMINAL:
        last_seq += 1
        frames.append(_frame(last_seq, {"event_type": "interaction.status_update", "interaction_id": row.id,
                                        "status": status}))
    final = types.SimpleNamespace(**row._asdict())
    final.status, final.updated_at = status, clock.now()
    frames.append(_frame(last_seq + 1, completed_event(final)))
    return frames


async def stream(request: Request, runtime, tenant_id: str, interaction_id: str, after_seq: int) -> AsyncIterator[str]:
    """Replay the events after `after_seq`, then follow live; ends after `interaction.completed`, at once when the
    interaction is already terminal (nothing more can come), and with closing events when it is deleted."""
    last = after_seq
    last_sent = time.monotonic()
    keepalive = runtime.settings.keepalive_interval_s
    known = None  # the interaction row as last seen
    while True:
        row, batch = await run_in_threadpool(_read, runtime, interaction_id, tenant_id, last)
        for seq, body in batch:
            yield _frame(seq, body)
            last = seq
            last_sent = time.monotonic()
            if body.get("event_type") == events.TERMINAL_EVENT:
                return
        if batch:
            known = row or known
            continue
        if row is None:
            if known is not None:
                for frame in _deleted_tail(known, last):
                    yield frame
            return
        known = row
        if row.status in TERMINAL:
            return  # resumed at or past the last event of a finished interaction
        if await request.is_disconnected():
            return
        if time.monotonic() - last_sent >= keepalive:
            yield ": ping\n\n"
            last_sent = time.monotonic()
        await asyncio.sleep(POLL_S)
