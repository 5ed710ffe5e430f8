"""Camera paths: a named move (push in, pan, orbit, ...) as zoom, offset and roll over the progress of a shot.

Offsets are fractions of the frame (dx of 0.1 = a tenth of the width); zoom is relative to the framed shot. The
same path drives procedural scenes and camera moves over still images, so every renderer moves alike.
"""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class CameraState:
    zoom: float = 1.0
    dx: float = 0.0
    dy: float = 0.0
    roll: float = 0.0  # radians
    bg_zoom: float | None = None  # dolly zoom: the background scales against the subject


def ease(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def _wobble(t: float, seed: int, amp: float) -> tuple[float, float, float]:
    # Sum of incommensurate sines: smooth, aperiodic-looking shake without storing a noise table.
    ph = [(seed * 0.618 + k * 1.37) % (2 * math.pi) for k in range(6)]
    x = math.sin(t * 1.9 + ph[0]) * 0.6 + math.sin(t * 4.3 + ph[1]) * 0.3 + math.sin(t * 9.1 + ph[2]) * 0.1
    y = math.sin(t * 1.6 + ph[3]) * 0.6 + math.sin(t * 3.7 + ph[4]) * 0.3 + math.sin(t * 8.3 + ph[5]) * 0.1
    r = math.sin(t * 1.3 + ph[2]) * 0.5
    return x * amp, y * amp, r * amp * 0.6


def camera_at(
    kind: str, p: float, *, direction: str | None = None, speed: str = "slow", t_s: float = 0.0, seed: int = 0, strength: float = 1.0,
    pull_to: float = 1.0,
) -> CameraState:
    """The camera at shot progress p in [0, 1] (t_s is the shot time in seconds, for handheld shake). `strength`
    scales the travel of push/pull/pan/tilt/orbit (camera moves over stills use more than procedural scenes).
    `pull_to`: the zoom a pull-out ends at (below 1: wider than the framed shot, past a still's edges)."""
    e = ease(p)
    amount = {"slow": 1.0, "medium": 1.4, "fast": 2.0}.get(speed, 1.0)
    if kind in ("push_in", "pull_out", "pan", "tilt", "orbit"):
        amount *= strength
    if kind == "static":
        return CameraState()
    if kind == "push_in":
        return CameraState(zoom=1.0 + 0.16 * amount * e)
    if kind == "pull_out":
        return CameraState(zoom=pull_to * (1.0 + 0.16 * amount * (1 - e)))
    if kind in ("pan", "tilt"):
        zoom = 1.0 + 0.14 * amount
        m = (zoom - 1.0) / (2 * zoom) * 0.95  # travel that stays inside the zoomed frame
        sign = -1.0 if direction in ("right", "down") else 1.0
        off = sign * (-m + 2 * m * e)
        return CameraState(zoom=zoom, dx=off if kind == "pan" else 0.0, dy=off if kind == "tilt" else 0.0)
    if kind == "orbit":
        # A still has no other side to show: arc laterally with a slight bank and zoom, which reads as an orbit.
        k = strength
        zoom = 1.0 + 0.12 * k + 0.04 * k * math.sin(math.pi * e)
        return CameraState(zoom=zoom, dx=0.04 * k * math.cos(math.pi * e), roll=0.025 * k * math.sin(math.pi * (e - 0.5)))
    if kind == "dolly_zoom":
        return CameraState(zoom=1.0 + 0.05 * e, bg_zoom=1.0 + 0.35 * e)
    if kind == "handheld":
        x, y, r = _wobble(t_s, seed, 0.006 * amount)
        return CameraState(zoom=1.06, dx=x, dy=y, roll=r)
    if kind == "crash_zoom":
        # A slow creep, a hard zoom over ~6% of the shot, then a slow creep on: the snap is what sells it, and
        # the creeps keep the long parts either side from reading as a frozen frame.
        k = min(1.0, max(0.0, (p - 0.3) / 0.06))
        before = 0.03 * min(1.0, p / 0.3)
        after = 0.05 * ease((p - 0.36) / 0.64)
        return CameraState(zoom=1.0 + before + 0.6 * (1 - (1 - k) ** 3) + after)
    return CameraState()
