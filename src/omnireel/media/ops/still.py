"""Camera moves over a still image: the image is fitted to the frame without stretching (blurred fill where the
aspect ratios differ), then moved, scaled and rolled by a camera path. Its pixels are only resampled by one
similarity transform per frame, never repainted, so undoing the transform gives the image back.
"""

from __future__ import annotations

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState

# Below this aspect mismatch the image covers the frame (a sliver is cropped); above it, fit + blurred fill, so a
# portrait product shot in a landscape frame is never cropped through the subject.
COVER_TOLERANCE = 0.03


def focus_point(rgb: np.ndarray) -> tuple[float, float]:
    """Where the subject probably is, as (x, y) fractions of the image: the centroid of the most salient pixels
    (spectral residual saliency at low resolution), pulled towards the centre so zooms never lurch to a corner."""
    small = cv2.resize(rgb, (128, max(8, int(128 * rgb.shape[0] / rgb.shape[1]))), interpolation=cv2.INTER_AREA)
    try:
        sal = cv2.saliency.StaticSaliencySpectralResidual_create()
        ok, m = sal.computeSaliency(small)
    except (AttributeError, cv2.error):
        ok = False
    if not ok:
        return 0.5, 0.5
    m = cv2.GaussianBlur(m.astype(np.float32), (9, 9), 0)
    thr = np.quantile(m, 0.9)
    ys, xs = np.nonzero(m >= thr)
    if len(xs) == 0:
        return 0.5, 0.5
    fx, fy = xs.mean() / small.shape[1], ys.mean() / small.shape[0]
    return 0.5 + (fx - 0.5) * 0.6, 0.5 + (fy - 0.5) * 0.6


def blurred_fill(rgb: np.ndarray, width: int, height: int, margin: float = 1.25) -> np.ndarray:
    """A soft extension of the image's own edges, `margin` times the frame, for the bars around a fitted image:
    the image fitted at the centre with its edge pixels carried outwards, blurred and darkened a little. It meets
    the image in the image's own colours (a cover-scaled blur of the picture did not: a visible step at the bars'
    edge, measured 62 -> 83 levels). Computed at low resolution (it is a blur anyway); the caller upscales."""
    sw, sh = max(16, int(width * margin) // 8), max(16, int(height * margin) // 8)
    h, w = rgb.shape[:2]
    s = min(width / w, height / h) / 8  # the fit, at this eighth-size canvas
    iw, ih = max(2, round(w * s)), max(2, round(h * s))
    small = cv2.resize(rgb, (iw, ih), interpolation=cv2.INTER_AREA)
    x0, y0 = (sw - iw) // 2, (sh - ih) // 2
    ext = cv2.copyMakeBorder(small, y0, sh - ih - y0, x0, sw - iw - x0, cv2.BORDER_REPLICATE)
    blur = cv2.GaussianBlur(ext, (0, 0), sigmaX=max(sw, sh) / 40)
    return (blur.astype(np.float32) * 0.85).astype(np.uint8)


class StillShot:
    """A still image seen through a moving camera, rendered at width x height.

    `matrix(state)` is the 2x3 affine from image pixels to frame pixels, public so tests (and edits) can undo it.
    """

    def __init__(self, rgb: np.ndarray, width: int, height: int, *, focus: tuple[float, float] | None = None, max_zoom: float = 1.6):
        self.width, self.height = width, height
        h, w = rgb.shape[:2]
        ratio = (w / h) / (width / height)
        self.cover = abs(ratio - 1.0) <= COVER_TOLERANCE
        fit = max(width / w, height / h) if self.cover else min(width / w, height / h)
        # Pre-shrink big sources once (area filter, alias-free) so per-frame warps stay cheap at any zoom.
        need = fit * max_zoom
        if need < 0.9:
            new = (max(2, round(w * need)), max(2, round(h * need)))
            rgb = cv2.resize(rgb, new, interpolation=cv2.INTER_AREA)
            self.prescale = (new[0] / w, new[1] / h)
            fit = fit / need
        else:
            self.prescale = (1.0, 1.0)
        self.image = np.ascontiguousarray(rgb)
        self.fit = fit
        ih, iw = self.image.shape[:2]
        self.base_offset = ((width - iw * fit) / 2, (height - ih * fit) / 2)
        fx, fy = focus if focus is not None else (0.5, 0.5)
        # Zoom anchor in frame pixels: the subject, kept where it sits in the fitted frame.
        self.anchor = (self.base_offset[0] + fx * iw * fit, self.base_offset[1] + fy * ih * fit)
        self.fill = None if self.cover else blurred_fill(self.image, width, height)

    def matrix(self, cam: CameraState) -> np.ndarray:
        """Image pixel (x, y, 1) -> frame pixel, for this camera state (fit, then zoom/roll about the anchor,
        then offset by dx/dy fractions of the frame)."""
        ax, ay = self.anchor
        c, s = np.cos(cam.roll) * cam.zoom, np.sin(cam.roll) * cam.zoom
        rot = np.array([[c, -s], [s, c]])
        base = np.array([[self.fit, 0, self.base_offset[0]], [0, self.fit, self.base_offset[1]]])
        lin = rot @ base[:, :2]
        t = rot @ (base[:, 2] - np.array([ax, ay])) + np.array([ax, ay])
        t += np.array([cam.dx * self.width, cam.dy * self.height])
        return np.hstack([lin, t[:, None]])

    def source_matrix(self, cam: CameraState) -> np.ndarray:
        """Like matrix() but from the caller's original image pixels (before any pre-shrink)."""
        m = self.matrix(cam).copy()
        m[:, 0] *= self.prescale[0]
        m[:, 1] *= self.prescale[1]
        return m

    def _background(self, cam: CameraState) -> np.ndarray:
        fh, fw = self.fill.shape[:2]
        # The fill sits further back: it moves less than the subject (parallax), or against it for a dolly zoom.
        z = cam.bg_zoom if cam.bg_zoom is not None else 1.0 + (cam.zoom - 1.0) * 0.5
        sx = fw / (self.width * 1.25)
        m = cv2.getRotationMatrix2D((fw / 2, fh / 2), -np.degrees(cam.roll) * 0.5, z)
        m[:, 2] += (cam.dx * self.width * 0.5 * sx, cam.dy * self.height * 0.5 * sx)
        small = cv2.warpAffine(self.fill, m, (fw, fh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        # Crop the frame-sized centre of the 1.25x fill, then upscale.
        cw, ch = int(round(self.width * sx)), int(round(self.height * sx))
        x0, y0 = (fw - cw) // 2, (fh - ch) // 2
        return cv2.resize(small[y0 : y0 + ch, x0 : x0 + cw], (self.width, self.height), interpolation=cv2.INTER_LINEAR)

    def render(self, cam: CameraState) -> np.ndarray:
        """One HxWx3 uint8 frame."""
        m = self.matrix(cam)
        if self.cover and cam.bg_zoom is None:
            return cv2.warpAffine(self.image, m, (self.width, self.height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        if self.cover:
            # Dolly zoom on a full-frame still: scale the whole frame by the background zoom, subject by its own.
            m = self.matrix(CameraState(zoom=cam.bg_zoom, dx=cam.dx, dy=cam.dy, roll=cam.roll))
            return cv2.warpAffine(self.image, m, (self.width, self.height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        frame = self._background(cam)
        # BORDER_TRANSPARENT leaves `frame` untouched outside the image: one pass, no alpha arithmetic.
        cv2.warpAffine(self.image, m, (self.width, self.height), dst=frame, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
        return frame
