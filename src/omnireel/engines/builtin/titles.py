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


# --- text_to_video: titles as designed cards -----------------------------------------------------------------

_END_WORDS = ("end card", "end screen", "endcard", "end slate", "final card", "outro", "call to action", "cta", "logo")


def cards_for(plan: ShotPlan, duration_s: float, rng: np.random.Generator) -> list:
    """The schedule as kinetic-type cards: each title's layout comes from where the prompt put it (lower third,
    top), its beat's role (an "end card" beat), the style (minimal → stacked) and its place in the sequence (an
    ad's last title closes on an end card); the reveal from the style, varied by seed."""
    from omnireel.media.motion.kinetic import Card

    titles = schedule(plan, duration_s)
    style = set(plan.style)
    low = plan.prompt.lower()
    if "minimal" in style or "corporate" in plan.palette:
        reveals = ("wipe", "rise")
    elif "cinematic" in style or plan.mood in ("epic", "dramatic", "tense"):
        reveals = ("track", "wipe")
    elif "ad" in style or "social" in style or plan.mood in ("energetic", "upbeat"):
        reveals = ("rise", "scale")
    else:
        reveals = ("rise", "wipe", "scale", "track")
    offset = int(rng.integers(len(reveals)))
    beat_of = {t.text: t.beat for t in plan.texts}
    cards = []
    n = len(titles)
    for i, title in enumerate(titles):
        beat = beat_of.get(title.text)
        desc = plan.beats[beat].description.lower() if beat is not None and beat < len(plan.beats) else ""
        anchor = "center"
        if any(w in desc for w in _END_WORDS) or (n > 1 and i == n - 1 and ("end card" in low or "ad" in style)):
            layout = "end_card"
        elif title.position in ("lower_third", "bottom"):
            layout = "lower_third"
        elif title.position in ("top", "upper_third"):
            layout, anchor = "hero", title.position
        elif "minimal" in style or (n >= 3 and i % 2 == 1):
            layout = "stacked"
        else:
            layout = "hero"
        reveal = "track" if layout == "end_card" else reveals[(i + offset) % len(reveals)]
        cards.append(Card(title.text, title.start_s, title.end_s, layout, anchor, reveal, title.last))
    return cards
