"""POST /upload/{version}/files: the resumable upload wire protocol (start with an API key; chunks by session URL).

Every answer on an upload URL carries X-Goog-Upload-Status. The SDK re-sends a chunk whose answer lacks it and
advances its offset after any answer that has it, so errors go out with `final`: the SDK then raises at once.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from omnireel.api import errors
from omnireel.api.auth import current_tenant
from omnireel.api.responses import SafeJSONResponse as JSONResponse
from omnireel.api.routes import VERSION
from omnireel.errors import InvalidArgument, OmnireelError, PayloadTooLarge
from omnireel.services import uploads
from omnireel.services.request_parsing import check_json, load_json

log = logging.getLogger("omnireel.api")
router = APIRouter()

STATUS = "X-Goog-Upload-Status"
_CHUNK_COMMANDS = ({"upload"}, {"upload", "finalize"}, {"finalize"}, {"query"}, {"cancel"})
_MAX_START_BODY = 64 * 1024
_DRAIN_LIMIT = 16 * 1024 * 1024  # read and drop up to this much of a rejected chunk so the client sees our answer


@router.post("/upload/{version}/files")
async def upload(request: Request, version: str = Path(pattern=VERSION)):
    runtime = request.app.state.runtime
    commands = {c.strip().lower() for c in request.headers.get("x-goog-upload-command", "").split(",") if c.strip()}
    session_id = request.query_params.get("upload_id")
    try:
        if session_id is None:
            tenant = await run_in_threadpool(current_tenant, request)
            return await _start(request, runtime, tenant.id, version, commands)
        if commands not in _CHUNK_COMMANDS:
            raise InvalidArgument(
                "X-Goog-Upload-Command must be one of: upload; upload, finalize; finalize; query; cancel.")
        answer = await uploads.handle(
            runtime, session_id, commands, _int_header(request, "x-goog-upload-offset"),
            _int_header(request, "content-length"), _body(request),
        )
    except OmnireelError as exc:
        await _drain(request)
        return errors.render(request, exc, headers={STATUS: "final"})
    except Exception:
        ref = uuid.uuid4().hex[:12]
        log.exception("unhandled error (ref %s) on upload", ref)
        await _drain(request)
        return errors.render(request, OmnireelError(f"Internal error (reference {ref})."), headers={STATUS: "final"})
    headers = {STATUS: answer.status, "X-Goog-Upload-Size-Received": str(answer.size_received)}
    if answer.file is not None:
        return JSONResponse({"file": answer.file}, headers=headers)
    return Response(status_code=200, headers=headers)


async def _start(request: Request, runtime, tenant_id: str, version: str, commands: set[str]) -> Response:
    if commands != {"start"}:
        raise InvalidArgument(
            "Start an upload with X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start; "
            "send chunks to the X-Goog-Upload-URL it returns.")
    length = _int_header(request, "content-length")
    if length is not None and length > _MAX_START_BODY:
        raise PayloadTooLarge("The upload start request body is too large; it holds only the file's metadata.")
    raw = b""
    async for piece in request.stream():
        raw += piece
        if len(raw) > _MAX_START_BODY:
            raise PayloadTooLarge("The upload start request body is too large; it holds only the file's metadata.")
    body = load_json(raw, "The upload start request body") if raw.strip() else {}
    check_json(body, "The upload start request body")
    if not isinstance(body, dict):
        raise InvalidArgument("The upload start request body must be a JSON object.")
    url = await run_in_threadpool(
        uploads.start, runtime, tenant_id, version, body,
        request.headers.get("x-goog-upload-header-content-length"),
        request.headers.get("x-goog-upload-header-content-type"),
    )
    return Response(status_code=200, headers={
        "X-Goog-Upload-URL": url,
        STATUS: "active",
        "X-Goog-Upload-Chunk-Granularity": str(uploads.CHUNK_GRANULARITY),
    })


def _int_header(request: Request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 19:
        raise InvalidArgument(f"{name} must be a non-negative integer.")
    return int(raw)


async def _body(request: Request):
    """The chunk body as it arrives; a client that disconnects simply ends it (the service keeps what came)."""
    try:
        async for piece in request.stream():
            if piece:
                yield piece
    except ClientDisconnect:
        return


async def _drain(request: Request) -> None:
    # Answering before the body is read makes many clients fail on a broken pipe instead of reading our error.
    seen = 0
    try:
        async for piece in request.stream():
            seen += len(piece)
            if seen > _DRAIN_LIMIT:
                return
    except (ClientDisconnect, RuntimeError):  # RuntimeError: the stream was already consumed
        return
