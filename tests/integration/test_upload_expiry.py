"""Expiry of upload sessions: expire_sessions deletes expired sessions, their part files and orphan parts."""

from __future__ import annotations

import os
import time

from sqlalchemy import select

from omnireel import clock
from omnireel.config import Settings
from omnireel.runtime import Runtime
from omnireel.services import uploads
from omnireel.storage.tables import upload_sessions


def _session_ids(runtime) -> set[str]:
    with runtime.db.connect() as conn:
        return set(conn.execute(select(upload_sessions.c.id)).scalars())


def test_expire_sessions_removes_expired_sessions_and_orphan_parts(tmp_path, monkeypatch):
    runtime = Runtime(Settings(data_dir=tmp_path / "data", upload_session_ttl_s=3600), start_workers=False)
    try:
        url = uploads.start(runtime, "alice", "v1", {"file": {"mime_type": "image/png"}}, "10", None)
        session_id = url.split("upload_id=")[1].split("&")[0]
        part = uploads.part_path(runtime.settings, session_id)
        assert part.exists() and _session_ids(runtime) == {session_id}
        orphan = part.with_name("0" * 32 + ".part")
        orphan.write_bytes(b"left by a crash")
        fresh_orphan = part.with_name("1" * 32 + ".part")
        fresh_orphan.write_bytes(b"maybe a start in progress")
        old = time.time() - 3600
        os.utime(orphan, (old, old))

        assert uploads.expire_sessions(runtime) == 1  # only the orphan: the session has not expired yet
        assert part.exists() and not orphan.exists() and fresh_orphan.exists()

        later = time.time() + 3601
        monkeypatch.setattr(clock, "now", lambda: later)
        assert uploads.expire_sessions(runtime) == 2  # the session, and the orphan that is now an hour old
        assert not part.exists() and not fresh_orphan.exists() and _session_ids(runtime) == set()
    finally:
        runtime.stop()
