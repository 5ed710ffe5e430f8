"""Light and atmosphere over stills, chosen from the plan's lighting and style words: colour grades (golden hour,
neon, cinematic, noir, soft, night, vintage), bloom, vignette, a specular light sweep, bokeh and drifting dust.

Grades and bloom are static, so they are baked once into a layer; sweep, bokeh and particles change per frame
and are drawn into small rectangles only. Which layer they touch (background only, or the whole frame) is the
caller's choice: a subject the prompt says to preserve is never graded, swept or covered.
"""

from __future__ import annotations

import dataclasses
import math
import re

import cv2
import numpy as np

from omnireel.media.prompt.plan import ShotPlan

_PRESERVE_WORDS = re.compile(
    r"\b(exact(ly)?|unchanged|untouched|as it is|as-is|pixel[- ]perfect|do not (alter|change|modify|edit)|"
    r"don't (alter|change|modify|edit)|same as the (photo|image))\b",
    re.I,
)
_SWEEP = ("light sweep", "sweep", "glint", "specular", "sheen", "shine", "shimmer", "reflection", "gleam", "sparkle")
_BOKEH = ("bokeh", "out of focus lights", "out-of-focus lights", "fairy lights", "city lights", "string lights", "dreamy")
_DUST = ("particle", "dust", "motes", "embers", "sparkles", "glitter", "floating", "atmospher", "haze", "snow")
_GLOW = ("glow", "bloom", "halo", "backlit", "back-lit", "rim light", "rim-lit", "ethereal", "dreamy", "luminous")


@dataclasses.dataclass(frozen=True)
class Look:
    grade: str | None = None  # golden | neon | cinematic | noir | soft | night | vintage | None
    sweep: bool = False
    bokeh: bool = False
    particles: bool = False
    glow: bool = False
    vignette: float = 0.0  # 0..1 darkening at the corners
    preserve: bool = False  # keep every effect off the subject

    @property
    def any(self) -> bool:
        return bool(self.grade or self.sweep or self.bokeh or self.particles or self.glow or self.vignette)

    def words(self) -> str:
        parts = [f"{self.grade} grade"] if self.grade else []
        parts += [n for n, on in (("light sweep", self.sweep), ("bokeh", self.bokeh), ("drifting dust", self.particles), ("glow", self.glow), ("vignette", self.vignette > 0)) if on]
        return ", ".join(parts)


def wants_preserve(plan: ShotPlan) -> bool:
    return bool(plan.preserve) or bool(_PRESERVE_WORDS.search(plan.prompt))


def look_for(plan: ShotPlan) -> Look:
    """The look the prompt asks for. With no lighting or style words at all, nothing is added."""
    low = plan.prompt.lower()
    has = lambda words: any(w in low for w in words)  # noqa: E731
    light, style = set(plan.lighting), set(plan.style)
    grade = None
    for name, cond in (
        ("neon", "neon" in light), ("golden", "golden hour" in light), ("noir", "noir" in light),
        ("night", "night" in light), ("soft", bool({"soft", "high key"} & light)), ("vintage", "vintage" in style),
        ("cinematic", "cinematic" in light or "cinematic" in style),
    ):
        if cond:
            grade = name
            break
    product = "ad" in style or "product" in low
    sweep = has(_SWEEP) or (product and (grade in ("cinematic", "neon", "golden", None)) and bool(light or style))
    bokeh = has(_BOKEH) or grade in ("neon", "night", "golden")
    particles = has(_DUST) or grade in ("golden", "cinematic")
    glow = has(_GLOW)  # a rim glow around the subject only when asked: it draws attention to the outline
    vignette = {"noir": 0.55, "cinematic": 0.4, "vintage": 0.45, "golden": 0.3, "neon": 0.35, "night": 0.4}.get(grade or "", 0.0)
    if "minimal" in style and not has(_BOKEH + _DUST):
        bokeh = particles = False
    preserve = wants_preserve(plan)
    # A light sweep is light passing over the subject itself: not on a subject that must stay exactly as it is.
    return Look(grade, sweep and not preserve, bokeh, particles, glow, vignette, preserve)


# ----------------------------------------------------------------------------------------------- static grades

def _lut(fn) -> np.ndarray:
    x = np.arange(256, dtype=np.float32) / 255.0
    return np.clip(fn(x) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def grade(rgb: np.ndarray, name: str | None, amount: float = 1.0) -> np.ndarray:
    """A colour grade by name, as per-channel curves (one LUT pass) plus a saturation change. amount in 0..1
    blends towards the original (a mild grade on an unpreserved subject)."""
    if not name or amount <= 0:
        return rgb
    s_curve = lambda x, k: x + k * (x - 0.5) * (1 - np.abs(2 * x - 1))  # noqa: E731  contrast, ends kept
    curves = {
        "golden": (lambda x: s_curve(x, 0.15) * 0.94 + 0.07, lambda x: s_curve(x, 0.1) * 0.95 + 0.03, lambda x: s_curve(x, 0.1) * 0.78 + 0.02),
        "neon": (lambda x: s_curve(x, 0.25) * 0.95 + 0.05 * (1 - x), lambda x: s_curve(x, 0.25) * 0.85, lambda x: s_curve(x, 0.2) * 0.9 + 0.12 * (1 - x)),
        "cinematic": (lambda x: s_curve(x, 0.2) * 0.97 + 0.03 * x, lambda x: s_curve(x, 0.18) * 0.97 + 0.02, lambda x: s_curve(x, 0.18) * 0.9 + 0.07 * (1 - x)),
        "noir": (lambda x: s_curve(x, 0.35),) * 3,
        "soft": (lambda x: 0.08 + 0.9 * x ** 0.92,) * 3,
        "night": (lambda x: s_curve(x, 0.1) * 0.8, lambda x: s_curve(x, 0.1) * 0.86 + 0.01, lambda x: s_curve(x, 0.1) * 0.95 + 0.06 * (1 - x)),
        "vintage": (lambda x: 0.07 + 0.88 * x, lambda x: 0.06 + 0.84 * x, lambda x: 0.08 + 0.72 * x),
    }
    sat = {"golden": 1.1, "neon": 1.25, "cinematic": 0.92, "noir": 0.0, "soft": 0.9, "night": 0.75, "vintage": 0.75}
    if name not in curves:
        return rgb
    luts = [_lut(f) for f in curves[name]]
    out = cv2.merge([cv2.LUT(c, lut) for c, lut in zip(cv2.split(rgb), luts)])
    s = sat[name]
    if s != 1.0:
        gray = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        out = cv2.addWeighted(out, s, cv2.merge([gray] * 3), 1 - s, 0)
    if amount < 1.0:
        out = cv2.addWeighted(rgb, 1 - amount, out, amount, 0)
    return out


def light_wash(rgb: np.ndarray, name: str | None) -> np.ndarray:
    """A soft directional light over a background plate: a low warm sun for golden hour, magenta and cyan
    sides for neon, a cool top light for night. Computed small and upscaled."""
    tint = {"golden": [((0.85, 0.05), (255, 170, 70), 0.42)], "neon": [((0.0, 0.5), (255, 40, 190), 0.45), ((1.0, 0.5), (40, 210, 255), 0.45)], "night": [((0.5, -0.2), (90, 130, 255), 0.35)]}.get(name or "")
    if not tint:
        return rgb
    h, w = rgb.shape[:2]
    sw, sh = 96, max(8, round(96 * h / w))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    add = np.zeros((sh, sw, 3), np.float32)
    for (fx, fy), col, k in tint:
        d = np.sqrt(((xx / sw - fx) * (w / max(w, h))) ** 2 + ((yy / sh - fy) * (h / max(w, h))) ** 2)
        add += np.exp(-((d / 0.45) ** 2))[..., None] * np.array(col, np.float32) * k
    add = cv2.resize(add, (w, h), interpolation=cv2.INTER_LINEAR)
    # Screen blend: brightens like light does, never past white.
    out = 255.0 - (255.0 - rgb.astype(np.float32)) * (1.0 - add / 255.0)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def bloom(rgb: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """Highlights bleed softly into their surroundings (computed at quarter size)."""
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (max(8, w // 4), max(8, h // 4)), interpolation=cv2.INTER_AREA)
    hi = np.clip(small.astype(np.float32) - 170.0, 0, None) * (255.0 / 85.0)
    hi = cv2.GaussianBlur(hi, (0, 0), max(2.0, w / 4 / 40))
    hi = cv2.resize(hi, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(rgb.astype(np.float32) + hi * strength * 0.5 + 0.5, 0, 255).astype(np.uint8)


def vignette_map(width: int, height: int, strength: float) -> np.ndarray:
    """HxWx3 uint8 multiplier (255 = unchanged) darkening towards the corners."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    r = np.sqrt(((xx / width - 0.5) * 2) ** 2 + ((yy / height - 0.5) * 2) ** 2) / math.sqrt(2)
    v = 1.0 - strength * np.clip((r - 0.45) / 0.55, 0, 1) ** 1.6
    return cv2.merge([np.clip(v * 255 + 0.5, 0, 255).astype(np.uint8)] * 3)


# -------------------------------------------------------------------------------------------- per-frame light

def sweep_band(width: int, height: int, p: float, *, angle: float = 0.5, width_frac: float = 0.07) -> np.ndarray:
    """The specular band of a light sweep at progress p in [0, 1] (it enters at 0 and leaves at 1), as an
    HxW float32 intensity in [0, 1]. Computed at a quarter size and upscaled: it is soft anyway."""
    sw, sh = max(4, width // 4), max(4, height // 4)
    diag = sw * math.cos(angle) + sh * math.sin(angle)
    pos = -0.2 * diag + p * 1.4 * diag
    u = np.arange(sw, dtype=np.float32)[None, :] * math.cos(angle) + np.arange(sh, dtype=np.float32)[:, None] * math.sin(angle)
    d = (u - pos) / (width_frac * diag)
    band = np.exp(-d * d) + 0.4 * np.exp(-((d + 2.6) / 0.5) ** 2)  # the main band and a thin echo behind it
    return cv2.resize(band.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)


def add_light(frame: np.ndarray, intensity: np.ndarray, color: tuple[int, int, int], gain: float) -> None:
    """frame += intensity * color * gain, in place, screen-like (saturating at white)."""
    i8 = cv2.convertScaleAbs(intensity, alpha=255 * gain)
    if color[2] < 250:  # warm light: a little less blue
        cv2.add(frame, cv2.merge([i8, i8, cv2.convertScaleAbs(i8, alpha=color[2] / 255)]), dst=frame)
    else:
        cv2.add(frame, cv2.cvtColor(i8, cv2.COLOR_GRAY2RGB), dst=frame)


def sweep_band8(width: int, height: int, p: float, gain: float, *, angle: float = 0.5, width_frac: float = 0.07) -> np.ndarray:
    """sweep_band() * 255 * gain as HxW uint8: the quarter-size band is quantised before the upscale, so the
    full-size work is one uint8 resize (the band is soft: the difference is under one level)."""
    sw, sh = max(4, width // 4), max(4, height // 4)
    diag = sw * math.cos(angle) + sh * math.sin(angle)
    pos = -0.2 * diag + p * 1.4 * diag
    u = np.arange(sw, dtype=np.float32)[None, :] * math.cos(angle) + np.arange(sh, dtype=np.float32)[:, None] * math.sin(angle)
    d = (u - pos) / (width_frac * diag)
    band = np.exp(-d * d) + 0.4 * np.exp(-((d + 2.6) / 0.5) ** 2)
    return cv2.resize(cv2.convertScaleAbs(band, alpha=255 * gain), (width, height), interpolation=cv2.INTER_LINEAR)


def add_light8(frame: np.ndarray, i8: np.ndarray, color: tuple[int, int, int]) -> None:
    """add_light() for an intensity already scaled to uint8 levels: frame += i8 * color / 255 (white-ish light:
    red and green at full, blue as the colour asks), in place, saturating."""
    if color[2] < 250:
        cv2.add(frame, cv2.merge([i8, i8, cv2.convertScaleAbs(i8, alpha=color[2] / 255)]), dst=frame)
    else:
        cv2.add(frame, cv2.cvtColor(i8, cv2.COLOR_GRAY2RGB), dst=frame)


@dataclasses.dataclass
class _Mote:
    x: float
    y: float
    r: float
    vx: float
    vy: float
    phase: float
    depth: float  # 0 = far (behind the subject), 1 = near (in front)


def _disc(radius: float, color: tuple[int, int, int], soft: float, gain: float) -> np.ndarray:
    n = max(3, int(math.ceil(radius * 2 + 3)))
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    d = np.sqrt((xx - (n - 1) / 2) ** 2 + (yy - (n - 1) / 2) ** 2) / max(0.5, radius)
    a = np.clip((1.0 - d) / soft, 0, 1) ** 1.5
    if soft > 0.5:  # bokeh: a brighter rim, as a real lens draws them
        a = a * 0.75 + 0.35 * np.exp(-((d - 0.85) / 0.12) ** 2) * (d < 1.05)
    return np.clip(a[..., None] * np.array(color, np.float32) * gain, 0, 255).astype(np.uint8)


class Atmosphere:
    """Bokeh discs and dust motes drifting over time; deterministic for the rng. `draw(frame, t, layer)` adds
    the far layer ("back", behind the subject) or the near one ("front")."""

    def __init__(self, look: Look, width: int, height: int, rng: np.random.Generator, palette: tuple[tuple[int, int, int], ...] = ()):
        self.w, self.h = width, height
        s = min(width, height)
        warm = {"golden": (255, 190, 110), "neon": (255, 80, 200), "night": (150, 180, 255), "noir": (220, 220, 220)}.get(look.grade or "", (255, 230, 190))
        colors = palette or ((warm,) if look.grade != "neon" else ((255, 80, 200), (60, 220, 255), (150, 90, 255)))
        self.items: list[tuple[_Mote, np.ndarray]] = []
        if look.bokeh:
            for _ in range(14):
                m = _Mote(rng.random(), rng.random(), s * rng.uniform(0.025, 0.07), rng.uniform(-0.006, 0.006), rng.uniform(-0.012, -0.003), rng.uniform(0, 6.28), 0.0)
                col = colors[int(rng.integers(len(colors)))]
                self.items.append((m, _disc(m.r, col, 0.9, rng.uniform(0.16, 0.32))))
        if look.particles:
            for _ in range(36):
                depth = 1.0 if rng.random() < 0.25 else 0.0
                r = s * (rng.uniform(0.003, 0.006) if depth < 1 else rng.uniform(0.005, 0.009))
                m = _Mote(rng.random(), rng.random(), r, rng.uniform(-0.012, 0.012), rng.uniform(-0.03, -0.008), rng.uniform(0, 6.28), depth)
                self.items.append((m, _disc(m.r, warm, 0.6, rng.uniform(0.3, 0.7))))

    def draw(self, frame: np.ndarray, t: float, layer: str = "back", shift: tuple[float, float] = (0.0, 0.0)) -> None:
        """`shift` is the camera's offset (fractions of the frame): far motes follow it a little, near ones more."""
        want_near = layer == "front"
        for m, sprite in self.items:
            if (m.depth >= 0.5) != want_near:
                continue
            par = 0.3 + 0.9 * m.depth
            x = ((m.x + m.vx * t + 0.004 * math.sin(t * 0.9 + m.phase) + shift[0] * par) % 1.1 - 0.05) * self.w
            y = ((m.y + m.vy * t + shift[1] * par) % 1.1 - 0.05) * self.h
            twinkle = 0.65 + 0.35 * math.sin(t * 2.1 + m.phase)
            sh, sw = sprite.shape[:2]
            x0, y0 = int(x - sw / 2), int(y - sh / 2)
            fx0, fy0, fx1, fy1 = max(0, x0), max(0, y0), min(self.w, x0 + sw), min(self.h, y0 + sh)
            if fx1 <= fx0 or fy1 <= fy0:
                continue
            src = sprite[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0]
            roi = frame[fy0:fy1, fx0:fx1]
            cv2.addWeighted(roi, 1.0, src, twinkle, 0, dst=roi)
