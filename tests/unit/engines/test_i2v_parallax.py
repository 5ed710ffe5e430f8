"""image_to_video over a separated subject: the background moves relative to the subject (parallax), light and
atmosphere stay off a subject the prompt says to preserve, and a landscape photo reframed to portrait keeps its
subject whole while filling more of the frame than a letterbox fit."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omnireel.engines.base import MediaInput
from tests.unit.engines.conftest import image_path
from tests.unit.engines.test_builtin_images import _check_video, undo_subject
from tests.unit.media.helpers import frame_at

BLUE = np.array([30, 90, 200])


def textured_product(w=480, h=320, cx=0.5, seed=0) -> np.ndarray:
    """A blue bottle with a white label on a warm, blotchy (trackable) backdrop that contains no blue."""
    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.random((h // 16, w // 16)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img = np.empty((h, w, 3), np.uint8)
    img[..., 0] = np.clip(120 + 110 * noise, 0, 255)
    img[..., 1] = np.clip(70 + 70 * noise, 0, 255)
    img[..., 2] = np.clip(30 + 30 * noise, 0, 255)
    bw, bh = int(w * 0.16), int(h * 0.56)
    x0, y0 = int(w * cx - bw / 2), int(h * 0.22)
    cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), tuple(int(c) for c in BLUE), -1)
    cv2.rectangle(img, (x0 + 6, y0 + bh // 3), (x0 + bw - 6, y0 + bh // 2), (240, 240, 235), -1)
    return img


def _media(p):
    return (MediaInput("image", p, "image/png"),)


def _flow_x(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense horizontal optical flow (pixels) from frame a to frame b."""
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    return dis.calc(cv2.cvtColor(a, cv2.COLOR_RGB2GRAY), cv2.cvtColor(b, cv2.COLOR_RGB2GRAY), None)[..., 0]


def _blue_box(frame: np.ndarray):
    d = np.abs(frame.astype(int) - BLUE).sum(axis=2) < 60
    ys, xs = np.nonzero(d)
    return (xs.min(), ys.min(), xs.max(), ys.max(), int(d.sum())) if len(xs) else None


@pytest.mark.parametrize("prompt,same_sign", [("Slow pan right across the bottle", True), ("Orbit around the bottle", False)])
def test_background_moves_relative_to_subject(run_engine, tmp_path, prompt, same_sign):
    img = textured_product()
    req, out, _ = run_engine(task="image_to_video", prompt=prompt, media=_media(image_path(tmp_path, img)))
    _check_video(out, req)
    assert "parallax" in out.text
    mid = req.frame_count // 2
    a, b = frame_at(out.video_path, mid - 3), frame_at(out.video_path, mid + 3)  # a quarter second, mid-move
    ba, bb = _blue_box(a), _blue_box(b)
    ds = (bb[0] + bb[2]) / 2 - (ba[0] + ba[2]) / 2  # the tracked subject's horizontal motion
    w, h = req.size
    flow = _flow_x(a, b)
    # The backdrop: everything well clear of the bottle in both frames.
    keep = np.ones((h, w), bool)
    for x0, y0, x1, y1, _ in (ba, bb):
        keep[max(0, y0 - 20) : y1 + 20, max(0, x0 - 20) : x1 + 20] = False
    keep[:8], keep[-8:], keep[:, :8], keep[:, -8:] = False, False, False, False
    db = float(np.median(flow[keep]))
    assert abs(ds) >= 2, (ds, db)
    if same_sign:
        # Pan: both move the same way, the background clearly less (it is further away).
        assert np.sign(db) == np.sign(ds) and 0.15 * abs(ds) <= abs(db) <= 0.75 * abs(ds), (ds, db)
    else:
        # Orbit: the background sweeps against the subject.
        assert np.sign(db) != np.sign(ds) and abs(db) >= 1, (ds, db)


def test_preserved_subject_gets_no_light_but_background_does(run_engine, tmp_path):
    img = textured_product()
    prompt = ("Slow push in on the bottle, golden hour, bokeh, floating dust particles, light sweep, glow. "
              "Keep the bottle exactly as it is.")
    req, out, _ = run_engine(task="image_to_video", prompt=prompt, media=_media(image_path(tmp_path, img)))
    assert "subject is kept exactly as it is" in out.text
    for k, back, sel in undo_subject(out.video_path, req, img, prompt, frames=(10, 36, 60)):
        assert sel.mean() > 0.05
        diff = back[sel].astype(float) - img[sel].astype(float)
        psnr = 10 * np.log10(255**2 / max(float(np.mean(diff**2)), 1e-9))
        assert psnr >= 30 and np.abs(diff).mean() <= 4, (k, psnr)
        # The background around it is graded (golden hour): visibly different from the photo.
        ring = cv2.dilate(sel.astype(np.uint8), np.ones((61, 61), np.uint8)).astype(bool) == 0
        ring &= back.sum(axis=2) > 0
        assert np.abs(back[ring].astype(float) - img[ring].astype(float)).mean() > 6, k


def test_light_sweep_crosses_unpreserved_subject(run_engine, tmp_path):
    img = textured_product()
    prompt = "Slow push in on the bottle, cinematic product shot with a light sweep"
    req, out, _ = run_engine(task="image_to_video", prompt=prompt, media=_media(image_path(tmp_path, img)))
    gains = []
    for k, back, sel in undo_subject(out.video_path, req, img, prompt, frames=range(0, req.frame_count, 4)):
        gains.append(float(back[sel].astype(float).mean() - img[sel].astype(float).mean()))
    # The band passes once: the subject is brightest mid-clip, near its own (mildly graded) level at the ends.
    assert max(gains) - min(gains[0], gains[-1]) > 4, gains


@pytest.mark.parametrize("cx", [0.5, 0.3])
def test_portrait_reframe_keeps_subject_whole_and_larger(run_engine, tmp_path, cx):
    img = textured_product(640, 360, cx=cx)
    req, out, _ = run_engine(task="image_to_video", prompt="Slow push in on the bottle", aspect_ratio="9:16", media=_media(image_path(tmp_path, img)))
    _check_video(out, req)
    w, h = req.size
    assert (w, h) == (360, 640)
    fit_width = img.shape[1] * min(w / img.shape[1], h / img.shape[0]) * 0.16  # bottle width under a letterbox fit
    for k in range(0, req.frame_count, 12):
        x0, y0, x1, y1, n = _blue_box(frame_at(out.video_path, k))
        assert x0 >= 3 and y0 >= 3 and x1 <= w - 4 and y1 <= h - 4, (k, (x0, y0, x1, y1))
        assert x1 - x0 >= 1.6 * fit_width, (k, x1 - x0, fit_width)
    assert "reframed around the subject" in out.text


def test_landscape_from_portrait_keeps_subject_whole(run_engine, tmp_path):
    img = np.ascontiguousarray(np.rot90(textured_product(640, 400), 1))  # a portrait photo, bottle lying on its side
    req, out, _ = run_engine(task="image_to_video", prompt="Slow pan left", aspect_ratio="16:9", media=_media(image_path(tmp_path, img)))
    w, h = req.size
    for k in range(0, req.frame_count, 12):
        x0, y0, x1, y1, _ = _blue_box(frame_at(out.video_path, k))
        assert x0 >= 3 and y0 >= 3 and x1 <= w - 4 and y1 <= h - 4, (k, (x0, y0, x1, y1))


def test_pull_out_over_a_frame_filling_subject_ends_wider_and_keeps_it_whole(run_engine, tmp_path):
    """A pull-out starts closer than the framing. A wide case reframed into portrait fills the frame's width, so
    starting closer would crop it: the move ends wider than the photo (over its extended background) instead of
    being weakened, and the case stays whole in every frame."""
    img = textured_product(640, 360, seed=3, cx=2.0)  # the backdrop only: its bottle is drawn off the image
    bw, bh = int(640 * 0.7), int(360 * 0.4)
    x0, y0 = 320 - bw // 2, 110
    cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), tuple(int(c) for c in BLUE), -1)
    cv2.rectangle(img, (x0 + 20, y0 + bh // 3), (x0 + bw // 3, y0 + bh // 2), (240, 240, 235), -1)
    req, out, _ = run_engine(task="image_to_video", prompt="Slow pull out from the case", aspect_ratio="9:16", media=_media(image_path(tmp_path, img)))
    _check_video(out, req)
    w, h = req.size
    widths = []
    for k in list(range(0, req.frame_count, 12)) + [req.frame_count - 1]:
        bx0, by0, bx1, by1, n = _blue_box(frame_at(out.video_path, k))
        assert bx0 >= 2 and by0 >= 2 and bx1 <= w - 3 and by1 <= h - 3, (k, (bx0, by0, bx1, by1))
        assert n >= 0.8 * (bx1 - bx0 + 1) * (by1 - by0 + 1)  # one case (a label apart), no mirrored second one
        widths.append(bx1 - bx0)
    assert widths == sorted(widths, reverse=True), widths
    assert widths[-1] <= 0.8 * widths[0], widths  # the full pull-out (1.3x down to its end), not a gentler one
    assert "ends wider than the photo" in out.text and "left out" not in out.text and "gentler" not in out.text


def test_big_subject_dolly_zoom_keeps_the_layers_close_and_says_so(run_engine, tmp_path):
    """A dolly zoom parts the layers by a third of the subject's size; over a big subject that would uncover a
    wide band behind it, so the background's own move is tempered (it still moves against the subject) and the
    plan says so."""
    img = textured_product(640, 360)
    cv2.rectangle(img, (200, 40), (440, 330), tuple(int(c) for c in BLUE), -1)
    req, out, _ = run_engine(task="image_to_video", prompt="Dolly zoom on the box", media=_media(image_path(tmp_path, img)))
    _check_video(out, req)
    assert "depth effect was kept subtle" in out.text
    first, last = frame_at(out.video_path, 0), frame_at(out.video_path, req.frame_count - 1)
    grow = (_blue_box(last)[2] - _blue_box(last)[0]) / (_blue_box(first)[2] - _blue_box(first)[0])
    # The backdrop still zooms more than the subject (the dolly zoom's look): its texture spreads out more.
    corner = (slice(5, 60), slice(5, 120))
    assert np.abs(last[corner].astype(int) - first[corner]).mean() > 3 and grow < 1.15


def test_crash_zoom_keeps_moving_around_the_snap(run_engine, tmp_path):
    """QA: a crash zoom held still for the 30% before the snap and the 60% after it (4 s of frozen frame in 6 s)."""
    req, out, _ = run_engine(task="image_to_video", prompt="Crash zoom into the bottle", duration_s=4,
                             media=_media(image_path(tmp_path, textured_product())))
    n = req.frame_count
    for a, b in ((0, int(0.28 * n)), (int(0.5 * n), n - 1)):
        fa, fb = frame_at(out.video_path, a).astype(int), frame_at(out.video_path, b).astype(int)
        assert np.abs(fa - fb).mean() > 1.0, (a, b, np.abs(fa - fb).mean())
