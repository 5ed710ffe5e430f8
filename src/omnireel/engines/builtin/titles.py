"""On-screen titles for every builtin renderer: when each quoted text shows (its beat, or an equal slot), where
(the position the prompt asked for), and how it enters (a short fade and rise, then perfectly still for OCR)."""

from __future__ import annotations

import dataclasses

import numpy as np

from omnireel.engines.builtin.common import ease_out
from omnireel.media.ops.composite import blend, center_position
from omnireel.media.prompt.plan import ShotPlan
from omnireel.media.text import text_sprite_for_frame

FADE_S = 0.35
MIN_HOLD_S = 1.0  # a title is readable (fully opaque and still) for at least this long


@dataclasses.dataclass(frozen=True)
class Title:
    text: str
    start_s: float
    end_s: float
    position: str
    last: bool  # stays to the end of the video (no exit fade)


def schedule(plan: ShotPlan, duration_s: float, *, reserve_end_s: float = 0.0) -> list[Title]:
    """Titles in time order. Quotes inside a timed beat show during that beat; the others share the remaining
    time in equal consecutive slots. `reserve_end_s` keeps the tail free (an end card owns it)."""
    span = max(0.5, duration_s - reserve_end_s)
    timed = [t for t in plan.texts if t.beat is not None and t.beat < len(plan.beats)]
    free = [t for t in plan.texts if t not in timed]
    out: list[Title] = []
    for item in timed:
        b = plan.beats[item.beat]
        out.append(Title(item.text, b.start_s, min(b.end_s, duration_s), item.position, False))
    if free:
        lead = min(0.3, span * 0.05)
        slot = (span - lead) / len(free)
        for i, item in enumerate(free):
            out.append(Title(item.text, lead + i * slot, lead + (i + 1) * slot, item.position, False))
    out.sort(key=lambda t: t.start_s)
    if out and reserve_end_s <= 0:
        last = out[-1]
        out[-1] = dataclasses.replace(last, end_s=duration_s, last=last.end_s >= span - 1.0)
    return out


class TitleTrack:
    """Renders a schedule onto frames; sprites are drawn once and only composited afterwards."""

    def __init__(self, titles: list[Title], width: int, height: int, duration_s: float):
        self.titles = titles
        self.width, self.height, self.duration = width, height, duration_s
        scale = {"center": 1.0, "upper_third": 0.8}
        self._sprites = {
            (t.text, t.position): text_sprite_for_frame(t.text, width, height, scale=scale.get(t.position, 0.7))
            for t in titles
        }

    def apply(self, frame: np.ndarray, t: float) -> np.ndarray:
        for title in self.titles:
            if not (title.start_s <= t < title.end_s or (title.last and t >= title.start_s)):
                continue
            fade_in = ease_out((t - title.start_s) / FADE_S)
            fade_out = 1.0 if title.last else min(1.0, max(0.0, (title.end_s - t) / (FADE_S * 0.75)))
            sprite = self._sprites[(title.text, title.position)]
            x, y = center_position(self.width, self.height, sprite, anchor=title.position)
            y += int(round((1 - fade_in) * self.height * 0.035))
            blend(frame, sprite, x, y, opacity=min(fade_in, fade_out))
        return frame

    @property
    def cues(self) -> tuple[float, ...]:
        return tuple(t.start_s for t in self.titles)
