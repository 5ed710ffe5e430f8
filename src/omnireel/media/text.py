"""Exact on-screen text: load the bundled font, fit a string into a box, and render it once as a crisp RGBA sprite.

Text is drawn with Pillow (raqm shaping when available, so complex scripts shape correctly) at the output
resolution and then only composited, never resampled, which keeps glyph edges sharp enough for OCR.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_BOLD = "DejaVuSans-Bold.ttf"
FONT_REGULAR = "DejaVuSans.ttf"


@functools.lru_cache(maxsize=64)
def load_font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    """The bundled DejaVu font at `size` px; the same file on every machine, so rendering is reproducible."""
    ref = resources.files("omnireel.media").joinpath("fonts", FONT_BOLD if bold else FONT_REGULAR)
    with resources.as_file(ref) as path:
        return ImageFont.truetype(str(path), size=max(6, int(size)))


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_w: int) -> list[str]:
    words = text.split(" ")
    lines: list[str] = []
    cur = ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if not cur or font.getlength(trial) <= max_w:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


def fit_text(
    text: str, max_w: int, max_h: int, *, max_size: int, min_size: int = 12, bold: bool = True, max_lines: int = 3
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (<= max_size) and line breaks that fit `text` into max_w x max_h, wrapping at spaces.
    Words are never split, so the text reads exactly as written."""
    size = max_size
    while True:
        font = load_font(size, bold)
        lines = _wrap(text, font, max_w)
        line_h = _line_height(font)
        widest = max(font.getlength(line) for line in lines)
        if (len(lines) <= max_lines and widest <= max_w and line_h * len(lines) <= max_h) or size <= min_size:
            return font, lines
        size = max(min_size, int(size * 0.92))


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * 1.12)


def render_text_sprite(
    lines: list[str],
    font: ImageFont.FreeTypeFont,
    *,
    color: tuple[int, int, int] = (255, 255, 255),
    plate: tuple[int, int, int, int] | None = (10, 12, 18, 215),
    align: str = "center",
    shadow: bool = True,
) -> np.ndarray:
    """Render text lines to an HxWx4 uint8 RGBA sprite: light glyphs with a dark outline and soft shadow, on an
    optional rounded dark plate. The high-contrast plate keeps the text legible over any moving background."""
    ascent, descent = font.getmetrics()
    line_h = _line_height(font)
    widths = [int(np.ceil(font.getlength(line))) for line in lines]
    pad_x = int(font.size * 0.6)
    pad_y = int(font.size * 0.35)
    w = max(widths) + 2 * pad_x
    h = line_h * len(lines) - (line_h - ascent - descent) + 2 * pad_y
    stroke = max(1, font.size // 18)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    if plate is not None:
        ImageDraw.Draw(img).rounded_rectangle((0, 0, w - 1, h - 1), radius=int(font.size * 0.35), fill=plate)
    if shadow:
        sh = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        sd = ImageDraw.Draw(sh)
        off = max(1, font.size // 20)
        for i, line in enumerate(lines):
            x = _x_for(align, widths[i], w, pad_x)
            sd.text((x + off, pad_y + i * line_h + off), line, font=font, fill=(0, 0, 0, 170))
        sh = sh.filter(ImageFilter.GaussianBlur(max(1, font.size // 16)))
        img = Image.alpha_composite(img, sh)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        x = _x_for(align, widths[i], w, pad_x)
        d.text(
            (x, pad_y + i * line_h), line, font=font, fill=(*color, 255), stroke_width=stroke, stroke_fill=(0, 0, 0, 255)
        )
    return np.asarray(img, dtype=np.uint8).copy()


def _x_for(align: str, line_w: int, box_w: int, pad_x: int) -> int:
    if align == "left":
        return pad_x
    if align == "right":
        return box_w - pad_x - line_w
    return (box_w - line_w) // 2


def text_sprite_for_frame(
    text: str, width: int, height: int, *, scale: float = 1.0, max_lines: int = 3, bold: bool = True, **kwargs
) -> np.ndarray:
    """A sprite for `text` sized for a width x height frame: as large as fits in ~84% of the width and ~40% of the
    height (times `scale`), with a floor that keeps small resolutions readable."""
    short = min(width, height)
    max_size = max(14, int(short * 0.13 * scale))
    font, lines = fit_text(
        text,
        int(width * 0.84) - int(max_size * 1.2),
        int(height * 0.40 * scale),
        max_size=max_size,
        min_size=max(12, short // 30),
        bold=bold,
        max_lines=max_lines,
    )
    return render_text_sprite(lines, font, **kwargs)
