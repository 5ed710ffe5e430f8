"""Liveness and readiness probes."""

import shutil

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter()

LOW_DISK_BYTES = 2 * 1024**3


@router.get("/healthz")
def healthz():
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request):
    runtime = request.app.state.runtime
    checks = {}
    try:
        with runtime.db.connect().execution_options(readonly=True) as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    free = shutil.disk_usage(runtime.settings.data_dir).free
    checks["disk"] = "ok" if free >= LOW_DISK_BYTES else "low"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks}, status_code=200 if ready else 503)
