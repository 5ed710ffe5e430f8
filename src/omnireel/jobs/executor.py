"""The in-process worker pool: worker threads claim jobs, one heartbeat thread renews their leases, and a reaper
requeues jobs of dead workers and expires files and upload sessions."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import TYPE_CHECKING

from omnireel import ids
from omnireel.jobs import queue
from omnireel.jobs.runner import run_job

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

log = logging.getLogger("omnireel.jobs")


class WorkerPool:
    def __init__(self, runtime: "Runtime"):
        self.runtime = runtime
        self.settings = runtime.settings
        # jobs.lease_owner holds 64 characters, and PostgreSQL (unlike SQLite) enforces it: long host names are cut.
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{ids.new_id(6)}"
        self._stop = threading.Event()
        # Set only once the workers have finished or the grace period is over: a job finishing during a graceful
        # stop keeps its lease, or a reaper elsewhere would hand it to another worker while it is still running.
        self._heartbeats_stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._active: dict[str, tuple[queue.ClaimedJob, dict]] = {}
        self._lock = threading.Lock()

    def recover_after_restart(self) -> None:
        if self.settings.db_url.startswith("sqlite"):
            requeued, failed = queue.recover_all_running(self.runtime.db)
            if requeued or failed:
                log.warning("recovered jobs of a previous run: %d requeued, %d failed", requeued, failed)

    def start(self, *, deliver_webhooks: bool = True) -> None:
        """Start the render workers, the heartbeat and the reaper, and the webhook sender unless told not to (a
        standalone `omnireel worker` leaves webhooks to the API server, which holds their signing key)."""
        for i in range(self.settings.workers):
            self._spawn(self._work_loop, f"omnireel-worker-{i}")
        self._spawn(self._heartbeat_loop, "omnireel-heartbeat")
        self._spawn(self._reaper_loop, "omnireel-reaper")
        if deliver_webhooks:
            self._spawn(self._webhook_loop, "omnireel-webhooks")

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def notify(self) -> None:
        """A job was enqueued: wake an idle worker now rather than at its next poll."""
        self._wake.set()

    def stop(self, grace_s: float = 30.0) -> None:
        """Stop claiming, let running jobs finish within the grace period, then release what is left."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + grace_s
        for thread in self._threads:
            if thread.name.startswith("omnireel-worker"):
                thread.join(max(0.0, deadline - time.monotonic()))
        self._heartbeats_stop.set()
        with self._lock:
            leftovers = list(self._active.values())
        for job, holder in leftovers:
            ctx = holder.get("ctx")
            if ctx is not None:
                ctx.mark_lost()
            try:
                with self.runtime.db.begin() as conn:
                    if queue.still_owned(conn, job):
                        queue.release_for_retry(conn, job.id, refund_attempt=True)
                        queue.mark_requeued(conn, job.interaction_id, job.tenant_id)
            except Exception:
                log.exception("could not release job %s on shutdown", job.id)

    def _work_loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = queue.claim(self.runtime.db, self.owner, self.settings.lease_ttl_s)
            except Exception:
                log.exception("claim failed")
                job = None
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            holder: dict = {}
            with self._lock:
                self._active[job.id] = (job, holder)
            try:
                run_job(self.runtime, job, holder)
            finally:
                with self._lock:
                    self._active.pop(job.id, None)

    def _heartbeat_loop(self) -> None:
        interval = max(0.2, self.settings.lease_ttl_s / 3)
        while not self._heartbeats_stop.wait(interval):
            with self._lock:
                active = list(self._active.values())
            for job, holder in active:
                try:
                    if not queue.heartbeat(self.runtime.db, job, self.settings.lease_ttl_s):
                        ctx = holder.get("ctx")
                        if ctx is not None:
                            ctx.mark_lost()
                except Exception:
                    log.exception("heartbeat failed for job %s", job.id)

    def _webhook_loop(self) -> None:
        from omnireel.jobs import webhooks

        while not self._stop.wait(0.5):
            try:
                webhooks.deliver_due(self.runtime)
            except Exception:
                log.exception("webhook delivery sweep failed")

    def _reaper_loop(self) -> None:
        from omnireel.services import files as files_service
        from omnireel.services import idempotency

        while not self._stop.wait(self.settings.sweep_interval_s):
            try:
                requeued, failed = queue.reap_expired(self.runtime.db)
                if requeued or failed:
                    log.warning("reaper: %d jobs requeued, %d failed after their last attempt", requeued, failed)
                    self._wake.set()
                files_service.expire(self.runtime)
                idempotency.purge(self.runtime.db)
                # Output temp files of renders that died: a job runs at most job_timeout_s, so a file untouched
                # for longer (plus a lease to notice) belongs to no live render, whatever its engine.
                self.runtime.blobs.purge_temp(self.settings.job_timeout_s + self.settings.lease_ttl_s)
                try:
                    from omnireel.services import uploads

                    uploads.expire_sessions(self.runtime)
                except (ImportError, AttributeError):
                    pass
            except Exception:
                log.exception("reaper sweep failed")
