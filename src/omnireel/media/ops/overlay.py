"""Exact on-screen text laid over I420 frames, for edits: each text is rendered once as a sprite (media.text: light
glyphs, or the colour asked for, with a dark outline on a plate that contrasts with them, legible over any
picture), placed inside a 6% margin at its
named position, converted to the frame's planes once, and blended in its time range only.

Only pixels under the sprite's own alpha change; everywhere else the frame is left exactly as it came, so an
added caption cannot disturb the rest of the picture. A text fades in and out over 0.2 s unless it is on screen
from the first frame or to the last.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from omnireel.media.ops.grade import planes
from omnireel.media.prompt.edit_ops import DARK_TEXT_COLOURS, TEXT_COLOURS
from omnireel.media.text import text_sprite_for_frame

MARGIN = 0.06  # of each side: the sprite (plate included) stays inside the 5% safe margin with room to spare
FADE_S = 0.2
DARK_PLATE = (10, 12, 18, 215)  # behind light text (the default)
LIGHT_PLATE = (244, 244, 240, 225)  # behind dark text ("in black")
GAP = 0.02  # between texts stacked at one position, of the frame height
# Text size by role, as text_sprite_for_frame's scale (1.0: a title filling up to ~40% of the height).
ROLE_SCALE = {"title": 1.0, "text": 0.8, "caption": 0.55, "lower_third": 0.55}


@dataclasses.dataclass(frozen=True)
class TextItem:
    text: str
    role: str
    position: str
    start_s: float
    end_s: float
    scale: float = 1.0
    color: str | None = None  # a TEXT_COLOURS name; None: white


@dataclasses.dataclass
class _Placed:
    item: TextItem
    x: int
    y: int
    w: int
    h: int
    ay: np.ndarray  # luma alpha in [0, 1], (h, w)
    py: np.ndarray  # luma premultiplied by alpha
    ac: np.ndarray  # chroma alpha (2x2 mean), (h/2, w/2)
    pu: np.ndarray
    pv: np.ndarray
    fade_in: bool
    fade_out: bool


def _bt601(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Full-resolution Y, Cb, Cr (BT.601 limited range, as the encoder's I420 conversion) of an RGB sprite."""
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 16 + 0.257 * r + 0.504 * g + 0.098 * b
    u = 128 - 0.148 * r - 0.291 * g + 0.439 * b
    v = 128 + 0.439 * r - 0.368 * g - 0.071 * b
    return y, u, v


def _pool(x: np.ndarray) -> np.ndarray:
    """Sum over 2x2 blocks (the chroma sample grid)."""
    return x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2]


class TextOverlays:
    """Texts for a width x height clip of `duration_s` seconds. `boxes` lists where each one sits."""

    def __init__(self, items: list[TextItem], width: int, height: int, duration_s: float):
        self.width, self.height = width, height
        self.placed: list[_Placed] = []
        for item in items:
            ink = TEXT_COLOURS.get(item.color or "white", TEXT_COLOURS["white"])
            dark = item.color in DARK_TEXT_COLOURS
            plate = LIGHT_PLATE if dark else DARK_PLATE
            sprite = text_sprite_for_frame(item.text, width, height,
                                           scale=ROLE_SCALE.get(item.role, 0.8) * item.scale,
                                           align="left" if item.role == "lower_third" else "center",
                                           color=ink, plate=plate, shadow=not dark, outline=plate[:3] if dark else (0, 0, 0))
            self.placed.append(self._place(item, sprite, duration_s))

    @property
    def boxes(self) -> list[tuple[int, int, int, int]]:
        """(x0, y0, x1, y1) of each text's sprite (plate and shadow included), in frame pixels."""
        return [(p.x, p.y, p.x + p.w, p.y + p.h) for p in self.placed]

    def _place(self, item: TextItem, sprite: np.ndarray, duration_s: float) -> _Placed:
        W, H = self.width, self.height
        sh, sw = sprite.shape[:2]
        # Even size and position: the sprite lines up with the chroma grid.
        pad = np.zeros((sh + sh % 2, sw + sw % 2, 4), np.uint8)
        pad[:sh, :sw] = sprite
        sprite = pad
        sh, sw = sprite.shape[:2]
        mx, my = int(W * MARGIN), int(H * MARGIN)
        pos = item.position
        vert = pos.split("_")[0] if "_" in pos and pos not in ("lower_third", "upper_third") else pos
        horiz = pos.split("_")[1] if pos in ("top_left", "top_right", "bottom_left", "bottom_right") else (
            "left" if pos == "lower_third" else "center")
        x = {"left": mx, "right": W - sw - mx}.get(horiz, (W - sw) // 2)
        y = {"top": my, "bottom": H - sh - my, "lower_third": int(H * 0.72) - sh // 2,
             "upper_third": int(H * 0.28) - sh // 2}.get(vert, (H - sh) // 2)
        # Inside the margin when the sprite fits there (it is sized to), centred otherwise.
        x = int(np.clip(x, mx, W - sw - mx)) if sw <= W - 2 * mx else (W - sw) // 2
        y = int(np.clip(y, my, H - sh - my)) if sh <= H - 2 * my else (H - sh) // 2
        y = self._unstack(item, x, y, sw, sh, upward=vert in ("bottom", "lower_third"))
        x -= x % 2
        y -= y % 2
        a = sprite[..., 3].astype(np.float32) / 255.0
        yy, uu, vv = _bt601(sprite[..., :3])
        asum = _pool(a)
        ac = asum / 4.0
        safe = np.maximum(asum, 1e-6)
        pu = _pool(a * uu) / safe * ac
        pv = _pool(a * vv) / safe * ac
        fade_in = item.start_s > 1e-6 and item.end_s - item.start_s >= 4 * FADE_S
        fade_out = item.end_s < duration_s - 1e-6 and item.end_s - item.start_s >= 4 * FADE_S
        return _Placed(item, x, y, sw, sh, a, yy * a, ac, pu, pv, fade_in, fade_out)

    def _unstack(self, item: TextItem, x: int, y: int, w: int, h: int, *, upward: bool) -> int:
        """Move a text off others shown at the same time in the same place (away from its edge)."""
        gap = int(self.height * GAP)
        for p in self.placed:
            overlap_t = p.item.start_s < item.end_s and item.start_s < p.item.end_s
            overlap_x = p.x < x + w and x < p.x + p.w
            if overlap_t and overlap_x and p.y < y + h and y < p.y + p.h:
                y = p.y - h - gap if upward else p.y + p.h + gap
        return int(np.clip(y, 0, self.height - h))

    def active(self, t: float) -> bool:
        return any(p.item.start_s <= t < p.item.end_s for p in self.placed)

    def apply(self, frame: np.ndarray, t: float) -> np.ndarray:
        """Blend the texts shown at time t into an I420 frame, in place."""
        fy, fu, fv = planes(frame)
        for p in self.placed:
            s, e = p.item.start_s, p.item.end_s
            if not s <= t < e:
                continue
            o = 1.0
            if p.fade_in:
                o = min(o, (t - s) / FADE_S)
            if p.fade_out:
                o = min(o, (e - t) / FADE_S)
            o = float(np.clip(o, 0.0, 1.0))
            if o <= 0:
                continue
            _blend(fy[p.y : p.y + p.h, p.x : p.x + p.w], p.ay, p.py, o)
            cy, cx = p.y // 2, p.x // 2
            _blend(fu[cy : cy + p.h // 2, cx : cx + p.w // 2], p.ac, p.pu, o)
            _blend(fv[cy : cy + p.h // 2, cx : cx + p.w // 2], p.ac, p.pv, o)
        return frame


def _blend(dst: np.ndarray, alpha: np.ndarray, premult: np.ndarray, opacity: float) -> None:
    """dst = dst * (1 - a) + premult, with a and premult scaled by opacity; where alpha is 0 dst is unchanged."""
    h, w = dst.shape
    a, pm = alpha[:h, :w], premult[:h, :w]
    out = dst.astype(np.float32) * (1.0 - opacity * a) + opacity * pm
    dst[...] = np.clip(out + 0.5, 0, 255).astype(np.uint8)
