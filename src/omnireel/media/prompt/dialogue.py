"""Spoken or written: decide for each quoted span of a prompt whether it is dialogue (voice-over, narration, a
character's line) or on-screen text, and who speaks it.

The words nearest before the quote decide (`narrator says "..."`, `voice-over: "..."`, `VO "..."`, `she says
"..."`, `dialogue: "..."` are spoken; `text "..."`, `title "..."`, `the sign reads "..."`, `headline "..."` are
written), then a speech verb right after it (`"Hello," she says`). A quote with no cue stays on-screen text: the
engine's promise is exact text, so it never guesses a quote away from the screen.
"""

from __future__ import annotations

import dataclasses
import re

from omnireel.media.prompt.quotes import _QUOTED

_SPOKEN = re.compile(
    r"\b(?:narrator|narration|narrated|voice[- ]?overs?|voiceover|dialogue|dialog|announcer|spoken|"
    r"says?|said|saying|speaks?|speaking|whispers?|whispering|shouts?|shouting|yells?|yelling|asks?|asking|"
    r"announces?|announcing|narrates?|narrating|exclaims?|replies|replying|calls out|murmurs?|mutters?|"
    r"tells (?:us|them|her|him|the \w+)|in a [\w\s-]{0,20}voice)\b|\bV\.?O\.?(?=[\s:,-])",
    re.I,
)
_WRITTEN = re.compile(
    r"\b(?:text|texts|title|titles|titled|reads?|reading|headline|caption|captioned|subtitles?|subtitled|"
    r"lettering|words|tagline|slogan|typography|lower third|end card|card|banner|sign|logo|label|on-screen|"
    r"on screen|appears?|displays?|written|writes?|spells?|shows?)\b",
    re.I,
)
# "a sign that says", "a t-shirt saying": a speech verb whose subject is a surface is writing.
_SURFACE_SAYS = re.compile(
    r"\b(?:sign|banner|poster|screen|card|caption|title|text|label|billboard|shirt|board|logo|headline|neon|"
    r"display|mug|box|package|packaging|note|letter|page|book|cover|sticker|tag|placard|plaque|bottle|wall)s?"
    r"\s+(?:that\s+|which\s+)?(?:says?|said|saying|reads?)\b",
    re.I,
)
_AFTER = re.compile(
    r"^\s*(?:[,.!?]\s*)?(?:(?:she|he|they|the\s+\w+|a\s+\w+|\w+)\s+)?(?:says|said|whispers|shouts|yells|asks|"
    r"announces|narrates|exclaims|replies|calls out|murmurs|mutters)\b",
    re.I,
)
_ALSO_SHOWN = re.compile(r"\b(?:subtitles?|subtitled|captions?|captioned|on-screen|on screen)\b", re.I)
_FEMALE = re.compile(r"\b(?:she|her|woman|women|girl|lady|mother|mom|grandmother|actress|female|queen|sister)\b", re.I)
_MALE = re.compile(r"\b(?:he|him|his|man|men|boy|guy|father|dad|grandfather|actor|male|king|brother)\b", re.I)


@dataclasses.dataclass(frozen=True)
class Quote:
    text: str  # verbatim, whitespace-normalised like quoted_text()
    start: int  # offset of the opening quote mark in the prompt
    spoken: bool
    speaker: str = "narrator"
    shown: bool = True  # drawn on screen (always for written quotes; for spoken ones only when captions are asked)


def classify(prompt: str) -> list[Quote]:
    """Every quoted span, in order, as spoken or written with its speaker."""
    prompt = prompt or ""
    out: list[Quote] = []
    prev_end = 0
    for m in _QUOTED.finditer(prompt):
        text = " ".join(next(g for g in m.groups() if g is not None).split())
        # The cue is in the words between the previous quote (or sentence) and this one.
        window = prompt[max(prev_end, m.start() - 60) : m.start()]
        window = re.split(r"(?<![A-Z])[.!?;]\s|\n", window)[-1]
        prev_end = m.end()
        if not text:
            continue
        spoken = _cue(window)
        after = prompt[m.end() : m.end() + 40]
        if spoken is None:
            hit = _AFTER.match(after)
            spoken = bool(hit) and not _SURFACE_SAYS.search(after[: hit.end()] if hit else "")
            speaker_text = after[: hit.end()] if hit else ""
        else:
            speaker_text = window
        if not spoken:
            out.append(Quote(text, m.start(), False))
            continue
        if _FEMALE.search(speaker_text):
            speaker = "female"
        elif _MALE.search(speaker_text):
            speaker = "male"
        else:
            speaker = "narrator"
        out.append(Quote(text, m.start(), True, speaker, shown=bool(_ALSO_SHOWN.search(window))))
    return out


def _cue(window: str) -> bool | None:
    """True (spoken) / False (written) from the nearest cue word before a quote; None when there is none."""
    if _SURFACE_SAYS.search(window):
        last_surface = max(x.end() for x in _SURFACE_SAYS.finditer(window))
    else:
        last_surface = -1
    spoken = [x.end() for x in _SPOKEN.finditer(window)]
    written = [x.end() for x in _WRITTEN.finditer(window)]
    last_spoken = max(spoken) if spoken else -1
    last_written = max(written + [last_surface]) if (written or last_surface >= 0) else -1
    if last_spoken < 0 and last_written < 0:
        return None
    if last_surface >= last_spoken:
        return False
    if _ALSO_SHOWN.search(window) and last_spoken >= 0:
        return True  # "voice-over with subtitles": spoken, and shown
    return last_spoken > last_written
