"""Titles fit the frame: every card style, at every aspect ratio, keeps every glyph inside a safe margin on every
frame of its animation (tracking, slides, scale pops), wrapping long titles onto more lines and shrinking a word
too long for a line, and the text still reads back exactly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omnireel.engines.base import MediaInput, frame_size
from omnireel.media.decode import iter_frames
from omnireel.media.motion.kinetic import LAYOUTS, REVEALS, SAFE_MARGIN, Card, KineticTitle
from tests.unit.engines.conftest import image_path, run_engine  # noqa: F401 (the engine runner fixture)
from tests.unit.media.helpers import needs_tesseract

LONG = "Commander Eileen Collins, first woman to pilot and command a Space Shuttle mission, 1995"
WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"
FOX = "The Quick Brown Fox Jumps Over The Lazy Dog Again"
# Decoded frames: the builtin engine keeps pictures off pure white (titles own it), so near-white pixels are
# glyphs. The band checked is a little inside the safe margin, for H.264 ringing around sharp glyph edges.
WHITE = 225
BAND = SAFE_MARGIN * 0.9


def _glyph_box(title: KineticTitle, times) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of every glyph pixel the title draws at any of `times`, drawn alone on black (without
    its accent graphics): the union over its animation."""
    title._accents = lambda frame, t: None
    box = [10**9, 10**9, -1, -1]
    for t in times:
        frame = np.zeros((title.h, title.w, 3), np.uint8)
        title.draw(frame, t)
        ys, xs = np.nonzero(frame.max(axis=2) > 24)  # faint too: a fading glyph is still seen
        if len(xs):
            box = [min(box[0], xs.min()), min(box[1], ys.min()), max(box[2], xs.max()), max(box[3], ys.max())]
    return tuple(int(v) for v in box)


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
@pytest.mark.parametrize("text", [LONG, WORD, FOX])
def test_every_style_and_reveal_stays_inside_the_safe_area(aspect, text):
    w, h = frame_size(aspect, "360p")
    # Entrance (0-0.9 s, where tracking is widest and the scale pop overshoots), a held frame, and the exit.
    times = [i / 24 for i in (*range(0, 24), 40, *range(60, 72))]
    for layout in LAYOUTS:
        for reveal in REVEALS:
            title = KineticTitle(Card(text, 0.0, 3.0, layout, "center", reveal), w, h)
            assert " ".join(title.lines) == text
            x0, y0, x1, y1 = _glyph_box(title, times)
            mx, my = w * SAFE_MARGIN, h * SAFE_MARGIN
            where = f"{layout}/{reveal} at {w}x{h}: glyphs span x {x0}..{x1}, y {y0}..{y1}"
            assert x0 >= mx - 1 and x1 <= w - mx and y0 >= my - 1 and y1 <= h - my, where


@pytest.mark.parametrize("resolution", ["720p", "1080p", "4k"])
def test_long_titles_wrap_instead_of_shrinking_to_small_print(resolution):
    w, h = frame_size("9:16", resolution)
    title = KineticTitle(Card(LONG, 0.0, 3.0, "lower_third"), w, h)
    assert len(title.lines) >= 3 and title.size >= min(w, h) // 26
    assert title._overflow() <= 0


def _frames(path) -> list[np.ndarray]:
    return list(iter_frames(path))


def _white_in_margin(frames: list[np.ndarray]) -> list[int]:
    """Indices of frames with glyph (near-white) pixels in the band along any edge."""
    bad = []
    for i, f in enumerate(frames):
        h, w = f.shape[:2]
        bx, by = int(w * BAND), int(h * BAND)
        white = f.min(axis=2) > WHITE
        if white[:, :bx].any() or white[:, w - bx :].any() or white[:by].any() or white[h - by :].any():
            bad.append(i)
    return bad


def read_white(rgb: np.ndarray) -> str:
    """OCR of the white glyph fill alone (the engine's light titles), as black on white."""
    import pytesseract
    from PIL import Image

    clean = np.where(rgb.min(axis=2) > 200, 0, 255).astype(np.uint8)
    if rgb.shape[0] < 900:
        clean = cv2.resize(clean, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    return " ".join(pytesseract.image_to_string(Image.fromarray(clean), config="--psm 6").split())


def _dark_photo() -> np.ndarray:
    """A dim picture (no near-white pixels of its own) with some structure to separate and move."""
    h, w = 480, 640
    y, x = np.mgrid[0:h, 0:w]
    img = np.dstack([40 + 60 * x / w, 50 + 40 * y / h, 90 + 30 * np.ones_like(x)]).astype(np.uint8)
    cv2.circle(img, (w // 2, h // 2), 120, (150, 90, 60), -1)
    return img


@needs_tesseract
@pytest.mark.parametrize(
    "aspect,prompt,text",
    [
        ("9:16", f'Lower third "{LONG}" over a neon city at night', LONG),
        ("1:1", f'Lower third "{LONG}" over a neon city at night', LONG),
        ("9:16", f'Title "{WORD}" over a neon city at night', WORD),
    ],
)
def test_text_to_video_long_titles_fit_and_read_exactly(run_engine, aspect, prompt, text):
    _, out, _ = run_engine(task="text_to_video", prompt=prompt, aspect_ratio=aspect, resolution="720p")
    frames = _frames(out.video_path)
    assert _white_in_margin(frames) == []
    assert read_white(frames[45]) == text


@needs_tesseract
def test_tracking_reveal_gathers_inside_the_frame(run_engine):
    _, out, _ = run_engine(
        task="text_to_video", prompt=f'Neon city at night. [0-3s] end card "{FOX}"', aspect_ratio="9:16",
        resolution="720p",
    )
    assert "track reveal" in out.text
    frames = _frames(out.video_path)
    assert _white_in_margin(frames) == []
    assert read_white(frames[60]) == FOX


@needs_tesseract
@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
def test_image_titles_fit_and_read_exactly(run_engine, tmp_path, aspect):
    media = (MediaInput("image", image_path(tmp_path, _dark_photo()), "image/png"),)
    _, out, _ = run_engine(
        task="image_to_video", prompt=f'Slow push in. Lower third "{LONG}"', aspect_ratio=aspect,
        resolution="720p", media=media,
    )
    frames = _frames(out.video_path)
    assert _white_in_margin(frames) == []
    assert read_white(frames[45]) == LONG


def test_reference_titles_fit(run_engine, tmp_path):
    photo = _dark_photo()
    media = tuple(
        MediaInput("image", image_path(tmp_path, np.roll(photo, 80 * i, axis=1), f"ref{i}.png"), "image/png")
        for i in range(3)
    )
    _, out, _ = run_engine(
        task="reference_to_video", prompt=f'[0-2s] "{LONG}" [2-4s] end card "{FOX}"', aspect_ratio="9:16",
        resolution="720p", duration_s=4, media=media,
    )
    assert _white_in_margin(_frames(out.video_path)) == []
