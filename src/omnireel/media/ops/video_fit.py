"""A source video's frames brought to another frame size, never stretched: at the same size they are only cropped
to even dimensions (pixels untouched); at the same aspect ratio (within reframe.COVER_TOLERANCE) they are scaled
to cover the frame (a sliver cropped); otherwise they are fitted whole over a blurred extension of their own
edges (still.blurred_fill), as stills are when the aspect ratio converts.
"""

from __future__ import annotations

import cv2
import numpy as np

from omnireel.media.ops.reframe import COVER_TOLERANCE
from omnireel.media.ops.still import blurred_fill


class FrameFit:
    def __init__(self, src_size: tuple[int, int], dst_size: tuple[int, int]):
        (w, h), (W, H) = src_size, dst_size
        self.src_size, self.dst_size = src_size, dst_size
        self.crop_only = W <= w and H <= h and W >= w - 1 and H >= h - 1
        self.cover = abs((w / h) / (W / H) - 1.0) <= COVER_TOLERANCE
        s = max(W / w, H / h) if self.cover else min(W / w, H / h)
        self.scale = s
        self.size = (max(1, round(w * s)), max(1, round(h * s)))
        self.offset = ((W - self.size[0]) // 2, (H - self.size[1]) // 2)

    @property
    def mode(self) -> str:
        return "crop" if self.crop_only else ("cover" if self.cover else "fit")

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """The frame at the output size (a view of `rgb` when only cropped)."""
        W, H = self.dst_size
        if self.crop_only:
            return rgb[:H, :W]
        interp = cv2.INTER_AREA if self.scale < 1 else cv2.INTER_CUBIC
        scaled = cv2.resize(rgb, self.size, interpolation=interp)
        x, y = self.offset
        if self.cover:
            return np.ascontiguousarray(scaled[-y : -y + H, -x : -x + W])
        fill = cv2.resize(blurred_fill(rgb, W, H, margin=1.0), (W, H), interpolation=cv2.INTER_LINEAR)
        fill[y : y + self.size[1], x : x + self.size[0]] = scaled
        return fill
