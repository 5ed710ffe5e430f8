"""Aspect conversion: where a still sits in the output frame. Never stretched: one uniform scale and an offset.

Same aspect (within COVER_TOLERANCE): the image covers the frame. Otherwise (landscape into portrait, or the
reverse) the largest scale between "fit whole" and "cover" is chosen at which the subject, with a margin, stays
fully inside the frame for the whole camera move; what the image does not cover is filled by the caller (an
extended, blurred background). With no subject found the image is fitted whole: nothing unknown is cut.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from omnireel.media.ops.camera_path import CameraState

COVER_TOLERANCE = 0.03
TRIM = -0.08  # a subject box (from a low-resolution separation) may lose this much of its size at each edge
SAFE_MARGIN = 0.035  # of the frame's shorter side: the subject's box keeps this far from every edge


@dataclasses.dataclass(frozen=True)
class Layout:
    """Image pixel (x, y) -> frame pixel (x * scale + ox, y * scale + oy) at rest; camera moves zoom and roll
    about `anchor` (frame pixels, the subject) and shift by dx/dy fractions of the frame."""

    width: int
    height: int
    scale: float
    ox: float
    oy: float
    anchor: tuple[float, float]
    cover: bool  # the image alone covers the frame at rest
    subject_fits: bool = True  # the subject stays inside the frame for the camera samples it was chosen for

    def matrix(self, cam: CameraState) -> np.ndarray:
        """2x3 affine from image pixels to frame pixels for this camera state."""
        ax, ay = self.anchor
        c, s = np.cos(cam.roll) * cam.zoom, np.sin(cam.roll) * cam.zoom
        rot = np.array([[c, -s], [s, c]])
        lin = rot * self.scale
        t = rot @ (np.array([self.ox, self.oy]) - np.array([ax, ay])) + np.array([ax, ay])
        t += np.array([cam.dx * self.width, cam.dy * self.height])
        return np.hstack([lin, t[:, None]])

    def scaled(self, k: float) -> "Layout":
        """The same layout for an image resampled by k (a pre-shrunk working copy)."""
        return dataclasses.replace(self, scale=self.scale / k)


def _place(length: float, frame: float, centre: float) -> float:
    """Offset along one axis: the subject centred when the image overflows the frame (clamped so no gap
    opens), the image centred when it is smaller than the frame."""
    if length >= frame:
        return float(np.clip(frame / 2 - centre, frame - length, 0.0))
    return (frame - length) / 2


def _padded(box: tuple[float, float, float, float], k: float) -> tuple[float, float, float, float]:
    """`box` grown by k of its size on every side (a negative k trims it)."""
    x0, y0, x1, y1 = box
    px, py = k * (x1 - x0), k * (y1 - y0)
    return (x0 - px, y0 - py, x1 + px, y1 + py)


def _inside(layout: Layout, box: tuple[float, float, float, float], cams: Sequence[CameraState], margin: float) -> bool:
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], float).T
    m = margin * min(layout.width, layout.height) - 0.5
    for cam in cams:
        q = layout.matrix(cam) @ pts
        if q[0].min() < m or q[1].min() < m or q[0].max() > layout.width - m or q[1].max() > layout.height - m:
            return False
    return True


def choose_layout(
    image_size: tuple[int, int],
    frame_size: tuple[int, int],
    *,
    subject: tuple[float, float, float, float] | None = None,
    focus: tuple[float, float] | None = None,
    cams: Sequence[CameraState] = (),
    whole_through_move: bool = False,
) -> Layout:
    """Where the image sits. `subject` is the subject's box in image pixels (None: none found), `focus` a zoom
    anchor as image fractions used when there is no subject box, `cams` samples of the camera move the subject
    must stay inside the frame for: always when the aspect converts (landscape into portrait or the reverse),
    else only with `whole_through_move` (moves that travel across the picture; a push-in may go closer)."""
    w, h = image_size
    W, H = frame_size
    fit, cover = min(W / w, H / h), max(W / w, H / h)
    same = abs((w / h) / (W / H) - 1.0) <= COVER_TOLERANCE
    if subject is not None:
        x0, y0, x1, y1 = subject
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    else:
        fx, fy = focus if focus is not None else (0.5, 0.5)
        cx, cy = fx * w, fy * h

    def layout(s: float) -> Layout:
        ox, oy = _place(w * s, W, cx * s), _place(h * s, H, cy * s)
        if subject is not None and h * s > H and (subject[3] - subject[1]) * s > 0.94 * H:
            # A subject taller than the frame keeps its top (a cup's rim, a head) and loses its base instead.
            oy = float(np.clip(0.03 * H - subject[1] * s, H - h * s, 0.0))
        # The zoom anchor: the subject, pulled a little towards the frame centre so zooms never lurch to a corner.
        ax, ay = cx * s + ox, cy * s + oy
        ax, ay = W / 2 + (ax - W / 2) * 0.8, H / 2 + (ay - H / 2) * 0.8
        return Layout(W, H, s, ox, oy, (ax, ay), cover=w * s >= W - 0.5 and h * s >= H - 0.5)

    if same:
        lay = layout(cover)
        if subject is None or not whole_through_move:
            return lay
        # Nothing to reframe, but a move across the picture must still keep the subject (give or take a trim of
        # its box's edges) in frame; the caller makes the move gentler when it does not.
        return dataclasses.replace(lay, subject_fits=_inside(lay, _padded(subject, TRIM), list(cams) or [CameraState()], 0.0))
    if subject is None:
        return layout(fit)
    if (w >= h) == (W >= H):
        # Same orientation (3:2 into 16:9): the subject must be whole at rest, give or take a trim of its box's
        # edges; the camera may then go closer, as a push-in does.
        k, margin = TRIM, 0.0
        cams = (list(cams) or [CameraState()]) if whole_through_move else [CameraState()]
    else:
        # Landscape into portrait or the reverse: the subject stays whole, with a margin, through the whole move.
        k, margin, cams = 0.04, SAFE_MARGIN, list(cams) or [CameraState()]
    box = _padded(subject, k)
    for s in np.geomspace(cover, fit, 24):
        lay = layout(float(s))
        if _inside(lay, box, cams, margin):
            if s > cover * 0.93 and margin == 0.0 and (not whole_through_move or _inside(layout(cover), box, cams, -0.02)):
                return layout(cover)  # slivers of fill would look like a mistake: crop the few percent instead
            return lay
    return dataclasses.replace(layout(fit), subject_fits=_inside(layout(fit), box, cams, margin))
