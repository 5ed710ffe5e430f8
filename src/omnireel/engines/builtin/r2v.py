"""reference_to_video: up to 6 images become a multi-shot sequence. Shots follow the prompt's timing beats (or
share the time equally), each with its own camera move, joined by dissolves; quoted text is titled on its beat,
and an ad-style prompt ends on an end card. Every image's pixels are only moved and scaled."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.i2v import refuse_content_changes
from omnireel.engines.builtin.titles import TitleTrack, schedule
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.music import mood_named, render_bed
from omnireel.media.ops.camera_path import camera_at
from omnireel.media.ops.composite import blend, center_position
from omnireel.media.ops.still import StillShot, focus_point
from omnireel.media.palette import palette_named
from omnireel.media.procedural import Backdrop, Camera
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import CameraMove, ShotPlan, TextItem, describe
from omnireel.media.text import text_sprite_for_frame

MAX_IMAGES = 6
DISSOLVE_S = 0.4
END_CARD_S = 1.6
_MOVES = (CameraMove("push_in"), CameraMove("pan", "right"), CameraMove("pull_out"), CameraMove("pan", "left"), CameraMove("tilt", "up"), CameraMove("orbit"))


@dataclasses.dataclass(frozen=True)
class Shot:
    image: int
    start_s: float
    end_s: float
    camera: CameraMove


def plan_shots(plan: ShotPlan, n_images: int, duration_s: float, body_end_s: float, rng: np.random.Generator) -> list[Shot]:
    """Beats become shots (an <IMAGE_REF_n> in a beat picks its image; otherwise images go in order); without
    beats, every image gets an equal slice of the time before the end card."""
    offset = int(rng.integers(len(_MOVES)))
    shots: list[Shot] = []
    beats = [b for b in plan.beats if b.start_s < body_end_s]
    if beats:
        for i, b in enumerate(beats):
            named = [k for k in b.images if k < n_images]
            img = named[0] if named else i % n_images
            end = beats[i + 1].start_s if i + 1 < len(beats) else body_end_s
            shots.append(Shot(img, b.start_s if i else 0.0, min(end, body_end_s), b.camera or _MOVES[(i + offset) % len(_MOVES)]))
        return shots
    slot = body_end_s / n_images
    for i in range(n_images):
        cam = plan.camera if plan.camera_explicit else _MOVES[(i + offset) % len(_MOVES)]
        shots.append(Shot(i, i * slot, (i + 1) * slot, cam))
    return shots


def _end_card(plan: ShotPlan, duration_s: float) -> tuple[TextItem | None, float]:
    """The end card's text and length: a beat that says "end card" owns its time; otherwise ad-style prompts
    with text end on their last quote for END_CARD_S."""
    for t in plan.texts:
        if t.beat is not None and t.beat < len(plan.beats):
            b = plan.beats[t.beat]
            if any(w in b.description.lower() for w in ("end card", "end screen", "endcard", "final card")):
                return t, max(1.0, duration_s - b.start_s)
    low = plan.prompt.lower()
    if plan.texts and duration_s >= 3 and ("end card" in low or "end screen" in low or "ad" in plan.style):
        return plan.texts[-1], END_CARD_S
    return None, 0.0


class Sequence:
    def __init__(self, request: EngineRequest, images: list[np.ndarray], shots: list[Shot], end_text: str | None, plan: ShotPlan, titles: TitleTrack):
        self.w, self.h = request.size
        self.fps = request.fps
        self.n = request.frame_count
        self.seed = request.seed
        self.shots = shots
        self.stills = {i: StillShot(images[i], self.w, self.h, focus=focus_point(images[i])) for i in {s.image for s in shots}}
        self.titles = titles
        self.end_start = shots[-1].end_s if end_text else None
        if end_text:
            rng = common.request_rng(request, "endcard")
            self.backdrop = Backdrop(palette_named(plan.palette), rng)
            self.end_sprite = text_sprite_for_frame(end_text, self.w, self.h, scale=1.1)

    def _shot_frame(self, shot: Shot, t: float) -> np.ndarray:
        # Cameras run a little past the cut so dissolves blend two moving shots, not a frozen one.
        p = (t - shot.start_s) / max(1e-6, shot.end_s - shot.start_s + DISSOLVE_S)
        c = shot.camera
        cam = camera_at(c.kind, p, direction=c.direction, speed=c.speed, t_s=t, seed=self.seed)
        return self.stills[shot.image].render(cam)

    def _end_card(self, t: float) -> np.ndarray:
        p = (t - self.end_start) / END_CARD_S
        frame = self.backdrop.render(self.w, self.h, t, Camera(zoom=1.0 + 0.08 * p))
        x, y = center_position(self.w, self.h, self.end_sprite)
        return blend(frame, self.end_sprite, x, y, opacity=min(1.0, p / 0.2))

    def frames(self) -> Iterator[np.ndarray]:
        for i in range(self.n):
            t = i / self.fps
            if self.end_start is not None and t >= self.end_start:
                frame = self._end_card(t)
                if t < self.end_start + DISSOLVE_S:
                    a = (t - self.end_start) / DISSOLVE_S
                    frame = cv2.addWeighted(self._shot_frame(self.shots[-1], t), 1 - a, frame, a, 0)
            else:
                k = next((j for j, s in enumerate(self.shots) if t < s.end_s), len(self.shots) - 1)
                shot = self.shots[k]
                frame = self._shot_frame(shot, t)
                if k + 1 < len(self.shots) and t > shot.end_s - DISSOLVE_S:
                    a = (t - (shot.end_s - DISSOLVE_S)) / DISSOLVE_S
                    frame = cv2.addWeighted(frame, 1 - a, self._shot_frame(self.shots[k + 1], t), a, 0)
            yield self.titles.apply(frame, t)


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    if any(m.kind == "video" for m in request.media):
        raise CapabilityMissing(
            "The builtin engine takes reference images only; reference videos need a generative engine."
        )
    images = common.load_images(request)
    if not images:
        raise CapabilityMissing("reference_to_video needs 1 to 6 reference images; none was given.")
    if len(images) > MAX_IMAGES:
        raise CapabilityMissing(f"reference_to_video takes at most {MAX_IMAGES} reference images; {len(images)} were given.")
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, image_count=len(images), duration_s=duration)
    refuse_content_changes(plan, "reference_to_video")
    end, end_s = _end_card(plan, duration)
    end_s = min(end_s, duration - 1.0)
    shots = plan_shots(plan, len(images), duration, duration - end_s, common.request_rng(request, "shots"))
    texts = [t for t in plan.texts if t is not end]
    width, height = request.size
    titles = TitleTrack(schedule(dataclasses.replace(plan, texts=tuple(texts)), duration, reserve_end_s=end_s), width, height, duration)
    cues = tuple(sorted({s.start_s for s in shots[1:]} | set(titles.cues) | ({duration - end_s} if end_s else set())))
    audio = render_bed(duration, mood_named(plan.mood), common.request_rng(request, "audio"), cues=cues)
    seq = Sequence(request, images, shots, end.text if end_s else None, plan, titles)
    common.encode(request, ctx, output_path, seq.frames(), audio)
    notes = [
        "Shots: " + "; ".join(
            f"[{s.start_s:.1f}-{s.end_s:.1f}s] image {s.image + 1}, {s.camera.kind.replace('_', ' ')}" for s in shots
        ) + (f"; [{duration - end_s:.1f}-{duration:g}s] end card \"{end.text}\"" if end_s else ""),
        "Reference images are shown as they are (moved and scaled by the camera, dissolves between shots); the "
        "builtin engine does not synthesise new views of their subjects.",
    ]
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="reference_to_video", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
