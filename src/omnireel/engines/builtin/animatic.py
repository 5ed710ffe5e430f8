"""The labelled animatic overlay: when a prompt describes photoreal subjects the builtin engine cannot draw, the
video is a storyboard of the plan instead (beat captions, camera-move guide, palette), visibly marked as an
animatic on every frame, never passed off as a render of the subject."""

from __future__ import annotations

import textwrap

import cv2
import numpy as np

from omnireel.media.ops.camera_path import CameraState
from omnireel.media.ops.composite import blend
from omnireel.media.prompt.plan import ShotPlan
from omnireel.media.text import fit_text, load_font, render_text_sprite

LABEL = "ANIMATIC · builtin preview, not a photoreal render"


def _caption_lines(plan: ShotPlan, duration: float) -> list[tuple[float, float, str]]:
    if plan.beats:
        return [(b.start_s, b.end_s, f"{b.start_s:g}-{b.end_s:g}s: {b.description}") for b in plan.beats]
    what = " ".join(x for x in (plan.subject, plan.action) if x) or plan.prompt
    cam = plan.camera.kind.replace("_", " ")
    return [(0.0, duration, f"{what} · camera: {cam}")]


class AnimaticOverlay:
    def __init__(self, plan: ShotPlan, width: int, height: int, duration: float):
        self.w, self.h = width, height
        short = min(width, height)
        # Dark yellow-on-black label: clearly a production marker, and not mistaken for the user's titles.
        font = load_font(max(10, short // 28))
        self.label = render_text_sprite([LABEL if width >= height else "ANIMATIC"], font, color=(255, 214, 10), plate=(0, 0, 0, 200), shadow=False)
        self.captions = []
        cap_font_size = max(10, short // 26)
        for start, end, text in _caption_lines(plan, duration):
            wrapped = textwrap.shorten(text, width=160, placeholder="…")
            f, lines = fit_text(wrapped, int(width * 0.9), int(height * 0.16), max_size=cap_font_size, min_size=9, bold=False, max_lines=2)
            sprite = render_text_sprite(lines, f, color=(190, 190, 190), plate=(0, 0, 0, 150), align="left", shadow=False)
            self.captions.append((start, end, sprite))

    def apply(self, frame: np.ndarray, t: float, cam: CameraState) -> np.ndarray:
        m = max(4, min(self.w, self.h) // 40)
        blend(frame, self.label, m, m)
        for start, end, sprite in self.captions:
            if start <= t < end or (t >= start and end >= self.captions[-1][1]):
                blend(frame, sprite, m, self.h - sprite.shape[0] - m)
                break
        # Camera guide: the framing a real camera would take at this moment, drawn as a thin rectangle.
        gw, gh = self.w / (cam.zoom * 1.25), self.h / (cam.zoom * 1.25)
        cx, cy = self.w / 2 + cam.dx * self.w, self.h / 2 + cam.dy * self.h
        box = cv2.boxPoints(((cx, cy), (gw, gh), np.degrees(cam.roll)))
        cv2.polylines(frame, [box.astype(np.int32)], True, (255, 214, 10), max(1, self.h // 360), cv2.LINE_AA)
        return frame
