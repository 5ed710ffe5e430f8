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
from omnireel.media.glyphs import refuse_undrawable_text
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
MIN_SPLIT_S = 0.8  # a beat is only split to fit in an image nobody named when each part stays at least this long
END_MOVE = CameraMove("push_in", None, "slow")  # an end card over an image: a slow push under the type
_MOVES = (CameraMove("push_in"), CameraMove("pan", "right"), CameraMove("pull_out"), CameraMove("pan", "left"), CameraMove("tilt", "up"), CameraMove("orbit"))


@dataclasses.dataclass(frozen=True)
class Shot:
    image: int
    start_s: float
    end_s: float
    camera: CameraMove
    transition_in: str = "cut"  # how this shot enters (the first shot: from nothing)


@dataclasses.dataclass
class Casting:
    """Which image each beat shows, and what became of the images no beat showed."""

    per_beat: list[list[int]]  # images of each body beat, in order (more than one: the beat is split)
    named: list[bool]  # the prompt named the beat's images (an unnamed beat may be split to show a spare image)
    end_image: int | None = None  # the end card's backdrop
    unused: list[int] = dataclasses.field(default_factory=list)  # given but shown nowhere (said in the notes)


def cast_images(plan: ShotPlan, n_images: int, body_end_s: float, end_beat: int | None, has_end: bool) -> Casting:
    """Every image a beat names is shown in that beat (several named: the beat is split between them), and every
    image given is shown somewhere: beats that name none take the images nobody named, in order; a spare image
    left after that becomes the end card's backdrop, then splits the longest unnamed beats; only what cannot fit
    without a flash of a shot is left out, and the notes say so. (Used to be: an unnamed beat took image i % n, so
    a named image was shown twice while others never appeared, and an end card beat's image was dropped.)"""
    beats = [b for b in plan.beats if b.start_s < body_end_s]
    if not beats:
        return Casting([], [])  # no beats: every image gets its own slice of the time (plan_shots)
    named_end = [k for k in plan.beats[end_beat].images if 0 <= k < n_images] if end_beat is not None else []
    end_image = named_end[0] if named_end else None
    per_beat = [list(dict.fromkeys(k for k in b.images if 0 <= k < n_images)) for b in beats]
    named = [bool(imgs) for imgs in per_beat]
    taken = {k for imgs in per_beat for k in imgs} | set(named_end)
    spare = [k for k in range(n_images) if k not in taken]
    last = None
    for i, imgs in enumerate(per_beat):
        if not imgs:
            if spare:
                imgs.append(spare.pop(0))
            else:  # every image is already shown: reuse them in order, never the one just before
                k = i % n_images
                imgs.append((k + 1) % n_images if k == last and n_images > 1 else k)
        last = imgs[-1]
    if spare and has_end and end_image is None:
        end_image = spare.pop(0)
    # The rest split the unnamed beats, longest part first, while each part stays long enough to read.
    while spare:
        spans = [
            ((_beat_end(beats, i, body_end_s) - b.start_s) / (len(per_beat[i]) + 1), -i)  # a tie: the earlier beat
            for i, b in enumerate(beats) if not named[i]
        ]
        if not spans or max(spans)[0] < MIN_SPLIT_S:
            break
        per_beat[-max(spans)[1]].append(spare.pop(0))
    # Named images beyond the first of an end card beat have no shot of their own: split the last body beat.
    for k in named_end[1:]:
        if per_beat and k not in {j for imgs in per_beat for j in imgs}:
            per_beat[-1].append(k)
    return Casting(per_beat, named, end_image, spare)


def _beat_end(beats, i: int, body_end_s: float) -> float:
    return min(beats[i + 1].start_s if i + 1 < len(beats) else body_end_s, body_end_s)


def plan_shots(plan: ShotPlan, n_images: int, casting: Casting, body_end_s: float, rng: np.random.Generator) -> list[Shot]:
    """Beats become shots showing the images cast for them (a beat with several shares its time equally, joined
    by the style's transition); without beats, every image gets an equal slice of the time before the end card."""
    offset = int(rng.integers(len(_MOVES)))
    shots: list[Shot] = []
    beats = [b for b in plan.beats if b.start_s < body_end_s]
    beat_of: list[int | None] = []  # the beat each shot opens (None: a later part of a split beat)
    if beats:
        for i, b in enumerate(beats):
            start, end = (b.start_s if i else 0.0), _beat_end(beats, i, body_end_s)
            imgs = casting.per_beat[i]
            part = (end - start) / len(imgs)
            for j, img in enumerate(imgs):
                cam = b.camera or _MOVES[(len(shots) + offset) % len(_MOVES)]
                shots.append(Shot(img, start + j * part, end if j == len(imgs) - 1 else start + (j + 1) * part, cam))
                beat_of.append(i if j == 0 else None)
    else:
        slot = body_end_s / n_images
        for i in range(n_images):
            cam = plan.camera if plan.camera_explicit else _MOVES[(i + offset) % len(_MOVES)]
            shots.append(Shot(i, i * slot, (i + 1) * slot, cam))
            beat_of.append(None)
    return [dataclasses.replace(s, transition_in=_transition(plan, beats, beat_of[i], i)) if i else s for i, s in enumerate(shots)]


def _transition(plan: ShotPlan, beats, beat: int | None, i: int) -> str:
    """Into shot i: what its beat names ("whip pan to ...", "hard cut to ..."), else what the prompt names
    overall, else what suits the style."""
    named = transitions.named_in(beats[beat].description) if beat is not None else None
    if named is None:
        unbeat = plan.prompt
        for b in beats:
            unbeat = unbeat.replace(b.description, " ")
        named = transitions.named_in(unbeat)
    return named or transitions.default_for(plan.style, plan.mood, i - 1)


def _end_card(plan: ShotPlan, duration_s: float) -> tuple[TextItem | None, float, int | None]:
    """The end card's text, length and beat: a beat that says "end card" owns its time; otherwise ad-style
    prompts with text end on their last quote for END_CARD_S (no beat)."""
    for t in plan.texts:
        if t.beat is not None and t.beat < len(plan.beats):
            b = plan.beats[t.beat]
            if any(w in b.description.lower() for w in ("end card", "end screen", "endcard", "final card")):
                return t, max(1.0, duration_s - b.start_s), t.beat
    low = plan.prompt.lower()
    if plan.texts and duration_s >= 3 and ("end card" in low or "end screen" in low or "ad" in plan.style):
        return plan.texts[-1], END_CARD_S, None
    return None, 0.0, None


_LAYOUT_POSITION = {"lower_third": "lower_third", "end_card": "end_card", "stacked": "center"}


def _drawn_positions(texts: tuple[TextItem, ...], cards: list) -> tuple[TextItem, ...]:
    """The titles' positions as drawn: over images a title is a lower third unless the prompt placed it
    elsewhere, and the plan text used to list it as "(center)" all the same."""
    drawn = {}
    for c in cards:
        drawn.setdefault(c.text, _LAYOUT_POSITION.get(c.layout, c.anchor))
    return tuple(dataclasses.replace(t, position=drawn.get(t.text, t.position)) for t in texts)


class Sequence:
    def __init__(self, request: EngineRequest, images: list[np.ndarray], shots: list[Shot], end_text: str | None, plan: ShotPlan, end_transition: str, end_image: int | None = None):
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
        self.end_image = end_image if end_text else None
        if self.end_image is not None:
            # The end card names (or is the only place left for) an image: it is the card's backdrop.
            length = request.frame_count / self.fps - self.end_start
            n = max(2, int(round(length * self.fps)))
            still, k = build_still(images[self.end_image], (self.w, self.h), END_MOVE, n, self.fps, self.seed, self.look, rng)
            self.end_still, self.end_strength = still, k * 0.6  # a gentle push: the type is the point
        elif end_text:
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
        if self.end_image is not None:
            a = self.end_start - self._half(len(self.shots) - 1, "out")
            p = min(1.0, max(0.0, (t - a) / max(1e-6, self.n / self.fps - a)))
            still = self.end_still
            cam = camera_at(END_MOVE.kind, p, speed=END_MOVE.speed, t_s=t, seed=self.seed, strength=self.end_strength, pull_to=still.pull_to)
            return still.render(cam, layer_states(END_MOVE.kind, cam), t, None)
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
            "The builtin engine takes reference images only. Reference videos need Google's hosted model: the "
            "model omnireel-upstream, when this server has OMNIREEL_UPSTREAM_API_KEY set."
        )
    images = common.load_images(request)
    if not images:
        raise CapabilityMissing("reference_to_video needs 1 to 6 reference images; none was given.")
    if len(images) > MAX_IMAGES:
        raise CapabilityMissing(f"reference_to_video takes at most {MAX_IMAGES} reference images; {len(images)} were given.")
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, image_count=len(images), duration_s=duration)
    refuse_undrawable_text(plan.texts, "reference_to_video")  # before any rendering: no empty boxes
    refuse_content_changes(plan, "reference_to_video")
    end, end_s, end_beat = _end_card(plan, duration)
    end_s = min(end_s, duration - 1.0)
    casting = cast_images(plan, len(images), duration - end_s, end_beat, end_s > 0)
    shots = plan_shots(plan, len(images), casting, duration - end_s, common.request_rng(request, "shots"))
    texts = [t for t in plan.texts if t is not end]
    width, height = request.size
    end_transition = transitions.named_in(plan.prompt) or "dissolve"
    seq = Sequence(request, images, shots, end.text if end_s else None, plan, end_transition, casting.end_image)
    seq.titles = titles_for(dataclasses.replace(plan, texts=tuple(texts)), request, seq.picture, reserve_end_s=end_s, end_text=end.text if end_s else None)
    # The plan text says what was drawn: each title where its card put it, and a sequence of shots as multi-shot.
    plan = dataclasses.replace(
        plan,
        texts=_drawn_positions(plan.texts, seq.titles.cards),
        continuous=len(shots) + (1 if end_s else 0) <= 1,
    )
    cues = tuple(sorted({s.start_s for s in shots[1:]} | set(seq.titles.cues) | ({duration - end_s} if end_s else set())))
    audio = functools.partial(soundtrack, plan, duration, common.request_rng(request, "audio"), cues=cues)
    common.encode(request, ctx, output_path, seq.frames(), audio)
    notes = [
        "Shots: " + "; ".join(
            (f"{s.transition_in.replace('_', ' ')} to " if i else "")
            + f"[{s.start_s:.1f}-{s.end_s:.1f}s] image {s.image + 1}, {s.camera.kind.replace('_', ' ')}"
            for i, s in enumerate(shots)
        ) + (
            f"; {end_transition.replace('_', ' ')} to [{duration - end_s:.1f}-{duration:g}s] end card \"{end.text}\""
            + (f" over image {casting.end_image + 1}" if casting.end_image is not None else "")
            if end_s else ""
        ),
        "Transitions are centred on the beat boundaries, where the music's cues fall.",
        "Reference images are shown as they are (moved, scaled and lit by the camera, with 2.5D parallax where a "
        "subject separates from its background); the builtin engine does not synthesise new views of their subjects.",
    ]
    if casting.unused:
        unused = ", ".join(str(k + 1) for k in casting.unused)
        notes.append(
            f"Not shown: image{'s' if len(casting.unused) > 1 else ''} {unused}. The prompt's beats leave no room for "
            f"{'them' if len(casting.unused) > 1 else 'it'} (each shot gets at least {MIN_SPLIT_S:g} s); name "
            "them with <IMAGE_REF_n> in a beat, or ask for a longer video."
        )
    if seq.look.any:
        where = "on backgrounds only; subjects kept exactly as they are" if seq.look.preserve else "over the frame"
        notes.append(f"Light and atmosphere: {seq.look.words()} ({where}).")
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="reference_to_video", duration_s=duration, size=(width, height), notes=notes,
                      moves=tuple(s.camera for s in shots)),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
