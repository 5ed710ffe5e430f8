"""/{version}/interactions: create (JSON, blocking or background, or SSE), get (JSON or SSE resume), cancel, delete."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from omnireel.api import sse
from omnireel.api.auth import current_tenant
from omnireel.api.responses import SafeJSONResponse as JSONResponse
from omnireel.api.routes import VERSION
from omnireel.errors import InvalidArgument, UnsupportedMedia
from omnireel.jobs import events
from omnireel.jobs.queue import TERMINAL
from omnireel.services import idempotency as idempotency_service
from omnireel.services import interactions as service
from omnireel.services.request_parsing import check_json, clip, load_json, parse_create

router = APIRouter()

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
WAIT_POLL_S = 0.1


def _bool_query(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    low = value.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise InvalidArgument(f"Query parameter '{name}' must be true or false.", field=name)


def _check_json_content_type(request: Request) -> None:
    """A create body is JSON. The SDK sends application/json (a charset parameter is fine); a form post or plain
    text is refused rather than parsed as JSON by accident. No Content-Type at all is read as JSON (curl -d sends a
    form type, but hand-written clients often send none)."""
    raw = request.headers.get("content-type")
    if raw is None or not raw.strip():
        return
    media_type = raw.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return
    raise UnsupportedMedia(f"Content-Type {clip(media_type)} is not supported for this request: send the body as "
                           "JSON with Content-Type: application/json.", code="unsupported_content_type")


def _body_too_large(limit: int) -> InvalidArgument:
    # 400 INVALID_ARGUMENT, as the hosted API answers "Request payload size exceeds the limit" (the SDK raises
    # BadRequestError for it; a 413 would be a bare APIStatusError).
    return InvalidArgument(f"The request body is larger than {limit // 2**20} MB; upload large media with the Files "
                           "API and pass its uri.", code="payload_too_large")


async def _json_body(request: Request) -> dict:
    _check_json_content_type(request)
    # Read with a cap: inline media makes bodies large, but never unbounded.
    limit = request.app.state.runtime.settings.max_request_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _body_too_large(limit)
    parts, size = [], 0
    async for piece in request.stream():
        size += len(piece)
        if size > limit:
            raise _body_too_large(limit)
        parts.append(piece)
    raw = b"".join(parts)
    if not raw:
        raise InvalidArgument("The request body is empty; send a JSON object with 'model' and 'input'.")
    body = load_json(raw)
    # Before anything is stored: text that UTF-8 cannot carry would otherwise fail only when the answer is written,
    # after the interaction was committed (and the SDK, seeing a 500, would retry and create it again).
    check_json(body)
    return body


@router.post("/{version}/interactions")
async def create_interaction(request: Request, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    runtime = request.app.state.runtime
    body = await _json_body(request)
    spec = parse_create(body)
    idempotency = None
    if request.headers.get("idempotency-key") is not None:
        key = idempotency_service.check_key(request.headers["idempotency-key"])
        idempotency = (key, idempotency_service.fingerprint(body))
    interaction_id = await run_in_threadpool(service.create, runtime, tenant.id, spec, idempotency)
    if spec.stream:
        events_ = sse.stream(request, runtime, tenant.id, interaction_id, 0)
        if not spec.store:
            events_ = _forget_after(events_, runtime, tenant.id, interaction_id)
        return StreamingResponse(events_, media_type="text/event-stream", headers=SSE_HEADERS)
    if not spec.background:
        # Blocking create: wait for a terminal state. The job is durable, so a dropped client loses nothing.
        while await run_in_threadpool(service.status_of, runtime, tenant.id, interaction_id) not in TERMINAL:
            if await request.is_disconnected():
                break
            await asyncio.sleep(WAIT_POLL_S)
    row = await run_in_threadpool(service.get_row, runtime, tenant.id, interaction_id)
    body = await run_in_threadpool(service.render, runtime, row)
    if not spec.store and row.status in TERMINAL:
        await run_in_threadpool(service.remove, runtime, tenant.id, interaction_id)
    return JSONResponse(body)


async def _forget_after(events_, runtime, tenant_id: str, interaction_id: str):
    """store=false: once the stream has delivered the result, the interaction is not kept."""
    async for frame in events_:
        yield frame
    if await run_in_threadpool(service.status_of, runtime, tenant_id, interaction_id) in TERMINAL:
        await run_in_threadpool(service.remove, runtime, tenant_id, interaction_id)


@router.get("/{version}/interactions/{interaction_id}")
async def get_interaction(
    request: Request,
    interaction_id: str,
    version: str = Path(pattern=VERSION),
    stream: str | None = Query(None),
    include_input: str | None = Query(None),
    last_event_id: str | None = Query(None),
    tenant=Depends(current_tenant),
):
    runtime = request.app.state.runtime
    row = await run_in_threadpool(service.get_row, runtime, tenant.id, interaction_id)
    if _bool_query(stream, "stream"):
        after = events.parse_event_id(last_event_id)
        return StreamingResponse(sse.stream(request, runtime, tenant.id, interaction_id, after),
                                 media_type="text/event-stream", headers=SSE_HEADERS)
    body = await run_in_threadpool(service.render, runtime, row, include_input=_bool_query(include_input, "include_input"))
    return JSONResponse(body)


@router.post("/{version}/interactions/{interaction_id}/cancel")
def cancel_interaction(request: Request, interaction_id: str, version: str = Path(pattern=VERSION),
                       tenant=Depends(current_tenant)):
    runtime = request.app.state.runtime
    row = service.cancel(runtime, tenant.id, interaction_id)
    return JSONResponse(service.render(runtime, row))


@router.delete("/{version}/interactions/{interaction_id}")
def delete_interaction(request: Request, interaction_id: str, version: str = Path(pattern=VERSION),
                       tenant=Depends(current_tenant)):
    service.remove(request.app.state.runtime, tenant.id, interaction_id)
    return JSONResponse({})
