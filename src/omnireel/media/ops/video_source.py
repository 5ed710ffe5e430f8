"""A source video for edit, extend and upscale: what it holds (size, its own frame rate, how many frames it has at
24 fps, audio or not), counted from packet timestamps without decoding a picture; its frames as a stream at 24 fps
held to exactly that count; a few RGB samples for analysis; and its sound as float samples on the video's clock.

Knowing the frame count before rendering lets a task refuse a clip that is too long before any work, size the
soundtrack exactly, and hold the encoder to exactly that many frames. Frames can stay in the planar I420 layout
the decoder produces and the encoder takes: a frame an edit leaves alone is handed to the encoder exactly as
decoded, with no colour round trip through RGB.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Iterable, Iterator

import av
import cv2
import numpy as np

from omnireel.errors import InvalidMedia
from omnireel.media.decode import OPEN_ERRORS, first_frame_turns, iter_frames, open_input, open_video
from omnireel.media.probe import stream_rate

FPS = 24
SAMPLE_RATE = 48000


@dataclasses.dataclass(frozen=True)
class SourceInfo:
    path: Path
    width: int  # the size outputs keep: the decoded size rounded down to even (yuv420p needs even sizes)
    height: int
    frames: int  # frames at 24 fps, as iter_frames(path, fps=24) yields them (held to this by `exactly`)
    has_audio: bool
    decoded_size: tuple[int, int]  # before rounding to even
    source_fps: float  # the file's own rate (0 when unknown)
    # Where the file's clock starts (seconds): 0 for what MP4/WebM muxers write; an MPEG program stream's clock
    # starts at about 0.5 s. Time is counted from here, so such a file does not begin with a frozen, silent gap.
    start_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.frames / FPS

    @property
    def fps(self) -> int:
        return FPS

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def audio_samples(self) -> int:
        """Samples of sound at SAMPLE_RATE that span the picture exactly."""
        return round(self.frames * SAMPLE_RATE / FPS)


def clock_origin(container) -> float:
    """The container's start time in seconds (the earliest timestamp of any stream), or 0 when it is unknown or not
    after 0. Video and sound are both placed relative to it, so they stay in sync. A negative start (AAC priming
    in an MP4's edit list) is left alone: it would only shift the picture by a sliver."""
    start = container.start_time
    if start is None or start <= 0:
        return 0.0
    return start / av.time_base


def inspect(path: str | Path) -> SourceInfo:
    """Describe a source by demuxing it (only its first frame is decoded, for the rotation it asks for): its size
    as a player shows it and its exact frame count at 24 fps, counted the way the decoder's resampling counts them
    (every tick before the last frame's end)."""
    with open_video(path, name="source video", short="source") as (container, stream):
        w, h = stream.codec_context.width or 0, stream.codec_context.height or 0
        source_fps = stream_rate(stream, fallbacks=("guessed_rate",))  # the rate iter_frames resamples with
        rate = source_fps or FPS
        has_audio = bool(container.streams.audio)
        last = None
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.size:
                    t = float(packet.pts * packet.time_base)
                    last = t if last is None else max(last, t)
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The source video is damaged or uses an unsupported encoding.") from exc
        turns = first_frame_turns(container)  # the rotation its display matrix asks for (phones' portrait video)
        origin = clock_origin(container)
        # Streams whose packets carry no timestamps: the container's duration stands in for the last frame's end.
        end = last + 1.0 / rate - origin if last is not None else (container.duration or 0) / av.time_base
    if end <= 0 or w < 2 or h < 2:
        raise InvalidMedia("The source video has no frames.")
    if turns % 2:
        w, h = h, w  # stored landscape, shown portrait: decode.iter_frames turns its frames upright
    # Containers round timestamps (WebM to the millisecond), which can push the end a hair past a tick; such a
    # sliver (under 2% of a frame) is not a frame of its own.
    frames = max(1, math.ceil(end * FPS - 0.02))
    return SourceInfo(Path(path), w - w % 2, h - h % 2, frames, has_audio, (w, h), source_fps, origin)


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
        raise InvalidMedia("The source video has no frames that could be decoded.")
    while count < n:
        count += 1
        yield last


def frames_rgb(path: str | Path, info: SourceInfo) -> Iterator[np.ndarray]:
    """The source's frames at 24 fps as RGB arrays of its decoded size, exactly info.frames of them."""
    return exactly(iter_frames(path, fps=FPS, start_s=info.start_s), info.frames)


def frames_i420(path: str | Path, info: SourceInfo) -> Iterator[np.ndarray]:
    """The source's frames at 24 fps as I420 arrays of info's (even) size, exactly info.frames of them."""
    w, h = info.width, info.height
    if (w, h) == info.decoded_size:
        return exactly(iter_frames(path, fps=FPS, start_s=info.start_s, pix_fmt="yuv420p"), info.frames)
    # An odd-sized source loses its last row or column; I420 has no odd sizes.
    return (cv2.cvtColor(np.ascontiguousarray(f[:h, :w]), cv2.COLOR_RGB2YUV_I420) for f in frames_rgb(path, info))


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


def read_audio(path: str | Path, n: int, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
    """The first `n` samples of the file's first audio stream as (2, n) float32 at `sample_rate` (mono upmixed,
    surround downmixed), placed by timestamp on the picture's clock (a stream starting late is preceded by
    silence; the clock starts at clock_origin, as inspect counts it) and padded with silence at the end. None when
    the file has no audio stream."""
    try:
        container = open_input(path)
    except OPEN_ERRORS as exc:
        raise InvalidMedia("The source video could not be opened.") from exc
    out = np.zeros((2, n), np.float32)
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        origin = clock_origin(container)
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
                    pos = round((frame.time - origin) * sample_rate)
                if put(resampler.resample(frame)):
                    break
            else:
                put(resampler.resample(None))
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The source's audio is damaged or uses an unsupported encoding.") from exc
    np.clip(np.nan_to_num(out, copy=False), -1.0, 1.0, out=out)
    return out
