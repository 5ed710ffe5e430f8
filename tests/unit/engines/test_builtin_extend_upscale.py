"""The builtin engine's upscale and extend, measured on real decoded outputs.

upscale: exact tier size at the source's aspect, 24 fps, the source's frames (shrunk back, they match the source),
audio passed through, and the tiers the hosted model offers (no 4k from 360p or 1080p). extend: the source as
decoded, then an extension that starts where the source ends (same picture, same motion) and carries its camera
motion on, with the soundtrack continuing across the seam; prompts asking for new action, and clips that would run
past 40 s, are refused by name.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from omnireel.engines.base import EngineRequest, SimpleContext
from omnireel.engines.builtin import BuiltinEngine
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.ambience import render_ambience
from omnireel.media.audio.loudness import integrated_lufs
from omnireel.media.decode import iter_frames
from omnireel.media.encode import VideoWriter
from omnireel.media.ops import audio_continuation
from omnireel.media.ops.video_source import read_audio
from omnireel.media.ops.upscaler import Upscaler
from tests.media_checks import decode

SR = 48000


# ---------------------------------------------------------------------------------------------------- helpers


def texture(w: int, h: int, seed: int = 0) -> np.ndarray:
    """A blotchy, trackable RGB texture with some hard edges (bars) in it."""
    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.random((max(2, h // 12), max(2, w // 12))).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img = np.clip(np.stack([50 + 170 * noise, 80 + 120 * noise, 210 - 150 * noise], -1), 0, 255).astype(np.uint8)
    for x in range(0, w, 97):
        cv2.rectangle(img, (x, h // 3), (x + 18, h // 3 + h // 5), (245, 240, 230), -1)
    return img


def chord(seconds: float) -> np.ndarray:
    """A music-like stereo signal (a sustained triad with a slow pulse)."""
    t = np.arange(int(seconds * SR)) / SR
    x = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t) ** 2)
    return np.stack([x, x]).astype(np.float32) * 0.12


def make_clip(path: Path, w: int, h: int, fps: int, seconds: float, *, pan: float = 0.0, audio: str | None = "music",
              seed: int = 0) -> Path:
    """A clip over a texture: the camera pans right by `pan` px per frame (the content moves left)."""
    n = round(seconds * fps)
    big = texture(w + int(abs(pan) * n) + 8, h, seed)
    with VideoWriter(path, w, h, fps=fps, audio=audio is not None) as vw:
        if audio == "music":
            vw.write_audio(chord(seconds))
        elif audio == "ambience":
            vw.write_audio(render_ambience(("rain", "city"), int(seconds * SR), SR, np.random.default_rng(seed)) * 3)
        for i in range(n):
            x = int(round(pan * i))
            vw.write_frame(np.ascontiguousarray(big[:, x : x + w]))
    return path


def run(tmp_path: Path, source: Path, task: str, prompt: str = "", explicit: dict | None = None):
    explicit = explicit or {}
    fields = {"aspect_ratio": "aspect_ratio", "resolution": "resolution", "duration_s": "duration_s"}
    req = EngineRequest(task=task, prompt=prompt, source_video=source,
                        options={"explicit_format": [fields[k] for k in explicit]}, **explicit)
    out_path = tmp_path / f"{task}_{source.stem}.mp4"
    out = BuiltinEngine().run(req, SimpleContext(scratch_dir=tmp_path), out_path)
    return out


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def gray(f: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(f, cv2.COLOR_RGB2GRAY).astype(np.float32)


def step(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """The shift (content motion, px) from frame a to frame b by phase correlation."""
    ga, gb = gray(a), gray(b)
    (dx, dy), _ = cv2.phaseCorrelate(ga, gb, cv2.createHanningWindow(ga.shape[::-1], cv2.CV_32F))
    return dx, dy


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


# ---------------------------------------------------------------------------------------------------- upscale


def test_upscale_360p_makes_720p_from_the_sources_own_frames(tmp_path):
    src = make_clip(tmp_path / "src.mp4", 640, 360, 24, 2.0, pan=1.5)
    out = run(tmp_path, src, "upscale")
    d = decode(out.video_path)
    assert (d.width, d.height, out.width, out.height) == (1280, 720, 1280, 720)
    assert abs(d.fps - 24) < 0.01 and d.frames == 48 and out.duration_s == pytest.approx(2.0)
    assert d.has_audio and d.audio_codec == "aac" and d.audio_rms > 0.03  # the source's chord, passed through
    source = list(iter_frames(src, fps=24))
    upscaled = list(iter_frames(out.video_path))
    assert len(upscaled) == len(source)
    back = [cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA) for f in upscaled]
    scores = [psnr(a, b) for a, b in zip(back, source)]
    assert min(scores) > 30, f"shrunk back, the upscale differs from the source: {min(scores):.1f} dB"
    # Crisper than a plain bilinear enlargement of the same frame.
    def edge(f):
        g = gray(f)
        return float(np.mean(np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0))))

    bilinear = cv2.resize(source[24], (1280, 720), interpolation=cv2.INTER_LINEAR)
    assert edge(upscaled[24]) > edge(bilinear) * 1.03
    assert "no new detail is invented" in out.text and "360p" in out.text and "720p" in out.text


def test_upscaler_sharpens_without_halos():
    """A hard edge: the enlarged edge is steeper than bicubic's, and nothing overshoots the source's range."""
    img = np.full((90, 160, 3), 40, np.uint8)
    img[:, 80:] = 200
    img[30:60, 20:50] = (230, 60, 40)
    up = Upscaler((160, 90), (480, 270))
    y = cv2.cvtColor(up.i420(img), cv2.COLOR_YUV2RGB_I420)
    ref = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2YUV_I420), cv2.COLOR_YUV2RGB_I420)
    lum = gray(y)
    assert lum.min() >= gray(ref).min() - 2 and lum.max() <= gray(ref).max() + 2  # no halo past the range
    row = lum[45, 200:280]
    bic = gray(cv2.resize(img, (480, 270), interpolation=cv2.INTER_CUBIC))[45, 200:280]
    assert np.abs(np.diff(row)).max() >= np.abs(np.diff(bic)).max()  # the edge is at least as steep
    # The flat areas either side stay flat (no ringing).
    assert np.ptp(lum[45, 200:230]) <= 2 and np.ptp(lum[45, 250:280]) <= 2


def test_upscale_portrait_30fps_source_without_audio(tmp_path):
    src = make_clip(tmp_path / "portrait.mp4", 360, 640, 30, 1.5, pan=2.0, audio=None)
    out = run(tmp_path, src, "upscale", explicit={"resolution": "720p"})
    d = decode(out.video_path)
    assert (d.width, d.height) == (720, 1280) and abs(d.fps - 24) < 0.01
    assert abs(d.duration_s - 1.5) <= 1 / 24 + 1e-6
    assert d.has_audio and d.audio_rms < 1e-4  # a silent track: the source has none
    assert out.has_audio is False and "30 fps" in out.text and "silent" in out.text
    # Frame k shows the source at time k / 24 (resampled by time, not by index).
    source = list(iter_frames(src, fps=24))
    upscaled = list(iter_frames(out.video_path))
    assert len(upscaled) == len(source)
    for k in (0, 10, len(source) - 1):
        assert psnr(cv2.resize(upscaled[k], (360, 640), interpolation=cv2.INTER_AREA), source[k]) > 30


@pytest.mark.parametrize(
    "size, explicit, words",
    [
        ((1920, 1080), {}, ("1080p", "4k", "720p")),  # nothing above 1080p is offered from it
        ((1920, 1080), {"resolution": "4k"}, ("1080p", "4k")),
        ((640, 360), {"resolution": "4k"}, ("720p or 1080p",)),
        ((1280, 720), {"resolution": "720p"}, ("not larger", "1080p or 4k")),
        ((640, 360), {"aspect_ratio": "9:16"}, ("aspect ratio", "16:9")),
    ],
)
def test_upscale_refuses_pairs_it_does_not_offer(tmp_path, size, explicit, words):
    src = make_clip(tmp_path / "s.mp4", *size, 24, 3 / 24, audio=None)
    with pytest.raises(CapabilityMissing) as err:
        run(tmp_path, src, "upscale", explicit=explicit)
    for w in words:
        assert w in err.value.message
    assert not (tmp_path / "upscale_s.mp4").exists()


def test_upscale_refuses_sources_over_15_s(tmp_path):
    src = make_clip(tmp_path / "long.mp4", 64, 36, 2, 16.0, audio=None)
    with pytest.raises(CapabilityMissing, match="15 s"):
        run(tmp_path, src, "upscale")


# ---------------------------------------------------------------------------------------------------- extend


def test_extend_carries_a_pan_on_across_an_invisible_seam(tmp_path):
    src = make_clip(tmp_path / "pan.mp4", 640, 360, 24, 2.0, pan=3.0)
    out = run(tmp_path, src, "extend")
    d = decode(out.video_path)
    assert (d.width, d.height) == (640, 360) and abs(d.fps - 24) < 0.01
    assert abs(d.duration_s - 7.0) <= 1 / 24 + 1e-6 and out.duration_s == pytest.approx(7.0)
    source = list(iter_frames(src, fps=24))
    frames = list(iter_frames(out.video_path))
    n = len(source)
    assert min(psnr(a, b) for a, b in zip(frames[:n], source)) > 30  # the source, as decoded
    assert psnr(frames[n - 1], source[-1]) > 30
    # The first extension frame is the last frame one step of the pan on (3 px left), with the slight push-in
    # (2 x 3 px over the width) that keeps the frame inside the picture.
    z, c = 1 + 6 / 640, np.array([319.5, 179.5])
    m = np.hstack([np.eye(2) * z, (c - z * c + [-3.0, 0.0])[:, None]])
    moved = cv2.warpAffine(source[-1], m, (640, 360), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    assert psnr(frames[n], moved) > 30
    assert psnr(frames[n], source[-1]) < psnr(frames[n], moved) - 3  # it did move on
    # The motion carries on: same direction and speed across the seam, then it eases to rest.
    before = step(frames[n - 2], frames[n - 1])[0]
    seam = step(frames[n - 1], frames[n])[0]
    after = step(frames[n], frames[n + 1])[0]
    assert before == pytest.approx(-3.0, abs=0.3)
    assert seam == pytest.approx(before, abs=0.5) and after == pytest.approx(before, abs=0.6)
    mid = step(frames[n + 40], frames[n + 41])[0]
    end = step(frames[-2], frames[-1])[0]
    assert mid < -0.1 and abs(end) < 0.3 and abs(mid) < abs(after)
    assert "pan to the right" in out.text and "Nothing new happens" in out.text
    # The soundtrack carries on across the seam at a consistent loudness.
    audio = read_audio(out.video_path, round(7.0 * SR))
    t0 = 2.0 * SR
    windows = [audio[:, int(t0 + a * SR) : int(t0 + b * SR)] for a, b in ((-0.5, 0), (0, 0.5), (0.5, 2.5))]
    assert all(rms(w) > 0.02 for w in windows)
    before_lufs = integrated_lufs(audio[:, int(t0 - 1.5 * SR) : int(t0)], SR)
    after_lufs = integrated_lufs(audio[:, int(t0 + 0.5 * SR) : int(t0 + 3 * SR)], SR)
    assert abs(before_lufs - after_lufs) < 3.0


def test_extend_still_portrait_30fps_silent_source_with_end_title(tmp_path):
    src = make_clip(tmp_path / "still.mp4", 360, 640, 30, 1.5, audio=None, seed=3)
    out = run(tmp_path, src, "extend", "Hold a moment, then end on the title 'SEE YOU SOON'",
              explicit={"duration_s": 3.0})
    d = decode(out.video_path)
    assert (d.width, d.height) == (360, 640) and abs(d.duration_s - 4.5) <= 1 / 24 + 1e-6
    source = list(iter_frames(src, fps=24))
    frames = list(iter_frames(out.video_path))
    n = len(source)
    # A still clip: the extension starts on its last frame (a push-in from rest) ...
    assert psnr(frames[n], source[-1]) > 32
    # ... and ends on the end card drawn over it.
    assert psnr(frames[-1], source[-1]) < 20
    assert '"SEE YOU SOON" (end card)' in out.text and "push-in" in out.text
    audio = read_audio(out.video_path, round(4.5 * SR))
    assert rms(audio[:, : int(1.4 * SR)]) < 1e-4  # the source part stays silent
    assert rms(audio[:, int(2.5 * SR) : int(4.0 * SR)]) > 0.02  # the extension has a music bed
    assert "source is silent" in out.text


def test_extend_with_explicit_format_reframes_and_keeps_the_seam(tmp_path):
    src = make_clip(tmp_path / "tall.mp4", 360, 640, 24, 1.0, audio="ambience", seed=5)
    out = run(tmp_path, src, "extend", explicit={"aspect_ratio": "16:9", "resolution": "360p", "duration_s": 3.0})
    d = decode(out.video_path)
    assert (d.width, d.height) == (640, 360) and abs(d.duration_s - 4.0) <= 1 / 24 + 1e-6
    frames = list(iter_frames(out.video_path))
    assert psnr(frames[24], frames[23]) > 32  # no jump at the seam
    assert "fitted whole" in out.text and "ambience" in out.text


def test_extend_refuses_new_action_by_name(tmp_path):
    src = make_clip(tmp_path / "a.mp4", 64, 36, 24, 0.5, audio=None)
    with pytest.raises(CapabilityMissing) as err:
        run(tmp_path, src, "extend", "Then the dog jumps over the fence.")
    msg = err.value.message
    assert "the dog jumps over the fence" in msg and "camera" in msg and "last frame" in msg
    assert not (tmp_path / "extend_a.mp4").exists()


@pytest.mark.parametrize("prompt", ["", "Keep going, slow push in, dreamy mood", "end on the title \"FIN\"",
                                    "The camera drifts left and settles"])
def test_extend_accepts_camera_mood_and_title_prompts(prompt):
    from omnireel.engines.builtin.extend import new_action, with_double_quotes
    from omnireel.media.prompt.parse import parse

    assert new_action(parse(with_double_quotes(prompt), duration_s=5)) is None


def test_extend_refuses_totals_over_40_s_and_extensions_outside_3_to_10_s(tmp_path):
    src = make_clip(tmp_path / "long.mp4", 64, 36, 2, 36.0, audio=None)
    with pytest.raises(CapabilityMissing) as err:
        run(tmp_path, src, "extend", explicit={"duration_s": 5.0})
    assert "40 s" in err.value.message and "36.0 s" in err.value.message
    short = make_clip(tmp_path / "short.mp4", 64, 36, 24, 0.5, audio=None)
    with pytest.raises(CapabilityMissing, match="3 to 10 seconds"):
        run(tmp_path, short, "extend", explicit={"duration_s": 12.0})


# ------------------------------------------------------------------------------------------------ audio joins


def test_audio_join_continues_music_with_a_bed_and_ambience_with_a_loop():
    n_src, n_ext = 3 * SR, 4 * SR
    music = chord(3.0)
    bed_calls = []

    def bed(seconds):
        bed_calls.append(seconds)
        return chord(seconds) * 3.0  # much louder than the source: the join must level it

    joined = audio_continuation.join(music, n_src, n_ext, SR, bed)
    assert joined.kind == "music" and joined.samples.shape == (2, n_src + n_ext) and bed_calls
    lufs_src = integrated_lufs(joined.samples[:, SR : 3 * SR], SR)
    lufs_ext = integrated_lufs(joined.samples[:, 3 * SR + SR // 2 :], SR)
    assert abs(lufs_src - lufs_ext) < 1.5
    np.testing.assert_array_equal(joined.samples[:, : 2 * SR], music[:, : 2 * SR])  # the source is kept

    rain = (render_ambience(("rain",), n_src, SR, np.random.default_rng(1)) * 3).astype(np.float32)
    joined = audio_continuation.join(rain, n_src, n_ext, SR, lambda s: pytest.fail("no bed for ambience"))
    assert joined.kind == "ambience"
    blocks = np.sqrt(np.mean(joined.samples.reshape(2, -1, SR // 4) ** 2, axis=(0, 2)))
    assert blocks[4:].min() > 0.7 * blocks[:12].mean() and blocks[4:].max() < 1.3 * blocks[:12].mean()

    silent = audio_continuation.join(None, n_src, n_ext, SR, lambda s: chord(s))
    assert silent.kind == "music_after_silence" and rms(silent.samples[:, :n_src]) == 0
    assert rms(silent.samples[:, n_src + SR :]) > 0.02


def test_extend_takes_the_length_the_prompt_asks_for(tmp_path):
    """'extend it by 3 seconds' adds 3 s (it always added 5 s and said so); a length outside 3-10 s is refused."""
    src = make_clip(tmp_path / "src.mp4", 320, 180, 24, 2.0, audio=None)
    out = run(tmp_path, src, "extend", "Extend it by 3 seconds with a slow push in")
    assert abs(out.duration_s - 5.0) < 1e-6 and len(list(iter_frames(out.video_path))) == 120
    assert "3 s" in out.text
    with pytest.raises(CapabilityMissing, match="3 to 10 seconds.*20 s was asked"):
        run(tmp_path, src, "extend", "extend it by 20 seconds")
