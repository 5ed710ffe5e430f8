"""The sandboxed upload probe: real videos get a duration, broken ones a message; a hostile file cannot hurt us."""

import numpy as np

from omnireel.media.encode import VideoWriter
from omnireel.media.upload_probe import probe_upload


def test_probe_reads_the_duration_of_a_real_video(tmp_path):
    path = tmp_path / "ok.mp4"
    with VideoWriter(path, 64, 48) as writer:
        writer.write_audio(np.zeros((2, 48000), np.float32))
        for i in range(36):
            writer.write_frame(np.full((48, 64, 3), i, np.uint8))
    seconds, error = probe_upload(path, "video/mp4", 40_000_000)
    assert error is None and abs(seconds - 1.5) < 0.05


def test_probe_rejects_garbage_and_oversized_frames(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    seconds, error = probe_upload(junk, "video/mp4", 40_000_000)
    assert seconds is None and error
    path = tmp_path / "big.mp4"
    with VideoWriter(path, 640, 480, audio=False) as writer:
        writer.write_frame(np.zeros((480, 640, 3), np.uint8))
    seconds, error = probe_upload(path, "video/mp4", 100_000)
    assert "640x480" in error
