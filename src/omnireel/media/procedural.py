"""Procedural backdrops: a gradient sky, drifting soft lights and depth-layered bokeh, seen through a camera.

The backdrop is a continuous field in world units (frame height = 1 at zoom 1), evaluated on a coarse grid and
upscaled: everything in it is soft by design, so the coarse grid costs a few ms per frame at any resolution, and a
camera move is just a change of the sampling coordinates (no resampling blur accumulates).
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from omnireel.media.palette import Palette


@dataclasses.dataclass(frozen=True)
class Camera:
    """Where the virtual camera looks: centre in world units, zoom (>1 is closer) and roll in radians."""

    cx: float = 0.0
    cy: float = 0.0
    zoom: float = 1.0
    roll: float = 0.0


@dataclasses.dataclass(frozen=True)
class _Light:
    x: float
    y: float
    radius: float
    color: np.ndarray
    depth: float  # 0 = far (moves little with the camera), 1 = near
    drift: tuple[float, float]
    phase: float


class Backdrop:
    """A seeded procedural environment. `render(w, h, t, camera)` gives an HxWx3 uint8 frame."""

    def __init__(self, palette: Palette, rng: np.random.Generator, *, lights: int = 7, bokeh: int = 36, grid: bool = False):
        self.palette = palette
        self.grid = grid
        self._lights = [self._make(rng, palette, big=True) for _ in range(lights)]
        self._bokeh = [self._make(rng, palette, big=False) for _ in range(bokeh)]

    @staticmethod
    def _make(rng: np.random.Generator, palette: Palette, big: bool) -> _Light:
        colors = palette.accents
        color = np.asarray(colors[int(rng.integers(len(colors)))], dtype=np.float32) / 255.0
        return _Light(
            x=float(rng.uniform(-1.6, 1.6) if big else rng.uniform(-1.1, 1.1)),
            y=float(rng.uniform(-0.9, 0.9) if big else rng.uniform(-0.6, 0.6)),
            radius=float(rng.uniform(0.25, 0.6) if big else rng.uniform(0.008, 0.04)),
            color=color,
            depth=float(rng.uniform(0.0, 0.4) if big else rng.uniform(0.5, 1.0)),
            drift=(float(rng.uniform(-0.03, 0.03)), float(rng.uniform(-0.02, 0.02))),
            phase=float(rng.uniform(0, 2 * np.pi)),
        )

    def render(self, width: int, height: int, t: float, camera: Camera = Camera()) -> np.ndarray:
        # Coarse grid of ~90 px on the short side: the field is smooth, so this is visually lossless once upscaled.
        scale = max(1, min(width, height) // 90)
        gw, gh = max(16, width // scale), max(16, height // scale)
        u = (np.arange(gw, dtype=np.float32) + 0.5) / gh - (gw / gh) / 2
        v = (np.arange(gh, dtype=np.float32) + 0.5) / gh - 0.5
        uu, vv = np.meshgrid(u, v)
        cos, sin = np.cos(camera.roll), np.sin(camera.roll)
        ru, rv = uu * cos - vv * sin, uu * sin + vv * cos
        img = self._sky(vv, camera)
        for light in self._lights:
            self._add(img, light, ru, rv, t, camera, strength=0.4)
        if self.grid:
            self._add_grid(img, ru, rv, camera)
        img = self._vignette(img, uu, vv)
        # Quantise on the coarse grid, then upscale uint8: 4-10x cheaper than resizing floats at 4k.
        small = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
        out = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
        # Bokeh discs have defined rims, so they are painted at full resolution, each in its own small window.
        for b in self._bokeh:
            self._add_disc(out, b, t, camera, strength=0.7 * (0.6 + 0.4 * np.sin(t * 1.3 + b.phase)))
        return out

    def _add_disc(self, img: np.ndarray, light: _Light, t: float, camera: Camera, strength: float) -> None:
        gh, gw = img.shape[:2]
        # Small discs only touch a few grid cells: project the centre to the screen and paint a local window.
        z = 1.0 + (camera.zoom - 1.0) * (0.35 + 0.65 * light.depth)
        k = 0.4 + 0.6 * light.depth
        lx = light.x + light.drift[0] * t + 0.02 * np.sin(t * 0.5 + light.phase)
        ly = light.y + light.drift[1] * t + 0.02 * np.cos(t * 0.4 + light.phase)
        du, dv = (lx - camera.cx * k) * z, (ly - camera.cy * k) * z
        cos, sin = np.cos(camera.roll), np.sin(camera.roll)
        su, sv = du * cos + dv * sin, -du * sin + dv * cos
        px, py = (su + (gw / gh) / 2) * gh - 0.5, (sv + 0.5) * gh - 0.5
        rad = light.radius * z * gh
        reach = int(np.ceil(rad * 1.5)) + 1
        x0, x1 = max(0, int(px) - reach), min(gw, int(px) + reach + 1)
        y0, y1 = max(0, int(py) - reach), min(gh, int(py) + reach + 1)
        if x1 <= x0 or y1 <= y0:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        d = np.sqrt((xx - px) ** 2 + (yy - py) ** 2)
        # A flat disc with a soft rim, like an out-of-focus highlight.
        a = np.clip((rad - d) / max(rad * 0.35, 0.5) + 0.5, 0, 1) * 0.6
        win = img[y0:y1, x0:x1].astype(np.float32)
        # Screen blend: highlights brighten without clipping to flat white.
        add = (a[..., None] * strength) * light.color * 255.0
        win = 255.0 - (255.0 - win) * (1.0 - add / 255.0)
        img[y0:y1, x0:x1] = np.clip(win + 0.5, 0, 255).astype(np.uint8)

    def _world(self, ru, rv, camera: Camera, depth: float):
        # Near layers move and scale more than far ones under the same camera move: cheap parallax.
        z = 1.0 + (camera.zoom - 1.0) * (0.35 + 0.65 * depth)
        k = 0.4 + 0.6 * depth
        return ru / z + camera.cx * k, rv / z + camera.cy * k, z

    def _sky(self, vv, camera: Camera) -> np.ndarray:
        top = np.asarray(self.palette.top, np.float32) / 255.0
        bottom = np.asarray(self.palette.bottom, np.float32) / 255.0
        y = np.clip(vv / max(camera.zoom, 0.2) + camera.cy * 0.3 + 0.5, 0, 1)[..., None]
        return (top * (1 - y) + bottom * y).astype(np.float32)

    def _add(self, img, light: _Light, ru, rv, t: float, camera: Camera, strength: float) -> None:
        wx, wy, z = self._world(ru, rv, camera, light.depth)
        lx = light.x + light.drift[0] * t + 0.02 * np.sin(t * 0.5 + light.phase)
        ly = light.y + light.drift[1] * t + 0.02 * np.cos(t * 0.4 + light.phase)
        r = light.radius
        a = np.exp(-((wx - lx) ** 2 + (wy - ly) ** 2) / (2 * r * r))
        img += (a[..., None] * strength) * light.color

    def _add_grid(self, img, ru, rv, camera: Camera) -> None:
        wx, wy, _ = self._world(ru, rv, camera, 0.3)
        lines = np.maximum(np.abs(np.sin(wx * np.pi * 6)), np.abs(np.sin(wy * np.pi * 6)))
        img += (np.clip((lines - 0.985) * 60, 0, 1) * 0.08)[..., None] * np.asarray(self.palette.accents[0]) / 255.0

    @staticmethod
    def _vignette(img, uu, vv) -> np.ndarray:
        r2 = (uu / (uu.max() + 1e-6)) ** 2 * 0.6 + (vv / 0.5) ** 2 * 0.6
        img *= (1.0 - 0.45 * np.clip(r2, 0, 1.4) / 1.4)[..., None]
        # Soft highlight roll-off: light pools add up, and a hard clip would show flat blown patches.
        knee = 0.8
        return np.where(img > knee, knee + (1 - knee) * np.tanh((img - knee) / (1 - knee)), img)
