"""A camera that carries on over a clip's last frame: the clip's own motion (a `global_motion.Velocity`) continued
and eased to rest, or a move started from rest; and the still rendered through it.

Continuing a motion: the velocity decays as (1 - k/T)^p over the T frames of the extension, so the first step
is the clip's own last step (no jolt at the seam) and the camera comes to rest on the last frame. A still has
nothing beyond its edges, so a pan is accompanied by just enough push-in to keep the frame inside the picture,
and a pull-out (which would need what lies beyond the frame) is brought to rest quickly. The exponent p is the
gentlest (at least 2: velocity and acceleration reach zero together) that keeps the travel within limits.

Frames are resampled by one similarity warp with bicubic interpolation: exact at rest (the still itself), and
without the softening a bilinear warp shows at sub-pixel shifts.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState, ease
from omnireel.media.ops.global_motion import Velocity
from omnireel.media.ops.reframe import Layout

MAX_TRAVEL = 0.08  # of the frame's width (height): the furthest a continued pan goes
MAX_ZOOM = 1.3  # the closest the camera gets: a continued push-in and the push that keeps a pan inside
MAX_PULL = 0.985  # the widest a continued pull-out gets (beyond 1, the frame's edges are mirrored in: a sliver)
FROM_REST_TRAVEL = 0.08  # a pan or tilt started from rest travels this much of the frame


@dataclasses.dataclass(frozen=True)
class Continuation:
    """The cameras of the extension's frames 1..n (frame 0 is the clip's last frame, the camera at rest), and
    what they do, for the output text."""

    cams: list[CameraState]
    kind: str  # "continued" | "push_in" | "pan" | "tilt" | "static"
    travel_px: tuple[float, float] = (0.0, 0.0)  # total content shift at the end
    end_zoom: float = 1.0
    exponent: float = 0.0  # p of the velocity decay (continued motion)


def still_layout(width: int, height: int) -> Layout:
    """The layout of a still that is exactly the frame: zooms about the frame's centre."""
    return Layout(width, height, 1.0, 0.0, 0.0, ((width - 1) / 2, (height - 1) / 2), cover=True)


def render(still: np.ndarray, layout: Layout, cam: CameraState) -> np.ndarray:
    """The still seen through `cam` (a new HxWx3 array)."""
    return cv2.warpAffine(still, layout.matrix(cam), (layout.width, layout.height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT)


def _state(width: int, height: int, dx: float, dy: float, log_zoom: float) -> CameraState:
    """Content shifted by (dx, dy) px and zoomed by exp(log_zoom), plus the push that keeps the frame inside."""
    cover = 1.0 + 2.0 * max(abs(dx) / width, abs(dy) / height)
    return CameraState(zoom=math.exp(log_zoom) * cover, dx=dx / width, dy=dy / height)


def _reach(v: Velocity, width: int, height: int) -> float:
    """The most frames' worth of the initial velocity the continuation may travel (its total P) within the
    limits: pan travel, closest zoom (the continued push-in times the push that keeps a pan inside), widest
    pull-out."""
    a = max(abs(v.dx) / width, abs(v.dy) / height)
    limit = 1e6  # effectively unlimited: a camera at rest
    if a > 0:
        limit = min(limit, MAX_TRAVEL / a)
    if v.zoom > 0:
        limit = min(limit, math.log(MAX_ZOOM) / v.zoom)
    elif v.zoom < 0:
        limit = min(limit, math.log(MAX_PULL) / v.zoom)

    def closest(p: float) -> float:
        return math.exp(max(0.0, v.zoom) * p) * (1.0 + 2.0 * a * p)

    if closest(limit) > MAX_ZOOM:
        lo, hi = 0.0, limit
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if closest(mid) <= MAX_ZOOM else (lo, mid)
        limit = lo
    return limit


def continue_motion(v: Velocity, n: int, width: int, height: int) -> Continuation:
    """Cameras for n extension frames carrying on the clip's velocity `v`, easing to rest by frame n."""
    T = max(1, n)
    p = max(2.0, T / max(1e-9, _reach(v, width, height)) - 1.0)
    cams = []
    for k in range(1, n + 1):
        P = T / (p + 1) * (1.0 - (1.0 - k / T) ** (p + 1))  # frames' worth of the initial velocity so far
        cams.append(_state(width, height, v.dx * P, v.dy * P, v.zoom * P))
    P = T / (p + 1)
    return Continuation(cams, "continued", (v.dx * P, v.dy * P), cams[-1].zoom if cams else 1.0, p)


def move_from_rest(kind: str, direction: str | None, n: int, width: int, height: int) -> Continuation:
    """A pan or tilt started from rest (the still is at rest at frame 0), eased in and out over n frames, inside
    the picture; `kind` "static" holds the frame."""
    if kind == "static":
        return Continuation([CameraState()] * n, "static")
    sign = -1.0 if direction in ("right", "down") else 1.0  # the camera pans right: the content moves left
    dx = sign * FROM_REST_TRAVEL * width if kind == "pan" else 0.0
    dy = sign * FROM_REST_TRAVEL * height if kind == "tilt" else 0.0
    cams = [_state(width, height, dx * ease(k / max(1, n)), dy * ease(k / max(1, n)), 0.0) for k in range(1, n + 1)]
    return Continuation(cams, kind, (dx, dy), cams[-1].zoom if cams else 1.0)
