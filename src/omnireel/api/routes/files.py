"""GET/DELETE /{version}/files[/{id}] and GET /{version}/files/{id}:download (streamed, with HTTP range requests)."""

from __future__ import annotations

import mimetypes
import re

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse

from omnireel.api import errors
from omnireel.api.auth import current_tenant
from omnireel.api.responses import SafeJSONResponse as JSONResponse
from omnireel.api.routes import VERSION
from omnireel.errors import FailedPrecondition, InvalidArgument, NotFound
from omnireel.services import files as files_service
from omnireel.services.request_parsing import clip

router = APIRouter()

DEFAULT_PAGE_SIZE = 10  # Google's default for files.list
_NAME = re.compile(files_service.NAME_PATTERN)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_READ_CHUNK = 1 << 20


@router.get("/{version}/files")
def list_files(request: Request, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    runtime = request.app.state.runtime
    params = request.query_params
    raw_size = params.get("pageSize") or params.get("page_size")
    page_size = DEFAULT_PAGE_SIZE
    if raw_size:
        if not raw_size.strip().isdigit():
            raise InvalidArgument("pageSize must be a non-negative integer.", field="pageSize")
        # 0 means "server default"; larger than the maximum is clamped, as the hosted API does.
        page_size = min(int(raw_size), runtime.settings.list_page_size_max) or DEFAULT_PAGE_SIZE
    rows, next_token = files_service.list_page(
        runtime, tenant.id, page_size, params.get("pageToken") or params.get("page_token") or None
    )
    body: dict = {"files": [files_service.resource(row, runtime.settings) for row in rows]}
    if next_token:
        body["nextPageToken"] = next_token
    return body


@router.get("/{version}/files/{name}")
def get_file(request: Request, name: str, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    runtime = request.app.state.runtime
    file_id, action = _parse_name(name)
    if action == "download":
        return _download(request, runtime, tenant.id, file_id)
    if action is not None:
        raise NotFound(f"No such endpoint: {request.method} {clip(request.url.path, 128)}.")
    return files_service.resource(files_service.get_by_name(runtime, tenant.id, file_id), runtime.settings)


@router.delete("/{version}/files/{name}")
def delete_file(request: Request, name: str, version: str = Path(pattern=VERSION), tenant=Depends(current_tenant)):
    file_id, action = _parse_name(name)
    if action is not None:
        raise NotFound(f"No such endpoint: {request.method} {clip(request.url.path, 128)}.")
    files_service.mark_deleted(request.app.state.runtime, tenant.id, file_id)
    return {}


def _parse_name(name: str) -> tuple[str, str | None]:
    """`abc` or `abc:download` (the custom-method colon lands inside the path parameter)."""
    file_id, _, action = name.partition(":")
    if not _NAME.fullmatch(file_id):
        # Never a valid id, so it cannot exist; the message does not echo arbitrary client text.
        raise NotFound("File not found.")
    return file_id, action or None


def _download(request: Request, runtime, tenant_id: str, file_id: str):
    alt = request.query_params.get("alt")
    if alt not in (None, "media"):
        raise InvalidArgument("alt must be 'media' for a download.", field="alt")
    row = files_service.get_by_name(runtime, tenant_id, file_id)
    if row.state != "ACTIVE" or not row.blob_key:
        raise FailedPrecondition(f"File files/{file_id} is {row.state} and cannot be downloaded.")
    try:
        # Opened now, not lazily: a delete racing the download then cannot cut the stream short.
        handle = runtime.blobs.open(row.blob_key)
    except FileNotFoundError:
        raise NotFound(f"File files/{file_id} not found.")
    size = row.size_bytes
    headers = {
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{files_service.public_name(row)}{mimetypes.guess_extension(row.mime_type) or ""}"',
    }
    if row.sha256:
        headers["ETag"] = f'"{row.sha256}"'
    start, end = 0, size
    status = 200
    wanted = _requested_range(request, row, size)
    if wanted == "unsatisfiable":
        handle.close()
        body = errors.error_body(416, "range_not_satisfiable", f"The requested range is outside the file's {size} "
                                 "bytes.", "INVALID_ARGUMENT", files_api=True)
        return JSONResponse(body, status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if wanted is not None:
        start, end = wanted
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    return StreamingResponse(_stream(handle, start, end), status_code=status, media_type=row.mime_type,
                             headers=headers)


def _requested_range(request: Request, row, size: int):
    """(start, end) of a single satisfiable byte range, "unsatisfiable", or None to send the whole file.

    Headers we do not understand (multiple ranges, other units, a stale If-Range) get the whole file,
    which RFC 9110 allows.
    """
    header = request.headers.get("range")
    if not header:
        return None
    if_range = request.headers.get("if-range")
    if if_range is not None and (not row.sha256 or if_range.strip() != f'"{row.sha256}"'):
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # suffix range: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - n), size
    start = int(first)
    end = size if last == "" else min(int(last) + 1, size)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignore the header
    if start >= size:
        return "unsatisfiable"
    return start, end


def _stream(handle, start: int, end: int):
    with handle:
        handle.seek(start)
        remaining = end - start
        while remaining > 0:
            data = handle.read(min(_READ_CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data
