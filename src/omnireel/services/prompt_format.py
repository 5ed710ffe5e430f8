"""What a prompt says about the output's format and about the task, read from unambiguous phrases only.

Users write "a 4 second vertical video" or "Upscale it to full HD" and expect it to count; a prompt the service
reads no format from while the request's response_format leaves it unset is the "aspect ratio and duration
silently ignored" complaint about the hosted model (omni-behaviour). So:

- read_format: aspect ratio ("9:16", "vertical video", "in portrait", "square format", "widescreen"), duration
  ("4 second video", "10-second clip", "6 seconds long") and resolution ("1080p", "full HD", "4k") phrases.
  A phrase counts only where it can only mean the format (a bare "landscape" or "portrait" is a subject, "2 seconds"
  alone may be a beat); a prompt that names two different values of one field gives neither (reported, not
  guessed). Quoted on-screen text is left out: a title reading "16:9" is text.
- asked_task: "extend" or "upscale" when a follow-up instruction clearly asks for one ("Extend the clip by 4
  seconds", "Make it 4 seconds longer", "Upscale it to 720p"); the wire spec lets the model choose the task from
  the prompt when video_config.task is omitted.

Pure text functions, no I/O; every pattern is bounded (a prompt is untrusted).
"""

from __future__ import annotations

import dataclasses
import re

from omnireel.errors import InvalidArgument
from omnireel.media.prompt.quotes import _QUOTED, SINGLE_QUOTED


_NUMBER_WORDS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUM = r"(\d{1,3}(?:\.\d{1,2})?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?:seconds?|secs?|s)"

# --- aspect ratio -----------------------------------------------------------------------------------------------
_RATIO = re.compile(r"(?<![\d.:])(16|9|1)\s?:\s?(9|16|1)(?![\d:])")
_RATIOS = {("16", "9"): "16:9", ("9", "16"): "9:16", ("1", "1"): "1:1"}
_SHAPES = {"vertical": "9:16", "portrait": "9:16", "landscape": "16:9", "horizontal": "16:9",
           "widescreen": "16:9", "square": "1:1"}
# A shape word counts when a format noun follows it (optionally after a ratio or resolution): "vertical video",
# "portrait 9:16 format", "square 1080p clip". "A portrait of a fisherman" and "a mountain landscape" do not.
_FORMAT_NOUN = (r"(?:videos?|clips?|format|formatted|orientation|aspect|ratio|mode|frame|reels?|shorts?|stor(?:y|ies)|"
                r"ads?|adverts?|commercials?|promos?|animations?|versions?|films?|movies?|teasers?|trailers?|loops?|"
                r"gifs?|cut|edit)")
_SHAPE_PHRASE = re.compile(
    r"\b(vertical|portrait|landscape|horizontal|widescreen|square)"
    r"(?:\s\(?(?:16|9|1)\s?:\s?(?:9|16|1)\)?|\s(?:hd|4k|1080p|720p|360p|full[- ]screen|mobile|social))*"
    rf"\s{_FORMAT_NOUN}\b"
    r"|\b(?:in|as)\s(?:a\s)?(vertical|portrait|landscape|widescreen|square)(?=\s?(?:format|orientation|mode)?\b"
    r"(?:\s?[.,;:!?)]|$|\s(?:format|orientation|mode|and|with|for)\b))"
    r"|\b(widescreen)\b")

# --- duration ---------------------------------------------------------------------------------------------------
# Nouns for the whole video ("shot" and "scene" are left out: in a multi-shot prompt they are parts of it).
_VIDEO_NOUN = (r"(?:videos?|clips?|films?|movies?|spots?|ads?|adverts?|advertisements?|commercials?|promos?|"
               r"animations?|reels?|shorts?|teasers?|trailers?|loops?|gifs?|versions?|timelapses?|time-lapses?)")
_GLUE = r"(?:of|and|then|after|before|with|for|in|on|at|to|from|into|that|which|while|where|when|until)"
_DURATION_PHRASES = (
    # "a 4 second vertical 9:16 video", "10-second clip", "4s ad", "an eight-second-long promo"
    re.compile(rf"\b{_NUM}[\s-]?{_UNIT}(?:[\s-]long)?\s(?:(?!{_GLUE}\b)[\w:'-]{{1,20}}\s){{0,4}}{_VIDEO_NOUN}\b"),
    # "a video 6 seconds long", "make it 6 seconds long", "lasting 5 seconds", "duration of 7 s"
    re.compile(rf"\b{_NUM}[\s-]?{_UNIT}[\s-]long\b"),
    re.compile(rf"\b(?:lasting|lasts|runtime(?:\sof)?|duration(?:\sof)?|duration:)\s?{_NUM}\s?{_UNIT}\b"),
)

_SAID = re.compile(rf"{_NUM}[\s-]?{_UNIT}(?:[\s-]long)?\b")

# --- resolution -------------------------------------------------------------------------------------------------
_TIER_PHRASE = re.compile(
    r"\b(2160p|1080p|720p|360p|4\s?k|ultra[- ]?hd|uhd|full[- ]?hd|fhd|hd"
    r"|8\s?k|2\s?k|1440p|qhd|480p|240p|144p)\b")
_TIER_OF = {"2160p": "4k", "4k": "4k", "uhd": "4k", "ultrahd": "4k", "1080p": "1080p", "fullhd": "1080p",
            "fhd": "1080p", "720p": "720p", "hd": "720p", "360p": "360p"}
_TARGETED = re.compile(r"(?:\bto|\binto|\bin|\bat|->|→)\s?(?:a\s|an\s)?$")
# In a new video's prompt a tier counts only as the output's ("in 4k", "a 1080p video"): "a 4K TV on the wall" or
# "an HD camera" names a thing in the picture. Upscale instructions are about resolution, so any tier counts there.
_FORMAT_AFTER = re.compile(rf"\s?(?:{_VIDEO_NOUN}|resolution|quality|output|render|footage|format)\b")


@dataclasses.dataclass(frozen=True)
class Asked:
    """One format field read from the prompt: the value and the phrase that asked for it."""

    value: object
    phrase: str


@dataclasses.dataclass(frozen=True)
class PromptFormat:
    aspect_ratio: Asked | None = None
    resolution: Asked | None = None
    duration_s: Asked | None = None
    unsupported_resolution: str | None = None  # "8k": a resolution the service does not make, named as a target
    ambiguous: tuple[str, ...] = ()  # sentences for the output text: fields the prompt named twice, differently

    def fields(self) -> dict[str, Asked]:
        return {k: v for k, v in (("aspect_ratio", self.aspect_ratio), ("resolution", self.resolution),
                                  ("duration_s", self.duration_s)) if v is not None}


def unquoted(prompt: str) -> str:
    """The prompt without its quoted on-screen text (double quotes, curly quotes, single-quoted titles)."""
    text = _QUOTED.sub(" ", prompt or "")
    return SINGLE_QUOTED.sub(" ", text)


def _normal(prompt: str) -> str:
    text = unquoted(prompt).replace("’", "'").replace("–", "-").replace("—", "-").replace("‑", "-")
    return " ".join(text.lower().split())


def _number(word: str) -> float:
    return _NUMBER_WORDS[word] if word in _NUMBER_WORDS else float(word)


def _one(found: list[Asked], what: str, show=str) -> tuple[Asked | None, str | None]:
    """The value when every phrase agrees; else none and a sentence saying why nothing was taken."""
    values = list(dict.fromkeys(a.value for a in found))
    if len(values) == 1:
        return found[0], None
    if not values:
        return None, None
    listed = ", ".join(f"{show(a.value)} ('{a.phrase}')" for a in found)
    return None, f"The prompt names more than one {what} ({listed}), so it sets none; say one, or set it in response_format."


def read_aspect(text: str) -> tuple[Asked | None, str | None]:
    found = [Asked(_RATIOS[(m.group(1), m.group(2))], m.group(0).replace(" ", "")) for m in _RATIO.finditer(text)
             if (m.group(1), m.group(2)) in _RATIOS]
    for m in _SHAPE_PHRASE.finditer(text):
        word = m.group(1) or m.group(2) or m.group(3)
        found.append(Asked(_SHAPES[word], m.group(0).strip()))
    found.sort(key=lambda a: text.find(a.phrase))
    return _one(found, "aspect ratio")


def read_duration(text: str) -> tuple[Asked | None, str | None]:
    found: list[tuple[int, Asked]] = []
    taken: list[tuple[int, int]] = []
    for rx in _DURATION_PHRASES:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # the same words read by an earlier pattern
            taken.append(m.span())
            # The phrase shown back is the part that says the length ("4 second", not the whole "4 second
            # vertical 9:16 video").
            said = _SAID.search(m.group(0))
            found.append((m.start(), Asked(_number(m.group(1)), said.group(0) if said else m.group(0))))
    found.sort(key=lambda f: f[0])
    return _one([a for _, a in found], "duration", show=lambda s: f"{s:g} s")


def read_resolution(text: str, anywhere: bool = True) -> tuple[Asked | None, str | None, str | None]:
    """(tier, unsupported target, ambiguity note). Where several tiers are named, the one the prompt points to
    ("from 360p to 1080p", "render it in 4k") is the one asked for. Unless `anywhere`, a tier counts only where it
    is the output's (pointed to, or followed by a word for the video)."""
    found: list[tuple[Asked | None, str, bool]] = []
    for m in _TIER_PHRASE.finditer(text):
        key = re.sub(r"[\s-]", "", m.group(1))
        targeted = bool(_TARGETED.search(text[max(0, m.start() - 8):m.start()]))
        if not (anywhere or targeted or _FORMAT_AFTER.match(text, m.end())):
            continue
        tier = _TIER_OF.get(key)
        found.append((Asked(tier, m.group(1)) if tier else None, m.group(1), targeted))
    targeted = [f for f in found if f[2]]
    pool = targeted if targeted else found
    unsupported = next((phrase for asked, phrase, _ in pool if asked is None), None)
    supported = [asked for asked, _, _ in pool if asked is not None]
    if unsupported and not supported and targeted:
        return None, unsupported, None
    asked, note = _one(supported, "resolution")
    return asked, None, note


def _as_written(asked: Asked | None, prompt: str) -> Asked | None:
    """The phrase as the user wrote it ("full HD", not the lowercased "full hd" it was read from)."""
    if asked is None:
        return None
    pattern = r"\s+".join(re.escape(w) for w in asked.phrase.split())
    m = re.search(pattern, unquoted(prompt).replace("’", "'").replace("–", "-").replace("—", "-"), re.I)
    return dataclasses.replace(asked, phrase=" ".join(m.group(0).split())) if m else asked


def read_format(prompt: str, *, upscale: bool = False) -> PromptFormat:
    """The format phrases of a prompt; `upscale`: an upscale instruction, where any resolution named counts."""
    text = _normal(prompt)
    aspect, a_note = read_aspect(text)
    duration, d_note = read_duration(text)
    resolution, unsupported, r_note = read_resolution(text, anywhere=upscale)
    aspect, duration, resolution = (_as_written(a, prompt) for a in (aspect, duration, resolution))
    return PromptFormat(aspect, resolution, duration, unsupported, tuple(n for n in (a_note, d_note, r_note) if n))


def check_duration(asked: Asked, minimum: float, maximum: float, model: str, roomier: str | None) -> None:
    """A duration read from the prompt gets response_format.duration's range (and the model's): a 400 naming the
    phrase, never a video of another length."""
    s = float(asked.value)
    if minimum - 1e-9 <= s <= maximum + 1e-9:
        return
    more = f", or use {roomier} for longer videos" if roomier and s > maximum else ""
    raise InvalidArgument(
        f"The prompt asks for a {s:g} s video ('{asked.phrase}'); model '{model}' makes videos of {minimum:g} to "
        f"{maximum:g} seconds. Ask for a length in that range (in the prompt or response_format.duration){more}.",
        field="input")


# --- task intent ------------------------------------------------------------------------------------------------
_UPSCALE = re.compile(
    r"\b(?:up-?scal(?:e|es|ed|ing)|up-?res(?:ed|ing)?|super[- ]?resolution|upsampl(?:e|es|ed|ing))\b"
    r"|\b(?:increase|raise|boost|bump\sup|improve|enhance|up)\s(?:the\s|its\s)?resolution\b"
    r"|\bhigher[- ]resolution\b")
_SPEED = re.compile(r"\b(?:slow|slower|slowed|slowing|slo-?mo|speed|faster|sped|half[- ]speed|speed[- ]up)\b")
_EXTEND = re.compile(
    r"\b(?:extend|extends|extending|extension|lengthen|lengthens|prolong|prolongs)\b"
    rf"|\bmake\s(?:it|this|the\s(?:clip|video|shot|scene|footage))\s(?:{_NUM}[\s-]?{_UNIT}\s|a\s(?:bit|little)\s|much\s)?longer\b"
    rf"|\b{_NUM}\s?(?:more|extra|additional)\s{_UNIT}\b"
    rf"|\b(?:another|an\s(?:extra|additional))\s(?:{_NUM}[\s-]?)?{_UNIT}\b"
    r"|\bcontinu(?:e|es|ing)\s(?:the\s|this\s)?(?:shot|clip|video|scene|footage|it|action|story)\b"
    r"|\bkeep\s(?:it\s|the\s(?:shot|clip|video)\s)?going\b|\bcarry\son\b")
# "Make it longer" next to a speed change ("slow it down to make it longer") is an edit, not an extension.


def asked_task(prompt: str) -> str | None:
    """'extend' or 'upscale' when the instruction asks for exactly one of them; None otherwise (an edit). Asking
    for both is a 400: one turn runs one task."""
    text = _normal(prompt)
    up = _UPSCALE.search(text)
    slowed = bool(_SPEED.search(text))
    ext = next((m for m in _EXTEND.finditer(text) if not (slowed and m.group(0).endswith("longer"))), None)
    if up and ext:
        raise InvalidArgument(
            f"The instruction asks both to extend the clip ('{ext.group(0)}') and to upscale it ('{up.group(0)}'); one "
            "turn runs one task. Set generation_config.video_config.task to \"extend\" or \"upscale\" and ask for the "
            "other in a follow-up turn (previous_interaction_id).",
            field="generation_config.video_config.task", code="ambiguous_task")
    if up:
        return "upscale"
    if ext:
        return "extend"
    return None


# Compounds whose "and" is not a clause break.
_COMPOUND = re.compile(r"\bblack\s(?:and|&|n)\swhite\b|\bin\sand\sout\b|\bteal\sand\sorange\b|\bfirst\sand\slast\b")
_CLAUSES = re.compile(r"[.!?;\n]+|,|\band\b|\bthen\b|\balso\b|\bplus\b")
_KEEP = re.compile(r"^\s*(?:please\s)?(?:keep|keeping|preserve|maintain|leave|don't change|do not change|nothing else|"
                   r"everything else|the rest|same)\b")


def edit_clauses(prompt: str) -> list[str]:
    """The clauses of an upscale instruction that are neither the upscale itself, a resolution, nor a 'keep ...'
    statement: the candidates for an edit hiding in it ("... and make it black and white")."""
    out = []
    text = _COMPOUND.sub(lambda m: m.group(0).replace(" ", "_"), _normal(prompt))
    for clause in _CLAUSES.split(text):
        c = clause.replace("_", " ").strip(" -:")
        if not c or _UPSCALE.search(c) or _TIER_PHRASE.search(c) or _KEEP.match(c):
            continue
        out.append(c)
    return out
