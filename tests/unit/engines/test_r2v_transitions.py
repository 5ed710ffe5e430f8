"""reference_to_video transitions: the kind the prompt names (or the style suggests) appears exactly at the beat
boundary: a cut is one frame-difference spike at the boundary frame, a whip pan a short blurred run centred on
it, a dissolve a blend of both shots there; beats keep their exact timing."""

from __future__ import annotations

import numpy as np

from omnireel.engines.base import MediaInput
from tests.unit.engines.conftest import image_path
from tests.unit.engines.test_builtin_images import _check_video
from omnireel.media.decode import iter_frames

COLORS = [(200, 40, 40), (40, 180, 60), (40, 70, 210)]


def flat_image(color, seed, w=480, h=270) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = color
    return np.clip(img.astype(int) + rng.integers(-8, 9, (h, w, 1)), 0, 255).astype(np.uint8)


def _run(run_engine, tmp_path, prompt, n=3, duration_s=4.5):
    paths = [image_path(tmp_path, flat_image(c, i), f"c{i}.png") for i, c in enumerate(COLORS[:n])]
    req, out, _ = run_engine(task="reference_to_video", prompt=prompt, media=tuple(MediaInput("image", p, "image/png") for p in paths), duration_s=duration_s)
    _check_video(out, req)
    return req, out, list(iter_frames(out.video_path))


def _which(frame: np.ndarray) -> np.ndarray:
    """Distance of the frame's mean colour to each reference colour."""
    m = frame.reshape(-1, 3).mean(axis=0)
    return np.array([np.abs(m - np.array(c)).sum() for c in COLORS])


def test_cut_and_whip_land_on_beat_boundaries(run_engine, tmp_path):
    prompt = "[0-1.5s] <IMAGE_REF_1> static [1.5-3s] hard cut to <IMAGE_REF_2>, static [3-4.5s] whip pan to <IMAGE_REF_3>"
    req, out, frames = _run(run_engine, tmp_path, prompt)
    assert "cut to [1.5-3.0s] image 2" in out.text and "whip to [3.0-4.5s] image 3" in out.text
    diffs = [float(np.abs(frames[i].astype(int) - frames[i - 1].astype(int)).mean()) for i in range(1, len(frames))]
    # Cut: frame 36 (t = 1.5 s) is the first of image 2, frame 35 the last of image 1; one spike, nothing around it.
    assert np.argmin(_which(frames[35])) == 0 and np.argmin(_which(frames[36])) == 1
    assert diffs[35] > 40 and max(diffs[25:34]) < 5 and max(diffs[37:60]) < 5
    # Whip at t = 3.0 s (frame 72): pure shots until shortly before, a blurred mix around it, pure after.
    assert np.argmin(_which(frames[64])) == 1 and np.argmin(_which(frames[80])) == 2
    mid = frames[72].reshape(-1, 3).mean(axis=0)
    assert mid[1] > 60 and mid[2] > 80  # green and blue both in the frame at the boundary
    left, right = frames[72][:, : 40].mean(axis=(0, 1)), frames[72][:, -40:].mean(axis=(0, 1))
    assert np.abs(left - right).sum() > 40  # one shot leaving on one side, the next entering on the other
    assert max(diffs[66:78]) > 8  # fast motion through the boundary


def test_default_dissolve_blends_at_boundary(run_engine, tmp_path):
    req, out, frames = _run(run_engine, tmp_path, "[0-2s] <IMAGE_REF_1> static [2-4s] <IMAGE_REF_2> static", n=2, duration_s=4)
    assert "dissolve to [2.0-4.0s]" in out.text
    m = frames[48].reshape(-1, 3).mean(axis=0)  # t = 2.0 s exactly: half of each
    want = (np.array(COLORS[0]) + np.array(COLORS[1])) / 2
    assert np.abs(m - want).max() < 25, m
    assert np.argmin(_which(frames[40])) == 0 and np.argmin(_which(frames[56])) == 1


def test_dip_to_black_and_style_default(run_engine, tmp_path):
    req, out, frames = _run(run_engine, tmp_path, "[0-2s] <IMAGE_REF_1> static [2-4s] dip to black, <IMAGE_REF_2> static", n=2, duration_s=4)
    assert frames[48].mean() < 20  # black at the boundary
    req, out, _ = _run(run_engine, tmp_path, "Upbeat short ad: product montage", n=3, duration_s=4.5)
    assert any(k in out.text for k in ("whip to", "slide to", "zoom to"))
