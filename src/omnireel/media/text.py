"""Exact on-screen text: load the bundled font, fit a string into a box, and render it once as a crisp RGBA sprite.

Text is drawn with Pillow (raqm shaping when available, so complex scripts shape correctly) at the output
resolution and then only composited, never resampled, which keeps glyph edges sharp enough for OCR.
"""

from __future__ import annotations

import functools
import math
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
        if len(lines) <= max_lines and widest <= max_w and line_h * len(lines) <= max_h:
            return font, lines
        # At min_size the height and line budgets give way, but never the width: a word too long for the line
        # keeps shrinking rather than run off the frame.
        if (size <= min_size and widest <= max_w) or size <= 6:
            return font, lines
        size = max(min_size if size > min_size else 6, int(size * 0.92))


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
    outline: tuple[int, int, int] = (0, 0, 0),
) -> np.ndarray:
    """Render text lines to an HxWx4 uint8 RGBA sprite: light glyphs with a dark outline and soft shadow, on an
    optional rounded dark plate. The high-contrast plate keeps the text legible over any moving background. Dark
    glyphs on a light plate take a light `outline` (a dark one would only thicken them)."""
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
            (x, pad_y + i * line_h), line, font=font, fill=(*color, 255), stroke_width=stroke, stroke_fill=(*outline, 255)
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


# --- Display typography: balanced line breaks and title sprites --------------------------------------------------

# Words that bind to the word after them: a line never ends on one ("for / the win" reads wrong).
_BINDING = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "&", "with", "by", "from", "or", "your", "our", "my"}
# Punctuation after which a break reads naturally ("Nov 28 - / Free Entry", "Bold, / Bright").
_NATURAL_END = ("-", "–", "—", "|", "·", "•", ":", ",", ";", ".", "!", "?", "/")


def _break_cost(words: list[str], lines: list[list[str]], widths: list[float]) -> float:
    """Typographic cost of a set of lines (lower is better): raggedness, orphans, and unnatural break points."""
    widest = max(widths)
    cost = 0.0
    for w in widths[:-1]:
        cost += ((widest - w) / widest) ** 2 * 0.6
    cost += ((widest - widths[-1]) / widest) ** 2 * 0.35  # a shorter last line is classic, but not a stub
    for i, line in enumerate(lines):
        if len(line) == 1 and len(words) >= 4:
            cost += 0.9 if i == len(lines) - 1 else 0.5  # an orphan: one word alone on a line
        if i < len(lines) - 1:
            last, nxt = line[-1], lines[i + 1][0]
            if last.lower() in _BINDING:
                cost += 0.8
            if last.endswith(_NATURAL_END) or last in _NATURAL_END:
                cost -= 0.25
            if nxt in _NATURAL_END:
                cost += 0.35  # a line starting with a dash
            if nxt[:1].isdigit() and len(last) <= 4 and last.isalpha() and len(line) == 1:
                cost += 0.4  # "Nov / 28": a short label and its number belong together
    return cost


def balanced_lines(
    text: str, max_w: int, max_h: int, *, max_size: int, min_size: int = 12, bold: bool = True, max_lines: int = 3,
    prefer_lines: int = 1, line_gap: float = 1.08,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Display line breaking: the font size and breaks that make `text` as large as fits max_w x max_h while the
    lines stay balanced (no orphaned last word, breaks after punctuation, never after "the"/"of"). Words are
    never split or changed, so " ".join(lines) == text. `prefer_lines` biases towards stacked layouts.
    `min_size` may override the height budget but never the width: a line wider than max_w would be cut off at
    the frame edge, so text that only fits smaller (a single long word) comes back smaller than `min_size`."""
    words = text.split(" ")
    ref = load_font(100, bold)
    space = ref.getlength(" ")
    wlen = [ref.getlength(w) for w in words]
    asc, desc = ref.getmetrics()
    lh_ref = (asc + desc) * line_gap
    n_words = len(words)
    best = None
    for n in range(1, min(max_lines, n_words) + 1):
        # Every break combination for short titles; for long ones (many lines of many words) the enumeration
        # would explode, so the evenly filled greedy breaks stand in.
        if math.comb(n_words - 1, n - 1) <= 4000:
            candidates = (_bounds_from_cuts(cuts, n_words) for cuts in _combinations(n_words - 1, n - 1))
        else:
            candidates = (_even_bounds(wlen, space, n),)
        for bounds in candidates:
            k = len(bounds) - 1
            lines = [words[bounds[i] : bounds[i + 1]] for i in range(k)]
            widths = [sum(wlen[bounds[i] : bounds[i + 1]]) + space * (len(lines[i]) - 1) for i in range(k)]
            size_w = 100 * max_w / max(widths)
            size = min(max_size, size_w, max(min_size, 100 * max_h / (lh_ref * k)))
            cost = _break_cost(words, lines, widths) if k > 1 else 0.0
            cost += 0.04 * abs(k - prefer_lines)
            score = (size / max_size) - cost * 0.35
            if best is None or score > best[0] + 1e-9:
                best = (score, size, [" ".join(line) for line in lines])
    _, size, lines = best
    size = max(6, int(size))
    # Rounding or hinting may push a line over: step down until it fits.
    while size > 6 and max(load_font(size, bold).getlength(line) for line in lines) > max_w:
        size -= 1
    return load_font(size, bold), lines


def _bounds_from_cuts(cuts: tuple[int, ...], n_words: int) -> list[int]:
    return [0, *[c + 1 for c in cuts], n_words]


def _even_bounds(wlen: list[float], space: float, n: int) -> list[int]:
    """Line bounds for at most n lines that keep the widest line as narrow as greedy filling allows (a binary
    search on the line width), so the lines come out about even."""
    def pack(limit: float) -> list[int]:
        bounds, cur = [0], -space
        for i, w in enumerate(wlen):
            if cur + space + w > limit and i > bounds[-1]:
                bounds.append(i)
                cur = w
            else:
                cur += space + w
        return [*bounds, len(wlen)]

    lo, hi = max(wlen), sum(wlen) + space * (len(wlen) - 1)
    for _ in range(30):
        mid = (lo + hi) / 2
        if len(pack(mid)) - 1 <= n:
            hi = mid
        else:
            lo = mid
    return pack(hi)


def _combinations(n: int, k: int):
    """All sorted k-subsets of range(n) (break positions after word i); small n, so plain recursion is fine."""
    if k == 0:
        yield ()
        return
    for first in range(n):
        for rest in _combinations(n, k - 1):
            if not rest or rest[0] > first:
                yield (first, *rest)


def title_sprite(
    text: str,
    font: ImageFont.FreeTypeFont,
    *,
    glow: tuple[int, int, int] | None = None,
    color: tuple[int, int, int] = (255, 255, 255),
    edge: tuple[int, int, int] = (0, 0, 0),
    tracking: float = 0.0,
) -> tuple[np.ndarray, int]:
    """One line of display type as a premultiplied RGBA uint8 sprite: glyphs in `color`, a thin outline and a
    soft drop shadow in `edge` (dark around light type; light around dark type) and an optional coloured glow
    (no plate). Returns (sprite, pad): the glyph origin sits `pad` px in from the sprite's top-left corner.
    `tracking` adds letter spacing in em (used while a title animates)."""
    size = font.size
    pad = int(size * 0.45) + 2
    asc, desc = font.getmetrics()
    if tracking:
        # Each letter where the kerned line puts it, plus the extra spacing: at tracking 0 this is the line
        # itself, and the spread is exactly tracking * size * (len - 1) wider (the layout budgets for that).
        xs = [font.getlength(text[:i]) + i * tracking * size for i in range(len(text))]
        width = font.getlength(text) + tracking * size * max(0, len(text) - 1)
    else:
        width = font.getlength(text)
    w, h = int(np.ceil(width)) + 2 * pad, asc + desc + 2 * pad
    stroke = max(1, size // 20)
    mask = Image.new("L", (w, h), 0)
    md = ImageDraw.Draw(mask)
    fill = Image.new("L", (w, h), 0)
    fd = ImageDraw.Draw(fill)
    if tracking:
        for ch, cx in zip(text, xs):
            md.text((pad + cx, pad), ch, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
            fd.text((pad + cx, pad), ch, font=font, fill=255)
    else:
        md.text((pad, pad), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
        fd.text((pad, pad), text, font=font, fill=255)
    outer = np.asarray(mask, np.float32) / 255.0
    inner = np.asarray(fill, np.float32) / 255.0
    off = max(1, size // 24)
    shadow = np.asarray(mask.filter(ImageFilter.GaussianBlur(max(1.0, size * 0.09))), np.float32) / 255.0
    edge_rgb = np.asarray(edge, np.float32)
    if float(edge_rgb.mean()) > 127:
        # Dark type: a faint centred halo lifts it off the picture (a light drop shadow would read as an emboss).
        shadow = shadow * 0.5
    else:
        shadow = np.roll(shadow, off, axis=0) * 0.8
    rgb = shadow[..., None] * edge_rgb
    alpha = shadow.copy()
    if glow is not None:
        g = np.asarray(mask.filter(ImageFilter.GaussianBlur(max(2.0, size * 0.22))), np.float32) / 255.0
        g = np.clip(g * 1.6, 0, 1) * 0.85
        gcol = np.asarray(glow, np.float32)
        # Glow under the shadow: coloured light around the letters, dark right next to them for contrast.
        rgb = g[..., None] * gcol
        alpha = g + alpha * (1 - g)
        rgb = rgb * (1 - shadow[..., None]) + shadow[..., None] * edge_rgb
        alpha = np.maximum(alpha, shadow)
    # The outline (the stroke ring), then the glyph on top.
    rgb = rgb * (1 - outer[..., None]) + outer[..., None] * edge_rgb
    alpha = outer + alpha * (1 - outer)
    rgb = rgb * (1 - inner[..., None]) + inner[..., None] * np.asarray(color, np.float32)
    out = np.dstack([np.clip(rgb, 0, 255), np.clip(alpha * 255.0, 0, 255)])
    return (out + 0.5).astype(np.uint8), pad
