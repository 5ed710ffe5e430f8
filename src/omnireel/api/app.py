"""The ASGI app factory: wires the Runtime, routes and error rendering together."""

from __future__ import annotations

import contextlib
import logging

from fastapi import FastAPI

from omnireel import __version__
from omnireel.api import errors
from omnireel.api.routes import files, health, interactions, models, uploads
from omnireel.config import Settings
from omnireel.runtime import Runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    runtime = runtime or Runtime(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.start()
        try:
            yield
        finally:
            runtime.stop()

    app = FastAPI(title="omnireel", version=__version__, lifespan=lifespan, docs_url="/docs", redoc_url=None)
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
    return app
