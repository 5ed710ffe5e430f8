"""Subject separation and subject-aware reframing of stills."""

from __future__ import annotations

import numpy as np

from omnireel.media.ops.camera_path import CameraState
from omnireel.media.ops.reframe import choose_layout
from omnireel.media.ops.segment import segment
from tests.unit.engines.test_i2v_parallax import textured_product


def test_segment_finds_the_product_deterministically():
    img = textured_product(480, 320)
    a, b = segment(img), segment(img.copy())
    assert a.found and np.array_equal(a.alpha, b.alpha)
    x0, y0, x1, y1 = a.bbox  # the bottle: x 201..278, y 70..249
    assert abs(x0 - 201) < 12 and abs(x1 - 278) < 12 and abs(y0 - 70) < 12 and abs(y1 - 249) < 12


def test_no_clear_subject_on_a_texture():
    rng = np.random.default_rng(0)
    assert not segment(rng.integers(0, 255, (200, 300, 3), dtype=np.uint8)).found


def test_portrait_layout_fills_more_and_keeps_the_subject_inside():
    cams = [CameraState(zoom=z) for z in (1.0, 1.15, 1.3)]
    lay = choose_layout((640, 360), (360, 640), subject=(260, 80, 360, 280), cams=cams)
    assert lay.scale > 1.5 * min(360 / 640, 640 / 360)  # well beyond the letterbox fit
    pts = np.array([[260, 80, 1], [360, 280, 1]], float).T
    for c in cams:
        q = lay.matrix(c) @ pts
        assert q[0].min() >= 0 and q[0].max() <= 360 and q[1].min() >= 0 and q[1].max() <= 640
    # No subject known: the whole image is fitted, nothing cut.
    assert choose_layout((640, 360), (360, 640)).scale == min(360 / 640, 640 / 360)
