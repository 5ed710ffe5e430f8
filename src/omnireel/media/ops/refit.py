"""A video frame to a new size or aspect ratio, never stretched: one uniform scale and a fixed window for the whole
clip (a steady frame, no drifting crop).

Where the frame goes comes from media.ops.reframe.choose_layout, fed with the subject found in a few frames spread
over the clip (media.ops.segment, their boxes joined): when the subject fits the new frame it is cropped around
it; when it does not (or nothing stands out), the picture is fitted whole and the rest of the frame is filled with
a blurred extension of its own edges (media.ops.still.blurred_fill), as image_to_video does.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState
from omnireel.media.ops.grade import planes
from omnireel.media.ops.reframe import choose_layout
from omnireel.media.ops.segment import segment
from omnireel.media.ops.still import blurred_fill


@dataclasses.dataclass(frozen=True)
class Refit:
    src: tuple[int, int]
    out: tuple[int, int]
    scale: float
    ox: float  # where the scaled source's top-left lands in the output frame
    oy: float
    cover: bool  # the source covers the frame: a crop (and scale), no fill
    subject: tuple[int, int, int, int] | None = None

    @property
    def identity(self) -> bool:
        return self.src == self.out and self.cover and abs(self.scale - 1) < 1e-9

    def words(self) -> str:
        (sw, sh), (w, h) = self.src, self.out
        if self.identity:
            return "unchanged"
        if self.cover:
            aspect_same = abs(sw / sh - w / h) < 0.02
            if aspect_same:
                return f"scaled from {sw}x{sh} to {w}x{h}"
            about = "around the subject" if self.subject else "at the centre"
            return f"cropped {about} (the content fits the new frame) and scaled to {w}x{h}"
        why = "the subject would not fit a crop" if self.subject else "no single subject stands out to crop around"
        return (f"fitted whole into {w}x{h} ({why}); the rest of the frame is a blurred extension of the picture's "
                "own edges")

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """An I420 frame of the source size → an I420 frame of the output size."""
        if self.identity:
            return frame
        if self.cover:
            return self._crop(frame)
        return self._fit(frame)

    def _window(self) -> tuple[int, int, int, int]:
        """The source rectangle (even-aligned) the output frame shows, for a crop."""
        (sw, sh), (w, h) = self.src, self.out
        cw, ch = min(sw, w / self.scale), min(sh, h / self.scale)
        x0 = int(np.clip(round(-self.ox / self.scale), 0, sw - cw))
        y0 = int(np.clip(round(-self.oy / self.scale), 0, sh - ch))
        cw, ch = int(round(cw)), int(round(ch))
        x0, y0 = x0 - x0 % 2, y0 - y0 % 2
        cw, ch = max(2, min(sw - x0, cw + cw % 2)), max(2, min(sh - y0, ch + ch % 2))
        return x0, y0, cw, ch

    def _crop(self, frame: np.ndarray) -> np.ndarray:
        w, h = self.out
        x0, y0, cw, ch = self._window()
        y, u, v = planes(frame)
        out = np.empty((h * 3 // 2, w), np.uint8)
        oy, ou, ov = planes(out)
        _resize(y[y0 : y0 + ch, x0 : x0 + cw], oy)
        _resize(u[y0 // 2 : (y0 + ch) // 2, x0 // 2 : (x0 + cw) // 2], ou)
        _resize(v[y0 // 2 : (y0 + ch) // 2, x0 // 2 : (x0 + cw) // 2], ov)
        return out

    def _fit(self, frame: np.ndarray) -> np.ndarray:
        w, h = self.out
        rgb = cv2.cvtColor(frame, cv2.COLOR_YUV2RGB_I420)
        fill = blurred_fill(rgb, w, h)
        fh, fw = fill.shape[:2]
        # blurred_fill is 1.25x the frame: its frame-sized centre is the backdrop.
        cw, ch = round(fw / 1.25), round(fh / 1.25)
        x0, y0 = (fw - cw) // 2, (fh - ch) // 2
        canvas = cv2.resize(fill[y0 : y0 + ch, x0 : x0 + cw], (w, h), interpolation=cv2.INTER_LINEAR)
        sw, sh = self.src
        iw, ih = max(1, round(sw * self.scale)), max(1, round(sh * self.scale))
        img = cv2.resize(rgb, (iw, ih), interpolation=cv2.INTER_AREA if self.scale < 1 else cv2.INTER_CUBIC)
        ox, oy = int(round(self.ox)), int(round(self.oy))
        fx0, fy0, fx1, fy1 = max(0, ox), max(0, oy), min(w, ox + iw), min(h, oy + ih)
        canvas[fy0:fy1, fx0:fx1] = img[fy0 - oy : fy1 - oy, fx0 - ox : fx1 - ox]
        return cv2.cvtColor(canvas, cv2.COLOR_RGB2YUV_I420)


def _resize(src: np.ndarray, dst: np.ndarray) -> None:
    h, w = dst.shape
    if src.shape == dst.shape:
        dst[...] = src
        return
    shrink = src.shape[1] > w or src.shape[0] > h
    cv2.resize(src, (w, h), dst=dst, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


def plan_refit(src: tuple[int, int], out: tuple[int, int], samples: list[np.ndarray]) -> Refit:
    """Where the source sits in the output frame. `samples`: a few RGB frames of the clip (empty when the
    aspect ratio does not change: then it is a plain scale, with at most a sliver cropped)."""
    subject = _subject(samples) if samples else None
    lay = choose_layout(src, out, subject=subject, cams=[CameraState()])
    return Refit(src, out, lay.scale, lay.ox, lay.oy, lay.cover, subject)


def _subject(samples: list[np.ndarray]) -> tuple[int, int, int, int] | None:
    """The box around the subject over the sampled frames, or None when no subject stands out in most of them."""
    boxes = [s.bbox for s in map(segment, samples) if s.found]
    if len(boxes) * 2 < len(samples) or not boxes:
        return None
    b = np.array(boxes)
    return int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())
