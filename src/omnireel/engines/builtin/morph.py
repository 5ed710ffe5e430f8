"""image_to_video with a first and a last frame: both images are fitted to the output (blurred fill, never
stretched) and joined by an optical-flow morph that starts exactly on the first and ends exactly on the last.
Two different scenes (no motion turns one into the other) are joined by a transition instead: a morph between
them would only smear one into the other."""

from __future__ import annotations

import functools

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.engines.builtin.titles import KineticTitles
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.media.ops import transitions
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


DRIFT = 0.06  # how far the camera drifts in on the first image and settles from on the last, across a scene change


class SceneChange:
    """Two unrelated images joined by a transition at mid-clip: the camera drifts in on the first (from exactly
    the image), the transition hands over, and it settles on the last (ending exactly on the image). A dissolve
    spans a good part of the clip so it reads as intended; the other transitions keep their own pace."""

    def __init__(self, first: StillShot, last: StillShot, kind: str, n: int, fps: int):
        self.first, self.last, self.kind, self.n = first, last, kind, n
        duration = n / fps
        span = transitions.DURATION_S[kind]
        if kind in ("dissolve", "dip_black", "dip_white"):
            span = max(span, 0.3 * duration)
        self.window = (0.5 - span / duration / 2, 0.5 + span / duration / 2)  # of the clip

    def frame(self, i: int) -> np.ndarray:
        p = i / max(1, self.n - 1)
        a0, a1 = self.window
        if p <= a0 or p >= a1:
            return self._shot(p, p >= a1)
        return transitions.apply(self.kind, self._shot(p, False), self._shot(p, True), (p - a0) / (a1 - a0))

    def _shot(self, p: float, last: bool) -> np.ndarray:
        if last:
            return self.last.render(CameraState(zoom=1.0 + DRIFT * (1.0 - ease(p))))
        return self.first.render(CameraState(zoom=1.0 + DRIFT * ease(p)))


def frames(morph, n: int, fps: int, titles: KineticTitles) -> Iterator[np.ndarray]:
    for i in range(n):
        pic = morph.frame(i) if isinstance(morph, SceneChange) else morph.frame(progress(i, n, fps))
        yield titles.apply(pic, i / fps)


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
    shots = [StillShot(images[i], width, height) for i in (first_i, last_i)]
    ctx.progress("analyse", 0.0)
    morph = FlowMorph(*(s.render(CameraState()) for s in shots))
    ctx.progress("analyse", 1.0)
    from omnireel.engines.builtin.i2v import titles_for

    n = request.frame_count
    kind = None
    if not morph.related:
        kind = transitions.named_in(plan.prompt) or "dissolve"
        morph = SceneChange(*shots, kind, n, request.fps)
        picture = morph.frame
    else:
        picture = lambda i: morph.frame(progress(i, n, request.fps))  # noqa: E731 - the morph's own timing
    titles = titles_for(plan, request, lambda t: picture(min(n - 1, max(0, round(t * request.fps)))))
    audio = functools.partial(soundtrack, plan, duration, common.request_rng(request, "audio"), cues=titles.cues)
    common.encode(request, ctx, output_path, frames(morph, request.frame_count, request.fps, titles), audio)
    if kind is not None:
        how = "a cut" if kind == "cut" else f"a {kind.replace('_', ' to ')} transition"
        notes = [
            f"Image {first_i + 1} is the first frame and image {last_i + 1} the last. They show different scenes: "
            "optical flow finds no motion that turns one into the other, and a morph would only smear one into the "
            f"other, so they are joined by {how} while the camera drifts in on the first and settles on the last "
            "(the clip still starts exactly on the first image and ends exactly on the last).",
        ]
    else:
        notes = [
            f"Image {first_i + 1} is the first frame and image {last_i + 1} the last; in between is an optical-flow morph "
            "(the builtin engine interpolates; it does not invent new content between them).",
        ]
    if plan.camera_explicit and kind is None:
        notes.append("The camera stays still so the first and last frames match the images exactly.")
    return EngineOutput(
        video_path=output_path,
        text=describe(plan, task="image_to_video (first and last frame)", duration_s=duration, size=(width, height), notes=notes),
        width=width,
        height=height,
        duration_s=duration,
        fps=request.fps,
    )
