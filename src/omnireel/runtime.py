"""The Runtime: everything built once from Settings (database, blob store, engine registry, worker pool)."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from omnireel.config import Settings
from omnireel.engines.registry import EngineRegistry
from omnireel.storage import db as dbmod
from omnireel.storage.blobs import DiskBlobStore

log = logging.getLogger("omnireel")


class Runtime:
    def __init__(self, settings: Settings, *, start_workers: bool = True):
        settings.validate()
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = dbmod.make_database(settings.db_url)
        dbmod.migrate(settings.db_url)
        self.blobs = make_blob_store(settings)
        self.engines = EngineRegistry.from_settings(settings)
        self.workers = None
        self._start_workers = start_workers
        self._lock_fd: int | None = None

    def start(self) -> None:
        """Start the in-process workers and reaper (the API process is the single writer of a SQLite data dir)."""
        if self.settings.db_url.startswith("sqlite"):
            self._take_data_dir_lock()
            # This process alone owns the data dir now: no render is running, so every temp file is debris.
            self.blobs.purge_temp()
        from omnireel.jobs.executor import WorkerPool

        self.workers = WorkerPool(self)
        self.workers.recover_after_restart()
        if self._start_workers:
            self.workers.start()

    def stop(self) -> None:
        if self.workers is not None:
            self.workers.stop(self.settings.shutdown_grace_s)
        self.db.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _take_data_dir_lock(self) -> None:
        # SQLite WAL needs every writer on one host; one server per data dir keeps lease recovery simple and safe.
        path = Path(self.settings.data_dir) / "server.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SystemExit(f"another omnireel server is already using the data directory {self.settings.data_dir}")
        self._lock_fd = fd


def make_blob_store(settings: Settings):
    """The configured blob store; an S3 bucket that cannot be reached stops startup with the reason."""
    if settings.blob_store != "s3":
        return DiskBlobStore(settings.blob_dir)
    from omnireel.storage.blobs.s3 import BucketUnreachable, S3BlobStore

    store = S3BlobStore(settings.s3_bucket, prefix=settings.s3_prefix, endpoint_url=settings.s3_endpoint_url,
                        region=settings.s3_region, scratch_dir=settings.data_dir / "scratch")
    try:
        store.check_bucket()
    except BucketUnreachable as exc:
        raise SystemExit(f"omnireel cannot start: {exc}")
    return store
