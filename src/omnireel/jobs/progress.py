"""The engine-facing job context: progress with ETA (throttled), cancellation points and the job deadline."""

from __future__ import annotations

import time
from pathlib import Path

from omnireel.errors import JobCancelled, JobTimeout
from omnireel.jobs import queue

# Stream at most a few progress events a second; engines may report every frame.
MIN_INTERVAL_S = 0.5
MIN_STEP = 0.05


class JobContext:
    def __init__(self, db, job: queue.ClaimedJob, scratch_dir: Path, deadline_s: float):
        self._db = db
        self._job = job
        self.scratch_dir = scratch_dir
        self._started = time.monotonic()
        self._deadline = self._started + deadline_s
        self._last_sent = 0.0
        self._last_fraction = -1.0
        self._last_stage = None
        self.lost = False

    def check_cancelled(self) -> None:
        if self.lost:
            raise JobCancelled()
        if time.monotonic() > self._deadline:
            raise JobTimeout("The render took longer than the server's job time limit and was stopped.")

    def mark_lost(self) -> None:
        """Called by the heartbeat thread when the lease is gone (cancelled or reclaimed)."""
        self.lost = True

    def progress(self, stage: str, fraction: float) -> None:
        self.check_cancelled()
        fraction = min(1.0, max(0.0, float(fraction)))
        now = time.monotonic()
        throttled = now - self._last_sent < MIN_INTERVAL_S or fraction - self._last_fraction < MIN_STEP
        # The end of a stage is always reported, so a stream never stalls at some odd percentage.
        if stage == self._last_stage and throttled and not (fraction >= 1.0 > self._last_fraction):
            return
        elapsed = now - self._started
        eta = round(elapsed * (1 - fraction) / fraction, 1) if fraction > 0.02 else None
        payload = {"stage": stage, "percent": round(fraction * 100, 1)}
        if eta is not None:
            payload["eta_seconds"] = eta
        self._last_sent, self._last_fraction, self._last_stage = now, fraction, stage
        if not queue.record_progress(self._db, self._job, payload):
            self.lost = True
            raise JobCancelled()
