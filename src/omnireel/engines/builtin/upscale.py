"""upscale: the source video (the previous turn's output or an uploaded file) enlarged to a higher resolution tier
at its own aspect ratio, by classical resampling (media.ops.upscaler: Lanczos luma, bicubic colour, a mild
halo-free sharpening). Same frames in the same order at 24 fps, same duration, the source's audio passed through.

The tiers follow the hosted model: 360p -> 720p or 1080p, 720p -> 1080p or 4k; not 360p -> 4k and nothing from
1080p (4k is offered from 720p only); sources up to 15 s. The tier made is response_format.resolution, else the one
the prompt names ("Upscale to full HD", read at create into options["prompt_format"]), else the next tier up.
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


def asked_resolution(request: EngineRequest) -> tuple[str | None, str]:
    """The tier the user asked for and how (for the output text): response_format.resolution, else the prompt's
    phrase (the create service reads "Upscale to full HD" into the request's resolution and names the phrase in
    options["prompt_format"]), else none: (None, why the next tier up is made)."""
    if "resolution" in explicit_fields(request):
        return request.resolution, "as asked"
    phrase = (request.options.get("prompt_format") or {}).get("resolution")
    if phrase:
        return request.resolution, f"as the prompt asks: '{phrase}'"
    return None, "the next resolution up; none was asked for"


def target_for(width: int, height: int, asked: str | None) -> str:
    """The tier to make from a width x height source: `asked` when that pair is offered, else (asked None) the next
    tier up; refused (CapabilityMissing naming what is offered) otherwise. The create service runs this too when it
    knows the source's size, so a refusal is a 400 there with these same words."""
    short_side = min(width, height)
    tier = source_tier(short_side)
    allowed = [t for t in ALLOWED[tier] if TIERS[t] > short_side]
    size = f"{width}x{height} ({tier})"
    if not allowed:
        raise CapabilityMissing(
            f"The source is {size}; upscale offers 360p -> 720p or 1080p and 720p -> 1080p or 4k, so there is no "
            f"higher resolution to make from a {tier} source (4k is made from 720p sources only)."
        )
    if asked is None:
        return allowed[0]
    if asked not in allowed:
        why = "is not larger than the source" if TIERS.get(asked, 0) <= short_side else "is not offered from it"
        raise CapabilityMissing(
            f"The source is {size}; upscaling it to {asked} {why}. From a {tier} source, upscale makes "
            f"{' or '.join(allowed)} (the tiers offered are 360p -> 720p or 1080p, 720p -> 1080p or 4k): ask for "
            "one of those in response_format.resolution or the prompt."
        )
    return asked


def check_source(width: int | None, height: int | None, duration_s: float | None, aspect_ratio: str | None,
                 fps: float = 24) -> None:
    """What upscale refuses about a source before reading a frame: longer than MAX_SOURCE_S, or an explicit aspect
    ratio other than the source's (upscale keeps it). A None is not known yet and not checked (create knows the
    size of previous outputs, often only the duration of uploads)."""
    if duration_s is not None and duration_s > MAX_SOURCE_S + 0.5 / fps:
        raise CapabilityMissing(
            f"The source is {duration_s:.1f} s long; upscale takes sources of up to {MAX_SOURCE_S:g} s. Trim it "
            "first, or upscale it in parts."
        )
    if aspect_ratio is not None and width and height:
        source_aspect = aspect_of(width, height)
        if aspect_ratio != source_aspect:
            g = math.gcd(width, height)
            shown = source_aspect or f"{width // g}:{height // g}"
            raise CapabilityMissing(
                f"upscale keeps the source's aspect ratio ({shown}); response_format.aspect_ratio asked for "
                f"{aspect_ratio}. "
                "Leave aspect_ratio out to upscale, or change the aspect ratio with an edit first."
            )


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    if request.source_video is None:
        raise CapabilityMissing("upscale needs a source video: pass previous_interaction_id or a video input.")
    clip = inspect(request.source_video)
    explicit = explicit_fields(request)
    check_source(clip.width, clip.height, clip.duration_s,
                 request.aspect_ratio if "aspect_ratio" in explicit else None, clip.fps)
    asked, how = asked_resolution(request)
    target = target_for(clip.width, clip.height, asked)
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
        text=_describe(clip, target, (width, height), request, explicit, how),
        width=width,
        height=height,
        duration_s=n / clip.fps,
        fps=clip.fps,
        has_audio=clip.has_audio,
    )


def _describe(clip: SourceInfo, target: str, size: tuple[int, int], request: EngineRequest, explicit: set[str],
              how: str) -> str:
    tier = source_tier(clip.short_side)
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
