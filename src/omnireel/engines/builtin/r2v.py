"""reference_to_video: up to 6 images become a multi-shot sequence. Shots follow the prompt's timing beats (or
share the time equally), each with its own camera move over a 2.5D-separated still (as image_to_video), joined
by transitions the prompt names or its style suggests (cut, dissolve, whip pan, slide, zoom-through, dip to
black or white, wipe), each centred on its beat boundary where the audio cue falls; quoted text is titled on its
beat, and an ad-style prompt ends on an end card. Every image's pixels are only moved, scaled and lit."""

from __future__ import annotations

import functools

import dataclasses
from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.i2v import refuse_content_changes
from omnireel.engines.builtin.titles import KineticTitles
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.engines.builtin.i2v import build_still, sweep_progress, titles_for
from omnireel.media.ops import light, transitions
from omnireel.media.ops.camera_path import camera_at
from omnireel.media.ops.parallax import layer_states
from omnireel.media.palette import palette_named
from omnireel.media.procedural import Backdrop, Camera
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import CameraMove, ShotPlan, TextItem, describe

MAX_IMAGES = 6
END_CARD_S = 1.6
_MOVES = (CameraMove("push_in"), CameraMove("pan", "right"), CameraMove("pull_out"), CameraMove("pan", "left"), CameraMove("tilt", "up"), CameraMove("orbit"))


@dataclasses.dataclass(frozen=True)
class Shot:
    image: int
    start_s: float
    end_s: float
    camera: CameraMove
    transition_in: str = "cut"  # how this shot enters (the first shot: from nothing)


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
    else:
        slot = body_end_s / n_images
        for i in range(n_images):
            cam = plan.camera if plan.camera_explicit else _MOVES[(i + offset) % len(_MOVES)]
            shots.append(Shot(i, i * slot, (i + 1) * slot, cam))
    return [dataclasses.replace(s, transition_in=_transition(plan, beats, i)) if i else s for i, s in enumerate(shots)]


def _transition(plan: ShotPlan, beats, i: int) -> str:
    """Into shot i: what its beat names ("whip pan to ...", "hard cut to ..."), else what the prompt names
    overall, else what suits the style."""
    named = transitions.named_in(beats[i].description) if i < len(beats) else None
    if named is None:
        unbeat = plan.prompt
        for b in beats:
            unbeat = unbeat.replace(b.description, " ")
        named = transitions.named_in(unbeat)
    return named or transitions.default_for(plan.style, plan.mood, i - 1)


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
    def __init__(self, request: EngineRequest, images: list[np.ndarray], shots: list[Shot], end_text: str | None, plan: ShotPlan, end_transition: str):
        self.w, self.h = request.size
        self.fps = request.fps
        self.n = request.frame_count
        self.seed = request.seed
        self.shots = shots
        self.look = light.look_for(plan)
        self.titles: KineticTitles | None = None  # set by run(), calibrated on this sequence's pictures
        rng = common.request_rng(request, "light")
        # One layered still per (image, move), built once; a shot's camera strength scales with its length.
        self.stills = {}
        self.strength = {}
        for s in shots:
            key = (s.image, s.camera)
            if key in self.stills:
                continue
            length = s.end_s - s.start_s
            n = max(2, int(round(length * self.fps)))
            still, k = build_still(images[s.image], (self.w, self.h), s.camera, n, self.fps, self.seed, self.look, rng)
            self.stills[key] = still
            self.strength[key] = k * min(1.0, 0.45 + 0.55 * length / 8.0)
        self.end_start = shots[-1].end_s if end_text else None
        self.end_transition = end_transition
        if end_text:
            rng = common.request_rng(request, "endcard")
            self.backdrop = Backdrop(palette_named(plan.palette), rng)

    def _half(self, k: int, side: str) -> float:
        """Half the length of the transition into (side="in") or out of (side="out") shot k."""
        if side == "in":
            return transitions.DURATION_S[self.shots[k].transition_in] / 2 if k > 0 else 0.0
        if k + 1 < len(self.shots):
            return transitions.DURATION_S[self.shots[k + 1].transition_in] / 2
        return transitions.DURATION_S[self.end_transition] / 2 if self.end_start is not None else 0.0

    def _shot_frame(self, k: int, t: float) -> np.ndarray:
        # Cameras run over the transitions too, so a transition joins two moving shots, not frozen ones.
        shot = self.shots[k]
        a, b = shot.start_s - self._half(k, "in"), shot.end_s + self._half(k, "out")
        p = min(1.0, max(0.0, (t - a) / max(1e-6, b - a)))
        c = shot.camera
        key = (shot.image, c)
        cam = camera_at(c.kind, p, direction=c.direction, speed=c.speed, t_s=t, seed=self.seed, strength=self.strength[key], pull_to=self.stills[key].pull_to)
        still = self.stills[key]
        sweep = sweep_progress(t - a, b - a) if still.look.sweep else None
        return still.render(cam, layer_states(c.kind, cam), t, sweep)

    def _end_card(self, t: float) -> np.ndarray:
        """The end card's moving backdrop; its title is a kinetic end card drawn with the other titles."""
        p = max(0.0, (t - self.end_start) / END_CARD_S)
        return self.backdrop.render(self.w, self.h, t, Camera(zoom=1.0 + 0.08 * p))

    def picture(self, t: float) -> np.ndarray:
        """The sequence at time t, before titles: a shot, a transition between two, or the end card."""
        bounds = [s.end_s for s in self.shots[:-1]]
        if self.end_start is not None and t >= self.end_start - self._half(len(self.shots) - 1, "out"):
            frame = self._end_card(t)
            half = self._half(len(self.shots) - 1, "out")
            if half > 0 and t < self.end_start + half:
                p = (t - (self.end_start - half)) / (2 * half)
                frame = transitions.apply(self.end_transition, self._shot_frame(len(self.shots) - 1, t), frame, p)
            return frame
        k = next((j for j, b in enumerate(bounds) if t < b), len(self.shots) - 1)
        # Inside the window of the transition out of k (before the boundary) or into k (after it)?
        if k + 1 < len(self.shots) and t >= self.shots[k].end_s - self._half(k, "out"):
            j = k
        elif k > 0 and t < self.shots[k].start_s + self._half(k, "in"):
            j = k - 1
        else:
            return self._shot_frame(k, t)
        half = self._half(j, "out")
        p = (t - (self.shots[j].end_s - half)) / (2 * half)
        return transitions.apply(self.shots[j + 1].transition_in, self._shot_frame(j, t), self._shot_frame(j + 1, t), p)

    def frames(self) -> Iterator[np.ndarray]:
        for i in range(self.n):
            t = i / self.fps
            frame = self.picture(t)
            yield self.titles.apply(frame, t) if self.titles is not None else frame


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
    end_transition = transitions.named_in(plan.prompt) or "dissolve"
    seq = Sequence(request, images, shots, end.text if end_s else None, plan, end_transition)
    seq.titles = titles_for(dataclasses.replace(plan, texts=tuple(texts)), request, seq.picture, reserve_end_s=end_s, end_text=end.text if end_s else None)
    cues = tuple(sorted({s.start_s for s in shots[1:]} | set(seq.titles.cues) | ({duration - end_s} if end_s else set())))
    audio = functools.partial(soundtrack, plan, duration, common.request_rng(request, "audio"), cues=cues)
    common.encode(request, ctx, output_path, seq.frames(), audio)
    notes = [
        "Shots: " + "; ".join(
            (f"{s.transition_in.replace('_', ' ')} to " if i else "")
            + f"[{s.start_s:.1f}-{s.end_s:.1f}s] image {s.image + 1}, {s.camera.kind.replace('_', ' ')}"
            for i, s in enumerate(shots)
        ) + (f"; {end_transition.replace('_', ' ')} to [{duration - end_s:.1f}-{duration:g}s] end card \"{end.text}\"" if end_s else ""),
        "Transitions are centred on the beat boundaries, where the music's cues fall.",
        "Reference images are shown as they are (moved, scaled and lit by the camera, with 2.5D parallax where a "
        "subject separates from its background); the builtin engine does not synthesise new views of their subjects.",
    ]
    if seq.look.any:
        where = "on backgrounds only; subjects kept exactly as they are" if seq.look.preserve else "over the frame"
        notes.append(f"Light and atmosphere: {seq.look.words()} ({where}).")
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="reference_to_video", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
