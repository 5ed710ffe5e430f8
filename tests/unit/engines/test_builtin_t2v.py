"""Builtin text_to_video: exact size, frame count, 24 fps, audible audio, exact readable quoted text, determinism."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from omnireel.engines.base import EngineRequest, SimpleContext, frame_size
from omnireel.errors import CapabilityMissing, JobCancelled
from omnireel.media.decode import iter_frames
from tests.unit.media.helpers import decode_all, frame_at, needs_tesseract, ocr


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_t2v_shape_timing_audio(run_engine, aspect):
    req, out, progress = run_engine(task="text_to_video", prompt="A calm abstract backdrop", aspect_ratio=aspect)
    d = decode_all(out.video_path)
    assert d["size"] == frame_size(aspect, "360p") == (out.width, out.height)
    assert d["frames"] == req.frame_count == 72
    assert d["fps"] == 24 and d["codec"] == "h264" and d["pix_fmt"] == "yuv420p"
    assert abs(d["duration"] - 3.0) <= 1 / 24
    assert d["audio_codec"] == "aac" and d["channels"] == 2
    rms = float(np.sqrt(np.mean(d["audio"] ** 2)))
    assert rms > 0.02, "the audio bed must be audible"
    assert progress[0] == ("render", 0.0) and progress[-1] == ("render", 1.0)
    assert len(progress) >= 10


@needs_tesseract
@pytest.mark.parametrize(
    "prompt,expected",
    [
        ('A neon title card that says "Night Market 2077", slow push in', ["Night Market 2077"]),
        ("Product launch ad with the text “Summer Sale 40% Off”", ["Summer Sale 40% Off"]),
        ('Two titles: "Fresh Coffee" then "Open Daily"', ["Fresh Coffee", "Open Daily"]),
    ],
)
def test_quoted_text_reads_back_exactly(run_engine, prompt, expected):
    req, out, _ = run_engine(task="text_to_video", prompt=prompt, duration_s=4)
    assert all(f'"{t}"' in out.text for t in expected)
    n = req.frame_count
    slot = n / len(expected)
    for i, text in enumerate(expected):
        # The middle of each title's slot: after its entrance, before its exit.
        frame = frame_at(out.video_path, int(slot * i + slot * 0.6))
        assert ocr(frame) == text


@needs_tesseract
def test_text_is_stable_for_at_least_a_second(run_engine):
    req, out, _ = run_engine(task="text_to_video", prompt='Title "Hello World"', duration_s=3)
    reads = [ocr(frame_at(out.video_path, i)) for i in (24, 40, 56, 71)]
    assert reads == ["Hello World"] * 4


def test_deterministic_for_same_seed(run_engine):
    def digest(path):
        h = hashlib.sha256()
        for f in iter_frames(path):
            h.update(f.tobytes())
        return h.hexdigest()

    kw = dict(task="text_to_video", prompt='Sunset "Hi"', seed=7)
    a = digest(run_engine(**kw)[1].video_path)
    b = digest(run_engine(**kw)[1].video_path)
    c = digest(run_engine(**{**kw, "seed": 8})[1].video_path)
    assert a == b and a != c


def test_unsupported_task_is_capability_missing(engine, tmp_path):
    req = EngineRequest(task="upscale", prompt="make it 4k")
    with pytest.raises(CapabilityMissing, match="upscale"):
        engine.run(req, SimpleContext(tmp_path), tmp_path / "x.mp4")


def test_cancel_stops_render_and_leaves_no_file(engine, tmp_path):
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3

    req = EngineRequest(task="text_to_video", prompt="x", resolution="360p", duration_s=3)
    out = tmp_path / "c.mp4"
    with pytest.raises(JobCancelled):
        engine.run(req, SimpleContext(tmp_path, cancelled=cancelled), out)
    assert not out.exists()


@pytest.mark.parametrize("resolution", ["360p", "720p", "1080p", "4k"])
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_exact_dimensions_every_aspect_and_resolution(run_engine, aspect, resolution):
    # A quarter second is enough to check the encoded size; durations are covered at 360p above.
    req, out, _ = run_engine(task="text_to_video", prompt="gradient", aspect_ratio=aspect, resolution=resolution, duration_s=0.25)
    d = decode_all(out.video_path)
    assert d["size"] == frame_size(aspect, resolution) and d["frames"] == 6


def test_photoreal_prompt_gives_labelled_animatic(run_engine):
    req, out, _ = run_engine(task="text_to_video", prompt="A golden retriever running on a beach at sunset")
    assert "ANIMATIC" in out.text and "cannot draw" in out.text
    frame = frame_at(out.video_path, 36)
    # The yellow label sits in the top-left corner of every frame.
    corner = frame[: frame.shape[0] // 10, : frame.shape[1] // 3]
    yellow = (corner[..., 0] > 200) & (corner[..., 1] > 170) & (corner[..., 2] < 90)
    assert yellow.sum() > 30


def test_plan_text_lists_beats_and_camera(run_engine):
    prompt = 'Motion graphics. [0-1.5s] crash zoom, "GO" [1.5-3s] slow pan left, "Now"'
    _, out, _ = run_engine(task="text_to_video", prompt=prompt)
    assert "Beat 1 [0-1.5s]" in out.text and "crash zoom" in out.text and "pan left" in out.text
    assert "ANIMATIC" not in out.text


def test_soundtrack_does_not_clip_once_decoded(run_engine):
    """The mix is mastered under a true-peak ceiling and band-limited to what AAC keeps: decoded, the seed's
    cyberpunk snippet (a cue with a hard attack at 6.35 s) used to reach 1.04 of full scale, i.e. clip."""
    import av

    req, out, _ = run_engine(task="text_to_video", prompt="A futuristic city with neon lights and flying cars, cyberpunk style",
                             aspect_ratio="9:16", resolution="720p", duration_s=8)
    with av.open(str(out.video_path)) as c:
        s = np.concatenate([f.to_ndarray() for f in c.decode(c.streams.audio[0])], axis=1)
    assert 0.3 < float(np.abs(s).max()) < 0.99, float(np.abs(s).max())


@needs_tesseract
def test_system_instruction_is_standing_direction_for_the_plan(run_engine):
    """A system instruction is read with the prompt (it used to be ignored): its quoted text is drawn and its look
    shows in the plan, while the prompt's own camera choice is kept; the output says how it was used."""
    req, out, _ = run_engine(task="text_to_video", prompt='A title that reads "SALE", slow push in', duration_s=3,
                             system_instruction="Always use a slow pan left and noir lighting.")
    assert "push in" in out.text and "noir" in out.text.lower()
    assert "System instruction: read as standing direction" in out.text
    req, out, _ = run_engine(task="text_to_video", prompt="A calm abstract backdrop", duration_s=3,
                             system_instruction='Every video ends with a title that reads "BRAND".')
    assert '"BRAND"' in out.text
    assert ocr(frame_at(out.video_path, req.frame_count - 6)) == "BRAND"
