"""Server-sent events for an interaction: replay the stored log after a given event id, then follow it live.

The SDK reads only the `data:` JSON, so the resumable id travels inside it as `event_id`; `event:` and `id:` lines
are sent too for other clients. Comment lines keep idle connections alive through proxies and client timeouts.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from omnireel.jobs import events
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
    public, note = interactions_service.render_video_block(runtime, tenant_id, delta)
    return {**body, "delta": public}


def _read(runtime, interaction_id: str, tenant_id: str, after_seq: int):
    with runtime.db.connect().execution_options(readonly=True) as conn:
        batch = events.after(conn, interaction_id, tenant_id, after_seq)
    return [(seq, _public(runtime, tenant_id, body)) for seq, body in batch]


async def stream(request: Request, runtime, tenant_id: str, interaction_id: str, after_seq: int) -> AsyncIterator[str]:
    last = after_seq
    last_sent = time.monotonic()
    keepalive = runtime.settings.keepalive_interval_s
    idle_polls = 0
    while True:
        batch = await run_in_threadpool(_read, runtime, interaction_id, tenant_id, last)
        for seq, body in batch:
            yield _frame(seq, body)
            last = seq
            last_sent = time.monotonic()
            if body.get("event_type") == events.TERMINAL_EVENT:
                return
        if batch:
            idle_polls = 0
            continue
        idle_polls += 1
        if idle_polls % 20 == 0:
            # The interaction may have been deleted while we followed it: end instead of pinging forever.
            try:
                await run_in_threadpool(interactions_service.status_of, runtime, tenant_id, interaction_id)
            except Exception:
                return
        if await request.is_disconnected():
            return
        if time.monotonic() - last_sent >= keepalive:
            yield ": ping\n\n"
            last_sent = time.monotonic()
        await asyncio.sleep(POLL_S)
