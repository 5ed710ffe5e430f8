"""Classical upscaling of video frames, straight into the encoder's I420 layout.

Luma is resampled with Lanczos (8x8 taps), colour with bicubic interpolation from full-resolution chroma (a frame
is only converted once, at the source's size). Luma then gets a mild unsharp mask, and the result (the Lanczos
ringing included) is clamped to the range of each pixel's neighbourhood in the source, interpolated up: edges
get crisper, but nothing overshoots past the darkest and brightest source pixels around it, so there are no
halos. No detail is invented: shrunk back to the source's size, a frame gives the source frame back (within a
few levels).
"""

from __future__ import annotations

import cv2
import numpy as np

# BT.601 limited range: the matrix of the encoder's RGB -> I420 conversion (VideoWriter.to_i420), within a level.
_RGB_TO_YUV = np.array(
    [[0.2568, 0.5041, 0.0979, 16.0], [-0.1482, -0.2910, 0.4392, 128.0], [0.4392, -0.3678, -0.0714, 128.0]], np.float32
)
SHARPEN = 0.6  # unsharp-mask amount on luma: mild
SHARPEN_SIGMA = 1.0  # in source pixels: the mask lifts detail at the scale the source has, not finer


class Upscaler:
    """Upscale RGB frames of one size to I420 frames of a larger one (the same aspect, give or take rounding).
    Stateless per frame, so safe to call from a render thread."""

    def __init__(self, src_size: tuple[int, int], dst_size: tuple[int, int], *, sharpen: float = SHARPEN):
        (w, h), (W, H) = src_size, dst_size
        if W % 2 or H % 2:
            raise ValueError("the output size must be even (I420)")
        if W < w or H < h:
            raise ValueError("an upscaler only enlarges")
        self.src_size, self.dst_size = (w, h), (W, H)
        self.sharpen = float(sharpen)
        k = (W / w + H / h) / 2  # output pixels per source pixel
        self.sigma = SHARPEN_SIGMA * k

    def i420(self, rgb: np.ndarray) -> np.ndarray:
        """One (H * 3 / 2, W) uint8 I420 frame (a new array) from an (h, w, 3) uint8 RGB frame."""
        w, h = self.src_size
        W, H = self.dst_size
        if rgb.shape != (h, w, 3):
            raise ValueError(f"frame shape {rgb.shape} does not match {(h, w, 3)}")
        yuv = cv2.transform(np.ascontiguousarray(rgb), _RGB_TO_YUV)  # uint8, rounded and saturated
        y, u, v = cv2.split(yuv)
        out = np.empty((H * 3 // 2, W), np.uint8)
        Y, U, V = _planes(out, W, H)
        self._luma(y, Y)
        # Chroma at the frame's half resolution, from the source's full-resolution chroma: shrinking (a 1.5x
        # upscale's chroma is smaller than the source) averages, enlarging interpolates.
        half = (W // 2, H // 2)
        interp = cv2.INTER_AREA if half[0] < w else cv2.INTER_CUBIC
        for src, dst in ((u, U), (v, V)):
            if half == (w, h):
                dst[...] = src
            else:
                _resize_into(src, dst, interp)
        return out

    def _luma(self, y: np.ndarray, out: np.ndarray) -> None:
        W, H = self.dst_size
        up = cv2.resize(y, (W, H), interpolation=cv2.INTER_LANCZOS4)
        if self.sharpen > 0:
            blur = cv2.GaussianBlur(up, (0, 0), self.sigma)
            up = cv2.addWeighted(up, 1.0 + self.sharpen, blur, -self.sharpen, 0.0)
        # The neighbourhood range of the source (3x3), carried up smoothly: the envelope nothing may leave.
        k = np.ones((3, 3), np.uint8)
        lo = cv2.resize(cv2.erode(y, k), (W, H), interpolation=cv2.INTER_LINEAR)
        hi = cv2.resize(cv2.dilate(y, k), (W, H), interpolation=cv2.INTER_LINEAR)
        cv2.max(up, lo, dst=up)
        cv2.min(up, hi, dst=out)


def _resize_into(src: np.ndarray, dst: np.ndarray, interp: int) -> None:
    out = cv2.resize(src, (dst.shape[1], dst.shape[0]), dst=dst, interpolation=interp)
    if out.__array_interface__["data"][0] != dst.__array_interface__["data"][0]:
        dst[...] = out


def _planes(frame: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of an I420 buffer shaped (height * 3 / 2, width)."""
    flat = frame.reshape(-1)
    n, q = width * height, (width // 2) * (height // 2)
    return (flat[:n].reshape(height, width), flat[n : n + q].reshape(height // 2, width // 2),
            flat[n + q : n + 2 * q].reshape(height // 2, width // 2))
