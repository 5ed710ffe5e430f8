"""The ASGI app factory: wires the Runtime, routes and error rendering together."""

from __future__ import annotations

import contextlib
import logging
import re

from fastapi import FastAPI

from omnireel import __version__
from omnireel.api import access_log, errors
from omnireel.api.responses import SafeJSONResponse
from omnireel.api.routes import files, health, interactions, models, uploads
from omnireel.config import Settings
from omnireel.runtime import Runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    runtime = runtime or Runtime(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        access_log.install()  # again, in case a server configured logging after create_app
        runtime.start()
        try:
            yield
        finally:
            runtime.stop()

    access_log.install()
    # No /docs, /redoc or /openapi.json: they would be served without a key. docs/api.md is the reference.
    app = FastAPI(title="omnireel", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None, default_response_class=SafeJSONResponse)
    app.state.runtime = runtime
    errors.install(app)
    for module in (health, models, interactions, uploads, files):
        app.include_router(module.router)
    try:
        from omnireel.studio import mount as mount_studio

        mount_studio(app)
    except ImportError:
        pass
    logging.getLogger("omnireel").setLevel(logging.INFO)
    app.add_middleware(TrailingSlash)
    return app


_API_PATH = re.compile(r"/(?:upload/)?v\d+[a-z0-9]*/.+/")


class TrailingSlash:
    """Serve `/v1/files/` as `/v1/files`. Starlette would answer with a redirect whose Location repeats the query
    string, and with it a `?key=` API key; API paths never need the redirect."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _API_PATH.fullmatch(scope["path"]):
            path = scope["path"].rstrip("/")
            raw = scope.get("raw_path")
            scope = {**scope, "path": path, "raw_path": raw.rstrip(b"/") if raw else raw}
        await self.app(scope, receive, send)
