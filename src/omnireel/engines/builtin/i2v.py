"""image_to_video with one image: the still is the subject and starting frame. It is separated into a subject
layer and a background plate (2.5D parallax), reframed for the output's aspect ratio so the subject stays whole
(never stretched), moved by the prompt's camera, lit as the prompt's lighting and style words ask (kept off a
subject the prompt says to preserve), titled, and given a music bed. Two images (first and last frame) are handed
to the morph renderer."""

from __future__ import annotations

import dataclasses
import threading

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.titles import KineticTitles, image_accent, image_cards
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.media.glyphs import refuse_undrawable_text
from omnireel.media.ops import light
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.ops.parallax import LayeredStill, layer_states
from omnireel.media.ops.reframe import Layout, choose_layout
from omnireel.media.ops.segment import Segmentation, segment
from omnireel.media.ops.still import focus_point
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import CameraMove, ShotPlan, describe

# Camera moves over a still travel further than over procedural scenes: a 1.16x push over 8 s barely reads.
STRENGTH = 1.9
SWEEP_SPAN = (0.18, 0.78)  # the light sweep crosses the frame during this part of the clip
# Moves meant to go closer than the framing: they may crop into the subject. Every other move keeps it whole.
GOES_CLOSER = ("push_in", "crash_zoom", "dolly_zoom")
# The most (of the frame's short side) the layers may part at the subject's edge: beyond a thin rim, the soft wash
# the photo has instead of what is behind its subject shows as a blur halo (orbits, dolly zooms, big subjects).
UNCOVER_LIMIT = 0.04
MIN_RELIEF = 0.5  # but at least half the nominal parallax: the background must still read as further away
# Where a pull-out would start cropped into a subject that fills the frame, it may end this much wider than the
# framed shot instead (past the photo's edges, over its extended background), before it is made gentler.
PULL_WIDER = (1.0, 0.9, 0.82)


def refuse_content_changes(plan: ShotPlan, task: str) -> None:
    """Image tasks only move, scale and light the user's pixels; asking to repaint them is refused by name."""
    if plan.content_changes:
        phrase = plan.content_changes[0]
        raise CapabilityMissing(
            f"The builtin engine animates images with camera moves, light and titles, but cannot change what is in "
            f"them (asked: '{phrase}'). Remove that instruction, or use a generative engine (diffusers or upstream) "
            f"for {task} requests that repaint, add or remove content."
        )


def camera_states(plan: ShotPlan, request: EngineRequest, strength: float = STRENGTH, pull_to: float = 1.0) -> list[CameraState]:
    """The subject layer's camera for every frame: the plan's move, eased across the whole clip."""
    return move_states(plan.camera, request.frame_count, request.fps, request.seed, strength, pull_to=pull_to)


def move_states(c: CameraMove, n: int, fps: int, seed: int, strength: float = STRENGTH, start_s: float = 0.0, pull_to: float = 1.0) -> list[CameraState]:
    return [
        camera_at(c.kind, i / max(1, n - 1), direction=c.direction, speed=c.speed, t_s=start_s + i / fps, seed=seed, strength=strength, pull_to=pull_to)
        for i in range(n)
    ]


def ending_at_rest(cams: list[CameraState]) -> list[CameraState]:
    """The move timed to end on the framed image (the camera at rest): as it is when it already ends there (a
    pull-out), played backwards when it starts there (a push-in becomes a pull back onto the image), else eased
    back to rest over its last 40% (pans, orbits, handheld)."""
    rest = CameraState()

    def at_rest(c: CameraState) -> bool:
        return abs(c.zoom - 1) < 1e-6 and abs(c.dx) < 1e-6 and abs(c.dy) < 1e-6 and abs(c.roll) < 1e-6 and c.bg_zoom in (None, 1.0)

    if at_rest(cams[-1]):
        return cams
    if at_rest(cams[0]):
        return cams[::-1]
    n = len(cams)
    out = []
    for i, c in enumerate(cams):
        w = min(1.0, max(0.0, (i / max(1, n - 1) - 0.6) / 0.4))
        w = w * w * (3 - 2 * w)
        out.append(CameraState(
            zoom=c.zoom + (rest.zoom - c.zoom) * w, dx=c.dx * (1 - w), dy=c.dy * (1 - w), roll=c.roll * (1 - w),
            bg_zoom=None if c.bg_zoom is None else c.bg_zoom + (1.0 - c.bg_zoom) * w,
        ))
    return out


def frame_still(image: np.ndarray, seg: Segmentation, size: tuple[int, int], move: CameraMove, n: int, fps: int, seed: int) -> tuple[Layout, float, float]:
    """Layout for the output aspect, the camera strength and where a pull-out ends (`PULL_WIDER`): the move as
    strong as STRENGTH allows while the subject stays wholly inside the frame (through the whole move, except
    for moves that go closer). A pull-out first tries ending wider, then gentler."""
    focus = None if seg.found else focus_point(image)
    h, w = image.shape[:2]
    lay = None
    for strength in (STRENGTH, 1.3, 0.8, 0.4, 0.0):
        for pull_to in PULL_WIDER if (move.kind == "pull_out" and seg.found) else (1.0,):
            cams = move_states(move, n, fps, seed, strength, pull_to=pull_to)[:: max(1, n // 16)]
            lay = choose_layout((w, h), size, subject=seg.bbox if seg.found else None, focus=focus, cams=cams, whole_through_move=move.kind not in GOES_CLOSER)
            if lay.subject_fits:
                return lay, strength, pull_to
    return lay, 0.0, 1.0


def build_still(image: np.ndarray, size: tuple[int, int], move: CameraMove, n: int, fps: int, seed: int, look: light.Look, rng: np.random.Generator) -> tuple[LayeredStill, float]:
    """The per-image work, done once: separation, layout, layers, graded plate. The still's `pull_to` is where
    its pull-out ends (pass it on to `move_states` / `camera_at`)."""
    seg = segment(image)
    lay, strength, pull_to = frame_still(image, seg, size, move, n, fps, seed)
    cams = move_states(move, n, fps, seed, strength, pull_to=pull_to)[:: max(1, n // 16)]
    zmax = max(max(c.zoom, c.bg_zoom or 1.0) for c in cams) * 1.05 + 0.1
    zmin = min(min(c.zoom, c.bg_zoom or 1.0) for c in cams)
    still = LayeredStill(image, lay, seg, look=look, max_zoom=zmax, min_zoom=zmin, rng=rng)
    still.pull_to = pull_to
    if still.found:
        widest = max(still.uncovered_px(c, layer_states(move.kind, c)) for c in cams)
        limit = UNCOVER_LIMIT * min(size)
        still.relief = 1.0 if widest <= limit else max(MIN_RELIEF, limit / widest)
    return still, strength


def sweep_progress(t: float, duration: float) -> float:
    a, b = SWEEP_SPAN
    return (t / max(1e-6, duration) - a) / (b - a)


def picture(still: LayeredStill, kind: str, cams: list[CameraState], fps: int, duration: float, i: int) -> np.ndarray:
    """Frame i without titles (a new array)."""
    t = i / fps
    sweep = sweep_progress(t, duration) if still.look.sweep else None
    return still.render(cams[i], layer_states(kind, cams[i]), t, sweep)


def titles_for(plan: ShotPlan, request: EngineRequest, sample, *, reserve_end_s: float = 0.0, end_text: str | None = None) -> KineticTitles:
    """The plan's quoted text as kinetic titles over the pictures, their darkening calibrated on `sample(t)`
    (the picture at time t; None: the caller calls `calibrate` itself later)."""
    width, height = request.size
    duration = request.frame_count / request.fps
    cards = image_cards(plan, duration, common.request_rng(request, "titles"), reserve_end_s=reserve_end_s, end_text=end_text)
    titles = KineticTitles(cards, width, height, accent=image_accent(plan))
    if sample is not None:
        titles.calibrate(sample)
    return titles


def frames(still: LayeredStill, kind: str, cams: list[CameraState], titles: KineticTitles, fps: int, duration: float) -> Iterator[np.ndarray]:
    """The clip's frames: I420 buffers where the still renders straight to the encoder's format (no title on
    screen, no per-frame effect), RGB frames elsewhere (`common.encode` takes both)."""
    for i in range(len(cams)):
        t = i / fps
        if not titles.visible(t):
            sweep = sweep_progress(t, duration) if still.look.sweep else None
            yuv = still.render_i420(cams[i], layer_states(kind, cams[i]), t, sweep)
            if yuv is not None:
                yield yuv
                continue
        yield titles.apply(picture(still, kind, cams, fps, duration, i), t)


def _background(fn):
    """Start fn() on a daemon thread; the returned callable waits for it and gives its result (or raises its
    error)."""
    box: dict = {}

    def work():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the caller of the result
            box["error"] = exc

    th = threading.Thread(target=work, name="omnireel-soundtrack", daemon=True)
    th.start()

    def result():
        th.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    images = common.load_images(request)
    if not images:
        raise CapabilityMissing("image_to_video needs an image input; none was given.")
    duration = request.frame_count / request.fps
    plan = parse(request.prompt, image_count=len(images), duration_s=duration)
    refuse_undrawable_text(plan.texts, "image_to_video")  # before any rendering: no empty boxes
    refuse_content_changes(plan, "image_to_video")
    roles = common.image_roles(request, plan.roles)
    # One image tagged as the last frame: the camera move ends on it (below), there is nothing to morph from.
    ends_on_image = len(images) == 1 and "last_frame" in roles and "first_frame" not in roles
    if len(images) >= 2 or ("last_frame" in roles and not ends_on_image):
        from omnireel.engines.builtin import morph

        return morph.run(request, ctx, output_path, images, plan, roles)
    width, height = request.size
    image = images[0]
    look = light.look_for(plan)
    ctx.progress("analyse", 0.0)
    # The titles' timing (their cues) does not depend on the picture, so the soundtrack is synthesised on a
    # worker while this thread separates the image: otherwise it would compete with x264 for the cores later.
    titles = titles_for(plan, request, None)
    audio = _background(lambda: soundtrack(plan, duration, common.request_rng(request, "audio"), cues=titles.cues))
    still, strength = build_still(image, (width, height), plan.camera, request.frame_count, request.fps, request.seed, look, common.request_rng(request, "light"))
    ctx.progress("analyse", 1.0)
    cams = camera_states(plan, request, strength, still.pull_to)
    if ends_on_image:
        cams = ending_at_rest(cams)
    kind, n = plan.camera.kind, len(cams)
    titles.calibrate(lambda t: picture(still, kind, cams, request.fps, duration, min(n - 1, max(0, round(t * request.fps)))))
    ctx.check_cancelled()
    common.encode(request, ctx, output_path, frames(still, kind, cams, titles, request.fps, duration), audio, opencv_pool=not still.light_render)
    notes = [
        f"The image is the subject and {'last' if ends_on_image else 'first'} frame: its pixels are only moved and "
        "scaled by the camera, never repainted."
    ]
    if ends_on_image:
        notes.append("The camera move is timed to end on the image as framed, so the clip's last frame is the image.")
    if still.found:
        notes.append(
            "The subject was separated from its background (2.5D parallax): the background moves less than the "
            "subject, and the little it uncovers behind the subject is the surrounding background mirrored in."
        )
        if still.relief < 0.6 and plan.camera.kind != "static":
            notes.append(
                "The depth effect was kept subtle: the photo has nothing behind its subject, so layers parting further "
                "would show a blurred halo around it."
            )
    if still.single:
        notes.append(
            "A likely subject was found, but its outline runs through smooth parts of the image rather than along "
            "clear edges, so the image moves as one layer (no parallax) instead of showing a seam along that outline."
        )
    ih, iw = image.shape[:2]
    if abs((iw / ih) / (width / height) - 1.0) > 0.03:
        whole = "whole at rest; the move then goes closer" if plan.camera.kind in GOES_CLOSER else "kept whole in frame"
        how = f"reframed around the subject ({whole})" if (still.found or still.single) else "fitted whole"
        fill = "" if still.layout.cover else ", with an extended, blurred background where it does not reach"
        notes.append(f"Its aspect ratio differs from the output, so it is {how}{fill} (no stretching).")
    if still.pull_to < 1.0:
        notes.append(
            "The pull-out ends wider than the photo itself, over a soft extension of its background at the edges, "
            "so the subject stays whole in frame from the first frame to the last."
        )
    if strength == 0.0 and plan.camera.kind != "static":
        notes.append(
            f"The camera move ({plan.camera.kind.replace('_', ' ')}) was left out: any such move over this image would "
            "cut off part of the subject, which the builtin engine keeps whole in frame, so the shot holds still."
        )
    elif strength < STRENGTH and plan.camera.kind != "static":
        notes.append("The camera move was made gentler so the subject stays wholly in frame.")
    if still.flat and look.preserve:
        # One preserved layer: nothing is drawn over the photo; only its extension (if any) is graded.
        shown = dataclasses.replace(look, sweep=False, bokeh=False, particles=False, glow=False)
        if shown.any and not still.layout.cover:
            notes.append(f"Light: {shown.words()} on the extended background only; the image itself is kept exactly as it is.")
    elif look.any:
        where = "on the background only; the subject is kept exactly as it is" if look.preserve else "over the frame"
        notes.append(f"Light and atmosphere: {look.words()} ({where}).")
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
