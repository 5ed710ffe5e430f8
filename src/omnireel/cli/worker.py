"""`omnireel worker`: a render worker process with no HTTP, consuming the job queue of a shared PostgreSQL database.

Any number of workers on any number of hosts claim jobs with a lease and fencing token (jobs/queue.py), render
them with the engines this host has, and store outputs in the shared blob store (the data directory on a shared
filesystem). Each also runs the reaper, so a host that dies has its jobs requeued by the survivors. Webhooks stay
with `omnireel serve`, which holds their signing key.

SQLite is refused: it allows one writer on one host, and `omnireel serve` is that writer.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Optional

import typer

log = logging.getLogger("omnireel.worker")

SQLITE_REFUSAL = (
    "omnireel worker needs a shared PostgreSQL database: set OMNIREEL_DATABASE_URL=postgresql+psycopg://USER@HOST/DB "
    "(the same as the API server's). With SQLite, `omnireel serve` runs the workers itself: a SQLite database has a "
    "single writer on a single host."
)


def worker(
    data_dir: Optional[Path] = typer.Option(
        None, help="Shared data directory holding the blobs (the API server's; env OMNIREEL_DATA_DIR)."),
    workers: Optional[int] = typer.Option(
        None, help="Jobs rendered at once by this process (default 2; env OMNIREEL_WORKERS)."),
    log_level: str = typer.Option("info", help="Log level (debug, info, warning, error)."),
):
    """Run render workers only (no HTTP) against the shared PostgreSQL database and blob store."""
    from omnireel.config import Settings

    try:
        settings = Settings.from_env(data_dir=data_dir, workers=workers)
        settings.validate()
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    if not settings.db_url.startswith("postgresql"):
        typer.echo(f"error: {SQLITE_REFUSAL}", err=True)
        raise typer.Exit(2)
    if settings.workers < 1:
        typer.echo("error: a worker process needs --workers 1 or more.", err=True)
        raise typer.Exit(2)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise typer.Exit(run(settings))


def run(settings, stop: threading.Event | None = None) -> int:
    """Serve jobs until SIGTERM or SIGINT (or `stop` is set), then stop gracefully; returns the exit status.

    On the signal the worker claims nothing more, lets running renders finish within `shutdown_grace_s`, and hands
    back the leases of those still running (their attempt refunded) so another worker starts them at once instead
    of waiting for the lease to expire.
    """
    from sqlalchemy.engine import make_url

    from omnireel.runtime import Runtime

    stop = stop or threading.Event()
    runtime = Runtime(settings, start_workers=False)
    runtime.start()
    runtime.workers.start(deliver_webhooks=False)
    database = make_url(settings.db_url).render_as_string(hide_password=True)
    log.info("worker %s: %d render slots on %s, blobs in %s", runtime.workers.owner, settings.workers, database,
             settings.blob_dir)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    log.info("worker %s stopping: running jobs get up to %.0f s", runtime.workers.owner, settings.shutdown_grace_s)
    runtime.stop()
    log.info("worker %s stopped", runtime.workers.owner)
    return 0
