"""A motion picture: an environment, its finishing effects and a kinetic title track composed into frames of one
size. The environment and effects run at a reduced working resolution (they are soft by nature) and are
upscaled once; titles and accents are drawn at full resolution on top, so type stays crisp."""

from __future__ import annotations

import dataclasses
from typing import Callable

import cv2
import numpy as np

from omnireel.media.motion import fx
from omnireel.media.motion.environments import build, choose_kind, time_of_day
from omnireel.media.motion.kinetic import Card, KineticTrack
from omnireel.media.ops.camera_path import CameraState
from omnireel.media.palette import Palette


@dataclasses.dataclass(frozen=True)
class Look:
    kind: str
    tod: str
    particles: str | None
    grain: bool
    scanlines: bool
    leak: bool
    grade: str | None


def look_for(text: str, kind: str | None = None) -> Look:
    """Environment, time of day and finishing effects for the plan's words."""
    low = (text or "").lower()
    kind = kind or choose_kind(low)
    tod = time_of_day(low, kind)
    vintage = any(w in low for w in ("vintage", "film grain", "sepia", "super 8", "16mm", "nostalgic", "1970s", "old film"))
    retro = any(w in low for w in ("vhs", "crt", "scanline", "retro", "80s", "1980s", "arcade", "synthwave", "glitch"))
    noir = any(w in low for w in ("noir", "black and white", "black-and-white", "monochrome", "b&w"))
    leak = vintage or tod == "golden" or any(w in low for w in ("light leak", "cinematic", "dreamy", "warm"))
    return Look(
        kind=kind, tod=tod, particles=fx.particle_kind(low, kind, tod), grain=vintage or noir or "grain" in low,
        scanlines=retro, leak=leak and not noir, grade="noir" if noir else ("vintage" if vintage else None),
    )


def working_size(width: int, height: int) -> tuple[int, int]:
    """The environment's resolution: the output down to ~360 px on the short side (540 above 1080p)."""
    short = min(width, height)
    target = short if short <= 400 else (360 if short <= 1080 else 540)
    s = target / short
    return max(16, int(round(width * s / 2)) * 2), max(16, int(round(height * s / 2)) * 2)


class Picture:
    """Frames of `size` for one look, palette and title track; deterministic given the rng."""

    def __init__(self, text: str, palette: Palette, rng: np.random.Generator, size: tuple[int, int], cards: list[Card],
                 *, look: Look | None = None, camera: Callable[[float], CameraState] | None = None):
        self.w, self.h = size
        self.look = look or look_for(text)
        self.bw, self.bh = working_size(self.w, self.h)
        self.env = build(self.look.kind, self.look.tod, palette, rng, (self.bw, self.bh), text)
        acc = self.env.accent
        colors = {
            "bokeh": tuple(palette.accents), "dust": ((200, 200, 190),), "fireflies": ((255, 230, 120), (200, 255, 140)),
            "embers": ((255, 140, 40), (255, 90, 30)), "snow": ((235, 240, 250),), "rain": ((200, 210, 230),),
            "confetti": tuple(palette.accents) + ((255, 255, 255),), "sparkle": ((255, 250, 230),),
        }
        self.particles = fx.Particles(self.look.particles, rng, (self.bw, self.bh), colors[self.look.particles]) if self.look.particles else None
        self.leak = fx.LightLeak(rng, strength=0.45 if self.look.grade != "vintage" else 0.7) if self.look.leak else None
        self.grain = fx.Grain(rng, (self.bw, self.bh), amount=7.0 if self.look.grade else 5.0) if self.look.grain else None
        self.scan = fx.scanlines((self.bw, self.bh)) if self.look.scanlines else None
        self.vig = fx.vignette((self.bw, self.bh), 0.42 if self.look.grade == "vintage" else 0.3)
        glow = acc if self.env.glow_text else None
        self.titles = KineticTrack(cards, self.w, self.h, accent=acc, glow=glow)
        cam = camera or (lambda t: CameraState())
        self.titles.calibrate(lambda t: self.backdrop(int(t * 24), t, cam(t)))

    def backdrop(self, i: int, t: float, cam: CameraState) -> np.ndarray:
        """The environment with its effects at working size, before the title scrim."""
        bg = self.env.render(t, cam)
        if self.particles is not None:
            self.particles.draw(bg, t, cam)
        if self.leak is not None:
            self.leak.apply(bg, t)
        if self.look.grade:
            bg = fx.grade(bg, self.look.grade)
        cv2.multiply(bg, self.vig, dst=bg, scale=1 / 255.0)
        if self.grain is not None:
            self.grain.apply(bg, i)
        if self.scan is not None:
            cv2.multiply(bg, self.scan, dst=bg, scale=1 / 255.0)
        fx.cap_white(bg)
        return bg

    def frame(self, i: int, t: float, cam: CameraState) -> np.ndarray:
        bg = self.backdrop(i, t, cam)
        self.titles.darken(bg, t)
        out = bg if (self.bw, self.bh) == (self.w, self.h) else cv2.resize(bg, (self.w, self.h), interpolation=cv2.INTER_LINEAR)
        return self.titles.draw(out, t)
