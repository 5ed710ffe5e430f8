"""image_to_video with a first and a last frame: both images are fitted to the output (blurred fill, never
stretched) and joined by an optical-flow morph that starts exactly on the first and ends exactly on the last."""

from __future__ import annotations

import functools

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.titles import KineticTitles
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.media.ops.camera_path import CameraState, ease
from omnireel.media.ops.morph import FlowMorph
from omnireel.media.ops.still import StillShot
from omnireel.media.prompt.plan import ShotPlan, describe

HOLD_S = 0.25  # rest on each end so the user's frames register


def progress(i: int, n: int, fps: int) -> float:
    """The morph's progress at frame i: held on the first image, eased across, held on the last."""
    hold = min(int(HOLD_S * fps), max(0, (n - 2) // 4))
    span = max(1, n - 1 - 2 * hold)
    return ease((i - hold) / span)


def frames(morph: FlowMorph, n: int, fps: int, titles: KineticTitles) -> Iterator[np.ndarray]:
    for i in range(n):
        yield titles.apply(morph.frame(progress(i, n, fps)), i / fps)


def run(
    request: EngineRequest,
    ctx: EngineContext,
    output_path: Path,
    images: list[np.ndarray],
    plan: ShotPlan,
    roles: dict[str, int],
) -> EngineOutput:
    width, height = request.size
    duration = request.frame_count / request.fps
    first_i = roles.get("first_frame", 0)
    last_i = roles.get("last_frame", 1 if first_i != 1 else 0)
    if last_i >= len(images):
        from omnireel.errors import CapabilityMissing

        raise CapabilityMissing("A <LAST_FRAME> needs a second image; only one image was given.")
    fitted = [StillShot(images[i], width, height).render(CameraState()) for i in (first_i, last_i)]
    ctx.progress("analyse", 0.0)
    morph = FlowMorph(*fitted)
    ctx.progress("analyse", 1.0)
    from omnireel.engines.builtin.i2v import titles_for

    n = request.frame_count
    titles = titles_for(plan, request, lambda t: morph.frame(progress(min(n - 1, max(0, round(t * request.fps))), n, request.fps)))
    audio = functools.partial(soundtrack, plan, duration, common.request_rng(request, "audio"), cues=titles.cues)
    common.encode(request, ctx, output_path, frames(morph, request.frame_count, request.fps, titles), audio)
    notes = [
        f"Image {first_i + 1} is the first frame and image {last_i + 1} the last; in between is an optical-flow morph "
        "(the builtin engine interpolates; it does not invent new content between them).",
    ]
    if plan.camera_explicit:
        notes.append("The camera stays still so the first and last frames match the images exactly.")
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="image_to_video (first and last frame)", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
