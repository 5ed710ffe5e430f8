"""Decode real output files in tests and measure what a user would notice (size, fps, duration, audio)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np


@dataclasses.dataclass
class Decoded:
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    has_audio: bool
    audio_rms: float
    video_codec: str
    audio_codec: str | None


def decode(path: Path | str) -> Decoded:
    """Decode every frame and all audio (the files are small); duration = frames / fps as a player shows it."""
    with av.open(str(path)) as container:
        vstream = container.streams.video[0]
        fps = float(vstream.average_rate or vstream.guessed_rate)
        width, height = vstream.codec_context.width, vstream.codec_context.height
        frames = sum(1 for _ in container.decode(video=0))
    with av.open(str(path)) as container:
        astreams = container.streams.audio
        rms, acodec = 0.0, None
        if astreams:
            acodec = astreams[0].codec_context.name
            total, count = 0.0, 0
            for frame in container.decode(audio=0):
                samples = frame.to_ndarray().astype(np.float64)
                total += float(np.sum(samples**2))
                count += samples.size
            rms = (total / count) ** 0.5 if count else 0.0
    return Decoded(width, height, fps, frames, frames / fps if fps else 0.0, bool(astreams), rms,
                   vstream.codec_context.name, acodec)


def assert_video(path, width: int, height: int, duration_s: float, fps: float = 24.0) -> Decoded:
    d = decode(path)
    assert (d.width, d.height) == (width, height), f"size {d.width}x{d.height} != {width}x{height}"
    assert abs(d.fps - fps) < 0.01, f"fps {d.fps}"
    assert abs(d.duration_s - duration_s) <= 1 / fps + 1e-6, f"duration {d.duration_s} != {duration_s}"
    assert d.video_codec == "h264"
    assert d.has_audio and d.audio_codec == "aac", "no AAC audio stream"
    assert d.audio_rms > 1e-3, f"audio is silent (rms {d.audio_rms})"
    return d
