"""Temp files of renders that died are removed: all at startup, only stale ones while renders may be running."""

from __future__ import annotations

import os
import time

from omnireel.storage.blobs import DiskBlobStore


def test_purge_removes_stale_temp_files_and_keeps_live_ones(tmp_path):
    store = DiskBlobStore(tmp_path / "blobs")
    stale, live = store.temp_path(".mp4"), store.temp_path(".mp4")
    stale.write_bytes(b"half a video")
    live.write_bytes(b"being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert store.purge_temp(older_than_s=600) == 1
    assert not stale.exists() and live.exists()
    store.put_chunks("abcd1234", [b"kept"])  # stored blobs are never touched
    assert store.purge_temp() == 1 and not live.exists()
    assert b"".join(store.iter_range("abcd1234")) == b"kept"
