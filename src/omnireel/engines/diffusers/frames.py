"""Generated frames -> the MP4 the request asked for: exact size (scaled to cover, centre-cropped: the aspect ratio
stays exact and nothing is stretched), exact frame count at the request's fps (frames retimed by linear blending
between the two nearest generated frames), streamed through omnireel's VideoWriter with a soundtrack.

A pipeline returns its whole clip at generation size; only the output-size frames are made one at a time, so
memory stays that of the small clip whatever the delivered resolution.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from omnireel.engines.base import EngineContext
from omnireel.media.encode import VideoWriter

PROGRESS_EVERY = 12  # frames between progress reports while encoding (twice a second of 24 fps video)


def to_uint8(video) -> np.ndarray:
    """A pipeline's np output (frames, H, W, 3) or (1, frames, H, W, 3), floats in [0, 1], as uint8."""
    arr = np.asarray(video)
    if arr.ndim == 5:
        arr = arr[0]
    if arr.ndim != 4 or arr.shape[-1] != 3:
        raise ValueError(f"unexpected pipeline output shape {arr.shape}")
    return np.clip(arr * 255.0 + 0.5, 0, 255).astype(np.uint8)


def cover_crop(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`frame` scaled by one factor until it covers `size` (width, height), then centre-cropped to it."""
    width, height = size
    h, w = frame.shape[:2]
    scale = max(width / w, height / h)
    scaled_w, scaled_h = max(width, round(w * scale)), max(height, round(h * scale))
    if (scaled_w, scaled_h) != (w, h):
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        frame = cv2.resize(frame, (scaled_w, scaled_h), interpolation=interpolation)
    x, y = (scaled_w - width) // 2, (scaled_h - height) // 2
    return np.ascontiguousarray(frame[y : y + height, x : x + width])


def retimed(clip: np.ndarray, count: int) -> Iterator[np.ndarray]:
    """`count` frames spread evenly over `clip` (first to last): output frame i sits at source position
    i * (n - 1) / (count - 1) and is the linear blend of the two generated frames around it (a duplicate where
    the position falls on a frame). Blending rather than duplicating alone keeps 16 fps motion from judder at 24."""
    n = clip.shape[0]
    for i in range(count):
        position = i * (n - 1) / (count - 1) if count > 1 and n > 1 else 0.0
        low = int(np.floor(position))
        high = min(n - 1, low + 1)
        weight = position - low
        if weight < 1e-6 or high == low:
            yield clip[low]
        else:
            mixed = clip[low].astype(np.float32) * (1.0 - weight) + clip[high].astype(np.float32) * weight
            yield np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def write_mp4(clip: np.ndarray, output_path: Path, size: tuple[int, int], frame_count: int, fps: int,
              audio: np.ndarray | Callable[[], np.ndarray], ctx: EngineContext, stage: str = "encode") -> int:
    """Encode `clip` (uint8 frames at generation size) as exactly `frame_count` frames of `size` at `fps`, with
    `audio` (samples, or a function making them: synthesised on a worker thread while frames encode)."""
    width, height = size
    ctx.progress(stage, 0.0)
    with VideoWriter(output_path, width, height, fps=fps) as writer:
        writer.write_audio_async(audio)
        for i, frame in enumerate(retimed(clip, frame_count)):
            writer.write_frame(cover_crop(frame, size))
            if (i + 1) % PROGRESS_EVERY == 0:
                ctx.progress(stage, (i + 1) / frame_count)
        written = writer.frames_written
    ctx.progress(stage, 1.0)
    return written
