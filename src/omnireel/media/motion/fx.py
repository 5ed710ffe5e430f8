"""Finishing effects on the environment frame: particles (bokeh, dust, fireflies, embers, snow, rain, confetti),
light leaks, film grain, scanlines, grades (vintage, noir) and vignette. All seeded, all uint8 cv2 maths at the
environment's working resolution, a fraction of a millisecond to a few ms each."""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState

PARTICLE_KINDS = ("bokeh", "dust", "fireflies", "embers", "snow", "rain", "confetti", "sparkle")


def particle_kind(text: str, env_kind: str, tod: str) -> str | None:
    """Weather and celebration words pick the particles; otherwise each environment has its own."""
    low = (text or "").lower()
    for kind, words in (
        ("rain", ("rain", "rainy", "storm", "drizzle")),
        ("snow", ("snow", "winter", "christmas", "holiday", "frost")),
        ("confetti", ("confetti", "party", "celebrat", "birthday", "anniversary", "new year")),
        ("embers", ("fire", "ember", "lava", "flame", "volcano", "bonfire")),
        ("fireflies", ("firefl",)),
    ):
        if any(w in low for w in words):
            return kind
    return {
        "city": "bokeh", "ocean": None, "space": None, "forest": "fireflies" if tod == "night" else "dust",
        "studio": "dust", "grid": None, "abstract": "bokeh",
    }.get(env_kind)


@dataclasses.dataclass
class Particles:
    """A seeded particle field in screen space (with depth-scaled parallax); drawn per frame with cv2."""

    kind: str
    rng: np.random.Generator
    size: tuple[int, int]
    colors: tuple[tuple[int, int, int], ...]
    count: int = 0

    def __post_init__(self):
        w, h = self.size
        n = self.count or {"bokeh": 14, "dust": 70, "fireflies": 40, "embers": 60, "snow": 140, "rain": 160, "confetti": 45, "sparkle": 40}[self.kind]
        r = self.rng
        self.x = r.uniform(0, 1, n)
        self.y = r.uniform(0, 1, n)
        self.depth = r.uniform(0.1, 1.0, n)
        self.phase = r.uniform(0, 2 * math.pi, n)
        self.col = [self.colors[int(i)] for i in r.integers(len(self.colors), size=n)]
        speed = {"bokeh": (0.0, -0.01), "dust": (0.004, -0.006), "fireflies": (0.0, -0.01), "embers": (0.01, -0.12),
                 "snow": (0.01, 0.09), "rain": (-0.08, 1.6), "confetti": (0.0, 0.16), "sparkle": (0.0, 0.0)}[self.kind]
        self.vx = speed[0] * (0.5 + self.depth) + r.normal(0, abs(speed[1]) * 0.15 + 0.002, n)
        self.vy = speed[1] * (0.5 + self.depth)
        self.rot = r.uniform(0, math.pi, n)

    def draw(self, out: np.ndarray, t: float, cam: CameraState) -> None:
        h, w = out.shape[:2]
        k = self.kind
        zoom = 1.0 + (cam.zoom - 1.0) * (0.4 + 0.6 * self.depth)
        px = ((self.x + self.vx * t + 0.01 * np.sin(t * 0.7 + self.phase) - cam.dx * (0.4 + 1.4 * self.depth)) % 1.0 - 0.5) * zoom + 0.5
        py = ((self.y + self.vy * t - cam.dy * (0.4 + 1.4 * self.depth)) % 1.0 - 0.5) * zoom + 0.5
        sc = h / 360.0
        if k in ("bokeh", "fireflies", "embers", "sparkle", "dust", "snow"):
            layer = np.zeros_like(out)
            for i in range(len(px)):
                x, y = int(px[i] * w * 16), int(py[i] * h * 16)
                d = self.depth[i]
                if k == "bokeh":
                    rad, a = (5 + 16 * d) * sc, 0.09 + 0.05 * math.sin(t * 1.1 + self.phase[i])
                elif k == "fireflies":
                    rad, a = (1.2 + 1.8 * d) * sc, max(0.0, math.sin(t * 1.7 + self.phase[i])) ** 2
                elif k == "embers":
                    rad, a = (0.8 + 1.6 * d) * sc, 0.6 + 0.4 * math.sin(t * 5 + self.phase[i])
                elif k == "sparkle":
                    rad, a = (0.8 + 1.5 * d) * sc, max(0.0, math.sin(t * 2.3 + self.phase[i])) ** 4
                elif k == "dust":
                    rad, a = (0.6 + 1.2 * d) * sc, 0.25 + 0.2 * d
                else:
                    rad, a = (0.8 + 2.2 * d) * sc, 0.75
                c = tuple(float(v * a) for v in self.col[i])
                cv2.circle(layer, (x, y), max(16, int(rad * 16)), c, -1, cv2.LINE_AA, 4)
                if k == "bokeh":  # a brighter rim, like an out-of-focus highlight
                    cv2.circle(layer, (x, y), max(16, int(rad * 16)), tuple(v * 0.8 for v in c), max(1, int(sc)), cv2.LINE_AA, 4)
                if k in ("fireflies", "embers", "sparkle"):
                    cv2.circle(layer, (x, y), int(rad * 16 * 3.5), tuple(v * 0.25 for v in c), -1, cv2.LINE_AA, 4)
            cv2.add(out, layer, dst=out)
        elif k == "rain":
            for i in range(len(px)):
                x, y = px[i] * w, py[i] * h
                L = (10 + 22 * self.depth[i]) * sc
                c = tuple(int(v * (0.25 + 0.35 * self.depth[i])) for v in (190, 200, 220))
                cv2.line(out, (int(x), int(y)), (int(x - L * 0.05), int(y - L)), c, 1, cv2.LINE_AA)
        elif k == "confetti":
            for i in range(len(px)):
                x, y = px[i] * w, py[i] * h
                s = (2.5 + 4 * self.depth[i]) * sc
                a = self.rot[i] + t * (2 + 3 * self.depth[i])
                flip = abs(math.cos(t * 3 + self.phase[i]))
                pts = np.array([[-s, -s * 0.5 * flip], [s, -s * 0.5 * flip], [s, s * 0.5 * flip], [-s, s * 0.5 * flip]])
                R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
                q = (pts @ R.T + (x, y)).astype(np.int32)
                cv2.fillConvexPoly(out, q, self.col[i], cv2.LINE_AA)


class LightLeak:
    """Warm drifting light blobs, added over the picture (film looks): computed on a tiny grid and upscaled."""

    def __init__(self, rng: np.random.Generator, colors=((255, 120, 40), (255, 60, 80), (255, 190, 90)), strength: float = 0.5):
        self.blobs = [(rng.uniform(-0.3, 1.3), rng.uniform(0, 1), rng.uniform(0.25, 0.5), colors[i % len(colors)], rng.uniform(0.03, 0.08), rng.uniform(0, 6)) for i in range(3)]
        self.strength = strength

    def apply(self, out: np.ndarray, t: float) -> None:
        h, w = out.shape[:2]
        gw, gh = 48, max(8, int(48 * h / w))
        xs = np.linspace(0, 1, gw, dtype=np.float32)[None, :] * (w / h)
        ys = np.linspace(0, 1, gh, dtype=np.float32)[:, None]
        acc = np.zeros((gh, gw, 3), np.float32)
        for x, y, r, c, v, ph in self.blobs:
            cx = ((x + v * t) % 1.6 - 0.3) * (w / h)
            pulse = 0.6 + 0.4 * math.sin(t * 0.9 + ph)
            acc += np.exp(-((xs - cx) ** 2 + (ys - y) ** 2) / (2 * r * r))[..., None] * (np.array(c, np.float32) * pulse)
        small = np.clip(acc * self.strength, 0, 255).astype(np.uint8)
        cv2.add(out, cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), dst=out)


class Grain:
    """Film grain: a few pre-made noise frames, cycled, added with one cv2.addWeighted per frame."""

    def __init__(self, rng: np.random.Generator, size: tuple[int, int], amount: float = 9.0, frames: int = 4):
        w, h = size
        self.tiles = [np.clip(rng.normal(128, amount, (h, w, 1)), 0, 255).astype(np.uint8).repeat(3, axis=2) for _ in range(frames)]

    def apply(self, out: np.ndarray, i: int) -> None:
        # A new grain pattern every other frame: still reads as film, at about half the bits of per-frame noise
        # (grain is what pushes an 8 s 720p clip past the 4 MB inline delivery cap).
        cv2.addWeighted(out, 1.0, self.tiles[(i // 2) % len(self.tiles)], 1.0, -128.0, dst=out)


def scanlines(size: tuple[int, int], period: int = 3, depth: float = 0.22) -> np.ndarray:
    """A multiplicative row mask (HxWx3 uint8, 255 = untouched) for CRT/VHS looks."""
    w, h = size
    rows = np.where(np.arange(h) % period == 0, 255 * (1 - depth), 255).astype(np.uint8)
    return np.ascontiguousarray(np.broadcast_to(rows[:, None, None], (h, w, 3)))


def vignette(size: tuple[int, int], amount: float = 0.35) -> np.ndarray:
    w, h = size
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    r2 = xs**2 * 0.7 + ys**2 * 0.8
    m = 1.0 - amount * np.clip(r2, 0, 1.5) / 1.5
    return np.ascontiguousarray(np.repeat((m * 255 + 0.5).astype(np.uint8)[..., None], 3, axis=2))


SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32)


def grade(out: np.ndarray, look: str) -> np.ndarray:
    """Whole-frame colour looks: vintage (faded sepia), noir (black and white with contrast)."""
    if look == "vintage":
        sep = cv2.transform(out, SEPIA * 0.9)
        out = cv2.addWeighted(out, 0.45, sep, 0.55, 12)
    elif look == "sketch":
        # Storyboard panels: mostly desaturated and a little dimmed, so they read as a plan, not a render.
        g = cv2.cvtColor(cv2.cvtColor(out, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        out = cv2.addWeighted(out, 0.35, g, 0.5, 6)
    elif look == "noir":
        g = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        g = cv2.convertScaleAbs(g, alpha=1.25, beta=-20)
        out = cv2.cvtColor(g, cv2.COLOR_GRAY2RGB)
    return out


def cap_white(out: np.ndarray, limit: int = 196) -> None:
    """Keep the environment off pure white: titles own the near-white range, which keeps them the brightest
    thing on screen and keeps OCR from reading a star or a highlight as a character. In place: a near-white
    pixel has its weakest channel lowered, so a white sun turns pale yellow and a pale sky pale blue."""
    chans = cv2.split(out)
    mn = cv2.min(cv2.min(chans[0], chans[1]), chans[2])
    excess = cv2.subtract(mn, limit)  # saturates at 0: untouched wherever the weakest channel is <= limit
    if not cv2.countNonZero(excess):
        return
    for k in (2, 0, 1):  # ties (pure white) lose blue first: a warm white, like sunlight
        m = cv2.compare(chans[k], mn, cv2.CMP_EQ)
        cv2.subtract(chans[k], excess, dst=chans[k], mask=m)
        cv2.subtract(excess, excess, dst=excess, mask=m)
    cv2.merge(chans, dst=out)
