"""Test helpers shared by media and engine tests: decode an output completely, read its audio, OCR a frame."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from omnireel.media.decode import iter_frames


def has_tesseract() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return True


needs_tesseract = pytest.mark.skipif(not has_tesseract(), reason="tesseract OCR is not installed")


def decode_all(path: Path) -> dict:
    """Decode every video frame and audio sample of an MP4; returns counts, sizes, stream facts and the audio."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        info = {
            "fps": float(v.average_rate),
            "codec": v.codec_context.name,
            "pix_fmt": v.codec_context.pix_fmt,
            "audio_codec": c.streams.audio[0].codec_context.name if c.streams.audio else None,
            "sample_rate": c.streams.audio[0].codec_context.sample_rate if c.streams.audio else None,
            "channels": c.streams.audio[0].codec_context.channels if c.streams.audio else 0,
        }
    frames = 0
    size = None
    last_time = 0.0
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            frames += 1
            size = (f.width, f.height)
            last_time = float(f.time)
    audio = read_audio(path)
    info.update(frames=frames, size=size, duration=last_time + 1 / info["fps"], audio=audio)
    return info


def read_audio(path: Path) -> np.ndarray:
    """All decoded audio as float32 (channels, n); empty when there is no audio stream."""
    chunks = []
    with av.open(str(path)) as c:
        if not c.streams.audio:
            return np.zeros((0, 0), np.float32)
        for f in c.decode(audio=0):
            chunks.append(f.to_ndarray().reshape(f.layout.nb_channels if f.format.is_planar else 1, -1))
    return np.concatenate(chunks, axis=1).astype(np.float32)


def frame_at(path: Path, index: int) -> np.ndarray:
    for i, f in enumerate(iter_frames(path)):
        if i == index:
            return f
    raise IndexError(index)


def ocr(rgb: np.ndarray) -> str:
    """Read the engine's titles from a frame. Titles are light glyphs with a dark outline over a darkened
    backdrop, or, over bright pictures, dark glyphs with a light halo. Both readings are tried (keep the
    glyph-coloured components that touch their outline, drop specks, upscale small frames, OCR as a block) and
    the one tesseract is more confident of wins. Returns the words joined by single spaces."""
    import cv2

    h, w = rgb.shape[:2]
    lo, hi = rgb.max(axis=2), rgb.min(axis=2)

    def near(m):
        return cv2.dilate(m.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)

    # Light type: only inside the darkened regions (the scrim), away from bright parts of the picture.
    n, labels, stats, _ = cv2.connectedComponentsWithStats((lo < 90).astype(np.uint8), connectivity=8)
    plates = np.zeros((h, w), bool)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area >= h * w // 200:
            m = max(2, int(min(bw, bh) * 0.1))
            plates[y + m : y + bh - m, x + m : x + bw - m] = True
    reads = [_read_glyphs((hi > 200) & plates, near(lo < 70)), _read_glyphs(lo < 60, near(hi > 215))]
    return max(reads, key=lambda r: r[1])[0]


def ocr_ink(rgb: np.ndarray, ink: tuple[int, int, int], box: tuple[int, int, int, int] | None = None,
            tolerance: int = 70) -> str:
    """Read text drawn in the colour `ink` (a coloured title, or dark type on a light plate): the glyphs are the
    pixels near that colour, next to the titles' black outline or, for dark ink, a light plate; only inside `box`
    (x0, y0, x1, y1) when given."""
    dist = np.abs(rgb.astype(int) - np.array(ink)).max(axis=2)
    lo, hi = rgb.max(axis=2), rgb.min(axis=2)
    dark_ink = max(ink) < 80
    import cv2

    edge = (hi > 200) if dark_ink else (lo < 60)
    near = cv2.dilate(edge.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    glyphs = dist < tolerance
    if box is not None:
        inside = np.zeros_like(glyphs)
        inside[box[1] : box[3], box[0] : box[2]] = True
        glyphs &= inside
    return _read_glyphs(glyphs, near)[0]


def _read_glyphs(mask: np.ndarray, outline: np.ndarray) -> tuple[str, float]:
    """OCR of the components of `mask` that touch `outline`: (words joined by spaces, mean word confidence)."""
    import cv2
    import pytesseract
    from PIL import Image

    h, w = mask.shape
    mask = mask.astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    keep = (area >= max(6, h * w // 40000)) & (area <= h * w // 30)
    keep[0] = False
    keep &= np.bincount(labels[outline & (mask > 0)], minlength=n) >= 3
    clean = np.where(keep[labels], 0, 255).astype(np.uint8)
    if h < 700:
        clean = cv2.resize(clean, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    data = pytesseract.image_to_data(Image.fromarray(clean), config="--psm 6", output_type=pytesseract.Output.DICT)
    words = [(t, float(c)) for t, c in zip(data["text"], data["conf"]) if t.strip() and float(c) >= 0]
    if not words:
        return "", -1.0
    return " ".join(t for t, _ in words), sum(c for _, c in words) / len(words)


def layered_product(w: int = 480, h: int = 320, *, seed: int = 3, label=(240, 240, 235)) -> np.ndarray:
    """A synthetic product photo that separates into layers: a blue bottle with a hard-edged label on a smooth
    warm backdrop (noise seeded by `seed`)."""
    import cv2

    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.random((h // 16, w // 16)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img = np.dstack([120 + 110 * noise, 70 + 70 * noise, 30 + 30 * noise]).clip(0, 255).astype(np.uint8)
    cv2.ellipse(img, (w // 2, h // 2), (w // 7, h // 3), 0, 0, 360, (30, 90, 200), -1)
    cv2.rectangle(img, (w // 2 - 30, h // 2 - 10), (w // 2 + 30, h // 2 + 12), label, -1)
    return img
