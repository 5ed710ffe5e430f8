"""VideoWriter + probe: exact 24 fps timing, exact frame counts, AAC audio that ends with the picture."""

from __future__ import annotations

import numpy as np
import pytest

from omnireel.media.encode import VideoWriter
from omnireel.media.probe import probe
from tests.unit.media.helpers import decode_all


def _tone(seconds: float, sr: int = 48000) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return np.stack([0.3 * np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 330 * t)]).astype(np.float32)


def _frames(n: int, w: int, h: int):
    for i in range(n):
        f = np.zeros((h, w, 3), np.uint8)
        f[:, : (i * 7) % w] = (200, 40, 40)
        yield f


@pytest.mark.parametrize("frames", [72, 73, 61])
def test_exact_frame_count_and_duration(tmp_path, frames):
    path = tmp_path / "out.mp4"
    audio = _tone(frames / 24)
    with VideoWriter(path, 320, 180) as w:
        # Audio in uneven pieces, interleaved with frames: the writer must reassemble AAC blocks.
        pieces = np.array_split(audio, 7, axis=1)
        for i, f in enumerate(_frames(frames, 320, 180)):
            if i < len(pieces):
                w.write_audio(pieces[i])
            w.write_frame(f)
    d = decode_all(path)
    assert d["frames"] == frames
    assert d["fps"] == 24
    assert d["size"] == (320, 180)
    assert d["codec"] == "h264" and d["pix_fmt"] == "yuv420p"
    assert abs(d["duration"] - frames / 24) < 1 / 24
    assert d["audio_codec"] == "aac" and d["sample_rate"] == 48000 and d["channels"] == 2
    assert np.sqrt(np.mean(d["audio"] ** 2)) > 0.05
    # The audio track covers the picture (AAC may round up to its last 1024-sample block).
    assert abs(d["audio"].shape[1] / 48000 - frames / 24) < 1024 / 48000 + 1e-3
    info = probe(path)
    assert (info.width, info.height, info.fps, info.frame_count) == (320, 180, 24.0, frames)
    assert abs(info.duration_s - frames / 24) < 1 / 24
    assert info.has_audio and info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.audio_sample_rate == 48000


def test_short_audio_is_padded_and_video_only_works(tmp_path):
    path = tmp_path / "pad.mp4"
    with VideoWriter(path, 64, 64) as w:
        w.write_audio(_tone(0.2)[0])  # mono, much shorter than the picture
        for f in _frames(48, 64, 64):
            w.write_frame(f)
    d = decode_all(path)
    assert d["frames"] == 48 and abs(d["audio"].shape[1] / 48000 - 2.0) < 0.03
    silent = tmp_path / "noaudio.mp4"
    with VideoWriter(silent, 64, 64, audio=False) as w:
        for f in _frames(24, 64, 64):
            w.write_frame(f)
    info = probe(silent)
    assert not info.has_audio and info.frame_count == 24


def test_faststart_puts_index_first(tmp_path):
    path = tmp_path / "fs.mp4"
    with VideoWriter(path, 64, 64) as w:
        for f in _frames(24, 64, 64):
            w.write_frame(f)
    head = path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_failed_render_leaves_no_file(tmp_path):
    path = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(path, 64, 64) as w:
            w.write_frame(np.zeros((64, 64, 3), np.uint8))
            raise RuntimeError("renderer crashed")
    assert not path.exists()


def test_rejects_wrong_frame_shape(tmp_path):
    with VideoWriter(tmp_path / "x.mp4", 64, 64) as w:
        with pytest.raises(ValueError):
            w.write_frame(np.zeros((32, 64, 3), np.uint8))
        w.write_frame(np.zeros((64, 64, 3), np.uint8))


def test_probe_rejects_garbage(tmp_path):
    from omnireel.errors import InvalidMedia

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all" * 10)
    with pytest.raises(InvalidMedia):
        probe(bad)


def test_encoding_is_deterministic(tmp_path):
    """Same frames in, same frames out, every run: x264's VBV with threads is not, so the writer must not use it."""
    import hashlib

    from omnireel.media.decode import iter_frames
    from omnireel.media.encode import VideoWriter

    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)
    digests = set()
    for run in range(3):
        out = tmp_path / f"d{run}.mp4"
        with VideoWriter(out, 640, 360) as writer:
            writer.write_audio(np.zeros((2, 96000), np.float32))
            for i in range(48):
                writer.write_frame(np.roll(base, i * 3, axis=1))
        digests.add(hashlib.sha256(b"".join(f.tobytes() for f in iter_frames(out))).hexdigest())
    assert len(digests) == 1


@pytest.mark.parametrize("large_frame_threading", [False, True])
def test_encoding_does_not_depend_on_what_the_heap_held(tmp_path, monkeypatch, large_frame_threading):
    """The encoder stack reads some heap memory it never wrote (seen in the server: the same request and seed
    decoded to different pixels, more often on a busy machine). Between encodes the heap is filled with random
    leftovers and other processes compete for the cores; the output must not change. Both thread settings are
    checked: x264's own (small frames) and the one for 4k frames (here forced onto small ones)."""
    if large_frame_threading:
        monkeypatch.setattr("omnireel.media.encode._LARGE_FRAME_PIXELS", 1)
    import hashlib
    import subprocess
    import sys
    import time

    import cv2

    from omnireel.media.decode import iter_frames
    from omnireel.media.encode import VideoWriter

    rng = np.random.default_rng(1)
    base = cv2.GaussianBlur(rng.integers(0, 255, (360, 360, 3), dtype=np.uint8), (0, 0), 3)
    # Longer than the heap fill window (media.heap.SETTLE_FRAMES): the heap is littered while encoding, too.
    frames = [np.roll(np.roll(base, i * 2, axis=1), i, axis=0) for i in range(120)]

    def litter() -> None:
        junk = [bytearray(rng.bytes(int(n))) for n in rng.integers(1_000, 120_000, 300)]
        del junk

    def encode(k: int) -> str:
        out = tmp_path / f"b{k}.mp4"
        with VideoWriter(out, 360, 360, audio=False) as writer:
            for i, f in enumerate(frames):
                writer.write_frame(f)
                if i % 20 == 10:
                    litter()
        return hashlib.sha256(b"".join(f.tobytes() for f in iter_frames(out))).hexdigest()

    first = encode(0)
    hogs = [
        subprocess.Popen([sys.executable, "-c", "import numpy as np\nx = np.random.rand(700, 700)\nwhile True: x @ x"]),
        subprocess.Popen([sys.executable, "-c", "while True: pass"]),
    ]
    try:
        time.sleep(0.5)
        seen = set()
        for k in range(1, 7):
            litter()
            seen.add(encode(k))
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    assert seen == {first}
