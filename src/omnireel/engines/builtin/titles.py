"""On-screen titles for every builtin renderer: when each quoted text shows (its beat, or an equal slot), where
(the position the prompt asked for), and how it looks. Every renderer draws kinetic typography
(media.motion.kinetic): `cards_for` lays the titles out for text_to_video's motion design, `image_cards` and
`KineticTitles` for pictures (image_to_video, first/last-frame morphs, reference_to_video): lower thirds unless
the prompt places them, end cards for end-card beats, the exact text pixel-still while readable. `TitleTrack`,
the earlier plain captions (a short fade and rise over a dark pill), stays for anything that still wants them."""

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
    timed_ids = {id(t) for t in timed}  # identity, not equality: thousands of quotes stay linear
    free = [t for t in plan.texts if id(t) not in timed_ids]
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
    reveals = _reveals(plan)
    offset = int(rng.integers(len(reveals)))
    beat_of = {t.text: t.beat for t in plan.texts}
    cards = []
    n = len(titles)
    for i, title in enumerate(titles):
        desc = _beat_description(plan, beat_of.get(title.text))
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


def _reveals(plan: ShotPlan) -> tuple[str, ...]:
    """The reveals that suit the plan's style and mood (a card picks one, varied by seed)."""
    style = set(plan.style)
    if "minimal" in style or "corporate" in plan.palette:
        return ("wipe", "rise")
    if "cinematic" in style or plan.mood in ("epic", "dramatic", "tense"):
        return ("track", "wipe")
    if "ad" in style or "social" in style or plan.mood in ("energetic", "upbeat"):
        return ("rise", "scale")
    return ("rise", "wipe", "scale", "track")


# --- image_to_video / reference_to_video: kinetic titles over the user's pictures -------------------------------

_CENTRE_WORDS = ("centered", "centred", "in the center", "in the centre", "middle of", "center of", "centre of")


def _asked_centre(prompt: str, text: str) -> bool:
    """Whether the prompt itself puts this quote in the centre (the parser's default position is also "center")."""
    at = prompt.find(text)
    if at < 0:
        return False
    window = prompt[max(0, at - 25) : at].lower() + prompt[at + len(text) : at + len(text) + 40].lower()
    return any(w in window for w in _CENTRE_WORDS)


def image_cards(plan: ShotPlan, duration_s: float, rng: np.random.Generator, *, reserve_end_s: float = 0.0, end_text: str | None = None) -> list:
    """The schedule as kinetic-type cards over images. The picture is the point, so a title is a lower third
    unless the prompt puts it elsewhere (top, upper third, centred); a quote in an "end card" beat, or the last of
    several when the prompt asks for an end card, is an end card. `end_text` (reference_to_video's closing card)
    takes the reserved tail `reserve_end_s` as an end card of its own."""
    from omnireel.media.motion.kinetic import Card

    titles = schedule(plan, duration_s, reserve_end_s=reserve_end_s)
    reveals = tuple(r for r in _reveals(plan) if r != "scale") or ("rise",)  # a scale pop is loud over a photo
    offset = int(rng.integers(len(reveals)))
    beat_of = {t.text: t.beat for t in plan.texts}
    low = plan.prompt.lower()
    wants_end = any(w in low for w in ("end card", "end screen", "endcard", "end slate", "final card"))
    cards = []
    n = len(titles)
    for i, title in enumerate(titles):
        desc = _beat_description(plan, beat_of.get(title.text))
        anchor = "center"
        if any(w in desc for w in _END_WORDS) or (wants_end and end_text is None and n > 1 and i == n - 1):
            layout = "end_card"
        elif title.position in ("top", "upper_third"):
            layout, anchor = "hero", title.position
        elif title.position == "center" and _asked_centre(plan.prompt, title.text):
            layout = "hero"
        else:
            layout = "lower_third"
        reveal = "track" if layout == "end_card" else reveals[(i + offset) % len(reveals)]
        cards.append(Card(title.text, title.start_s, title.end_s, layout, anchor, reveal, title.last))
    if end_text is not None and reserve_end_s > 0:
        start = max(0.0, duration_s - reserve_end_s)
        cards.append(Card(end_text, start, duration_s, "end_card", "center", "track", True))
    return cards


def image_accent(plan: ShotPlan) -> tuple[int, int, int]:
    """The titles' accent colour (rules, bars, frames) for the plan's palette."""
    from omnireel.media.palette import palette_named

    return tuple(int(c) for c in palette_named(plan.palette).accents[0])


class KineticTitles:
    """Kinetic titles (media.motion.kinetic, as text_to_video draws them) over full-resolution frames: the
    darkening behind each title is computed once at a working resolution, upscaled, and applied only to the rows
    and columns it touches; glyphs are composited at full resolution and hold pixel-still while readable.
    `apply(frame, t)` works in place and returns the frame."""

    def __init__(self, cards: list, width: int, height: int, *, accent=(255, 150, 70)):
        from omnireel.media.motion.compose import working_size
        from omnireel.media.motion.kinetic import KineticTrack

        self.width, self.height = width, height
        self.track = KineticTrack(cards, width, height, accent=accent)
        self.bw, self.bh = working_size(width, height)
        self._scrims: dict[int, tuple[np.ndarray, tuple[int, int, int, int]]] = {}

    @property
    def titles(self) -> list:
        return self.track.titles

    @property
    def cards(self) -> list:
        return [k.card for k in self.track.titles]

    @property
    def cues(self) -> tuple[float, ...]:
        return self.track.cues

    def calibrate(self, sample) -> None:
        """`sample(t)`: the full-resolution picture at time t, before titles. Sets how strongly each title darkens
        the picture behind it (enough that the light type reads over bright pictures, no more)."""
        import cv2

        def small(t: float) -> np.ndarray:
            return cv2.resize(sample(t), (self.bw, self.bh), interpolation=cv2.INTER_AREA)

        if self.track.titles:
            self.track.calibrate(small)

    def _scrim(self, i: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        hit = self._scrims.get(i)
        if hit is None:
            import cv2

            m = self.track.titles[i].scrim(self.bw, self.bh)[..., 0]
            ys, xs = np.nonzero(m)
            if len(xs) == 0:
                hit = (np.zeros((0, 0), np.uint8), (0, 0, 0, 0))
            else:
                sx, sy = self.width / self.bw, self.height / self.bh
                full = cv2.resize(m, (self.width, self.height), interpolation=cv2.INTER_LINEAR)
                x0, y0 = max(0, int((xs.min() - 1) * sx)), max(0, int((ys.min() - 1) * sy))
                x1, y1 = min(self.width, int((xs.max() + 2) * sx) + 1), min(self.height, int((ys.max() + 2) * sy) + 1)
                hit = (np.ascontiguousarray(full[y0:y1, x0:x1]), (x0, y0, x1, y1))
            self._scrims[i] = hit
        return hit

    def darken(self, frame: np.ndarray, t: float) -> None:
        """The scrims of the visible titles, in place: darkening behind light type, lightening behind dark."""
        import cv2

        from omnireel.media.motion.kinetic import apply_scrim

        for i, k in enumerate(self.track.titles):
            p = k.presence(t)
            if p <= 0.002:
                continue
            m, (x0, y0, x1, y1) = self._scrim(i)
            if m.size == 0:
                continue
            apply_scrim(frame[y0:y1, x0:x1], cv2.cvtColor(m, cv2.COLOR_GRAY2RGB), p * k.scrim_strength, k.lighten)

    def visible(self, t: float) -> bool:
        """Whether any title is on screen at time t (else `apply` leaves the frame as it is)."""
        return any(k.visible(t) for k in self.track.titles)

    def apply(self, frame: np.ndarray, t: float) -> np.ndarray:
        if not self.visible(t):
            return frame
        self.darken(frame, t)
        return self.track.draw(frame, t)


def _beat_description(plan, beat: int | None) -> str:
    """The lower-cased description of the beat a title belongs to ("" when it has none)."""
    return plan.beats[beat].description.lower() if beat is not None and beat < len(plan.beats) else ""
