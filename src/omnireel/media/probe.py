"""Probe a media file: dimensions, frame rate, duration, frame count and codecs, tolerant of missing metadata."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av

from omnireel.errors import InvalidMedia
from omnireel.media.decode import OPEN_ERRORS, first_frame_turns, open_input


@dataclasses.dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    duration_s: float
    frame_count: int
    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    audio_sample_rate: int | None


def stream_rate(stream, fallbacks: tuple[str, ...] = ("guessed_rate", "base_rate")) -> float:
    """The stream's frame rate: average_rate (what the container measured), else the first usable fallback; 0
    when none is known."""
    for name in ("average_rate", *fallbacks):
        r = getattr(stream, name, None)
        try:
            if r and float(r) > 0:
                return float(r)
        except (ZeroDivisionError, TypeError, ValueError):
            continue
    return 0.0


def _stream_duration(stream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


def probe(path: str | Path, *, count_frames: bool = False) -> VideoInfo:
    """Describe a video (or audio-only) file. With `count_frames`, frames are counted by demuxing (exact, slower)."""
    try:
        container = open_input(path)
    except OPEN_ERRORS as exc:
        raise InvalidMedia("The media file could not be read as audio or video.") from exc
    with container:
        v = container.streams.video[0] if container.streams.video else None
        a = container.streams.audio[0] if container.streams.audio else None
        if (v is not None and v.codec_context is None) or (a is not None and a.codec_context is None):
            # No decoder for a stream: an unknown codec, or a header cut off before the codec was named.
            raise InvalidMedia("The media file uses an unknown encoding or its header is damaged.")
        container_duration = container.duration / av.time_base if container.duration else 0.0
        width = height = 0
        fps = 0.0
        duration = 0.0
        frames = 0
        if v is not None:
            width, height = v.codec_context.width or 0, v.codec_context.height or 0
            fps = stream_rate(v)
            duration = _stream_duration(v) or container_duration
            frames = v.frames or 0
            if count_frames or not frames:
                if count_frames:
                    frames = sum(1 for p in container.demux(v) if p.size)
                elif duration and fps:
                    frames = round(duration * fps)
            if not duration and frames and fps:
                duration = frames / fps
            if first_frame_turns(container) % 2:
                width, height = height, width  # shown upright by players (and by decode.iter_frames)
        elif a is not None:
            duration = _stream_duration(a) or container_duration
        return VideoInfo(
            width=width,
            height=height,
            fps=fps,
            duration_s=duration,
            frame_count=frames,
            has_audio=a is not None,
            video_codec=v.codec_context.name if v is not None else None,
            audio_codec=a.codec_context.name if a is not None else None,
            audio_sample_rate=(a.codec_context.sample_rate or None) if a is not None else None,
        )
