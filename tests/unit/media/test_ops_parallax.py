"""The layered still's fast render path: the plate is not drawn under the subject's opaque interior and the subject
is composited premultiplied on uint8. It must match a plain full-frame composite, be deterministic whatever memory
it starts from, and return a new array every frame (frames are queued for the encoder)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omnireel.media.ops import light
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.ops.parallax import LayeredStill, layer_states, opaque_bands
from omnireel.media.ops.reframe import choose_layout
from omnireel.media.ops.segment import segment
from tests.unit.media.helpers import layered_product


def _product() -> np.ndarray:
    return layered_product()


def _still(look=light.Look(), size=(640, 360)) -> LayeredStill:
    img = _product()
    seg = segment(img)
    assert seg.found
    lay = choose_layout((img.shape[1], img.shape[0]), size, subject=seg.bbox)
    return LayeredStill(img, lay, seg, look=look, max_zoom=1.5)


def _reference(still: LayeredStill, cam: CameraState, bg: CameraState) -> np.ndarray:
    """The plain way: the whole plate, then the whole subject rectangle blended over it."""
    frame = cv2.warpAffine(still.plate, still._plate_matrix(bg), (still.width, still.height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    r = still._warp_rect(still._prgba, still.subject_matrix(cam), still.sprite.x0, still.sprite.y0)
    if r is not None:
        p, x, y = r
        roi = frame[y : y + p.shape[0], x : x + p.shape[1]]
        a = p[..., 3:].astype(np.float32) / 255
        roi[...] = np.clip(p[..., :3] + roi * (1 - a) + 0.5, 0, 255).astype(np.uint8)
    return frame


CAMS = [camera_at("push_in", p, strength=1.9) for p in (0.0, 0.4, 1.0)] + [camera_at("orbit", p, strength=1.9) for p in (0.1, 0.5, 0.9)] + [camera_at("handheld", 0, t_s=1.3, seed=4)]


@pytest.mark.parametrize("fast_resize", [False, True])
@pytest.mark.parametrize("k", range(len(CAMS)))
def test_fast_render_matches_plain_composite(k, fast_resize):
    still = _still()
    still.fast_resize = fast_resize
    cam = CAMS[k]
    bg = layer_states("orbit" if k in (3, 4, 5) else "push_in", cam)
    got = still.render(cam, bg)
    want = _reference(still, cam, bg)
    d = np.abs(got.astype(int) - want.astype(int))
    if still.used_resize:
        # cv2.resize samples on the same grid as the warp (to within 1/32 px, no second interpolation) but rounds
        # its bilinear weights differently (11-bit weights per axis vs warpAffine's 1/32-px table), so on this
        # hard-edged image an edge pixel can differ by a few levels: held to a visual tolerance, not bit-closeness.
        psnr = 10 * np.log10(255**2 / max(1e-9, (d.astype(float) ** 2).mean()))
        assert psnr >= 45 and d.max() <= 8, (psnr, d.max())
    else:
        # Strip-wise warps round their fixed-point start differently: a level here and there, never more than 2.
        assert d.max() <= 2 and d.mean() < 0.05, (d.max(), d.mean())
    assert still._opaque_boxes(still.subject_matrix(cam)), "the opaque interior should skip the plate"


def test_resize_path_is_taken_for_a_push():
    still = _still()
    cams = [camera_at("push_in", p, strength=1.9) for p in np.linspace(0, 1, 24)]
    used = 0
    for c in cams:
        still.render(c, layer_states("push_in", c))
        used += still.used_resize
    assert used >= 12, used


def test_render_is_deterministic_and_fresh():
    look = light.Look(grade="cinematic", sweep=True, particles=True, vignette=0.4)
    still = _still(look)
    cam = camera_at("push_in", 0.5, strength=1.9)
    a = still.render(cam, layer_states("push_in", cam), 2.0, 0.5)
    junk = [np.full((still.height, still.width, 3), v, np.uint8) for v in (0, 255, 77)]  # recycle memory with other content
    del junk
    b = still.render(cam, layer_states("push_in", cam), 2.0, 0.5)
    assert np.array_equal(a, b)
    assert not np.shares_memory(a, b)


def test_opaque_bands_are_opaque():
    a = np.zeros((120, 100), np.uint8)
    cv2.circle(a, (50, 60), 40, 255, -1)
    a[55:65, 45:55] = 254  # a dent in the middle: bands must avoid it
    bands = opaque_bands(a, n=5)
    assert 1 <= len(bands) <= 5
    covered = np.zeros_like(a, bool)
    for v0, v1, u0, u1 in bands:
        assert (a[v0:v1, u0:u1] == 255).all()
        assert not covered[v0:v1, u0:u1].any()
        covered[v0:v1, u0:u1] = True
    assert covered.sum() > 0.45 * (a == 255).sum()


def test_low_confidence_subject_moves_as_one_layer_without_seams():
    """A "subject" cut through smooth sky (its outline on no image edge) is not split into layers: the photo and
    its extension move as one, the photo's edge fades into the extension instead of drawing a line."""
    from omnireel.media.ops.segment import Segmentation

    h, w = 300, 480
    yy = np.linspace(40, 120, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(yy * np.array([0.5, 0.7, 1.2], np.float32), (h, w, 3)).clip(0, 255).astype(np.uint8).copy()
    cv2.rectangle(img, (300, 60), (320, 260), (235, 235, 230), -1)  # a thin white "rocket"
    alpha = np.zeros((h, w), np.float32)
    alpha[40:290, 150:380] = 1.0  # a box of sky around it
    seg = Segmentation(alpha, (150, 40, 380, 290), True, confidence=0.5)
    lay = choose_layout((w, h), (360, 640), subject=seg.bbox)
    look = light.Look(grade="cinematic", vignette=0.4, preserve=True)
    still = LayeredStill(img, lay, seg, look=look, max_zoom=1.5)
    assert still.single and not still.found and still.flat
    frame = still.render(camera_at("push_in", 1.0, strength=1.9)).astype(float)
    # No row-to-row jump in the sky columns away from the rocket: the photo's top and bottom edges are soft.
    col = frame[:, 40:120].mean(axis=(1, 2))
    assert np.abs(np.diff(col)).max() < 4, np.abs(np.diff(col)).max()


def _grain(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A backdrop with fine texture everywhere (wood-grain-like streaks plus noise)."""
    rng = np.random.default_rng(seed)
    streaks = cv2.resize(rng.random((h, max(2, w // 24))).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    base = 90 + 80 * streaks + rng.normal(0, 10, (h, w))
    return np.clip(np.dstack([base, base * 0.7, base * 0.45]), 0, 255).astype(np.uint8)


def test_mirror_fill_gives_the_hole_the_surrounding_texture():
    from omnireel.media.ops.parallax import mirror_fill

    img = _grain(300, 400)
    hole = np.zeros((300, 400), bool)
    cv2.circle(hole.view(np.uint8), (200, 150), 70, 1, -1)
    subject = img.copy()
    subject[hole] = (20, 90, 220)  # what the subject looked like there
    out = mirror_fill(subject, hole)
    assert np.array_equal(out[~hole], subject[~hole])  # only the hole changes
    gray = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(np.float32)
    local_sd = np.sqrt(np.maximum(cv2.blur(gray * gray, (9, 9)) - cv2.blur(gray, (9, 9)) ** 2, 0))
    ring = hole & ~cv2.erode(hole.view(np.uint8), np.ones((31, 31), np.uint8)).astype(bool)  # the 15 px a move uncovers first
    outside = ~cv2.dilate(hole.view(np.uint8), np.ones((31, 31), np.uint8)).astype(bool)
    assert np.median(local_sd[ring]) >= 0.6 * np.median(local_sd[outside])  # textured, not a smooth wash
    assert np.abs(out[hole].mean(axis=0) - img[~hole].mean(axis=0)).max() < 12  # the backdrop's colour, not the subject's


def test_layers_parting_uncover_texture_not_a_blur_halo():
    """A dolly zoom parts the layers most: around a big subject, what shows is the backdrop's own texture."""
    img = _grain(360, 640, seed=2)
    cv2.rectangle(img, (220, 70), (420, 300), (30, 90, 210), -1)
    seg = segment(img)
    assert seg.found
    lay = choose_layout((640, 360), (640, 360), subject=seg.bbox)
    still = LayeredStill(img, lay, seg, max_zoom=1.5)
    cam = camera_at("dolly_zoom", 1.0)
    frame = still.render(cam, layer_states("dolly_zoom", cam))
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    local_sd = np.sqrt(np.maximum(cv2.blur(gray * gray, (7, 7)) - cv2.blur(gray, (7, 7)) ** 2, 0))
    blue = np.abs(frame.astype(int) - (30, 90, 210)).sum(axis=2) < 60
    near = cv2.dilate(blue.astype(np.uint8), np.ones((25, 25), np.uint8)).astype(bool) & ~cv2.dilate(blue.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    far = ~cv2.dilate(blue.astype(np.uint8), np.ones((121, 121), np.uint8)).astype(bool)
    assert np.median(local_sd[near]) >= 0.6 * np.median(local_sd[far]), (np.median(local_sd[near]), np.median(local_sd[far]))


@pytest.mark.parametrize("scale", [1.0021, 0.9985, 1.3, 2.13])
def test_resize_sampling_matches_the_warp_even_for_factors_near_one(scale):
    """The resize shortcut samples where warpAffine does, on any window; a factor so near 1 that the window keeps
    its size used to be copied by cv2.resize (no resampling), shifting a hard edge by up to half a pixel."""
    from omnireel.media.ops.parallax import _resize_affine

    rng = np.random.default_rng(7)
    src = np.zeros((400, 400), np.uint8)
    src[:, 170:] = 255  # a hard edge: any misplacement shows as a large difference next to it
    src[150:, :] = rng.integers(0, 256, (250, 400), dtype=np.uint8)
    checked = 0
    for x0, y0, x1, y1 in [(150, 40, 280, 130), (0, 0, 400, 300), (190, 100, 260, 140), (20, 200, 300, 260)]:
        # Offsets that put frame pixel (x0, y0) exactly on a source pixel, so a grid is found without skipping.
        tx, ty = x0 - 0.5 - (150 - 0.5) * scale, y0 - 0.5 - (60 - 0.5) * scale
        m = np.array([[scale, 0, tx], [0, scale, ty]])
        got = _resize_affine(src, m, x0, y0, x1, y1, lambda h, w: np.empty((h, w), np.uint8))
        if got is None:
            continue  # no aligned grid: the caller warps
        mm = m.copy()
        mm[:, 2] -= (x0, y0)
        want = cv2.warpAffine(src, mm, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # within a 1/32-px grid offset of the warp on a 0-255 edge (~8 levels) plus rounding; a copy is off by ~100
        assert np.abs(got.astype(int) - want.astype(int)).max() <= 12, (x0, y0, x1, y1)
        checked += 1
    assert checked or abs(scale - 1) < 0.01  # the shortcut is used away from 1
