"""A source video for editing: what it holds (size, how many frames it has at 24 fps, audio or not), its frames as
a stream of I420 arrays at 24 fps, a few RGB samples for analysis, and its sound as float samples on the video's
clock.

Frames stay in the planar I420 layout the decoder produces and the encoder takes: a frame the edit leaves alone is
handed to the encoder exactly as decoded, with no colour round trip through RGB.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Iterator

import av
import cv2
import numpy as np

from omnireel.errors import InvalidMedia
from omnireel.media.decode import iter_frames

FPS = 24
SAMPLE_RATE = 48000


@dataclasses.dataclass(frozen=True)
class SourceInfo:
    width: int  # the size edits keep: the decoded size rounded down to even (yuv420p needs even sizes)
    height: int
    frames: int  # frames at 24 fps, exactly as iter_frames(path, fps=24) yields them
    has_audio: bool
    decoded_size: tuple[int, int]  # before rounding to even

    @property
    def duration_s(self) -> float:
        return self.frames / FPS


def inspect(path: str | Path) -> SourceInfo:
    """Describe a source by demuxing it (no decoding): its size and its exact frame count at 24 fps, counted the
    way the decoder's resampling counts them (every tick before the last frame's end)."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise InvalidMedia("The source video could not be opened.") from exc
    with container:
        if not container.streams.video:
            raise InvalidMedia("The source has no video stream.")
        stream = container.streams.video[0]
        w, h = stream.codec_context.width or 0, stream.codec_context.height or 0
        rate = float(stream.average_rate or stream.guessed_rate or FPS)
        has_audio = bool(container.streams.audio)
        last = None
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.size:
                    t = float(packet.pts * packet.time_base)
                    last = t if last is None else max(last, t)
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The source video is damaged or uses an unsupported encoding.") from exc
        # Streams whose packets carry no timestamps: the container's duration stands in for the last frame's end.
        end = last + 1.0 / rate if last is not None else (container.duration or 0) / av.time_base
    if end <= 0 or w < 2 or h < 2:
        raise InvalidMedia("The source video has no frames.")
    # Containers round timestamps (WebM to the millisecond), which can push the end a hair past a tick; such a
    # sliver (under 2% of a frame) is not a frame of its own.
    frames = max(1, math.ceil(end * FPS - 0.02))
    return SourceInfo(w - w % 2, h - h % 2, frames, has_audio, (w, h))


def frames_i420(path: str | Path, info: SourceInfo) -> Iterator[np.ndarray]:
    """The source's frames at 24 fps as I420 arrays of info's (even) size, exactly info.frames of them: a decoder
    that yields fewer (damaged tail) repeats its last frame, extra frames are dropped."""
    w, h = info.width, info.height
    odd = (w, h) != info.decoded_size
    n = 0
    last = None
    stream = iter_frames(path, fps=FPS, pix_fmt="rgb24" if odd else "yuv420p")
    for frame in stream:
        if n >= info.frames:
            break
        if odd:
            # An odd-sized source loses its last row or column; I420 has no odd sizes.
            frame = cv2.cvtColor(np.ascontiguousarray(frame[:h, :w]), cv2.COLOR_RGB2YUV_I420)
        last = frame
        n += 1
        yield frame
    if last is None:
        raise InvalidMedia("The source video has no frames that could be decoded.")
    while n < info.frames:
        n += 1
        yield last


def sample_rgb(path: str | Path, info: SourceInfo, count: int = 6) -> list[np.ndarray]:
    """`count` frames spread over the clip, as RGB (for finding what the picture is about)."""
    picks = {round(i * (info.frames - 1) / max(1, count - 1)) for i in range(count)}
    out = []
    for i, frame in enumerate(frames_i420(path, info)):
        if i in picks:
            out.append(cv2.cvtColor(frame, cv2.COLOR_YUV2RGB_I420))
        if i >= max(picks):
            break
    return out


def read_audio(path: str | Path, info: SourceInfo) -> np.ndarray | None:
    """The source's sound as float32 stereo (2, n) at 48 kHz, n exactly the video's duration, placed on the
    video's clock (a stream that starts late is preceded by silence). None when the source has no audio."""
    if not info.has_audio:
        return None
    n = round(info.frames * SAMPLE_RATE / FPS)
    out = np.zeros((2, n), np.float32)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
            pos = None
            for frame in container.decode(stream):
                if pos is None:
                    pos = round((frame.time or 0.0) * SAMPLE_RATE)
                for rf in resampler.resample(frame):
                    pos = _place(out, rf.to_ndarray(), pos)
            if pos is not None:
                for rf in resampler.resample(None):
                    pos = _place(out, rf.to_ndarray(), pos)
    except av.error.FFmpegError as exc:
        raise InvalidMedia("The source's audio is damaged or uses an unsupported encoding.") from exc
    return out


def _place(out: np.ndarray, chunk: np.ndarray, pos: int) -> int:
    chunk = chunk.reshape(2, -1) if chunk.ndim == 1 else chunk
    n = chunk.shape[1]
    a, b = max(0, pos), min(out.shape[1], pos + n)
    if b > a:
        out[:, a:b] = chunk[:, a - pos : b - pos]
    return pos + n
