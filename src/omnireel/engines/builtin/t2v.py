"""text_to_video: motion design from a prompt alone. A procedural environment matched to the plan's scene,
lighting and style words (city, ocean, space, forest, studio, synthwave grid, abstract) seen through the plan's
camera move with layered parallax, finishing effects (particles, light leaks, grain, scanlines), the exact quoted
text as kinetic typography, and a music bed with cues on the titles. Prompts about photoreal subjects get a
labelled storyboard animatic of the plan instead."""

from __future__ import annotations

import functools

import re
from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.animatic import Storyboard
from omnireel.engines.builtin.titles import cards_for
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.media.glyphs import refuse_undrawable_text
from omnireel.media.motion.compose import Picture, look_for
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.palette import palette_named
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import ShotPlan, describe
from omnireel.media.prompt.quotes import _QUOTED
from omnireel.media.prompt.vocab import ORG_NOUNS, PHOTOREAL_SUBJECTS

# Photoreal nouns that are really places the procedural environments draw (stylised, not photoreal): a prompt
# whose only "subject" is one of these gets motion design, not an animatic.
DRAWABLE = {
    "city", "street", "skyline", "building", "ocean", "beach", "lake", "river", "forest", "mountain", "park",
    "garden", "field", "tree", "trees", "rain", "snow", "fire",
}


def camera_for(plan: ShotPlan, t: float, duration: float, seed: int) -> CameraState:
    """The plan's camera at time t; a beat that names its own move takes over for its span."""
    move, start, end = plan.camera, 0.0, duration
    for b in plan.beats:
        if b.camera and b.start_s <= t < b.end_s:
            move, start, end = b.camera, b.start_s, b.end_s
            break
    p = (t - start) / max(1e-6, end - start)
    return camera_at(move.kind, p, direction=move.direction, speed=move.speed, t_s=t, seed=seed)


def scene_words(plan: ShotPlan) -> str:
    """The words that pick the environment and look: the prompt without its quoted text, plus what was parsed."""
    return " ".join([_QUOTED.sub(" ", plan.prompt), plan.scene or "", *plan.lighting, *plan.style])


def needs_animatic(plan: ShotPlan) -> bool:
    """Photoreal subjects get an animatic, except places the environments can draw as motion design."""
    if not plan.photoreal:
        return False
    if "live action" in plan.style:
        return True
    subject = set(re.findall(r"[a-z]+", (plan.subject or "").lower())) & set(PHOTOREAL_SUBJECTS)
    if plan.subject and not subject:
        return True  # an unknown subject in a photoreal setting ("a golden retriever on a beach")
    nouns = subject | (set(re.findall(r"[a-z]+", (plan.action or "").lower())) & set(PHOTOREAL_SUBJECTS))
    return not nouns <= DRAWABLE


def undrawn_elements(prompt: str) -> list[str]:
    """Things the prompt names (outside quoted text) that the environments cannot draw, in prompt order, so the
    output text can say they are missing instead of implying they are there ("flying cars" over a neon city)."""
    unquoted = _QUOTED.sub(" ", prompt.lower())
    words = re.findall(r"[a-z]+", unquoted)
    missing: list[str] = []
    for i, word in enumerate(words):
        if i + 1 < len(words) and words[i + 1] in ORG_NOUNS:
            continue  # "a coffee brand": what a brand sells, not a thing the shot shows
        if word in PHOTOREAL_SUBJECTS and word not in DRAWABLE:
            phrase = f"{words[i - 1]} {word}" if i and words[i - 1] not in _FILLER else word
            if phrase not in missing:
                missing.append(phrase)
    return missing


_FILLER = {"a", "an", "the", "and", "with", "of", "in", "on", "at", "to", "some", "many", "its", "their"}


def frames(request: EngineRequest, plan: ShotPlan, picture: Picture) -> Iterator[np.ndarray]:
    duration = request.frame_count / request.fps
    for i in range(request.frame_count):
        t = i / request.fps
        yield picture.frame(i, t, camera_for(plan, t, duration, request.seed))


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    width, height = request.size
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, duration_s=duration)
    refuse_undrawable_text(plan.texts, "text_to_video")  # before any rendering: no empty boxes
    cards = cards_for(plan, duration, common.request_rng(request, "titles"))
    words = scene_words(plan)
    look = look_for(words)
    palette = palette_named(plan.palette)
    rng = common.request_rng(request, "backdrop")
    animatic = needs_animatic(plan)
    if animatic:
        board = Storyboard(plan, words, palette, rng, (width, height), duration, cards, request.seed)
        stream = board.frames(request.frame_count, request.fps)
    else:
        picture = Picture(words, palette, rng, (width, height), cards, look=look,
                          camera=lambda t: camera_for(plan, t, duration, request.seed))
        stream = frames(request, plan, picture)
    cues = tuple(sorted({c.start_s for c in cards} | {b.start_s for b in plan.beats if b.start_s > 0}))
    audio = functools.partial(soundtrack, plan, duration, common.request_rng(request, "audio"), cues=cues)
    common.encode(request, ctx, output_path, stream, audio)
    notes = []
    if animatic:
        notes.append(
            "The prompt describes photoreal subjects the builtin engine cannot draw"
            + (f" ({plan.subject})" if plan.subject else "")
            + ". This video is a clearly labelled ANIMATIC of the shot plan (a storyboard panel per beat with its "
            "description, the camera move, the palette, the titles as they would appear, and the music), not a "
            "render of them. Use a diffusers or upstream engine for a photoreal result."
        )
    else:
        layouts = ", ".join(f'"{c.text}" as {c.layout.replace("_", " ")} ({c.reveal} reveal)' for c in cards)
        notes.append(
            f"Rendered as procedural motion design: a stylised {look.kind} environment ({look.tod} light"
            + (f", {look.particles}" if look.particles else "")
            + (", film grain" if look.grain else "") + (", scanlines" if look.scanlines else "")
            + ") with parallax camera"
            + (f"; on-screen text is drawn exactly as quoted: {layouts}." if layouts else ".")
        )
        missing = undrawn_elements(request.prompt)
        if missing:
            notes.append(
                "Not drawn: " + ", ".join(missing) + ". The builtin engine draws environments, light and type, not "
                "these; use a diffusers or upstream engine to see them."
            )
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="text_to_video", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
