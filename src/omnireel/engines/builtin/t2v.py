"""text_to_video: motion design from a prompt alone. A procedural environment matched to the plan's lighting and
style, the plan's camera move (per beat when beats name one), the exact quoted text as kinetic titles, and a music
bed with cues on the titles. Prompts about photoreal subjects get a labelled animatic of the plan instead."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.animatic import AnimaticOverlay
from omnireel.engines.builtin.titles import TitleTrack, schedule
from omnireel.media.audio.music import mood_named, render_bed
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.palette import palette_named
from omnireel.media.procedural import Backdrop, Camera
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import ShotPlan, describe


def camera_for(plan: ShotPlan, t: float, duration: float, seed: int) -> CameraState:
    """The plan's camera at time t; a beat that names its own move takes over for its span."""
    move, start, end = plan.camera, 0.0, duration
    for b in plan.beats:
        if b.camera and b.start_s <= t < b.end_s:
            move, start, end = b.camera, b.start_s, b.end_s
            break
    p = (t - start) / max(1e-6, end - start)
    return camera_at(move.kind, p, direction=move.direction, speed=move.speed, t_s=t, seed=seed)


def _world_camera(c: CameraState) -> Camera:
    # Frame-fraction offsets become world units (frame height = 1): the backdrop moves opposite to the image.
    return Camera(cx=-c.dx * 1.8, cy=-c.dy, zoom=c.zoom if c.bg_zoom is None else c.bg_zoom, roll=c.roll)


def frames(request: EngineRequest, plan: ShotPlan, titles: TitleTrack, animatic: AnimaticOverlay | None) -> Iterator[np.ndarray]:
    width, height = request.size
    duration = request.frame_count / request.fps
    rng = common.request_rng(request, "backdrop")
    graphic = "motion graphics" in plan.style or "minimal" in plan.style
    backdrop = Backdrop(palette_named(plan.palette), rng, grid=graphic or animatic is not None)
    for i in range(request.frame_count):
        t = i / request.fps
        cam = camera_for(plan, t, duration, request.seed)
        frame = backdrop.render(width, height, t, _world_camera(cam))
        if animatic is not None:
            frame = animatic.apply(frame, t, cam)
        yield titles.apply(frame, t)


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    width, height = request.size
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, duration_s=duration)
    titles = TitleTrack(schedule(plan, duration), width, height, duration)
    animatic = AnimaticOverlay(plan, width, height, duration) if plan.photoreal else None
    cues = tuple(sorted(set(titles.cues) | {b.start_s for b in plan.beats if b.start_s > 0}))
    audio = render_bed(duration, mood_named(plan.mood), common.request_rng(request, "audio"), cues=cues)
    common.encode(request, ctx, output_path, frames(request, plan, titles, animatic), audio)
    notes = []
    if animatic is not None:
        notes.append(
            "The prompt describes photoreal subjects the builtin engine cannot draw"
            + (f" ({plan.subject})" if plan.subject else "")
            + ". This video is a clearly labelled ANIMATIC of the shot plan (beats, camera, text, palette, music), "
            "not a render of them. Use a diffusers or upstream engine for a photoreal result."
        )
    else:
        notes.append("Rendered as procedural motion graphics; on-screen text is drawn exactly as quoted.")
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="text_to_video", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
