"""image_to_video with one image: the still is the subject and starting frame; the camera moves over it as the
prompt asks, the aspect ratio is converted with a blurred fill (never stretched), titles and a music bed are added.
Two images (first and last frame) are handed to the morph renderer."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.titles import TitleTrack, schedule
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.music import mood_named, render_bed
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.ops.still import StillShot, focus_point
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import ShotPlan, describe


def refuse_content_changes(plan: ShotPlan, task: str) -> None:
    """Image tasks only move, scale and light the user's pixels; asking to repaint them is refused by name."""
    if plan.content_changes:
        phrase = plan.content_changes[0]
        raise CapabilityMissing(
            f"The builtin engine animates images with camera moves, light and titles, but cannot change what is in "
            f"them (asked: '{phrase}'). Remove that instruction, or use a generative engine (diffusers or upstream) "
            f"for {task} requests that repaint, add or remove content."
        )


def camera_states(plan: ShotPlan, request: EngineRequest) -> list[CameraState]:
    """The camera for every frame: the plan's move, eased across the whole clip."""
    n = request.frame_count
    c = plan.camera
    return [
        camera_at(c.kind, i / max(1, n - 1), direction=c.direction, speed=c.speed, t_s=i / request.fps, seed=request.seed)
        for i in range(n)
    ]


def frames(shot: StillShot, cams: list[CameraState], titles: TitleTrack, fps: int) -> Iterator[np.ndarray]:
    for i, cam in enumerate(cams):
        yield titles.apply(shot.render(cam), i / fps)


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    images = common.load_images(request)
    if not images:
        raise CapabilityMissing("image_to_video needs an image input; none was given.")
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, image_count=len(images), duration_s=duration)
    refuse_content_changes(plan, "image_to_video")
    roles = common.image_roles(request, plan.roles)
    if len(images) >= 2 or "last_frame" in roles:
        from omnireel.engines.builtin import morph

        return morph.run(request, ctx, output_path, images, plan, roles)
    width, height = request.size
    image = images[0]
    shot = StillShot(image, width, height, focus=focus_point(image))
    titles = TitleTrack(schedule(plan, duration), width, height, duration)
    audio = render_bed(duration, mood_named(plan.mood), common.request_rng(request, "audio"), cues=titles.cues)
    ctx.check_cancelled()
    common.encode(request, ctx, output_path, frames(shot, camera_states(plan, request), titles, request.fps), audio)
    notes = [
        "The image is the subject and first frame: its pixels are only moved and scaled by the camera, never repainted."
    ]
    if not shot.cover:
        notes.append("Its aspect ratio differs from the output, so it is fitted whole over a blurred fill (no stretching, no crop).")
    if plan.action:
        notes.append(
            f"The builtin engine does not animate the subject itself (asked: '{plan.action}'); it animates the camera "
            "over the still. Use a generative engine for subject motion."
        )
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="image_to_video", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )

