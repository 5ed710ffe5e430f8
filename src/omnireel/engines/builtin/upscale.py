"""upscale: the source video (the previous turn's output or an uploaded file) enlarged to a higher resolution tier
at its own aspect ratio, by classical resampling (media.ops.upscaler: Lanczos luma, bicubic colour, a mild
halo-free sharpening). Same frames in the same order at 24 fps, same duration, the source's audio passed through.

The tiers follow the hosted model: 360p -> 720p or 1080p, 720p -> 1080p or 4k; not 360p -> 4k and nothing from
1080p (4k is offered from 720p only); sources up to 15 s. Without an explicit resolution the next tier up is made.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.source_format import TIERS, aspect_of, explicit_fields, secs, source_tier, target_size
from omnireel.errors import CapabilityMissing
from omnireel.media.ops.video_source import SAMPLE_RATE, SourceInfo, frames_rgb, inspect, read_audio
from omnireel.media.ops.upscaler import Upscaler

# The hosted model's pairs (omni-behaviour): what each source tier may become.
ALLOWED = {"360p": ("720p", "1080p"), "720p": ("1080p", "4k"), "1080p": (), "4k": ()}
MAX_SOURCE_S = 15.0


def choose_target(clip: SourceInfo, request: EngineRequest) -> str:
    """The resolution to make: the explicit one when allowed for this source, else the next tier up. Refused
    (CapabilityMissing naming what is offered) when the pair is not offered."""
    tier = source_tier(clip.short_side)
    allowed = [t for t in ALLOWED[tier] if TIERS[t] > clip.short_side]
    size = f"{clip.width}x{clip.height} ({tier})"
    if not allowed:
        raise CapabilityMissing(
            f"The source is {size}; upscale offers 360p -> 720p or 1080p and 720p -> 1080p or 4k, so there is no "
            f"higher resolution to make from a {tier} source (4k is made from 720p sources only)."
        )
    offered = " or ".join(allowed)
    if "resolution" not in explicit_fields(request):
        return allowed[0]
    target = request.resolution
    if target not in allowed:
        why = "is not larger than the source" if TIERS.get(target, 0) <= clip.short_side else "is not offered from it"
        raise CapabilityMissing(
            f"The source is {size}; upscaling it to {target} {why}. From a {tier} source, upscale makes {offered} "
            "(the tiers offered are 360p -> 720p or 1080p, 720p -> 1080p or 4k)."
        )
    return target


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    if request.source_video is None:
        raise CapabilityMissing("upscale needs a source video: pass previous_interaction_id or a video input.")
    clip = inspect(request.source_video)
    if clip.duration_s > MAX_SOURCE_S + 0.5 / clip.fps:
        raise CapabilityMissing(
            f"The source is {clip.duration_s:.1f} s long; upscale takes sources of up to {MAX_SOURCE_S:g} s. Trim it "
            "first, or upscale it in parts."
        )
    explicit = explicit_fields(request)
    source_aspect = aspect_of(clip.width, clip.height)
    if "aspect_ratio" in explicit and request.aspect_ratio != source_aspect:
        g = math.gcd(clip.width, clip.height)
        shown = source_aspect or f"{clip.width // g}:{clip.height // g}"
        raise CapabilityMissing(
            f"upscale keeps the source's aspect ratio ({shown}); response_format asked for {request.aspect_ratio}. "
            "Leave aspect_ratio out to upscale, or change the aspect ratio with an edit first."
        )
    target = choose_target(clip, request)
    width, height = target_size(clip.width, clip.height, target)
    upscaler = Upscaler(clip.decoded_size, (width, height))
    n = clip.frames
    samples = round(n * SAMPLE_RATE / clip.fps)

    def audio():
        got = read_audio(clip.path, samples)
        return got if got is not None else np.zeros((2, samples), np.float32)

    frames = (upscaler.i420(f) for f in frames_rgb(clip.path, clip))
    out = dataclasses.replace(request, duration_s=n / clip.fps)  # the source's length
    common.encode(out, ctx, output_path, frames, audio, stage="upscale", size=(width, height))
    return EngineOutput(
        video_path=output_path,
        text=_describe(clip, target, (width, height), request, explicit),
        width=width,
        height=height,
        duration_s=n / clip.fps,
        fps=clip.fps,
        has_audio=clip.has_audio,
    )


def _describe(clip: SourceInfo, target: str, size: tuple[int, int], request: EngineRequest, explicit: set[str]) -> str:
    tier = source_tier(clip.short_side)
    how = "as asked" if "resolution" in explicit else "the next resolution up; none was asked for"
    lines = [
        "Upscale (builtin engine):",
        f"- {clip.width}x{clip.height} ({tier}) -> {size[0]}x{size[1]} ({target}, {how}), at the source's aspect ratio.",
        f"- {clip.frames} frames at {clip.fps} fps ({secs(clip.duration_s)} s), the source's frames in order.",
        "- Classical resampling: edges are sharper, no new detail is invented. Luma is resampled with a Lanczos "
        "filter and colour with bicubic interpolation, then a mild sharpening that stays within the range of each "
        "pixel's neighbourhood in the source (no halos).",
    ]
    if clip.source_fps and abs(clip.source_fps - clip.fps) > 0.01:
        lines.append(
            f"- The {clip.source_fps:g} fps source was resampled to {clip.fps} fps by time: frames are repeated or "
            "dropped, never blended, so its duration and audio sync are kept."
        )
    if clip.has_audio:
        lines.append("- Audio: the source's own, passed through in sync (re-encoded as AAC).")
    else:
        lines.append("- Audio: the source has none, so the output's audio track is silent.")
    if "duration_s" in explicit and abs(request.duration_s - clip.duration_s) > 1 / clip.fps:
        lines.append(
            f"- Note: upscale keeps the source's duration ({secs(clip.duration_s)} s); the requested {request.duration_s:g} s "
            "was not applied."
        )
    return "\n".join(lines)
