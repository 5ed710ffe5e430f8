"""The op readers of the edit parser: each looks at one clause of an edit instruction (its words with time and
position phrases already taken out), appends the ops those words name and blanks the words it used, so what is
left over can be checked for anything not understood. See media.prompt.edit_plan for how clauses are made.
"""

from __future__ import annotations

import dataclasses
import math
import re

from omnireel.errors import CapabilityMissing
from omnireel.media.audio.music import _MOOD_WORDS
from omnireel.media.prompt import edit_vocab as V
from omnireel.media.prompt.edit_ops import AspectOp, AudioOp, FadeOp, FlipOp, LookOp, ReverseOp, SpeedOp, TextOp, TrimOp
from omnireel.media.prompt.edit_time import WHOLE, Span, combine, number

MIN_SPEED, MAX_SPEED = 0.25, 4.0
FADE_S = 1.0  # a fade with no length given
AUDIO_FADE_S = 1.5
TOKEN = re.compile(r"\bqtext(\d{1,4})\b")  # a quoted text, masked out of the instruction


@dataclasses.dataclass
class Clause:
    """One clause of an instruction while it is read."""

    text: str  # as written (lowercase), for messages
    spans: list[Span]
    positions: list[str]
    rest: str  # text with time and position phrases blanked
    preserve: bool = False
    attached: bool = False  # a modifier-only clause given to a neighbour
    ops: list = dataclasses.field(default_factory=list)
    # (role, position) of the text the clause before added: '... at the bottom, and "Home." from 2 to 4 seconds'
    text_context: tuple[str, str] | None = None

    @property
    def modifier_only(self) -> bool:
        """Only a time range or a position ("For the first 3 seconds, ..."): it belongs to a neighbour."""
        return bool(self.spans or self.positions) and not words(self.rest, _CONNECTIVES)


# What may surround a bare time range or position ("and only for the first 3 seconds"); "make it 3 seconds" is an
# instruction of its own, not a modifier.
_CONNECTIVES = frozenset("and then also but only please so just the now even too all of with".split())


class Failure(Exception):
    """A clause that cannot be applied: str() is "pixel" (needs understanding of the picture) or "text"."""


def words(text: str, allowed: frozenset) -> list[str]:
    """The words of `text` that are not in `allowed` (quote tokens always count: text must be placed)."""
    return [w for w in re.findall(r"[a-z0-9_:%'/+-]+", text) if w.strip("'-") and w.strip("'-") not in allowed]


def _blank(text: str, m: re.Match) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]


def _span_for(clause: Clause, *, default: Span = WHOLE) -> Span:
    """The clause's one time range (its phrases combined), or `default` when it names none."""
    return combine(clause.spans) or default


_AMOUNT_MILD = re.compile(r"\b(?:slightly|a\sbit|a\slittle|a\stouch|somewhat|subtly|a\stad|mildly|gently|little|bit)\b")
_AMOUNT_STRONG = re.compile(r"\b(?:much|a\slot|way|very|really|significantly|strongly|heavily|dramatically|lot|"
                            r"super|extremely)\b")


def _amount(text: str) -> float:
    if _AMOUNT_MILD.search(text):
        return 0.5
    if _AMOUNT_STRONG.search(text):
        return 1.6
    return 1.0


def read_text(c: Clause, rest: str, quotes: list[str]) -> str:
    """Quoted text to draw: its role (title, caption, lower third), position, size and time range."""
    tokens = [int(m.group(1)) for m in TOKEN.finditer(rest)]
    if not tokens:
        return rest
    if V.TEXT_CHANGE.search(rest):
        raise Failure("pixel")
    role = next((name for name, pat in V.TEXT_ROLES if pat.search(rest)), None)
    verb = V.TEXT_VERBS.search(rest)
    if role is None and not verb and not c.positions:
        if c.text_context is None:
            return rest  # a quote with nothing saying what to do with it: left over, so not understood
        role, inherited = c.text_context
        c.positions = [inherited]
    elif role is None and c.text_context is not None and not verb:
        role = c.text_context[0]  # '"One" at the top and "Two" at the bottom': the same kind of text
    # How the text comes and goes is the overlay's own short fade, not a fade of the picture.
    rest = _TEXT_FADE.sub(" ", rest)
    positions = c.positions
    if role is None:
        role = "lower_third" if positions[:1] == ["lower_third"] else "title"
    default_pos = {"caption": "bottom", "lower_third": "lower_third"}.get(role, "center")
    position = positions[0] if positions else default_pos
    c.positions = []  # used
    scale = 1.25 if re.search(r"\b(?:big|large|huge|giant|bold)\b", rest) else 0.75 if re.search(
        r"\b(?:small|little|tiny|subtle)\b", rest) else 1.0
    color, rest = _text_colour(rest)
    span = _span_for(c)
    texts = [quotes[i] for i in tokens]
    for i, t in enumerate(texts):
        if len(texts) > 1 and not span.explicit:
            # Several quotes with no times: one after another in equal slots (placed when the length is known).
            s = Span("slot", i, len(texts))
        else:
            s = span
        c.ops.append(TextOp(t, role, position, s, scale, c.text, color=color))
    return TOKEN.sub(" ", rest)


_COLOUR_NAME = r"(white|yellow|golden|gold|orange|red|pink|purple|blue|cyan|green|black|navy)"
_TEXT_NOUN = r"(?:text|title|titles|caption|captions|subtitle|subtitles|letters|lettering|font|type|words|writing|label|headline)"
# "in red", "red text", "coloured red", "the colour yellow"; never "black and white" (a look, not a text colour).
_TEXT_COLOUR = (
    re.compile(rf"\b(?:in|with)\s(?:a\s)?{_COLOUR_NAME}(?:\s(?:colou?r|ink|letters|lettering|text|font))?\b(?!\s(?:and|&)\swhite)"),
    re.compile(rf"\b{_COLOUR_NAME}\s(?:colou?red\s)?(?={_TEXT_NOUN}\b)"),
    re.compile(rf"\b(?:colou?red|colou?r)\s(?:it\s)?{_COLOUR_NAME}\b(?!\s(?:and|&)\swhite)"),
)


def _text_colour(rest: str) -> tuple[str | None, str]:
    """The colour named for the text (a TEXT_COLOURS key) and the rest without it; (None, rest) when none."""
    for pat in _TEXT_COLOUR:
        m = pat.search(rest)
        if m:
            name = m.group(1)
            return ("gold" if name == "golden" else name), rest[: m.start()] + " " + rest[m.end():]
    return None, rest


_TEXT_FADE = re.compile(r"\b(?:that\s|which\s|and\s)?(?:fades?|fading)\s(?:in_and_out|in|out|on|off|away)\b")
_AUDIO_NOUN = (r"(?:(?:original|background|existing|whole|entire)\s)?(?:audio(?:\strack)?|sound(?:track|\strack|s)?|"
               r"music(?:\strack)?|score|song|noise|volume|soundtrack)")
_AUDIO_REPLACE = (
    re.compile(rf"\b(?:replace|swap|change|switch|substitute)\s(?:out\s)?(?:the\s|its\s)?{_AUDIO_NOUN}"
               r"(?:\s(?:with|for|to|into|by))?"),
    re.compile(r"\b(?:new|different|other)\s(?:[a-z-]+\s){0,2}?(?:music|soundtrack|score|song|track|bed|tune)\b"),
    re.compile(r"\b(?:music|soundtrack|score|song)\s(?:[a-z-]+\s){0,2}?instead\b|\binstead\b"),
)
_AUDIO_ADD = re.compile(
    r"\b(?:add|put|include|lay|give\sit|play|use|set\sit\sto)\s(?:in\s)?(?:some\s|a\s|an\s|the\s)?(?:[a-z-]+\s){0,3}?"
    r"(?:background\s)?(?:music|soundtrack|score|song|beat|bed|tune)\b")
_AUDIO_MUTE = (
    re.compile(rf"\b(?:mute|silence)\b(?:\s(?:the\s)?{_AUDIO_NOUN})?"),
    re.compile(rf"\b(?:remove|delete|drop|strip|cut|kill|take\sout|turn\soff|switch\soff|lose|take\saway|disable|"
               rf"get\srid\sof|eliminate)\s(?:out\s)?(?:all\s)?(?:of\s)?(?:the\s|any\s|its\s)?{_AUDIO_NOUN}"),
    re.compile(r"\b(?:no|without)\s(?:any\s)?(?:sound|audio|music)\b"),
    re.compile(r"\bmake\s(?:it|the\svideo|the\sclip)\s(?:silent|mute|muted)\b|\bsilent\b|"
               r"(?<!more\s)\bmuted\b(?!\s(?:colou?rs?|tones?|look|palette|hues?|grade))"),
)
_AUDIO_DOWN = re.compile(
    rf"\b(?:lower|reduce|decrease|turn\sdown|lessen|soften|bring\sdown|quieten)\s(?:the\s)?{_AUDIO_NOUN}"
    r"|\bquieter\b|\bless\sloud\b|\bturn\s(?:it|the\s(?:music|sound|audio|volume))\sdown\b")
_AUDIO_UP = re.compile(
    rf"\b(?:raise|increase|boost|turn\sup|bring\sup|pump\sup|amplify)\s(?:the\s)?{_AUDIO_NOUN}"
    r"|\blouder\b|\bturn\s(?:it|the\s(?:music|sound|audio|volume))\sup\b")
_AUDIO_FADE = re.compile(rf"\bfade\s(?:(out|in)\s)?(?:the\s)?{_AUDIO_NOUN}(?:\s(out|in))?\b")
_GAIN = re.compile(r"\bby\s(?:(half)|(\d{1,2})\s?db|(\d{1,3})\s?(?:%|percent))\b")


def _mood(text: str) -> tuple[str, bool, str]:
    """(mood key, named?, text with every mood word blanked) for a music bed; the first mood word wins."""
    found: list[tuple[int, str]] = []
    low = f" {text} "
    for word, key in V.MOOD_SYNONYMS.items():
        for m in re.finditer(rf"\b{re.escape(word)}\b", low):
            found.append((m.start(), key))
            low = _blank(low, m)
    for key, words_ in _MOOD_WORDS:
        for w in words_:
            w = w.strip()
            # Short words ("ad", "app") only as whole words: "add" is not an ad.
            for m in re.finditer(rf"\b{re.escape(w)}\b" if len(w) <= 3 else rf"\b{re.escape(w)}\w*", low):
                found.append((m.start(), key))
                low = _blank(low, m)
    if not found:
        return "calm", False, text
    return min(found)[1], True, low


def read_audio(c: Clause, rest: str) -> str:
    """Sound ops: a new music bed (instead of the sound, or under it), mute, volume, sound-only fades."""
    for pat in _AUDIO_REPLACE:
        if pat.search(rest) and re.search(r"\b(?:music|soundtrack|score|song|track|bed|tune|audio|sound)\b", rest):
            _whole_only(c, "A new music bed")
            rest = pat.sub(" ", rest)
            mood, named, rest = _mood(rest)
            c.ops.append(AudioOp("replace", mood=mood, mood_named=named, phrase=c.text))
            return rest
    m = _AUDIO_ADD.search(rest)
    if m:
        _whole_only(c, "A new music bed")
        mood, named, rest = _mood(rest)
        c.ops.append(AudioOp("add", mood=mood, mood_named=named, phrase=c.text))
        return _AUDIO_ADD.sub(" ", " ".join(rest.split()))
    m = _AUDIO_FADE.search(rest)
    if m:
        d = "in" if "in" in (m.group(1), m.group(2)) else "out"
        span = _span_for(c, default=Span("first" if d == "in" else "last", AUDIO_FADE_S, explicit=False))
        c.ops.append(AudioOp(f"fade_{d}", span=_edge(span, d, AUDIO_FADE_S), phrase=c.text))
        return _blank(rest, m)
    for pat in _AUDIO_MUTE:
        if pat.search(rest):
            c.ops.append(AudioOp("mute", span=_span_for(c), phrase=c.text))
            return pat.sub(" ", rest)
    for pat, sign in ((_AUDIO_DOWN, -1), (_AUDIO_UP, 1)):
        if pat.search(rest):
            g = _GAIN.search(rest)
            if g and g.group(1):
                db = 6.0
            elif g and g.group(2):
                db = float(g.group(2))
            elif g and g.group(3):
                pct = float(g.group(3)) / 100
                db = abs(20 * math.log10(max(0.05, 1 - pct if sign < 0 else 1 + pct)))
            else:
                db = 6.0 * _amount(rest)
            c.ops.append(AudioOp("volume", gain_db=round(sign * min(db, 24.0), 1), span=_span_for(c), phrase=c.text))
            rest = pat.sub(" ", rest)
            return _GAIN.sub(" ", rest)
    return rest


def _edge(span: Span, direction: str, length: float) -> Span:
    """A fade's range: "at the end" means the last `length` seconds, a bare length sits at its edge."""
    if span.kind == "at_end" or (span.kind == "for" and direction == "out"):
        return Span("last", span.a if span.kind == "for" else length)
    if span.kind == "at_start" or span.kind == "for":
        return Span("first", span.a if span.kind == "for" else length)
    return span


_FADE_OBJ = r"(?:(?:it|the\s(?:video|clip|picture|image|scene|shot)|everything)\s)?"
_FADES = (
    (re.compile(rf"\b(?:a\s)?fade[sd]?\s{_FADE_OBJ}in_and_out(?:\s(?:to|from)\s(black|white))?\b"), "both"),
    (re.compile(rf"\b(?:a\s)?fade[sd]?[- ]?{_FADE_OBJ}(?:in|up)(?:\sfrom\s(black|white))?\b"), "in"),
    (re.compile(rf"\b(?:a\s)?fade[sd]?[- ]?{_FADE_OBJ}(?:out|away|down|off)(?:\s(?:to|into)\s(black|white))?\b"), "out"),
    (re.compile(rf"\b(?:a\s)?fade[sd]?\s{_FADE_OBJ}(?:to|into)\s(black|white)\b"), "out"),
    (re.compile(rf"\b(?:a\s)?fade[sd]?\s{_FADE_OBJ}from\s(black|white)\b"), "in"),
    (re.compile(r"\bdip\sto\s(black|white)\b"), "out"),
)


def read_fade(c: Clause, rest: str) -> str:
    """Fades of picture and sound from or to black or white, at the clip's start or end or over a range."""
    for pat, direction in _FADES:
        m = pat.search(rest)
        if not m:
            continue
        color = next((g for g in m.groups() if g), "black")
        dirs = ("in", "out") if direction == "both" else (direction,)
        span = combine(c.spans)
        for d in dirs:
            default = Span("first" if d == "in" else "last", FADE_S, explicit=False)
            if span is None or (direction == "both" and span.kind != "for"):
                s = default
            else:
                s = _edge(span, d, FADE_S)
            c.ops.append(FadeOp(d, color, s, c.text))
        return _blank(rest, m)
    return rest


_SPEED_NUM = re.compile(r"\b(?:at\s)?(\d{1,2}(?:\.\d{1,2})?)\s?(?:x|×)(?=\s|$)|\b(\d{1,2}(?:\.\d{1,2})?|two|three|four|"
                        r"twice)\stimes\b")
_SPEED_WORD = re.compile(r"\b(half|quarter|double|triple|normal)[- ]?(?:the\s)?speed\b|\b(twice|half)\sas\s(fast|quick|slow)\b")
_SPEED_PCT = re.compile(r"\b(\d{1,3})\s?(?:%|percent)\s(?:speed|of\s(?:the\s)?(?:original\s|normal\s)?speed)\b"
                        r"|\bby\s(\d{1,3})\s?(?:%|percent)")
_SLOW = re.compile(r"\b(?:in\s|into\s|to\s)?(?:slow|slo)[- ]?(?:motion|mo)\b|\bslow\s(?:it\s|the\s(?:video|clip|footage)\s|"
                   r"everything\s)?down\b|\bslower\b|\bslowed\b|\bdecelerate\b")
_FAST = re.compile(r"\bspeed\s(?:it\s|the\s(?:video|clip|footage)\s|everything\s)?up\b|\bfaster\b|\bfast[- ]forward(?:ed)?\b|"
                   r"\btime[- ]?lapse\b|\bhyper[- ]?lapse\b|\bquicker\b|\bsped\sup\b|\baccelerate\b|\bspeedier\b")


def read_speed(c: Clause, rest: str) -> str:
    """One speed factor for the whole clip, from words ("slow motion", "faster"), factors ("2x", "3 times slower",
    "half speed") or percentages ("50% speed", "speed up by 50%")."""
    slow, fast = _SLOW.search(rest), _FAST.search(rest)
    num, word, pct = _SPEED_NUM.search(rest), _SPEED_WORD.search(rest), _SPEED_PCT.search(rest)
    if not (slow or fast or word or ((num or pct) and re.search(r"\bspeed|\bplay|\bat\s", rest))):
        return rest
    factor = None
    if word:
        if word.group(1):
            factor = {"half": 0.5, "quarter": 0.25, "double": 2.0, "triple": 3.0, "normal": 1.0}[word.group(1)]
        else:
            factor = 2.0 if (word.group(2) == "twice") == (word.group(3) != "slow") else 0.5
    elif num:
        n = number(num.group(1) or {"twice": "2"}.get(num.group(2), num.group(2)))
        factor = 1 / n if slow and n > 1 else n
    elif pct:
        p = float(pct.group(1) or pct.group(2)) / 100
        factor = p if pct.group(1) else (1 + p if fast else 1 - p)
    else:
        factor = 0.5 if slow else 2.0
    if factor is None or factor <= 0:
        raise Failure("text")
    _whole_only(c, "A speed change")
    if abs(factor - 1.0) < 1e-6:
        raise CapabilityMissing(f"'{c.text}' asks for normal speed, which is no change; say what to change.")
    if not MIN_SPEED <= factor <= MAX_SPEED:
        raise CapabilityMissing(
            f"'{c.text}' asks for {factor:g}x speed; builtin edits change speed between {MIN_SPEED:g}x and "
            f"{MAX_SPEED:g}x.")
    c.ops.append(SpeedOp(round(factor, 4), c.text))
    for pat in (_SLOW, _FAST, _SPEED_NUM, _SPEED_WORD, _SPEED_PCT):
        rest = pat.sub(" ", rest)
    return rest


_REVERSE = re.compile(r"\b(?:play(?:\s(?:it|the\s(?:video|clip|footage)|everything))?\s)?(?:backwards?|in\sreverse|"
                      r"reversed)\b|\breverse\b(?:\s(?:it|the\s(?:video|clip|footage|playback|order)|playback))?|"
                      r"\brewind(?:\seffect)?\b")
_FLIP = re.compile(r"\b(?:mirror|flip)(?:\s(?:it|the\s(?:video|clip|image|picture|footage)))?(?:\s(horizontally|vertically|"
                   r"upside\sdown|left\sto\sright|side\sto\sside))?\b|\bupside\sdown\b|\bmirror(?:ed)?\simage\b")


def read_reverse_flip(c: Clause, rest: str) -> str:
    """Playing backwards, and mirroring (left to right) or flipping (upside down)."""
    m = _REVERSE.search(rest)
    if m:
        _whole_only(c, "Playing backwards")
        c.ops.append(ReverseOp(c.text))
        rest = _blank(rest, m)
    m = _FLIP.search(rest)
    if m:
        _whole_only(c, "A mirror or flip")
        vertical = "upside" in m.group(0) or "vertically" in m.group(0)
        c.ops.append(FlipOp("vertical" if vertical else "horizontal", c.text))
        rest = _blank(rest, m)
    return rest


_RATIO = re.compile(r"(?<![\d:])(\d{1,2})\s?(?::|x|by)\s?(\d{1,2})(?![\d:])")
_ASPECT_WORDS = (
    (re.compile(r"\b(?:vertical|portrait|upright)\b|\bfor\s(?:instagram\s|youtube\s)?(?:tiktok|reels?|shorts|stories|"
                r"story|snapchat|phones?|mobile)\b"), "9:16"),
    (re.compile(r"\bsquare\b|\bfor\s(?:an\s)?instagram(?:\s(?:feed|post))?\b"), "1:1"),
    (re.compile(r"\b(?:landscape|horizontal|widescreen|wide\sscreen)\b|\bfor\syoutube\b"), "16:9"),
)


def _whole_only(c: Clause, what: str) -> None:
    if c.spans:
        raise CapabilityMissing(
            f"'{c.text}': {what.lower()} applies to the whole clip in builtin edits, not to part of it "
            f"({combine(c.spans).words() if len(c.spans) < 3 else 'a time range'}). Ask for it on the whole clip, or "
            "cut the clip first.")


def read_aspect(c: Clause, rest: str) -> str:
    """An aspect change, as a ratio ("9:16") or in words ("vertical", "square", "for TikTok")."""
    m = _RATIO.search(rest)
    if m and not (1 <= int(m.group(1)) <= 21 and 1 <= int(m.group(2)) <= 21):
        m = None
    if m and re.search(r"\b(?:make|convert|turn|change|crop|reframe|reformat|resize|switch|format|adapt|aspect|ratio|"
                       r"to|into|as|in)\b", rest):
        _whole_only(c, "An aspect change")
        ratio = f"{int(m.group(1))}:{int(m.group(2))}"
        if ratio not in ("16:9", "9:16", "1:1"):
            raise CapabilityMissing(
                f"'{c.text}' asks for a {ratio} frame; builtin edits reframe to 16:9, 9:16 or 1:1.")
        c.ops.append(AspectOp(ratio, c.text))
        return _blank(rest, m)
    for pat, ratio in _ASPECT_WORDS:
        m = pat.search(rest)
        if m:
            _whole_only(c, "An aspect change")
            c.ops.append(AspectOp(ratio, c.text))
            return pat.sub(" ", rest)
    return rest


_COLOURS = r"(?:colou?rs?|tones?|tint|look|grade|feel|hues?|palette|lighting)"
# The whole picture as an object ("brighten the video"); "brighten the sky" is about part of it and is left over.
_WHOLE_OBJ = r"(?:it|everything|the\s(?:video|clip|image|picture|footage|shot|scene|whole\s(?:video|clip|thing)))"
_LOOKS: tuple[tuple[str, re.Pattern], ...] = (
    ("noir", re.compile(r"\b(?:film\s)?noir\b")),
    ("mono", re.compile(r"\bblack_and_white\b|\bmonochrome\b|\bmonochromatic\b|\bgr[ae]y\s?scale\b|\bcolou?rless\b|"
                        rf"\b(?:no|without)\s(?:any\s)?colou?rs?\b|\b(?:remove|drain|strip)\s(?:all\s)?(?:the\s)?colou?rs?\b|"
                        r"\bfully\sdesaturated?\b|\bcompletely\sdesaturated?\b|\bblack\sand\swhite\b")),
    ("sepia", re.compile(r"\bsepia(?:[- ]ton(?:e|ed))?\b")),
    ("vintage", re.compile(r"\bvintage\b|\bold[- ](?:film|movie|footage|timey)\b|\bfilm\slook\b|\bfilmic\b|\bretro\b|"
                           r"\bold[- ]fashioned\b|\bfaded\sfilm\b|\b(?:19)?70s\b|\bsuper\s?8\b|\bhome\smovie\b|\baged\b")),
    ("cinematic", re.compile(r"\bcinematic\b|\bteal_and_orange\b")),
    ("warm", re.compile(rf"\bwarmer\b|\bwarm(?:\s(?:it|things))?\sup\b|\bwarm\s{_COLOURS}|\bmore\s(?:orange|golden|"
                        r"yellow)\b|\bwarm\b")),
    ("cool", re.compile(rf"\bcooler\b|\bcolder\b|\bcool(?:\s(?:it|things))?\sdown\b|\bcool\s{_COLOURS}|\bcold\s{_COLOURS}|"
                        r"\bbluer\b|\bmore\sblue\b|\bblue\stint\b")),
    ("contrast_up", re.compile(r"\b(?:more|higher|stronger|extra)\scontrast\b|\b(?:increase|boost|raise|add|up|enhance|"
                               r"crank\sup|push)\s(?:the\s|some\s)?contrast\b|\bcontrastier\b|\bmore\scontrasty\b|"
                               r"\bpunchier\b|\bpunchy\b")),
    ("contrast_down", re.compile(r"\b(?:less|lower|reduced|softer)\scontrast\b|\b(?:decrease|reduce|lower|soften)\s"
                                 r"(?:the\s)?contrast\b|\bflatter\b|\bflat\slook\b")),
    ("desaturate", re.compile(rf"\bless\ssaturated\b|\bdesaturated?\b|\b(?:decrease|reduce|lower|tone\sdown)\s"
                              rf"(?:the\s)?(?:saturation|colou?rs?|vibrance)\b|\bmuted\s{_COLOURS}|\bmore\smuted\b|"
                              r"\bwashed[- ]out\b|\bless\s(?:colou?rful|vivid|vibrant)\b|\bunsaturated\b")),
    ("saturate", re.compile(rf"\bmore\s(?:saturated|vivid|vibrant|colou?rful)\b|\b(?:increase|boost|raise|up|enhance|"
                            rf"crank\sup|pump\sup)\s(?:the\s)?(?:saturation|colou?rs?|vibrance)\b|\bsaturated?\b|"
                            rf"\bvivid\b|\bvibrant\b|\bricher\s{_COLOURS}|\bcolou?rs?\spop\b|\bpop(?:ping)?\s"
                            rf"colou?rs?\b|\bcolou?rful\b")),
    ("dark", re.compile(rf"\bdarker\b|\bdarken(?:\s{_WHOLE_OBJ})?\b|\bdimmer\b|\bdim(?:\s{_WHOLE_OBJ})?(?:\sdown)?\b|"
                        r"\b(?:decrease|reduce|lower|drop)\s(?:the\s)?(?:brightness|exposure)\b|\bless\s(?:bright|light)\b|"
                        r"\bunderexpose[d]?\b|\bmoodier\b")),
    ("bright", re.compile(rf"\bbrighter\b|\bbrighten(?:\s{_WHOLE_OBJ})?(?:\sup)?\b|\blighter\b|\blighten(?:\s"
                          rf"{_WHOLE_OBJ})?(?:\sup)?\b|\bmore\s(?:light|brightness|exposure)\b|\b(?:increase|raise|boost|"
                          r"lift|up)\s(?:the\s)?(?:brightness|exposure)\b|\boverexpose[d]?\b|\bbright\b")),
)


def read_looks(c: Clause, rest: str) -> str:
    """Colour looks over the whole frame, each with an amount ("slightly", "much") and the clause's time range."""
    span = None
    for look, pat in _LOOKS:
        m = pat.search(rest)
        if not m:
            continue
        if span is None:
            span = _span_for(c)
        c.ops.append(LookOp(look, _amount(rest) if look not in ("mono", "noir") else 1.0, span, c.text))
        rest = pat.sub(" ", rest)
    return rest


_KEEP = re.compile(r"\b(?:keep|use|leave|retain|preserve|show)\s(?:only|just)\b|\b(?:only|just)\s(?:keep|use|show)\b|"
                   r"\bkeep\b|\bonly\b")
_TRIM_TO = re.compile(r"\b(?:trim|cut|shorten|crop|reduce|clip|limit|chop|make)(?:\s(?:it|the\s(?:video|clip)|this))?"
                      r"(?:\sdown)?\sto\b|\bshorten\s(?:it|the\s"
                      r"(?:video|clip))\b")
# "end it at 3 seconds" keeps what comes before; "start the video at 2 seconds" keeps what comes after.
_CLIP = r"(?:\s(?:it|this|the\s(?:video|clip|footage)))?"
_END_AT = re.compile(rf"\b(?:end|stop|finish){_CLIP}\b")
_START_AT = re.compile(rf"\b(?:start|begin){_CLIP}\b")
_MAKE_LENGTH = re.compile(r"\bmake\s(?:it|the\s(?:video|clip))\b")
_CUT = re.compile(r"\b(?:cut|trim|remove|delete|drop|lose|skip|chop|snip|discard)(?:\s(?:off|out|away))?\b|\bget\srid\sof\b|"
                  r"\btake\s(?:out|off|away)\b|\bcrop\sout\b|\bthrow\saway\b")


def read_trim(c: Clause, rest: str) -> str:
    """Trims of the source: keep a range ("keep only the first 4 seconds", "trim it to 3 seconds") or cut one
    ("cut the first 2 seconds", "remove the last second"). Only for clauses that name no other op."""
    if not c.spans or c.ops:
        return rest  # a range on another op is that op's range
    spans = c.spans
    if len(spans) == 2 and any(s.kind == "for" for s in spans) or {s.kind for s in spans} == {"from", "until"}:
        spans = [combine(spans)]
    if len(spans) == 1 and spans[0].kind == "from" and not _CUT.search(rest):
        for pat, keep in ((_END_AT, Span("until", spans[0].a)), (_START_AT, spans[0])):
            m = pat.search(rest)
            if m:
                c.ops.append(TrimOp("keep", keep, c.text))
                c.spans = []
                return _blank(rest, m)
    m = _TRIM_TO.search(rest)
    if m is None and all(s.kind == "for" for s in spans):
        m = _MAKE_LENGTH.search(rest)  # "make it 5 seconds long": a length, kept from the start
    if m:
        for s in spans:
            c.ops.append(TrimOp("keep", Span("first", s.a) if s.kind == "for" else s, c.text))
        c.spans = []
        return _blank(rest, m)
    m = _CUT.search(rest)
    if m:
        if any(s.kind == "for" for s in spans):
            raise CapabilityMissing(
                f"'{c.text}' says how much to cut but not where; say 'the first 2 seconds', 'the last 2 seconds' or "
                "a range such as '[2-4s]'.")
        for s in spans:
            c.ops.append(TrimOp("cut", s, c.text))
        c.spans = []
        return _CUT.sub(" ", rest)
    m = _KEEP.search(rest)
    if m:
        for s in spans:
            c.ops.append(TrimOp("keep", Span("first", s.a) if s.kind == "for" else s, c.text))
        c.spans = []
        return _KEEP.sub(" ", rest)
    return rest
