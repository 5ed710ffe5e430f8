"""Global (camera) motion of a clip's last frames: between consecutive frames, a shift-and-zoom (similarity)
transform fitted with RANSAC to sparse optical flow at low resolution; over the clip's last second, its mean
per-frame velocity. Motion of objects over a still background does not count: the fit must explain most of the
tracked points, else the pair has no global motion.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import cv2
import numpy as np

WORK_WIDTH = 320  # analysis width: flow is robust and cheap at this size
MIN_POINTS = 12
MIN_INLIERS = 0.5  # share of tracked points the camera's transform must explain
STILL_PX = 0.12  # below this shift per frame (output px) and STILL_ZOOM, the camera is taken as at rest
STILL_ZOOM = 0.0006  # log scale per frame (~1.4% a second at 24 fps)


@dataclasses.dataclass(frozen=True)
class Velocity:
    """How the picture moves per frame, about the frame's centre: content shift in output pixels (+x: content
    moves right, i.e. the camera pans left) and log zoom (+: content grows, a push-in). `measured`: enough pairs
    had a reliable global fit."""

    dx: float = 0.0
    dy: float = 0.0
    zoom: float = 0.0
    measured: bool = False

    @property
    def moving(self) -> bool:
        return self.measured and (math.hypot(self.dx, self.dy) >= STILL_PX or abs(self.zoom) >= STILL_ZOOM)


def work_gray(rgb: np.ndarray) -> np.ndarray:
    """The analysis copy of a frame (RGB, or already grey such as an I420 frame's luma plane): grey, WORK_WIDTH
    wide (never enlarged)."""
    h, w = rgb.shape[:2]
    k = min(1.0, WORK_WIDTH / w)
    gray = rgb if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if k < 1.0:
        gray = cv2.resize(gray, (max(8, round(w * k)), max(8, round(h * k))), interpolation=cv2.INTER_AREA)
    return gray


def pair_motion(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float] | None:
    """(dx, dy, log zoom) taking grey frame `a` to `b`, in `a`'s pixels about its centre; None when no global
    transform explains most of the tracked points (too little texture, or motion that is not the camera's)."""
    if np.array_equal(a, b):
        return 0.0, 0.0, 0.0  # a repeated frame (a lower-rate source resampled): no motion, exactly
    pts = cv2.goodFeaturesToTrack(a, maxCorners=400, qualityLevel=0.01, minDistance=5, blockSize=5)
    if pts is None or len(pts) < MIN_POINTS:
        return None
    nxt, status, _err = cv2.calcOpticalFlowPyrLK(a, b, pts, None, winSize=(21, 21), maxLevel=3)
    ok = status.reshape(-1) == 1
    if ok.sum() < MIN_POINTS:
        return None
    p0, p1 = pts.reshape(-1, 2)[ok], nxt.reshape(-1, 2)[ok]
    m, inliers = cv2.estimateAffinePartial2D(p0, p1, method=cv2.RANSAC, ransacReprojThreshold=0.75, maxIters=500,
                                             confidence=0.995, refineIters=10)
    if m is None or inliers is None or inliers.mean() < MIN_INLIERS:
        return None
    h, w = a.shape
    c = np.array([(w - 1) / 2, (h - 1) / 2])
    shift = m[:, :2] @ c + m[:, 2] - c
    scale = math.hypot(m[0, 0], m[1, 0])
    return float(shift[0]), float(shift[1]), math.log(max(1e-6, scale))


def clip_velocity(grays: Sequence[np.ndarray], out_width: int) -> Velocity:
    """The mean per-frame motion over consecutive analysis frames `grays` (the clip's last second, in order),
    in output pixels for a frame `out_width` wide. Unmeasured (at rest) when fewer than half the pairs fit."""
    pairs = [pair_motion(a, b) for a, b in zip(grays, grays[1:])]
    fits = [p for p in pairs if p is not None]
    if not pairs or len(fits) < max(1, len(pairs) / 2):
        return Velocity()
    k = out_width / grays[0].shape[1]
    dx, dy, z = (float(np.mean([p[i] for p in fits])) for i in range(3))
    return Velocity(dx * k, dy * k, z, True)
