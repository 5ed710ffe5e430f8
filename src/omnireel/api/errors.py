"""Render errors as Google-style JSON. Only this module turns exceptions into responses; nothing echoes internals."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from omnireel.api.responses import SafeJSONResponse as JSONResponse
from omnireel.errors import OmnireelError
from omnireel.services.request_parsing import clip

log = logging.getLogger("omnireel.api")

_HTTP_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    507: "RESOURCE_EXHAUSTED",
}


def is_files_path(path: str) -> bool:
    return "/files" in path


def error_body(http_status: int, code: str, message: str, status: str, *, files_api: bool) -> dict:
    # Interactions clients read a string `code`; the Files client reads google.rpc.Status with an int `code`.
    if files_api:
        return {"error": {"code": http_status, "message": message, "status": status}}
    return {"error": {"code": code, "message": message, "status": status}}


def render(request: Request, exc: OmnireelError, headers: dict | None = None) -> JSONResponse:
    body = error_body(exc.http_status, exc.code, exc.message, exc.status, files_api=is_files_path(request.url.path))
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(OmnireelError)
    async def _ours(request: Request, exc: OmnireelError):
        if exc.http_status >= 500:
            log.error("request failed: %s %s: %s", request.method, request.url.path, exc.code)
        return render(request, exc, getattr(exc, "headers", None))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        status = exc.status_code
        if status == 404:
            message = f"No such endpoint: {clip(request.method, 16)} {clip(request.url.path, 128)}."
        elif status == 405:
            message = f"Method {clip(request.method, 16)} is not allowed on {clip(request.url.path, 128)}."
        else:
            message = "Request rejected."
        name = _HTTP_STATUS_NAMES.get(status, "UNKNOWN")
        body = error_body(status, name.lower(), message, name, files_api=is_files_path(request.url.path))
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        message = f"Invalid value for {where}." if where else "Invalid request."
        body = error_body(400, "invalid_request", message, "INVALID_ARGUMENT", files_api=is_files_path(request.url.path))
        return JSONResponse(body, status_code=400)

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError):
        # PostgreSQL cannot hold a NUL character in text, so looking up an id or name containing one (`abc%00`)
        # fails in the driver where SQLite simply finds nothing: answer as SQLite does, with a 404.
        if "NUL" in str(exc.orig):
            body = error_body(404, "not_found", "Not found.", "NOT_FOUND", files_api=is_files_path(request.url.path))
            return JSONResponse(body, status_code=404)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        ref = uuid.uuid4().hex[:12]
        log.exception("unhandled error (ref %s) on %s %s", ref, request.method, request.url.path)
        body = error_body(
            500, "internal", f"Internal error (reference {ref}).", "INTERNAL", files_api=is_files_path(request.url.path)
        )
        return JSONResponse(body, status_code=500)
