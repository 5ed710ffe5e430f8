"""The source video of an extend or upscale as those tasks see it: its size, how many frames it has once resampled
to the output rate (`decode.iter_frames(path, fps)`), counted from packet timestamps without decoding a picture,
and its audio as 48 kHz stereo samples on the picture's clock.

Knowing the frame count before rendering lets a renderer refuse a clip that is too long before any work, size the
soundtrack exactly, and hold the encoder to exactly that many frames (`exactly`).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Iterable, Iterator

import av
import numpy as np

from omnireel.errors import InvalidMedia

SAMPLE_RATE = 48000


@dataclasses.dataclass(frozen=True)
class SourceClip:
    path: Path
    width: int
    height: int
    source_fps: float  # the file's own rate (0 when unknown)
    frames: int  # at `fps`, as iter_frames(path, fps) yields them
    fps: int
    has_audio: bool

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def open_clip(path: str | Path, fps: int = 24) -> SourceClip:
    """Probe `path` (refusing files without a video stream) and count its frames at `fps`."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise InvalidMedia("The source video could not be opened.") from exc
    with container:
        if not container.streams.video:
            raise InvalidMedia("The source file has no video stream.")
        v = container.streams.video[0]
        width, height = v.codec_context.width or 0, v.codec_context.height or 0
        if width < 2 or height < 2:
            raise InvalidMedia("The source video has no picture size.")
        rate = _rate(v)
        has_audio = bool(container.streams.audio)
        try:
            times = [float(p.pts * p.time_base) for p in container.demux(v) if p.size and p.pts is not None]
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The source video is damaged or uses an unsupported encoding.") from exc
    if not times:
        raise InvalidMedia("The source video has no frames.")
    period = 1.0 / (rate or fps)
    return SourceClip(Path(path), width, height, rate, _ticks(max(times) + period, fps), int(fps), has_audio)


def _rate(stream) -> float:
    # The rate iter_frames resamples with: average_rate, else guessed_rate.
    for name in ("average_rate", "guessed_rate"):
        r = getattr(stream, name, None)
        try:
            if r and float(r) > 0:
                return float(r)
        except (ZeroDivisionError, TypeError, ValueError):
            continue
    return 0.0


def _ticks(end_s: float, fps: int) -> int:
    """How many output ticks k (at time k / fps) fall before `end_s`: the frames `decode._resample` emits for a
    clip whose last frame is on screen until `end_s` (same 1e-6 tolerance)."""
    k = max(0, math.floor((end_s - 1e-6) * fps) - 1)
    while k / fps < end_s - 1e-6:
        k += 1
    return k


def exactly(frames: Iterable[np.ndarray], n: int) -> Iterator[np.ndarray]:
    """`frames` held to exactly n: cut after n, or the last frame repeated when a damaged or oddly timed file
    decodes to fewer than its timestamps promised (the duration is a promise; the audio was sized for it)."""
    last = None
    count = 0
    for f in frames:
        if count >= n:
            return
        last = f
        count += 1
        yield f
    if last is None:
        raise InvalidMedia("The source video has no decodable frames.")
    while count < n:
        count += 1
        yield last


def read_audio(path: str | Path, n: int, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
    """The first `n` samples of the file's first audio stream as (2, n) float32 at `sample_rate` (mono upmixed,
    surround downmixed), placed by timestamp on the picture's clock (a stream starting late is preceded by
    silence) and padded with silence at the end. None when the file has no audio stream."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise InvalidMedia("The source video could not be opened.") from exc
    out = np.zeros((2, n), np.float32)
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=sample_rate)
        pos: int | None = None

        def put(frames) -> bool:
            nonlocal pos
            for rf in frames:
                a = rf.to_ndarray().astype(np.float32, copy=False)
                if pos is None:
                    pos = 0
                start, stop = max(0, pos), min(n, pos + a.shape[1])
                if stop > start:
                    out[:, start:stop] = a[:2, start - pos : stop - pos]
                pos += a.shape[1]
            return pos is not None and pos >= n

        try:
            for frame in container.decode(stream):
                if pos is None and frame.time is not None:
                    # The stream's first sample sits at its timestamp on the shared clock.
                    pos = round(frame.time * sample_rate)
                if put(resampler.resample(frame)):
                    break
            else:
                put(resampler.resample(None))
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The source video's audio track is damaged or uses an unsupported encoding.") from exc
    np.clip(np.nan_to_num(out, copy=False), -1.0, 1.0, out=out)
    return out
