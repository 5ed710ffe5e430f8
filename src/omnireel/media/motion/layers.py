"""Parallax layers: pre-rendered world images composited through a camera, each moving by its depth.

A layer is drawn once, larger than the frame, at the environment's working resolution; per frame it is only warped
(one cv2.warpAffine) and composited with uint8 premultiplied-alpha or additive maths, so an 8-layer scene costs a
few ms. Near layers (depth 1) move and scale more than far ones (depth 0) under the same camera move.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState

MARGIN = 1.4  # layers are drawn this much larger than the frame so camera moves never show an edge


@dataclasses.dataclass
class Layer:
    """`image` is HxWx4 premultiplied RGBA (mode "over") or HxWx3 RGB light (mode "add"), in world pixels."""

    image: np.ndarray
    depth: float = 0.0
    mode: str = "over"
    drift: tuple[float, float] = (0.0, 0.0)  # world px per second; wrapping layers tile seamlessly
    wrap: bool = False
    gain: Callable[[float], float] | None = None  # brightness over time (pulse, flicker, twinkle)
    bob: float = 0.0  # vertical bob amplitude in px (waves)
    bob_hz: float = 0.0
    period: tuple[int, int] = (0, 0)  # the untiled world size (set by LayerStack)
    bbox: tuple[int, int, int, int] = (0, 0, 0, 0)  # content bounds in the (tiled) image (set by LayerStack)


def layer_matrix(cam: CameraState, depth: float, size: tuple[int, int], world: tuple[int, int], shift=(0.0, 0.0)) -> np.ndarray:
    """Affine world → screen for a layer at `depth` under camera `cam` (screen `size`, world image `world`)."""
    w, h = size
    lw, lh = world
    if cam.bg_zoom is not None:
        z = cam.bg_zoom * (1 - depth) + cam.zoom * depth
    else:
        z = 1.0 + (cam.zoom - 1.0) * (0.35 + 0.65 * depth)
    k = 0.35 + 1.3 * depth
    tx, ty = -cam.dx * w * k, -cam.dy * h * k
    r = cam.roll * (0.6 + 0.4 * depth)
    c, s = math.cos(r) * z, math.sin(r) * z
    cx, cy = lw / 2 + shift[0], lh / 2 + shift[1]
    return np.array(
        [[c, -s, w / 2 + tx - (c * cx - s * cy)], [s, c, h / 2 + ty - (s * cx + c * cy)]], np.float32
    )


def over(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """dst = src + dst * (1 - a) on 4-channel uint8 premultiplied images, in place (about 0.3 ms at 640x360:
    the alpha is replicated with cvtColor rather than numpy broadcasting, which is ~8x slower)."""
    inv = cv2.bitwise_not(cv2.extractChannel(src, 3))
    cv2.multiply(dst, cv2.cvtColor(inv, cv2.COLOR_GRAY2BGRA), dst=dst, scale=1 / 255.0)
    cv2.add(dst, src, dst=dst)
    return dst


class LayerStack:
    """Composites layers in order (far to near) into a `size` frame for a camera and a time."""

    def __init__(self, layers: list[Layer], size: tuple[int, int]):
        for L in layers:
            if L.image.shape[2] == 3:  # additive light: stored with a zero alpha so every warp is 4-channel
                L.image = np.dstack([L.image, np.zeros(L.image.shape[:2], np.uint8)])
            L.period = L.image.shape[1], L.image.shape[0]
            if L.wrap:
                # Tile 2x along the drift so every sampled point stays inside the image: warpAffine's border
                # path (BORDER_WRAP) is ~5x slower than its interior path.
                L.image = np.tile(L.image, (2 if L.drift[1] else 1, 2 if L.drift[0] else 1, 1))
            L.image = np.ascontiguousarray(L.image)  # warpAffine is ~6x slower on strided views
            # Where the layer has content: only that part of the screen is warped and composited.
            nz = L.image.max(axis=2) > 0
            rows, cols = np.flatnonzero(nz.any(axis=1)), np.flatnonzero(nz.any(axis=0))
            L.bbox = (0, 0, 0, 0) if not rows.size else (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
        self.layers = layers
        self.size = size

    def render(self, t: float, cam: CameraState) -> np.ndarray:
        """The composited HxWx3 uint8 frame."""
        w, h = self.size
        out = np.zeros((h, w, 4), np.uint8)
        for L in self.layers:
            gain = 1.0 if L.gain is None else max(0.0, float(L.gain(t)))
            if gain <= 0.003:
                continue
            lw, lh = L.period
            sx, sy = L.drift[0] * t, L.drift[1] * t
            if L.wrap:
                sx, sy = (-sx) % lw if L.drift[0] else 0.0, (-sy) % lh if L.drift[1] else 0.0
            else:
                sx, sy = -sx, -sy
            if L.bob:
                sy += L.bob * math.sin(2 * math.pi * L.bob_hz * t)
            m = layer_matrix(cam, L.depth, (w, h), (lw, lh), shift=(sx, sy))
            bx0, by0, bx1, by1 = L.bbox
            if bx1 <= bx0:
                continue
            corners = np.array([[bx0, by0, 1], [bx1, by0, 1], [bx0, by1, 1], [bx1, by1, 1]], np.float32) @ m.T
            x0, y0 = max(0, int(corners[:, 0].min()) - 1), max(0, int(corners[:, 1].min()) - 1)
            x1, y1 = min(w, int(corners[:, 0].max()) + 2), min(h, int(corners[:, 1].max()) + 2)
            if L.mode == "over" and L is self.layers[0]:
                x0, y0, x1, y1 = 0, 0, w, h  # the base layer always fills the frame (edges replicate)
            if x1 <= x0 or y1 <= y0:
                continue
            m[:, 2] -= (x0, y0)
            border = cv2.BORDER_REPLICATE if L.mode == "over" and L is self.layers[0] else cv2.BORDER_CONSTANT
            img = cv2.warpAffine(L.image, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=border)
            if gain != 1.0:
                img = cv2.multiply(img, (gain, gain, gain, gain))
            roi = out[y0:y1, x0:x1]
            if L.mode == "add":
                cv2.add(roi, img, dst=roi)
            else:
                over(roi, img)
        return cv2.cvtColor(out, cv2.COLOR_BGRA2BGR)


# --- drawing helpers (world images, float32 in [0, 1] unless said) -------------------------------------------------


def vgrad(h: int, w: int, stops: list[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    """A vertical gradient through colour stops [(position 0..1, rgb)], HxWx3 float32 in [0, 1]."""
    ys = np.linspace(0, 1, h, dtype=np.float32)
    pos = [p for p, _ in stops]
    col = np.stack([np.interp(ys, pos, [c[k] / 255.0 for _, c in stops]) for k in range(3)], axis=1)
    return np.broadcast_to(col[:, None, :], (h, w, 3)).astype(np.float32)


def blob(h: int, w: int, cx: float, cy: float, rx: float, ry: float | None = None) -> np.ndarray:
    """A soft gaussian blob (peak 1) centred at pixel (cx, cy)."""
    ry = rx if ry is None else ry
    xs = ((np.arange(w, dtype=np.float32) - cx) / rx) ** 2
    ys = ((np.arange(h, dtype=np.float32) - cy) / ry) ** 2
    return np.exp(-0.5 * (ys[:, None] + xs[None, :]))


def ridge(w: int, rng: np.random.Generator, *, base: float, amp: float, octaves: int = 4, rough: float = 0.5, period: bool = False) -> np.ndarray:
    """A 1-D landscape profile (y per column) from summed interpolated noise; `period` makes it tile in x."""
    y = np.full(w, base, np.float32)
    a = amp
    for o in range(octaves):
        n = 3 * 2**o + 1
        pts = rng.uniform(-1, 1, n).astype(np.float32)
        if period:
            pts[-1] = pts[0]
        xs = np.linspace(0, n - 1, w, dtype=np.float32)
        # Cosine interpolation: rounded hills rather than straight segments.
        i0 = np.floor(xs).astype(int).clip(0, n - 2)
        f = xs - i0
        f = (1 - np.cos(f * np.pi)) / 2
        y += a * (pts[i0] * (1 - f) + pts[i0 + 1] * f)
        a *= rough
    return y


def value_noise(h: int, w: int, rng: np.random.Generator, scales=(4, 8, 16, 32), rough: float = 0.55) -> np.ndarray:
    """Smooth 2-D fractal noise in [0, 1] (upscaled random grids, cubic)."""
    acc = np.zeros((h, w), np.float32)
    a, total = 1.0, 0.0
    for s in scales:
        gw, gh = max(2, s), max(2, int(s * h / max(1, w)) + 2)
        g = rng.random((gh, gw), dtype=np.float32)
        acc += a * cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)
        total += a
        a *= rough
    acc /= total
    lo, hi = np.percentile(acc, 1), np.percentile(acc, 99)
    return np.clip((acc - lo) / max(1e-6, hi - lo), 0, 1)


def premult(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """float rgb [0,1] HxWx3 and alpha HxW → uint8 premultiplied RGBA."""
    a = np.clip(alpha, 0, 1)[..., None]
    out = np.concatenate([np.clip(rgb, 0, 1) * a, a], axis=2)
    return (out * 255.0 + 0.5).astype(np.uint8)


def light(rgb: np.ndarray) -> np.ndarray:
    """float rgb light → uint8 for an additive layer."""
    return (np.clip(rgb, 0, 1) * 255.0 + 0.5).astype(np.uint8)


def fill_below(h: int, w: int, profile: np.ndarray, soft: float = 1.2) -> np.ndarray:
    """Alpha that is 1 below a per-column y profile, with an anti-aliased edge."""
    ys = np.arange(h, dtype=np.float32)[:, None]
    return np.clip((ys - profile[None, :]) / soft + 0.5, 0, 1)
