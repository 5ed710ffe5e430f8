"""Titles over bright pictures are dark type on a lightly lifted backdrop, not light type on a grey patch; over
dark pictures they stay light type. Either way the exact text reads back."""

from __future__ import annotations

import cv2
import numpy as np

from omnireel.engines.base import MediaInput
from tests.unit.engines.conftest import image_path
from tests.unit.media.helpers import frame_at, needs_tesseract, ocr


def _studio(bright: bool) -> np.ndarray:
    """A product on a seamless studio backdrop, white or charcoal."""
    h, w = 360, 540
    base = np.linspace(250, 228, h) if bright else np.linspace(40, 22, h)
    img = np.repeat(np.repeat(base[:, None, None], w, axis=1), 3, axis=2).astype(np.uint8)
    cv2.rectangle(img, (235, 110), (305, 300), (250, 190, 150) if bright else (200, 90, 60), -1)
    cv2.rectangle(img, (252, 70), (288, 112), (235, 235, 235) if bright else (150, 150, 150), -1)
    return img


def _title_region(frame: np.ndarray) -> np.ndarray:
    """The band of the frame where a bottom lower third sits."""
    h = frame.shape[0]
    return frame[int(h * 0.62) : int(h * 0.9), : frame.shape[1] // 2]


@needs_tesseract
def test_bright_picture_gets_dark_type_without_a_grey_patch(run_engine, tmp_path):
    p = image_path(tmp_path, _studio(bright=True))
    _, out, _ = run_engine(
        task="image_to_video", prompt='Slow push in on the bottle. Text "Summer Sale" at the bottom.', duration_s=4,
        media=(MediaInput("image", p, "image/png"),),
    )
    frame = frame_at(out.video_path, 60)
    assert ocr(frame) == "Summer Sale"
    band = cv2.cvtColor(_title_region(frame), cv2.COLOR_RGB2GRAY)
    # The backdrop around the type stays light (no darkened patch) and the glyphs are dark.
    assert np.median(band) >= 170, np.median(band)
    assert (band < 60).mean() > 0.01


@needs_tesseract
def test_dark_picture_keeps_light_type(run_engine, tmp_path):
    p = image_path(tmp_path, _studio(bright=False))
    _, out, _ = run_engine(
        task="image_to_video", prompt='Slow push in on the bottle. Text "Night Edition" at the bottom.', duration_s=4,
        media=(MediaInput("image", p, "image/png"),),
    )
    frame = frame_at(out.video_path, 60)
    assert ocr(frame) == "Night Edition"
    band = cv2.cvtColor(_title_region(frame), cv2.COLOR_RGB2GRAY)
    assert (band > 200).mean() > 0.01 and np.median(band) < 100
