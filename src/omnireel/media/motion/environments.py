"""Procedural environments matched to the plan's words: a neon city skyline, an ocean horizon, deep space, layered
hills and forest, a clean product studio, a synthwave grid, or flowing abstract colour. Each is a stack of
parallax layers drawn once (world images), plus a few cheap per-frame animations (waves, twinkles, grid travel).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import cv2
import numpy as np

from omnireel.media.motion.layers import (
    MARGIN, Layer, LayerStack, blob, fill_below, light, premult, ridge, value_noise, vgrad,
)
from omnireel.media.ops.camera_path import CameraState
from omnireel.media.palette import Palette

KINDS = ("city", "ocean", "space", "forest", "studio", "grid", "abstract")

# Scene words → environment; the first kind named in the prompt wins, so "a city by the sea" is a city.
_WORDS: dict[str, tuple[str, ...]] = {
    "space": ("space", "starfield", "starry", "stars", "galaxy", "cosmos", "cosmic", "nebula", "universe", "planet", "sci-fi", "outer space"),
    "city": ("city", "skyline", "urban", "downtown", "street", "cyberpunk", "metropolis", "rooftop", "tokyo", "new york", "skyscraper", "nightlife", "night market"),
    "ocean": ("ocean", "sea", "beach", "waves", "wave", "surf", "coast", "shore", "seaside", "tropical", "island", "lake", "underwater", "sailing"),
    "forest": ("forest", "nature", "woods", "jungle", "mountain", "mountains", "hills", "meadow", "valley", "outdoor", "hiking", "camping", "park", "garden", "wilderness", "trees", "autumn", "countryside"),
    "grid": ("synthwave", "retrowave", "vaporwave", "outrun", "80s", "1980s", "arcade", "retro", "neon"),
    "studio": ("studio", "product", "minimal", "minimalist", "clean", "corporate", "tech", "saas", "app", "launch", "sale", "brand", "logo", "premium", "luxury"),
    "abstract": ("abstract", "gradient", "fluid", "liquid", "shapes", "geometric", "flowing"),
}


def choose_kind(text: str) -> str:
    """The environment for a prompt: the scene word that appears first (in the order of specificity above)."""
    low = f" {(text or '').lower()} "
    best = None
    for kind, words in _WORDS.items():
        for w in words:
            m = _find_word(low, w)
            if m >= 0 and (best is None or (kind_rank(kind), m) < (kind_rank(best[0]), best[1])):
                best = (kind, m)
    return best[0] if best else "abstract"


def kind_rank(kind: str) -> int:
    # Places beat looks: "neon city" is a city lit with neon, "product on the beach" is a beach.
    return {"space": 0, "city": 0, "ocean": 0, "forest": 0, "grid": 1, "studio": 2, "abstract": 3}[kind]


def _find_word(low: str, w: str) -> int:
    import re

    m = re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", low)
    return m.start() if m else -1


def time_of_day(text: str, kind: str) -> str:
    """day | golden | night, from lighting words; places default to their most attractive look."""
    low = (text or "").lower()
    if any(w in low for w in ("golden hour", "sunset", "sunrise", "dusk", "dawn", "magic hour", "golden", "evening")):
        return "golden"
    if any(w in low for w in ("night", "midnight", "moon", "neon", "dark", "after hours", "nocturnal", "stars")):
        return "night"
    if any(w in low for w in ("noon", "midday", "sunny", "daylight", "day", "morning", "bright", "summer")):
        return "day"
    return {"city": "night", "space": "night", "grid": "night", "ocean": "day", "forest": "day"}.get(kind, "day")


@dataclasses.dataclass
class Environment:
    kind: str
    tod: str
    stack: LayerStack
    accent: tuple[int, int, int]
    dynamic: list[Callable[[np.ndarray, float, CameraState], None]]
    glow_text: bool = False  # neon looks give the titles a coloured glow

    def render(self, t: float, cam: CameraState) -> np.ndarray:
        out = self.stack.render(t, cam)
        for fn in self.dynamic:
            fn(out, t, cam)
        return out


def _mix(a, b, k):
    return tuple(int(round(x * (1 - k) + y * k)) for x, y in zip(a, b))


def _sat(c: tuple[int, int, int]) -> float:
    return (max(c) - min(c)) / 255.0


def accent_of(palette: Palette) -> tuple[int, int, int]:
    """The palette's most saturated accent, kept off near-white (titles own white)."""
    c = max(palette.accents, key=_sat)
    if min(c) > 150:
        c = tuple(int(v * 0.7) for v in c)
    return c


class _World:
    """World-image geometry at the working size: screen fractions → world pixels (world is centred)."""

    def __init__(self, w: int, h: int):
        self.w, self.h = w, h
        self.lw, self.lh = int(w * MARGIN) + 2, int(h * MARGIN) + 2

    def y(self, f: float) -> float:
        return self.lh / 2 + (f - 0.5) * self.h

    def x(self, f: float) -> float:
        return self.lw / 2 + (f - 0.5) * self.w


def _sky(W: _World, tod: str, palette: Palette, kind: str) -> np.ndarray:
    top, bottom = palette.top, palette.bottom
    acc = accent_of(palette)
    if tod == "day":
        stops = [(0.0, (28, 92, 178)), (0.45, (84, 150, 214)), (0.62, (178, 208, 228)), (1.0, (200, 214, 222))]
    elif tod == "golden":
        stops = [(0.0, (34, 30, 78)), (0.3, (120, 62, 104)), (0.52, (232, 118, 84)), (0.62, (255, 186, 104)), (1.0, (255, 200, 130))]
    else:
        glow = _mix(bottom, acc, 0.45) if kind in ("city", "grid") else _mix(top, bottom, 0.9)
        stops = [(0.0, _mix(top, (0, 0, 0), 0.3)), (0.35, top), (0.6, glow), (1.0, _mix(glow, (0, 0, 0), 0.4))]
    # Sky stops are in screen fractions; the world image extends past the screen on both sides.
    fs = [(np.clip((W.y(p) / W.lh), 0, 1), c) for p, c in stops]
    fs = [(0.0, fs[0][1])] + fs + [(1.0, fs[-1][1])]
    return vgrad(W.lh, W.lw, fs)


def _twinkle(freq: float, phase: float, depth: float = 0.35) -> Callable[[float], float]:
    return lambda t: 1.0 - depth + depth * (0.5 + 0.5 * math.sin(2 * math.pi * freq * t + phase))


def _stars(W: _World, rng, n: int, size: float, color=(0.85, 0.9, 1.0), limit: float = 1.0) -> np.ndarray:
    img = np.zeros((W.lh, W.lw, 3), np.float32)
    ys = rng.uniform(0, W.lh * limit, n)
    xs = rng.uniform(0, W.lw, n)
    br = rng.uniform(0.25, 1.0, n) ** 2
    for x, y, b in zip(xs, ys, br):
        r = size * (0.6 + b)
        cv2.circle(img, (int(x * 16), int(y * 16)), max(1, int(r * 16)), tuple(float(c * b) for c in color), -1, cv2.LINE_AA, 4)
    return cv2.GaussianBlur(img, (0, 0), max(0.5, size * 0.5)) * 1.6 + img * 0.6


# --- environments ----------------------------------------------------------------------------------------------


def _city(W: _World, rng, palette: Palette, tod: str) -> tuple[list[Layer], list]:
    acc = accent_of(palette)
    accents = [c for c in palette.accents if _sat(c) > 0.3] or [acc]
    night = tod != "day"
    sky = _sky(W, tod, palette, "city")
    if night:
        sky = sky + _stars(W, rng, 140, 0.45, limit=0.45) * 0.35
        mx, my = W.x(0.8), W.y(0.14)
        moon = np.clip(blob(W.lh, W.lw, mx, my, W.h * 0.022) * 2.2, 0, 1) * 0.85 + blob(W.lh, W.lw, mx, my, W.h * 0.12) * 0.1
        sky = sky + moon[..., None] * np.array([0.92, 0.9, 0.82])
    layers = [Layer(premult(sky, np.ones((W.lh, W.lw), np.float32)), 0.0)]
    horizon = W.y(0.64)
    # Three rows of buildings, far to near: hazier far away, darker, taller and more lit up close.
    rows = [(0.12, 0.30, 0.5, 0.25), (0.45, 0.46, 0.22, 0.5), (0.85, 0.62, 0.04, 0.7)]
    sky_h = _mix(palette.bottom, acc, 0.25) if night else (150, 160, 175)
    for depth, tall, haze, lit in rows:
        base_col = np.array(_mix((5, 5, 10), sky_h, haze), np.float32) / 255.0
        alpha = np.zeros((W.lh, W.lw), np.float32)
        wins = np.zeros((W.lh, W.lw, 3), np.float32)
        neon = np.zeros((W.lh, W.lw, 3), np.float32)
        x = -rng.uniform(0, 20)
        ground = horizon + (depth - 0.12) * W.h * 0.3
        while x < W.lw:
            bw = W.w * rng.uniform(0.03, 0.08) * (0.7 + depth)
            top = ground - W.h * tall * rng.uniform(0.3, 1.0) ** 0.8
            x0, x1 = int(x), int(x + bw)
            alpha[max(0, int(top)) :, max(0, x0) : max(0, x1)] = 1.0
            if rng.random() < 0.35:  # a stepped crown, sometimes an antenna
                cw = int(bw * rng.uniform(0.3, 0.6))
                cx0 = x0 + (x1 - x0 - cw) // 2
                alpha[max(0, int(top - W.h * 0.025)) : int(top), max(0, cx0) : max(0, cx0 + cw)] = 1.0
                if rng.random() < 0.5:
                    ax = max(0, (x0 + x1) // 2)
                    alpha[max(0, int(top - W.h * 0.08)) : int(top), ax : ax + 1] = 1.0
            # Windows: floors of small cells; whole floors tend to be on or off, like real offices.
            step_x = max(3, int(W.h * 0.011 * (0.8 + depth)))
            step_y = max(3, int(W.h * 0.017 * (0.8 + depth)))
            warm = np.array((1.0, 0.8, 0.48) if rng.random() < 0.65 else (0.62, 0.85, 1.0), np.float32)
            p_bldg = lit * rng.uniform(0.05, 0.6)
            for wy in range(int(top) + step_y, int(min(W.lh, ground + W.h)), step_y):
                p_floor = p_bldg * (2.2 if rng.random() < 0.3 else 0.4)
                for wx in range(x0 + step_x // 2, x1 - step_x // 2, step_x):
                    if 0 <= wx < W.lw and rng.random() < p_floor:
                        wins[wy : wy + max(1, step_y // 2), wx : wx + max(1, step_x // 2)] = warm * rng.uniform(0.3, 0.85)
            if night and depth > 0.3 and rng.random() < 0.2 and x1 - x0 > 6:
                c = np.array(accents[int(rng.integers(len(accents)))], np.float32) / 255.0
                ny = int(top + W.h * rng.uniform(0.04, 0.12))
                if rng.random() < 0.5:  # vertical sign
                    cv2.rectangle(neon, (x0 + 2, ny), (x0 + 2 + max(2, int(bw * 0.12)), ny + int(W.h * 0.12)), c.tolist(), -1)
                else:
                    cv2.rectangle(neon, (x0 + 2, ny), (x1 - 2, ny + max(2, int(W.h * 0.012))), c.tolist(), -1)
            x += bw + rng.uniform(0, W.w * 0.008)
        ys = np.arange(W.lh, dtype=np.float32)[:, None, None]
        # Facades darken towards the street and catch a little of the sky glow at the top.
        rgb = base_col * (1.0 - 0.5 * np.clip((ys - horizon) / W.h, 0, 1)) + np.zeros((1, W.lw, 1))
        rgb = rgb + wins * (1.0 if night else 0.3)
        layers.append(Layer(premult(rgb, alpha), depth))
        if neon.any():
            glow = cv2.GaussianBlur(neon, (0, 0), W.h * 0.012) * 2.2 + neon
            layers.append(Layer(light(glow * alpha[..., None] ** 0 ), depth, "add", gain=_twinkle(0.6 + depth, depth * 3, 0.35)))
    # Low haze over the street.
    haze = blob(W.lh, W.lw, W.lw / 2, W.y(0.95), W.lw * 0.8, W.h * 0.1)[..., None] * (np.array(acc, np.float32) / 255.0) * 0.22
    layers.append(Layer(light(haze), 0.9, "add"))
    return layers, []


def _ocean(W: _World, rng, palette: Palette, tod: str, beach: bool) -> tuple[list[Layer], list]:
    layers = [Layer(premult(_sky(W, tod, palette, "ocean"), np.ones((W.lh, W.lw), np.float32)), 0.0)]
    horizon = W.y(0.58)
    sun_y = {"day": 0.2, "golden": 0.5, "night": 0.18}[tod]
    sun_col = {"day": (1.0, 0.97, 0.86), "golden": (1.0, 0.7, 0.35), "night": (0.85, 0.88, 0.95)}[tod]
    sx, sy = W.x(0.7), W.y(sun_y)
    disc = np.clip((W.h * 0.045 - np.sqrt(((np.arange(W.lw) - sx) ** 2)[None, :] + ((np.arange(W.lh) - sy) ** 2)[:, None])) / 1.5, 0, 1)
    if tod == "golden":
        disc *= (np.arange(W.lh) < horizon)[:, None]
    glow = disc * 0.9 + blob(W.lh, W.lw, sx, sy, W.h * 0.16) * 0.45 + blob(W.lh, W.lw, sx, sy, W.h * 0.5) * 0.18
    layers.append(Layer(light(glow[..., None] * np.array(sun_col)), 0.05, "add"))
    if tod == "night":
        layers.append(Layer(light(_stars(W, rng, 90, 0.5, limit=0.5) * 0.5), 0.02, "add", gain=_twinkle(0.3, 2.0)))
    # Clouds: soft horizontal streaks that drift slowly and tile.
    n = value_noise(W.lh, W.lw, rng, scales=(3, 6, 12, 24))
    band = np.clip(1 - np.abs((np.arange(W.lh) - W.y(0.3)) / (W.h * 0.22)), 0, 1)[:, None]
    cloud_a = np.clip((n - 0.55) * 2.2, 0, 1) * band * (0.55 if tod == "day" else 0.4)
    cloud_c = {"day": (0.97, 0.98, 1.0), "golden": (1.0, 0.75, 0.6), "night": (0.25, 0.25, 0.35)}[tod]
    cloud = cv2.GaussianBlur(cloud_a, (0, 0), 2)
    layers.append(Layer(premult(np.ones((W.lh, W.lw, 3)) * np.array(cloud_c), cloud), 0.1, drift=(-W.w * 0.012, 0), wrap=True))
    # The sea: a body gradient, then wave bands from the horizon to the foreground, each faster and larger.
    deep = {"day": (0.02, 0.24, 0.42), "golden": (0.22, 0.16, 0.26), "night": (0.02, 0.04, 0.1)}[tod]
    near = {"day": (0.05, 0.38, 0.5), "golden": (0.5, 0.3, 0.3), "night": (0.05, 0.08, 0.16)}[tod]
    ys = np.arange(W.lh, dtype=np.float32)
    body_a = fill_below(W.lh, W.lw, np.full(W.lw, horizon, np.float32), 1.0)
    k = np.clip((ys - horizon) / (W.lh - horizon), 0, 1)[:, None, None]
    body = np.array(deep) * (1 - k) + np.array(near) * k + np.zeros((1, W.lw, 1))
    # Sun glitter path on the water: a column of light under the sun.
    path = blob(W.lh, W.lw, sx, W.lh, W.h * (0.05 if tod != "golden" else 0.09), W.h * 2.0) * (ys > horizon)[:, None]
    body = body + path[..., None] * np.array(sun_col) * 0.35
    layers.append(Layer(premult(body, body_a), 0.2))
    bands = 5 if not beach else 4
    for i in range(bands):
        f = (i + 1) / (bands + 1)
        depth = 0.25 + 0.7 * f
        y0 = horizon + (W.lh - horizon) * (f ** 1.4) * (0.75 if beach else 1.0)
        amp = W.h * (0.004 + 0.02 * f * f)
        cycles = int(3 + 6 * (1 - f)) + 2
        xs = np.arange(W.lw, dtype=np.float32) * 2 * np.pi / W.lw
        ph = rng.uniform(0, 2 * np.pi, 3)
        prof = y0 + amp * (np.sin(xs * cycles + ph[0]) + 0.45 * np.sin(xs * cycles * 2 + ph[1]) + 0.2 * np.sin(xs * (cycles * 3 + 1) + ph[2]))
        a = fill_below(W.lh, W.lw, prof, 1.0)
        col = np.array(deep) * (1 - f) * 0.9 + np.array(near) * (0.7 + 0.5 * f)
        shade = np.clip((ys[:, None] - prof[None, :]) / (W.h * 0.08), 0, 1)[..., None]
        rgb = col * (1.15 - 0.35 * shade)
        # Foam crest: a thin light line that follows the wave top, stronger where the wave rises.
        crest = np.exp(-(((ys[:, None] - prof[None, :] - amp * 0.15) / max(0.8, W.h * 0.004 * (0.5 + f))) ** 2))
        crest *= np.clip(0.3 + 0.7 * (np.sin(xs * cycles + ph[0] + 0.6)[None, :]), 0, 1)
        foam = 0.55 if tod == "day" else 0.35
        rgb = rgb * (1 - crest[..., None] * foam) + crest[..., None] * foam * np.array(sun_col)
        layers.append(Layer(premult(rgb, a), depth, drift=(W.w * (0.02 + 0.06 * f) * (1 if i % 2 else -0.6), 0), wrap=True, bob=amp * 0.35, bob_hz=0.2 + 0.08 * i))
    # Sparkles on the water: two sets twinkling in antiphase.
    for j in range(2):
        sp = np.zeros((W.lh, W.lw, 3), np.float32)
        for _ in range(140):
            x = rng.normal(sx, W.h * 0.25)
            y = rng.uniform(horizon + 2, W.lh)
            if 0 <= x < W.lw:
                cv2.line(sp, (int(x) - 2, int(y)), (int(x) + 2, int(y)), (0.9, 0.9, 0.85), 1, cv2.LINE_AA)
        layers.append(Layer(light(sp * (0.8 if tod != "night" else 0.4)), 0.6, "add", gain=_twinkle(0.9, j * math.pi, 1.0)))
    if beach:
        prof = ridge(W.lw, rng, base=W.y(0.86), amp=W.h * 0.025, octaves=3)
        sand_a = fill_below(W.lh, W.lw, prof, 1.5)
        sand = {"day": (0.86, 0.76, 0.58), "golden": (0.72, 0.5, 0.36), "night": (0.16, 0.15, 0.18)}[tod]
        rgb = np.array(sand) * (0.85 + 0.25 * value_noise(W.lh, W.lw, rng, scales=(16, 48, 96))[..., None])
        wet = np.exp(-(((ys[:, None] - prof[None, :]) / (W.h * 0.02)) ** 2))[..., None]
        rgb = rgb * (1 - wet * 0.35)
        layers.append(Layer(premult(rgb, sand_a), 1.0))
    return layers, []


def _space(W: _World, rng, palette: Palette, tod: str) -> tuple[list[Layer], list]:
    accents = [np.array(c, np.float32) / 255.0 for c in palette.accents]
    base = vgrad(W.lh, W.lw, [(0, (3, 3, 12)), (1, (8, 6, 22))])
    n1 = value_noise(W.lh, W.lw, rng, scales=(2, 4, 8, 16, 32), rough=0.6)
    n2 = value_noise(W.lh, W.lw, rng, scales=(3, 6, 12, 24), rough=0.55)
    c1 = accents[0] if accents else np.array([0.5, 0.2, 0.8])
    c2 = accents[1 % len(accents)] if accents else np.array([0.1, 0.5, 0.9])
    neb = (np.clip(n1 - 0.45, 0, 1) ** 1.6)[..., None] * c1 * 1.1 + (np.clip(n2 - 0.5, 0, 1) ** 1.5)[..., None] * c2 * 1.0
    layers = [Layer(premult(base + neb * 0.8, np.ones((W.lh, W.lw), np.float32)), 0.0)]
    for depth, n, size, g in ((0.05, 500, 0.45, 0.5), (0.35, 160, 0.7, 0.75), (0.75, 45, 1.1, 1.0)):
        s = _stars(W, rng, n, size * max(1.0, W.h / 360))
        layers.append(Layer(light(s * g), depth, "add", gain=_twinkle(0.25 + depth, depth * 11, 0.3)))
    # A planet with a lit rim, partly out of frame, on a near layer.
    r = W.h * 0.34
    px, py = W.x(0.86), W.y(1.0)
    yy, xx = np.mgrid[0 : W.lh, 0 : W.lw].astype(np.float32)
    d = np.sqrt((xx - px) ** 2 + (yy - py) ** 2)
    a = np.clip((r - d) / 1.5, 0, 1)
    lit = np.clip(((px - xx) * 0.7 + (py - yy) * 0.7) / r, 0, 1)
    pc = c2 * 0.5 + 0.1
    rgb = pc[None, None, :] * (0.12 + 0.9 * lit[..., None] ** 2)
    layers.append(Layer(premult(rgb, a), 0.6))
    rim = np.exp(-(((d - r) / (W.h * 0.012)) ** 2)) * (0.4 + lit) + np.exp(-(((d - r) / (W.h * 0.06)) ** 2)) * 0.35 * lit
    layers.append(Layer(light(rim[..., None] * (c2 * 0.6 + 0.4)), 0.6, "add"))

    def shooting(out: np.ndarray, t: float, cam: CameraState, seed=float(rng.uniform(0, 100))) -> None:
        # One meteor every ~3 s, crossing in 0.5 s, at a seeded place.
        k = int((t + seed) // 3.1)
        p = ((t + seed) % 3.1) / 0.5
        if p > 1:
            return
        r2 = np.random.default_rng(k + int(seed * 1000))
        h, w = out.shape[:2]
        x0, y0 = r2.uniform(0.1, 0.8) * w, r2.uniform(0.05, 0.35) * h
        dx, dy = w * 0.35, h * 0.18
        for j in range(6):
            q0, q1 = max(0.0, p - 0.25 + j * 0.04), p
            col = tuple(int(v * (0.3 + j * 0.12) * (1 - p * 0.6)) for v in (255, 240, 220))
            cv2.line(out, (int(x0 + dx * q0), int(y0 + dy * q0)), (int(x0 + dx * q1), int(y0 + dy * q1)), col, 1, cv2.LINE_AA)

    return layers, [shooting]


def _forest(W: _World, rng, palette: Palette, tod: str, mountains: bool) -> tuple[list[Layer], list]:
    layers = [Layer(premult(_sky(W, tod, palette, "forest"), np.ones((W.lh, W.lw), np.float32)), 0.0)]
    sun_y = {"day": 0.22, "golden": 0.5, "night": 0.2}[tod]
    sun_c = {"day": (1.0, 0.95, 0.8), "golden": (1.0, 0.65, 0.3), "night": (0.8, 0.85, 0.95)}[tod]
    sx, sy = W.x(0.32), W.y(sun_y)
    g = blob(W.lh, W.lw, sx, sy, W.h * 0.035) * 1.6 + blob(W.lh, W.lw, sx, sy, W.h * 0.18) * 0.35 + blob(W.lh, W.lw, sx, sy, W.h * 0.6) * 0.15
    layers.append(Layer(light(np.clip(g, 0, 1.5)[..., None] * np.array(sun_c)), 0.03, "add"))
    if tod == "night":
        layers.append(Layer(light(_stars(W, rng, 150, 0.5, limit=0.55) * 0.55), 0.02, "add", gain=_twinkle(0.3, 0.5)))
    far = {"day": (120, 150, 175), "golden": (170, 110, 120), "night": (30, 36, 60)}[tod]
    near = {"day": (14, 40, 24), "golden": (30, 18, 26), "night": (4, 8, 10)}[tod]
    n = 5
    for i in range(n):
        f = i / (n - 1)
        depth = 0.1 + 0.85 * f
        base = W.y(0.5 + 0.09 * i + (0.0 if not mountains else -0.05 * (1 - f)))
        amp = W.h * (0.16 if mountains and i < 2 else 0.06) * (1.0 - 0.3 * f)
        prof = ridge(W.lw, rng, base=base, amp=amp, octaves=5, rough=0.55 if not (mountains and i < 2) else 0.62)
        if i >= 1:
            # Conifers along the ridge: little triangles whose size grows with nearness.
            trees = prof.copy()
            x = 0.0
            while x < W.lw:
                tw = W.h * rng.uniform(0.012, 0.03) * (0.4 + f * 1.6)
                th = tw * rng.uniform(2.2, 3.6)
                xi = int(x)
                lo, hi = max(0, int(x - tw)), min(W.lw, int(x + tw))
                if hi > lo:
                    cols = np.arange(lo, hi)
                    tip = prof[min(W.lw - 1, xi)] - th
                    trees[lo:hi] = np.minimum(trees[lo:hi], tip + th * np.abs(cols - x) / tw)
                x += tw * rng.uniform(0.6, 1.6) * (1.0 if rng.random() > 0.2 else 3.0)
            prof = trees
        a = fill_below(W.lh, W.lw, prof, 1.2)
        col = np.array(_mix(far, near, f ** 0.8), np.float32) / 255.0
        ys = np.arange(W.lh, dtype=np.float32)[:, None, None]
        rgb = col * (1 - 0.25 * np.clip((ys - base) / (W.h * 0.4), 0, 1)) + np.zeros((1, W.lw, 1))
        layers.append(Layer(premult(rgb, a), depth))
        if i in (1, 3):
            mist = blob(W.lh, W.lw, W.lw / 2, base + W.h * 0.04, W.lw, W.h * 0.05)
            mist = mist * (0.6 + 0.4 * value_noise(W.lh, W.lw, rng, scales=(4, 8)))
            mc = np.array(_mix(far, (255, 255, 255), 0.3), np.float32) / 255.0
            layers.append(Layer(premult(np.ones((W.lh, W.lw, 3)) * mc, mist * (0.45 if tod != "night" else 0.25)), depth, drift=(W.w * 0.015, 0), wrap=True))
    return layers, []


def _studio(W: _World, rng, palette: Palette, tod: str, bright: bool) -> tuple[list[Layer], list]:
    acc = np.array(accent_of(palette), np.float32) / 255.0
    if bright:
        wall = [(0.0, (170, 176, 186)), (0.62, (212, 216, 222)), (1.0, (196, 198, 204))]
    else:
        top = _mix(palette.top, (0, 0, 0), 0.35)
        wall = [(0.0, top), (0.62, _mix(palette.bottom, (0, 0, 0), 0.1)), (1.0, _mix(palette.top, (0, 0, 0), 0.2))]
    fs = [(np.clip(W.y(p) / W.lh, 0, 1), c) for p, c in wall]
    rgb = vgrad(W.lh, W.lw, [(0.0, fs[0][1])] + fs + [(1.0, fs[-1][1])])
    # The cyc: floor meets wall in a soft curve; the floor is lit from the front, the wall falls off upward.
    ys = np.arange(W.lh, dtype=np.float32)[:, None]
    xs = np.arange(W.lw, dtype=np.float32)[None, :]
    curve = W.y(0.7) - W.h * 0.05 * np.cos((xs - W.lw / 2) / W.lw * np.pi) ** 2
    floor = np.clip((ys - curve) / (W.h * 0.06) + 0.5, 0, 1)
    rgb = rgb * (1 + 0.18 * floor[..., None])
    layers = [Layer(premult(rgb, np.ones((W.lh, W.lw), np.float32)), 0.0)]
    key = blob(W.lh, W.lw, W.x(0.5), W.y(0.42), W.h * 0.55, W.h * 0.4) * (0.35 if not bright else 0.15)
    layers.append(Layer(light(key[..., None] * (acc * 0.5 + 0.5)), 0.05, "add", gain=_twinkle(0.08, 0.0, 0.25)))
    pool = blob(W.lh, W.lw, W.x(0.5), W.y(0.8), W.h * 0.5, W.h * 0.08) * 0.3
    layers.append(Layer(light(pool[..., None] * np.array([1.0, 1.0, 1.0])), 0.5, "add"))
    # A slow diagonal light sweep crossing the wall, tiling so it keeps passing.
    sweep = np.exp(-((((xs - ys * 0.5) % W.lw) - W.lw * 0.5) / (W.h * 0.09)) ** 2) * 0.16
    sweep = sweep * (1 - floor * 0.7)
    layers.append(Layer(light(sweep[..., None] * (acc * 0.4 + 0.6)), 0.2, "add", drift=(W.w * 0.09, 0), wrap=True))
    # Two thin accent arcs: graphic elements on the wall, behind the type.
    arcs = np.zeros((W.lh, W.lw, 3), np.float32)
    cx, cy = int(W.x(0.5)), int(W.y(0.46))
    for r, th in ((W.h * 0.34, 1.5), (W.h * 0.44, 1.0)):
        cv2.circle(arcs, (cx, cy), int(r), (acc * 0.55).tolist(), max(1, int(th * W.h / 360)), cv2.LINE_AA)
    layers.append(Layer(light(arcs), 0.4, "add"))
    return layers, []


def _grid(W: _World, rng, palette: Palette, tod: str) -> tuple[list[Layer], list]:
    accents = [c for c in palette.accents if _sat(c) > 0.3] or [accent_of(palette)]
    pink = np.array(accents[0], np.float32) / 255.0
    cyan = np.array(accents[1 % len(accents)], np.float32) / 255.0
    sky = [(0, (8, 4, 26)), (0.35, (34, 8, 60)), (0.58, (120, 30, 110)), (0.64, (255, 110, 90)), (1.0, (20, 4, 30))]
    fs = [(np.clip(W.y(p) / W.lh, 0, 1), c) for p, c in sky]
    layers = [Layer(premult(vgrad(W.lh, W.lw, [(0.0, fs[0][1])] + fs + [(1.0, fs[-1][1])]), np.ones((W.lh, W.lw), np.float32)), 0.0)]
    layers.append(Layer(light(_stars(W, rng, 160, 0.5, limit=0.5) * 0.45), 0.02, "add", gain=_twinkle(0.4, 0.2)))
    horizon = W.y(0.64)
    # The striped sun: a yellow-to-pink disc cut by bands that thicken towards the horizon.
    r = W.h * 0.24
    sx, sy = W.x(0.5), horizon - r * 0.35
    yy, xx = np.mgrid[0 : W.lh, 0 : W.lw].astype(np.float32)
    d = np.sqrt((xx - sx) ** 2 + (yy - sy) ** 2)
    a = np.clip((r - d) / 1.2, 0, 1) * (yy < horizon)
    v = np.clip((yy - (sy - r)) / (2 * r), 0, 1)
    stripes = np.where((v > 0.5) & (np.sin((yy - sy) * (0.9 / (1 + v * 4)) * 12 / max(1, r / 60)) > 1.6 - 2.0 * v), 0.0, 1.0)
    sun = np.stack([np.ones_like(v), 0.85 - 0.55 * v, 0.3 + 0.3 * v], -1)
    layers.append(Layer(light(blob(W.lh, W.lw, sx, sy, r * 1.3)[..., None] * pink * 0.55), 0.05, "add"))
    layers.append(Layer(premult(sun, a * stripes), 0.05))
    prof = ridge(W.lw, rng, base=horizon, amp=W.h * 0.07, octaves=4, rough=0.5)
    prof = np.minimum(prof, horizon)
    ma = fill_below(W.lh, W.lw, prof, 1.0) * (yy <= horizon + 2)
    edge = np.exp(-(((yy - prof[None, :]) / 1.2) ** 2)) * (yy <= horizon)
    mrgb = np.broadcast_to(np.array([0.06, 0.02, 0.12]), (W.lh, W.lw, 3)) + edge[..., None] * cyan * 0.9
    layers.append(Layer(premult(mrgb, np.maximum(ma, edge)), 0.15))
    floor = np.zeros((W.lh, W.lw, 3), np.float32)
    floor[int(horizon) :] = np.array([0.05, 0.0, 0.09])
    floor += blob(W.lh, W.lw, W.lw / 2, horizon, W.lw * 0.6, W.h * 0.05)[..., None] * pink * 0.5 * (yy >= horizon)[..., None]
    layers.append(Layer(premult(floor, (yy >= horizon).astype(np.float32)), 0.3))
    screen_h = int(W.h)
    speed = 0.45

    def grid(out: np.ndarray, t: float, cam: CameraState) -> None:
        # Perspective floor grid, drawn in screen space per frame: rows stream towards the camera.
        h, w = out.shape[:2]
        hy = int(h * 0.64 - cam.dy * h * 0.8)
        vx = w / 2 - cam.dx * w * 0.8
        buf = np.zeros((h - hy, w, 3), np.uint8)
        col = tuple(int(c * 255) for c in pink)
        thick = max(1, h // 360)
        for k in range(14):
            z = (k + (t * speed * 4) % 1.0) / 14.0
            y = (z**2.4) * (h - hy)
            if y >= 1:
                cv2.line(buf, (0, int(y)), (w, int(y)), tuple(int(c * min(1.0, 0.3 + z)) for c in col), thick, cv2.LINE_AA)
        for k in range(-14, 15):
            x_far = vx + k * w * 0.035
            x_near = vx + k * w * 0.35 * (1 + cam.zoom - 1)
            cv2.line(buf, (int(x_far), 0), (int(x_near), h - hy), col, thick, cv2.LINE_AA)
        glow = cv2.GaussianBlur(buf, (0, 0), max(1.5, h / 220))
        region = out[hy:]
        cv2.add(region, buf, dst=region)
        cv2.add(region, glow, dst=region)
        cv2.add(region, glow, dst=region)

    return layers, [grid]


def _abstract(W: _World, rng, palette: Palette, tod: str) -> tuple[list[Layer], list]:
    top, bottom = palette.top, palette.bottom
    layers = [Layer(premult(vgrad(W.lh, W.lw, [(0, top), (1, bottom)]), np.ones((W.lh, W.lw), np.float32)), 0.0)]
    accents = [np.array(c, np.float32) / 255.0 for c in palette.accents]
    # Big soft colour fields that drift on their own loops (tiling), at several depths.
    for i in range(4):
        c = accents[i % len(accents)]
        f = np.zeros((W.lh, W.lw), np.float32)
        for _ in range(2):
            f += blob(W.lh, W.lw, rng.uniform(0, W.lw), rng.uniform(0.2, 0.8) * W.lh, W.h * rng.uniform(0.25, 0.5))
        layers.append(Layer(light(f[..., None] * c * 0.3), 0.1 + 0.2 * i, "add", drift=(W.w * rng.uniform(-0.05, 0.05), W.h * rng.uniform(-0.02, 0.02)), wrap=True, gain=_twinkle(0.05 + 0.03 * i, i, 0.3)))
    # Flowing ribbons: translucent sine bands in accent colours.
    xs = np.arange(W.lw, dtype=np.float32) * 2 * np.pi / W.lw
    ys = np.arange(W.lh, dtype=np.float32)[:, None]
    for i in range(3):
        c = accents[(i + 1) % len(accents)]
        cy = W.y(rng.uniform(0.3, 0.75))
        prof = cy + W.h * 0.12 * np.sin(xs * (1 + i) + rng.uniform(0, 6)) + W.h * 0.04 * np.sin(xs * (3 + i) + rng.uniform(0, 6))
        width = W.h * rng.uniform(0.03, 0.08)
        a = np.exp(-(((ys - prof[None, :]) / width) ** 2)) * 0.3
        edge = np.exp(-(((ys - prof[None, :] + width) / 1.2) ** 2)) * 0.5
        layers.append(Layer(premult(np.ones((W.lh, W.lw, 3)) * c, np.maximum(a, edge)), 0.4 + 0.2 * i, drift=(W.w * 0.03 * (1 if i % 2 else -1), 0), wrap=True))
    return layers, []


def build(kind: str, tod: str, palette: Palette, rng: np.random.Generator, size: tuple[int, int], text: str = "") -> Environment:
    """An environment of `kind` at the working `size` (w, h)."""
    W = _World(*size)
    low = (text or "").lower()
    if kind == "city":
        layers, dyn = _city(W, rng, palette, tod)
    elif kind == "ocean":
        layers, dyn = _ocean(W, rng, palette, tod, beach=any(w in low for w in ("beach", "sand", "shore", "coast", "tropical", "island")))
    elif kind == "space":
        layers, dyn = _space(W, rng, palette, tod)
    elif kind == "forest":
        layers, dyn = _forest(W, rng, palette, tod, mountains=any(w in low for w in ("mountain", "peak", "alpine", "hiking")))
    elif kind == "studio":
        layers, dyn = _studio(W, rng, palette, tod, bright=any(w in low for w in ("white", "bright", "light background", "airy", "high key")))
    elif kind == "grid":
        layers, dyn = _grid(W, rng, palette, tod)
    else:
        layers, dyn = _abstract(W, rng, palette, tod)
    glow = kind in ("grid",) or (kind == "city" and tod == "night") or "neon" in low
    return Environment(kind, tod, LayerStack(layers, size), accent_of(palette), dyn, glow_text=glow)
