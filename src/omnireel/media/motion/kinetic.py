"""Kinetic typography: the exact quoted text as display titles that animate in word by word or line by line
(rise behind a mask, scale pop, tracking, soft wipe), hold perfectly still for reading, and animate out, with
accent graphics (rules, bars, a drawn frame) that move with the type, in one of four layouts: a centred hero, a
lower third, a stacked left-aligned block with an accent bar, and an end card.

Glyphs are rasterised once (Pillow) at output resolution and only moved/composited afterwards; while a title
holds, the exact full-line sprites are composited, so the text is pixel-identical from frame to frame.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from omnireel.media.motion.layers import over
from omnireel.media.text import balanced_lines, load_font, title_sprite

LAYOUTS = ("hero", "lower_third", "stacked", "end_card")
# (glyph colour, outline and shadow colour): light type for most pictures, dark type over bright ones.
LIGHT_INK = ((255, 255, 255), (0, 0, 0))
DARK_INK = ((24, 24, 28), (255, 255, 255))
REVEALS = ("rise", "scale", "track", "wipe")
# Every glyph stays this far (a fraction of the frame's width, and of its height) inside the frame edges on every
# frame of its animation: broadcast "action safe", and room for players that crop a few percent.
SAFE_MARGIN = 0.05


@dataclasses.dataclass(frozen=True)
class Card:
    """One title on the timeline."""

    text: str
    start_s: float
    end_s: float
    layout: str = "hero"  # hero | lower_third | stacked | end_card
    anchor: str = "center"  # hero only: center | top | upper_third | bottom
    reveal: str = "rise"  # rise | scale | track | wipe
    last: bool = False  # holds to the end of the video (no exit)


def ease_out(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return 1 - (1 - x) ** 3


def ease_in_out(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def back_out(x: float) -> float:
    x = min(1.0, max(0.0, x))
    c = 1.4
    return 1 + (c + 1) * (x - 1) ** 3 + c * (x - 1) ** 2


def blit(frame: np.ndarray, spr: np.ndarray, x: int, y: int, opacity: float = 1.0, clip=None) -> None:
    """Composite a premultiplied RGBA sprite with its top-left at (x, y), optionally clipped to a rect
    (x0, y0, x1, y1); in place, touching only the covered rectangle."""
    fh, fw = frame.shape[:2]
    sh, sw = spr.shape[:2]
    cx0, cy0, cx1, cy1 = clip if clip is not None else (0, 0, fw, fh)
    x0, y0 = max(x, cx0, 0), max(y, cy0, 0)
    x1, y1 = min(x + sw, cx1, fw), min(y + sh, cy1, fh)
    if x1 <= x0 or y1 <= y0 or opacity <= 0.003:
        return
    src = spr[y0 - y : y1 - y, x0 - x : x1 - x]
    if opacity < 0.997:
        src = cv2.multiply(src, (opacity, opacity, opacity, opacity))
    dst = frame[y0:y1, x0:x1]
    inv = cv2.bitwise_not(np.ascontiguousarray(src[..., 3]))
    inv3 = cv2.cvtColor(inv, cv2.COLOR_GRAY2RGB)
    cv2.add(np.ascontiguousarray(src[..., :3]), cv2.multiply(dst, inv3, scale=1 / 255.0), dst=dst)


@dataclasses.dataclass
class _Unit:
    """A word, line or character sprite and where its glyph origin sits when the title is at rest."""

    sprite: np.ndarray
    pad: int
    x: float
    y: float
    line: int


class KineticTitle:
    """One card laid out for a width x height frame; `draw(frame, t)` animates it, `scrim()` says how to darken
    the picture behind it."""

    def __init__(self, card: Card, width: int, height: int, *, accent=(255, 60, 160), glow=None):
        self.card = card
        self.w, self.h = width, height
        self.accent = tuple(int(c) for c in accent)
        land = width >= height * 1.1
        short = min(width, height)
        L = card.layout
        if L == "lower_third":
            box = (width * (0.62 if land else 0.80), height * (0.2 if land else 0.16), short * 0.11, 2, 1)
        elif L == "stacked":
            box = (width * (0.52 if land else 0.78), height * (0.56 if land else 0.42), short * 0.17, 4, 3)
        elif L == "end_card":
            box = (width * (0.70 if land else 0.78), height * (0.30 if land else 0.26), short * 0.13, 3, 1)
        else:
            box = (width * (0.84 if land else 0.86), height * (0.40 if land else 0.32), short * 0.18, 3, 1)
        max_w, max_h, max_size, max_lines, prefer = box
        # Below this size a title reads as small print; rather than go under it, a long title wraps onto more
        # lines (in a taller box). A single word too long for a line has nothing to wrap and shrinks instead.
        min_size = max(14, short // 26)
        n_words = len(card.text.split(" "))
        for extra in range(4):
            n = max_lines + extra
            font, lines = balanced_lines(
                card.text, int(max_w), int(min(height * 0.6, max_h * n / max_lines)), max_size=int(max_size),
                min_size=min_size, max_lines=n, prefer_lines=prefer,
            )
            if font.size >= min_size or n >= n_words:
                break
        if font.size < min_size:
            # Still small print (a single long word): let it use the whole safe width rather than the design
            # box; the safe-area step below brings it back inside.
            font, lines = balanced_lines(
                card.text, width, int(min(height * 0.6, max_h * n / max_lines)), max_size=int(max_size),
                min_size=min_size, max_lines=n, prefer_lines=prefer,
            )
        self.align = "left" if L in ("lower_third", "stacked") else "center"
        self._land = land
        self._place(font, lines)
        # The box is a design size, not a guarantee: outlines, the wipe's slide, the scale pop's overshoot and the
        # end card's frame reach past it. Step the type down (same breaks) until all of that is in the safe area.
        while self.size > 6 and (over := self._overflow()) > 0:
            x0, y0, x1, y1 = self._extent()
            step = max(1, int(self.size * over / max(1.0, x1 - x0, y1 - y0)))
            self._place(load_font(max(6, self.size - step)), lines)
        self._track_max = [self._room_to_track(i) for i in range(len(self.lines))]
        self.glow = glow
        self.ink, self.edge = LIGHT_INK
        self.lighten = False  # the scrim darkens the picture behind light type, lightens it behind dark type
        self._layout_units()
        # Timing: the whole entrance fits in ~0.9 s (or a third of a short card), staggered by unit.
        dur = max(0.3, card.end_s - card.start_s)
        n = len(self.units)
        self.enter = min(0.9, dur * 0.33)
        self.anim = min(0.55, self.enter * 0.65)
        self.stagger = 0.0 if n <= 1 else min(0.1, (self.enter - self.anim) / (n - 1))
        self.exit = 0.0 if card.last else min(0.45, dur * 0.2)
        self.scrim_strength = 0.6
        self._scrim_cache: dict[tuple[int, int], np.ndarray] = {}

    def _place(self, font, lines: list[str]) -> None:
        """Position the lines at this font size for the card's layout (sets font, size, line height, block)."""
        w, h, L = self.w, self.h, self.card.layout
        self.font, self.lines, self.size = font, lines, font.size
        asc, desc = font.getmetrics()
        self.lh = int((asc + desc) * 1.06)
        self._widths = widths = [font.getlength(line) for line in lines]
        block_w, block_h = max(widths), self.lh * (len(lines) - 1) + asc + desc
        self.bar = bar = max(3, int(self.size * 0.12))
        if L == "lower_third":
            x_left = w * 0.07 + bar * 3
            top = h * (0.86 if self._land else 0.82) - block_h
        elif L == "stacked":
            x_left = w * 0.08 + bar * 3
            top = h * 0.5 - block_h / 2
        else:
            cy = {"top": 0.22, "upper_third": 0.33, "bottom": 0.78}.get(self.card.anchor, 0.5) if L == "hero" else 0.5
            x_left = (w - block_w) / 2
            top = h * cy - block_h / 2
        top = min(max(top, h * 0.06), h * 0.94 - block_h)
        self.block = (x_left, top, x_left + block_w, top + block_h)

    def _line_x(self, i: int) -> float:
        x_left, _, x_right, _ = self.block
        return x_left if self.align == "left" else x_left + (x_right - x_left - self._widths[i]) / 2

    def _extent(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1): everything the title draws at any moment of its animation except the tracking
        (which is limited to the room left, `_room_to_track`): glyphs with their outline, the wipe's slide from
        the left, the scale reveal's overshoot around each word's centre, and the end card's frame."""
        f, size, rev = self.font, self.size, self.card.reveal
        stroke = max(1, size // 20)
        xs0, xs1, ys0, ys1 = [], [], [], []
        for i, line in enumerate(self.lines):
            lx, ly = self._line_x(i), self.block[1] + i * self.lh
            l, t, r, b = f.getbbox(line, stroke_width=stroke)
            xs0.append(lx + l - (size * 0.5 + 1 if rev == "wipe" else 0))
            xs1.append(lx + r)
            ys0.append(ly + t)
            ys1.append(ly + b if rev != "rise" else ly + self.lh + size * 0.25)  # rise: anywhere in its mask
            if rev == "scale":  # back_out peaks at ~1.07, so a word grows to ~1.032x about its centre
                words = line.split(" ")
                for k, word in enumerate(words):
                    x = lx + f.getlength(" ".join(words[:k]) + (" " if k else ""))  # as _layout_units places it
                    wl, wt, wr, wb = f.getbbox(word, stroke_width=stroke)
                    c, cy = x + math.ceil(f.getlength(word)) / 2, ly + sum(f.getmetrics()) / 2
                    xs0.append(c + (x + wl - c) * 1.04)
                    xs1.append(c + (x + wr - c) * 1.04)
                    ys0.append(cy + (ly + wt - cy) * 1.04)
                    ys1.append(cy + (ly + wb - cy) * 1.04)
        x0, y0, x1, y1 = min(xs0), min(ys0), max(xs1), max(ys1)
        if self.card.layout == "end_card":
            th = max(2, int(size * 0.055))
            bx0, by0, bx1, by1 = self.block
            x0, x1 = min(x0, bx0 - size * 0.75 - th), max(x1, bx1 + size * 0.75 + th)
            y0, y1 = min(y0, by0 - size * 0.6 - th), max(y1, by1 + size * 0.6 + th)
        return x0, y0, x1, y1

    def _overflow(self) -> float:
        """How far (px) the title's extent reaches past the safe area; <= 0 when it is inside."""
        x0, y0, x1, y1 = self._extent()
        mx, my = self.w * SAFE_MARGIN, self.h * SAFE_MARGIN
        return max(mx - x0, x1 - (self.w - mx), my - y0, y1 - (self.h - my))

    def _room_to_track(self, i: int) -> float:
        """The widest letter spacing (em, at most the reveal's 0.5) the track reveal may start line i from
        without leaving the safe area: a long line gathers from a narrower spread instead of off screen."""
        line, size = self.lines[i], self.size
        if len(line) < 2:
            return 0.0
        l, _, r, _ = self.font.getbbox(line, stroke_width=max(1, size // 20))
        lx, mx = self._line_x(i), self.w * SAFE_MARGIN
        if self.align == "left":
            room = (self.w - mx) - (lx + r)
        else:  # the spread line stays centred on the line: half the growth on each side
            room = 2 * min(lx + l - mx, (self.w - mx) - (lx + r))
        return float(min(0.5, max(0.0, (room - 2) / (size * (len(line) - 1)))))

    def _layout_units(self) -> None:
        """Rasterise the glyphs in the current ink: full lines at their rest positions (exact, used while holding)
        and the animation units (words for rise and scale reveals)."""
        f, top = self.font, self.block[1]
        self.line_units: list[_Unit] = []
        self.word_units: list[_Unit] = []
        for i, line in enumerate(self.lines):
            lx, ly = self._line_x(i), top + i * self.lh
            spr, pad = title_sprite(line, f, glow=self.glow, color=self.ink, edge=self.edge)
            self.line_units.append(_Unit(spr, pad, lx, ly, i))
            if self.card.reveal in ("rise", "scale"):
                words = line.split(" ")
                for k, word in enumerate(words):
                    prefix = " ".join(words[:k]) + (" " if k else "")
                    wspr, wpad = title_sprite(word, f, glow=self.glow, color=self.ink, edge=self.edge)
                    self.word_units.append(_Unit(wspr, wpad, lx + f.getlength(prefix), ly, i))
        self.units = self.word_units if self.card.reveal in ("rise", "scale") else self.line_units
        self._track_cache: dict[tuple[int, int], tuple[np.ndarray, int]] = {}

    def use_dark_ink(self) -> None:
        """Dark type with a light halo and a lightening scrim: for titles over bright pictures, where light type
        would need the picture darkened into a grey patch to read."""
        if (self.ink, self.edge) != DARK_INK:
            self.ink, self.edge = DARK_INK
            self.glow = None  # a coloured glow belongs to light type on dark scenes
            self.lighten = True
            self._layout_units()

    # --- timing -------------------------------------------------------------------------------------------------

    def visible(self, t: float) -> bool:
        c = self.card
        return c.start_s <= t < c.end_s or (c.last and t >= c.start_s)

    def presence(self, t: float) -> float:
        """0..1: how much of the title is on screen (drives the scrim and the accents)."""
        if not self.visible(t):
            return 0.0
        a = ease_out((t - self.card.start_s) / max(1e-6, self.enter * 0.7))
        if self.exit:
            a = min(a, ease_in_out((self.card.end_s - t) / self.exit))
        return a

    def _progress(self, t: float, k: int) -> float:
        """Unit k's animation state: 0 = hidden, 1 = at rest."""
        c = self.card
        local = t - c.start_s - k * self.stagger
        e = ease_out(local / self.anim) if self.card.reveal != "scale" else back_out(local / self.anim)
        if self.exit:
            n = len(self.units)
            ex = (t - (c.end_s - self.exit)) - k * (self.exit * 0.35 / max(1, n - 1)) * (n > 1)
            if ex > 0:
                e = min(e, 1 - ease_in_out(ex / (self.exit * 0.55)))
        return e

    def at_rest(self, t: float) -> bool:
        c = self.card
        entered = t >= c.start_s + (len(self.units) - 1) * self.stagger + self.anim
        return entered and (not self.exit or t < c.end_s - self.exit)

    # --- drawing ------------------------------------------------------------------------------------------------

    def draw(self, frame: np.ndarray, t: float) -> None:
        if not self.visible(t):
            return
        self._accents(frame, t)
        if self.at_rest(t):
            for u in self.line_units:
                blit(frame, u.sprite, int(round(u.x)) - u.pad, int(round(u.y)) - u.pad)
            return
        rev = self.card.reveal
        for k, u in enumerate(self.units):
            e = self._progress(t, k)
            if e <= 0.001:
                continue
            x, y = int(round(u.x)) - u.pad, int(round(u.y)) - u.pad
            if rev == "rise":
                # Rises from behind an invisible mask at the line's baseline.
                line_top = int(u.y - self.size * 0.12)
                clip = (0, line_top, self.w, int(u.y + self.lh + self.size * 0.25))
                blit(frame, u.sprite, x, y + int(round((1 - e) * self.lh * 1.05)), min(1.0, e * 1.6), clip)
            elif rev == "scale":
                s = max(0.05, 0.55 + 0.45 * e)
                spr = u.sprite if abs(s - 1) < 1e-3 else cv2.resize(u.sprite, None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR)
                cx = x + u.sprite.shape[1] / 2
                cy = y + u.sprite.shape[0] / 2
                blit(frame, spr, int(cx - spr.shape[1] / 2), int(cy - spr.shape[0] / 2), min(1.0, max(0.0, e) * 1.4))
            elif rev == "wipe":
                # A soft-edged wipe from the left while the line settles from a short slide.
                sw = u.sprite.shape[1]
                feather = max(4.0, self.size * 0.8)
                edge = e * (sw + feather)
                ramp = np.clip((edge - np.arange(sw, dtype=np.float32)) / feather, 0, 1)
                spr = (u.sprite * ramp[None, :, None]).astype(np.uint8)
                blit(frame, spr, x - int((1 - e) * self.size * 0.5), y)
            else:  # track: letters gather from wide spacing
                track = round((1 - e) * self._track_max[u.line], 2)
                spr, pad = self._tracked(u.line, track)
                dx = (spr.shape[1] - u.sprite.shape[1]) / 2 if self.align == "center" else 0
                blit(frame, spr, int(x - dx), y, min(1.0, e * 1.3))

    def _tracked(self, line: int, track: float):
        key = (line, int(track * 100))
        got = self._track_cache.get(key)  # frames may be drawn from several threads: no check-then-read
        if got is None:
            if len(self._track_cache) > 64:
                self._track_cache.clear()
            got = title_sprite(self.lines[line], self.font, glow=self.glow, color=self.ink, edge=self.edge, tracking=track)
            self._track_cache[key] = got
        return got

    def _accents(self, frame: np.ndarray, t: float) -> None:
        p = self.presence(t)
        if p <= 0.002:
            return
        x0, y0, x1, y1 = self.block
        col = self.accent
        L = self.card.layout
        th = max(2, int(self.size * 0.055))
        if L == "hero":
            gap = self.size * 0.42
            half = min((x1 - x0) * 0.32, self.w * 0.22) * ease_out(p)
            cx = (x0 + x1) / 2
            for y in (y0 - gap, y1 + gap * 0.9):
                cv2.line(frame, (int(cx - half), int(y)), (int(cx + half), int(y)), col, th, cv2.LINE_AA)
            r = max(3, int(self.size * 0.07))
            for sx in (-1, 1):  # small diamonds at the rule ends
                px, py = cx + sx * (half + r * 2.5), y0 - gap
                if half > r:
                    pts = np.array([[px, py - r], [px + r, py], [px, py + r], [px - r, py]], np.int32)
                    cv2.fillConvexPoly(frame, pts, col, cv2.LINE_AA)
        elif L == "lower_third":
            bx = int(x0 - self.bar * 3)
            grow = ease_out(p)
            top = int(y1 - (y1 - y0 + self.size * 0.2) * grow)
            cv2.rectangle(frame, (bx, top), (bx + self.bar, int(y1 + self.size * 0.1)), col, -1, cv2.LINE_AA)
            ul = int(bx + ((x1 - x0) * 0.5 + self.bar * 3) * ease_out((p - 0.3) / 0.7))
            if ul > bx:
                cv2.line(frame, (bx, int(y1 + self.size * 0.32)), (ul, int(y1 + self.size * 0.32)), col, max(1, th // 2), cv2.LINE_AA)
        elif L == "stacked":
            bx = int(x0 - self.bar * 3)
            bottom = int(y0 - self.size * 0.1 + (y1 - y0 + self.size * 0.2) * ease_out(p))
            cv2.rectangle(frame, (bx, int(y0 - self.size * 0.1)), (bx + self.bar, bottom), col, -1, cv2.LINE_AA)
            kw = int(self.size * 1.3 * ease_out((p - 0.2) / 0.8))
            if kw > 0:
                ky = int(y0 - self.size * 0.55)
                cv2.rectangle(frame, (int(x0), ky), (int(x0) + kw, ky + max(2, int(self.size * 0.09))), col, -1, cv2.LINE_AA)
        else:  # end_card: a frame drawn around the type, clockwise from the top centre
            pad_x, pad_y = self.size * 0.75, self.size * 0.6
            rx0, ry0, rx1, ry1 = x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y
            cx = (rx0 + rx1) / 2
            path = [(cx, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1), (rx0, ry0), (cx, ry0)]
            seglen = [math.dist(path[i], path[i + 1]) for i in range(len(path) - 1)]
            left = sum(seglen) * ease_in_out(p)
            for i, ln in enumerate(seglen):
                if left <= 0:
                    break
                f = min(1.0, left / ln)
                a, b = path[i], path[i + 1]
                e = (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                cv2.line(frame, (int(a[0]), int(a[1])), (int(e[0]), int(e[1])), col, th, cv2.LINE_AA)
                left -= ln

    # --- scrim --------------------------------------------------------------------------------------------------

    def scrim(self, bw: int, bh: int) -> np.ndarray:
        """The darkening behind this title on a bw x bh working frame: HxWx3 uint8, 255 = darken fully (times
        the title's presence and strength). Strong right behind the type, feathered, shaped by the layout."""
        key = (bw, bh)
        if key in self._scrim_cache:
            return self._scrim_cache[key]
        s = bw / self.w
        x0, y0, x1, y1 = (v * s for v in self.block)
        size = self.size * s
        ys = np.arange(bh, dtype=np.float32)[:, None]
        xs = np.arange(bw, dtype=np.float32)[None, :]
        core = np.zeros((bh, bw), np.float32)
        px, py = size * 0.55, size * 0.4
        cv2.rectangle(core, (int(x0 - px), int(y0 - py)), (int(x1 + px), int(y1 + py)), 1.0, -1)
        # A wide feather: the darkening reads as light falling off around the type, not as a box.
        feather = max(2.0, size * 1.1)
        core = np.clip(cv2.GaussianBlur(core, (0, 0), feather) * 2.3, 0, 1) ** 1.5
        L = self.card.layout
        if L == "lower_third":
            broad = np.clip((ys - (y0 - (y1 - y0) * 1.6)) / max(1.0, (y1 - y0) * 1.6), 0, 1) * 0.85
        elif L == "stacked":
            broad = np.clip(1 - (xs - (x1 + size)) / (bw * 0.25), 0, 1) * 0.75 * np.ones_like(ys)
        elif L == "end_card":
            broad = np.full((bh, bw), 0.55, np.float32)
        else:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            broad = np.exp(-0.5 * (((xs - cx) / ((x1 - x0) * 0.9 + 2 * size)) ** 2 + ((ys - cy) / ((y1 - y0) * 1.3 + 2 * size)) ** 2)) * 0.75
        mask = np.maximum(core, broad)
        m = np.repeat((mask * 255 + 0.5).astype(np.uint8)[..., None], 3, axis=2)
        self._scrim_cache[key] = m
        return m

    def core_rect(self, bw: int) -> tuple[int, int, int, int]:
        """The text block on a working frame of width bw (for measuring the backdrop behind it)."""
        s = bw / self.w
        x0, y0, x1, y1 = self.block
        return int(x0 * s), int(y0 * s), int(math.ceil(x1 * s)), int(math.ceil(y1 * s))

    def darken(self, bg: np.ndarray, t: float) -> None:
        p = self.presence(t)
        if p <= 0.002:
            return
        apply_scrim(bg, self.scrim(bg.shape[1], bg.shape[0]), p * self.scrim_strength, self.lighten)


def bright_backdrop(lum: np.ndarray) -> bool:
    """Whether the luminance behind a title is light enough, and evenly enough, that dark type reads better than
    light type on a darkened patch."""
    return lum.size > 0 and float(np.median(lum)) >= 160 and float(np.percentile(lum, 10)) >= 115


def apply_scrim(bg: np.ndarray, mask: np.ndarray, k: float, lighten: bool) -> None:
    """In place: darken `bg` towards black by mask/255 * k (behind light type) or, with `lighten`, lift it towards
    white (behind dark type). `mask` is uint8 with bg's shape."""
    keep = cv2.convertScaleAbs(mask, alpha=-k, beta=255)
    if lighten:
        inv = cv2.bitwise_not(bg)
        cv2.multiply(inv, keep, dst=inv, scale=1 / 255.0)
        cv2.bitwise_not(inv, dst=bg)
    else:
        cv2.multiply(bg, keep, dst=bg, scale=1 / 255.0)


class KineticTrack:
    """All titles of a video for one frame size: darkens the backdrop behind visible titles, draws them."""

    def __init__(self, cards: list[Card], width: int, height: int, *, accent, glow=None):
        self.titles = [KineticTitle(c, width, height, accent=accent, glow=glow) for c in cards]

    def darken(self, bg: np.ndarray, t: float) -> None:
        for k in self.titles:
            k.darken(bg, t)

    def draw(self, frame: np.ndarray, t: float) -> np.ndarray:
        for k in self.titles:
            k.draw(frame, t)
        return frame

    def calibrate(self, sample) -> None:
        """Choose the type's ink and each title's scrim strength from the backdrops behind the titles:
        `sample(t)` renders a working-size backdrop. Over pictures that are bright behind every title the type is
        dark and the scrim lifts the darkest part behind it to a light tone; otherwise the type is light and the
        scrim darkens the brightest part behind it enough to read. One ink for the whole video: titles of one
        piece that switch colour look like a mistake."""
        seen = []
        for k in self.titles:
            c = k.card
            peak, dark, lum = 0.0, 255.0, []
            for t in (c.start_s + 0.05, (c.start_s + c.end_s) / 2, max(c.start_s, c.end_s - 0.05)):
                bg = sample(t)
                x0, y0, x1, y1 = k.core_rect(bg.shape[1])
                region = bg[max(0, y0) : max(1, y1), max(0, x0) : max(1, x1)]
                if region.size:
                    peak = max(peak, float(np.percentile(region.max(axis=2), 99.5)))
                    y = cv2.cvtColor(np.ascontiguousarray(region), cv2.COLOR_RGB2GRAY).reshape(-1)
                    dark = min(dark, float(np.percentile(y, 2)))
                    lum.append(y)
            seen.append((peak, dark, np.concatenate(lum) if lum else np.zeros(0, np.uint8)))
        dark_ink = bool(seen) and all(bright_backdrop(lum) for _, _, lum in seen)
        for k, (peak, dark, _) in zip(self.titles, seen):
            if dark_ink:
                k.use_dark_ink()
                k.scrim_strength = float(np.clip(1 - 60.0 / max(1.0, 255.0 - dark), 0.12, 0.7))
            else:
                k.scrim_strength = float(np.clip(1 - 62.0 / max(peak, 1.0), 0.45, 0.93))

    @property
    def cues(self) -> tuple[float, ...]:
        return tuple(k.card.start_s for k in self.titles)
