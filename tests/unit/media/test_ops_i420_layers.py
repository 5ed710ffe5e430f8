"""A layered still drawn straight into I420 must look like the RGB render converted to I420: same geometry, same
blend, chroma as sharp, for every kind of still (separated subject, flat photo, photo covering the frame) and
every camera (scale-and-shift resize path, roll through the warp path). Frames needing RGB-only effects are
left to the RGB renderer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omnireel.media.ops import light
from omnireel.media.ops.camera_path import camera_at
from omnireel.media.ops.i420_layers import frame_planes, to_planes
from omnireel.media.ops.parallax import LayeredStill, layer_states
from omnireel.media.ops.reframe import choose_layout
from omnireel.media.ops.segment import Segmentation, segment
from tests.unit.media.helpers import layered_product


def _product() -> np.ndarray:
    # A saturated, hard-edged red label: where soft chroma would show first.
    return layered_product(seed=5, label=(230, 20, 30))


def _still(kind: str, size=(640, 360), look=light.Look()) -> LayeredStill:
    """kind: "subject" (separated into layers), "fitted" (no subject, the photo fitted whole over an extended
    plate) or "flat" (no subject, a photo of the frame's aspect covering it: no plate at all)."""
    if kind == "flat":
        img = cv2.resize(_product(), (size[0] * 3 // 4, size[1] * 3 // 4), interpolation=cv2.INTER_AREA)
    else:
        img = _product()
    if kind == "subject":
        seg = segment(img)
        assert seg.found
    else:
        seg = Segmentation(np.zeros(img.shape[:2], np.float32), (0, 0, img.shape[1], img.shape[0]), False)
    lay = choose_layout((img.shape[1], img.shape[0]), size, subject=seg.bbox if seg.found else None)
    still = LayeredStill(img, lay, seg, look=look, max_zoom=1.5)
    assert still.flat == (kind == "flat") and (still.plate is None) == (kind == "flat")
    return still


def _reference(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The RGB frame's I420 planes by definition: BT.601 limited range, chroma averaged over 2x2 blocks."""
    y, u, v = to_planes(rgb)
    return y, u, v


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(float) - b.astype(float)) ** 2))
    return 10 * np.log10(255**2 / max(mse, 1e-9))


CAMS = {
    "push": ("push_in", camera_at("push_in", 0.6, strength=1.9)),
    "pull": ("pull_out", camera_at("pull_out", 0.3, strength=1.9)),
    "pan": ("pan", camera_at("pan", 0.5, direction="left", strength=1.9)),
    "orbit": ("orbit", camera_at("orbit", 0.5, strength=1.9)),
    "handheld": ("handheld", camera_at("handheld", 0.0, t_s=1.3, seed=4)),
}


@pytest.mark.parametrize("size", [(640, 360), (360, 640), (1280, 720)])
@pytest.mark.parametrize("cam_name", list(CAMS))
@pytest.mark.parametrize("kind", ["subject", "fitted", "flat"])
def test_i420_render_matches_rgb_render_converted(kind, cam_name, size):
    still = _still(kind, size)
    kind_of_move, cam = CAMS[cam_name]
    bg = layer_states(kind_of_move, cam)
    got = still.render_i420(cam, bg)
    assert got is not None and got.shape == (size[1] * 3 // 2, size[0]) and got.dtype == np.uint8
    w, h = size
    gy, gu, gv = frame_planes(got, w, h)
    wy, wu, wv = _reference(still.render(cam, bg))
    # Luma is the same bilinear sample of the same layers (rounding apart); chroma is sampled at the centre of
    # each 2x2 block instead of averaged over it, so it is held a little looser.
    assert _psnr(gy, wy) >= 45, _psnr(gy, wy)
    assert np.abs(gy.astype(int) - wy).mean() < 0.6
    for g, w_ in ((gu, wu), (gv, wv)):
        assert _psnr(g, w_) >= 40, _psnr(g, w_)
        assert np.abs(g.astype(int) - w_).mean() < 1.0


def test_enlarged_label_keeps_its_colour_edge():
    """The red label, enlarged ~2x: its chroma edge is as sharp as in the RGB render's own 4:2:0, not smeared by
    a chroma subsampling done at the source's smaller size."""
    still = _still("subject", (1280, 720))
    cam = camera_at("push_in", 1.0, strength=1.9)
    bg = layer_states("push_in", cam)
    got = frame_planes(still.render_i420(cam, bg), 1280, 720)[2]  # V: red is high V
    want = _reference(still.render(cam, bg))[2]
    row = want.shape[0] // 2
    g, w = got[row].astype(float), want[row].astype(float)
    # The width of the rise (10%..90% of the step) across the label's left edge.
    def rise(v):
        j = int(np.argmax(np.diff(v)))
        lo, hi = v[max(0, j - 20)], v[min(len(v) - 1, j + 20)]
        seg = v[max(0, j - 20) : j + 21]
        return int(((seg > lo + 0.1 * (hi - lo)) & (seg < lo + 0.9 * (hi - lo))).sum())
    assert rise(g) <= rise(w) + 1, (rise(g), rise(w))


def test_frames_needing_rgb_effects_are_left_to_the_rgb_renderer():
    cam = camera_at("push_in", 0.5, strength=1.9)
    bg = layer_states("push_in", cam)
    swept = _still("subject", look=light.Look(sweep=True))
    assert swept.render_i420(cam, bg, 2.0, 0.5) is None  # the sweep is crossing
    assert swept.render_i420(cam, bg, 0.1, -0.2) is not None  # before it starts
    assert _still("subject", look=light.Look(particles=True)).render_i420(cam, bg, 1.0) is None
    assert _still("subject", look=light.Look(glow=True)).render_i420(cam, bg) is None
    graded = _still("subject", look=light.Look(grade="cinematic", vignette=0.4))  # baked into the layers
    assert graded.render_i420(cam, bg) is not None
    slow = _still("subject")
    slow.fast_resize = False
    assert slow.render_i420(cam, bg) is None


def test_i420_render_is_deterministic_and_fresh():
    still = _still("subject")
    cam = camera_at("push_in", 0.5, strength=1.9)
    a = still.render_i420(cam, layer_states("push_in", cam))
    junk = [np.full((700, 700), v, np.uint8) for v in (0, 255, 77)]  # recycle memory with other content
    del junk
    b = still.render_i420(cam, layer_states("push_in", cam))
    assert np.array_equal(a, b) and not np.shares_memory(a, b)


@pytest.mark.parametrize("shape", [(31, 45), (32, 46), (217, 372)])
def test_planes_of_odd_sizes(shape):
    rgb = np.random.default_rng(1).integers(0, 256, (*shape, 3), dtype=np.uint8)
    yf, uf, vf = to_planes(rgb, full=True)
    assert yf.shape == uf.shape == vf.shape == shape
    # The same matrix as OpenCV's I420 conversion (which samples chroma at each block's top-left pixel).
    even = rgb[: shape[0] // 2 * 2, : shape[1] // 2 * 2]
    cy, cu, cv = frame_planes(cv2.cvtColor(np.ascontiguousarray(even), cv2.COLOR_RGB2YUV_I420), even.shape[1], even.shape[0])
    assert np.abs(yf[: even.shape[0], : even.shape[1]].astype(int) - cy).max() <= 1
    assert np.abs(uf[: even.shape[0] : 2, : even.shape[1] : 2].astype(int) - cu).max() <= 1
    assert np.abs(vf[: even.shape[0] : 2, : even.shape[1] : 2].astype(int) - cv).max() <= 1
    y, u, v = to_planes(rgb)
    he, we = shape[0] + shape[0] % 2, shape[1] + shape[1] % 2
    assert y.shape == (he, we) and u.shape == v.shape == (he // 2, we // 2)
    # Half-resolution chroma is the 2x2 average of the full one (edge replicated on odd sizes).
    padded = np.pad(uf.astype(float), ((0, shape[0] % 2), (0, shape[1] % 2)), mode="edge")
    avg = padded.reshape(he // 2, 2, we // 2, 2).mean(axis=(1, 3))
    assert np.abs(avg - u).max() <= 1
