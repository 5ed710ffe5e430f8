"""Time phrases of an edit instruction ("[2-5s]", "for the first 3 seconds", "in the last 2 seconds", "at the end",
"after 2 seconds", "over 2 seconds") read into a Span, and a Span resolved against a clip's duration.

A span is kept symbolic ("the last 2 seconds") until the engine knows which clip it applies to: trims speak about
the source, overlays about the edited clip, and the two differ once a trim or speed change has run.
Every pattern is linear on any input: an instruction is untrusted text.
"""

from __future__ import annotations

import dataclasses
import re

from omnireel.errors import CapabilityMissing

AT_EDGE_S = 2.0  # "at the end" / "at the start" without a length: the last / first 2 seconds

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "a": 1, "an": 1, "half a": 0.5, "half an": 0.5, "a half": 0.5, "one and a half": 1.5, "a second and a half": 1.5,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}
# Longest alternatives first, so "one and a half" is not read as "one".
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
NUM = rf"(?:\d{{1,3}}(?:\.\d{{1,3}})?|{_WORDS})"
UNIT = r"(?:s|secs?|seconds?)\b"
_N_UNIT = rf"({NUM})\s?-?\s?{UNIT}"  # "2s", "2 s", "2 seconds", "2-second", "a second"


def number(text: str) -> float:
    """A number as written in an instruction: digits or words ("two", "half a", "a couple of")."""
    text = " ".join(text.split())
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    return float(text)


@dataclasses.dataclass(frozen=True)
class Span:
    """A time range in words. kind: whole | first | last | range | from | until | for | at_start | at_end |
    half (a=0: first half, a=1: second half). `a` and `b` are seconds (or the half index); `explicit` is False
    for an op's default range (the whole clip for most ops)."""

    kind: str = "whole"
    a: float = 0.0
    b: float = 0.0
    explicit: bool = True

    def resolve(self, duration: float, *, anchor: str = "start", what: str = "the edit") -> tuple[float, float]:
        """(start, end) seconds within a clip of `duration` seconds. `anchor` places a bare length ("over 2
        seconds") at the clip's start or end. Ranges beyond the clip are clipped to it; a range that starts at or
        after its end is refused, naming it (a silent no-op would read as a result)."""
        d = float(duration)
        k, a, b = self.kind, self.a, self.b
        if k == "whole":
            s, e = 0.0, d
        elif k in ("first", "at_start") or (k == "for" and anchor == "start"):
            s, e = 0.0, min(d, a)
        elif k in ("last", "at_end") or (k == "for" and anchor == "end"):
            s, e = max(0.0, d - a), d
        elif k == "half":
            s, e = (0.0, d / 2) if a == 0 else (d / 2, d)
        elif k == "from":
            s, e = a, d
        elif k == "until":
            s, e = 0.0, min(d, a)
        elif k == "slot":  # slot a of b equal parts (several texts with no times of their own)
            s, e = d * a / b, d * (a + 1) / b
        else:  # range
            s, e = a, min(d, b)
        if e - s <= 1e-6:
            raise CapabilityMissing(
                f"The time range of {what} ({self.words()}) lies outside the clip, which is {d:g} s long; "
                "give a range inside it."
            )
        return s, e

    def words(self) -> str:
        k, a, b = self.kind, self.a, self.b
        return {
            "whole": "the whole clip",
            "first": f"the first {a:g} s",
            "last": f"the last {a:g} s",
            "at_start": f"the start (first {a:g} s)",
            "at_end": f"the end (last {a:g} s)",
            "for": f"{a:g} s",
            "half": "the first half" if a == 0 else "the second half",
            "from": f"from {a:g} s to the end",
            "until": f"the start to {a:g} s",
            "slot": f"part {a + 1:g} of {b:g}",
        }.get(k, f"{a:g}-{b:g} s")


WHOLE = Span("whole", explicit=False)

_TIMECODE = r"(\d{1,2}):(\d{2}(?:\.\d{1,3})?)"
_OF_CLIP = r"(?:\sof\s(?:the|it|this)(?:\s(?:video|clip|footage))?)?"  # "... of the video"
_LEAD_IN = r"\b(?:for|during|in|over|within|across|of)?\s?(?:the\s)?(?:very\s)?"
# Ordered: ranges before their parts ("from 2 to 5 seconds" before "from 2 seconds").
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("range", re.compile(rf"[\[(]\s?({NUM})\s?(?:{UNIT})?\s?(?:-|–|—|to)\s?({NUM})\s?(?:{UNIT})?\s?[\])]:?")),
    ("timecode", re.compile(rf"\b(?:from|between)\s{_TIMECODE}\s(?:to|and|until|till|-)\s{_TIMECODE}\b")),
    ("range", re.compile(rf"\b(?:from|between)\s(?:the\s)?({NUM})\s?(?:{UNIT}\s?)?(?:to|and|until|till|through|-|–)\s"
                         rf"(?:the\s)?({NUM})\s?{UNIT}(?:\smark)?")),
    ("range", re.compile(rf"\b(?:during|for|over|in)?\s?\b({NUM})\s?(?:-|–|to)\s?({NUM})\s?{UNIT}")),
    # "1s-3s", "2 s to 5 s"
    ("range", re.compile(rf"\b({NUM})\s?{UNIT}\s?(?:-|–|to)\s?({NUM})\s?{UNIT}")),
    # "seconds 1 to 3"
    ("range", re.compile(rf"\bseconds?\s({NUM})\s?(?:-|–|to|through)\s?({NUM})\b")),
    ("half", re.compile(rf"\b(?:for|during|in|over|throughout)?\s?(?:the\s)?(first|second|last|latter)\shalf\b{_OF_CLIP}")),
    ("first", re.compile(rf"{_LEAD_IN}(?:first|opening|initial|beginning)\s(?:{_N_UNIT}|(second))")),
    ("last", re.compile(rf"{_LEAD_IN}(?:last|final|closing|ending|remaining)\s(?:{_N_UNIT}|(second))")),
    ("from", re.compile(rf"\b(?:starting|beginning)?\s?(?:at|from|after|past|beyond)\s(?:the\s)?{_N_UNIT}(?:\smark)?"
                        r"(?:\s(?:on|onwards|onward|in))?")),
    ("until", re.compile(rf"\b(?:until|till|up\sto|before|through)\s(?:the\s)?{_N_UNIT}(?:\smark)?")),
    ("for", re.compile(rf"\b(?:for|over|lasting|across)\s(?:the\s)?(?:next\s)?{_N_UNIT}")),
    # A bare length ("3 seconds", "4s", "a 2-second fade"); decades ("70s") are a look, not a length.
    ("for", re.compile(rf"\b(?:an?\s)?(?![2-9]0s\b)({NUM})\s?-?\s?{UNIT}(?:-long|\slong)?")),
    ("at_end", re.compile(r"\b(?:at|by|near|towards?|in|from|off)\s(?:the\s)?(?:very\s)?(?:end|close|finish|"
                          rf"final moments?|outro)\b{_OF_CLIP}|\bas\san\send\scard\b")),
    ("at_start", re.compile(r"\b(?:at|in|near|from|off)\s(?:the\s)?(?:very\s)?(?:start|beginning|opening)\b"
                            rf"{_OF_CLIP}|\bas\san\sintro\b")),
    ("whole", re.compile(r"\b(?:for|during|throughout|across|over)\s(?:the\s)?(?:whole|entire|full|complete)\s"
                         r"(?:video|clip|thing|duration|time|length|footage)\b|\bthroughout\b|\bthe\swhole\stime\b|"
                         r"\ball\sthe\sway\sthrough\b|\bthe\sentire\stime\b")),
)


def _num(g: str | None, default: float = 1.0) -> float:
    return number(g) if g else default


def extract_spans(text: str) -> tuple[list[Span], str]:
    """Every time phrase in `text` (lowercase, single-spaced) as Spans in order, and the text with them blanked
    out (replaced by spaces so positions of the rest stay put)."""
    found: list[tuple[int, Span]] = []
    chars = list(text)
    for kind, pat in _PATTERNS:
        for m in pat.finditer("".join(chars)):
            if not m.group(0).strip():
                continue
            span = _span(kind, m)
            if span is None:
                continue
            found.append((m.start(), span))
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    found.sort(key=lambda p: p[0])
    return [s for _, s in found], "".join(chars)


def _span(kind: str, m: re.Match) -> Span | None:
    g = m.groups()
    if kind == "timecode":
        a = int(g[0]) * 60 + float(g[1])
        b = int(g[2]) * 60 + float(g[3])
        return Span("range", a, b) if b > a else None
    if kind == "range":
        a, b = number(g[0]), number(g[1])
        return Span("range", a, b) if b > a else None
    if kind == "half":
        return Span("half", 0.0 if g[0] == "first" else 1.0)
    if kind in ("first", "last"):
        return Span(kind, _num(g[0]) if g[0] else 1.0)
    if kind in ("from", "until", "for"):
        return Span(kind, number(g[0]))
    if kind in ("at_end", "at_start"):
        return Span(kind, AT_EDGE_S)
    return Span("whole")


def combine(spans: list[Span]) -> Span | None:
    """One span from the time phrases of one clause: "at 2 seconds for 3 seconds" is 2-5 s, "at the end for 3
    seconds" the last 3 s. None when the clause has none; CapabilityMissing when they contradict."""
    if not spans:
        return None
    if len(spans) == 1:
        return spans[0]
    if len(spans) == 2:
        kinds = {s.kind for s in spans}
        length = next((s for s in spans if s.kind == "for"), None)
        other = next((s for s in spans if s is not length), None)
        if length is not None and other is not None:
            if other.kind == "from":
                return Span("range", other.a, other.a + length.a)
            if other.kind == "at_end":
                return Span("last", length.a)
            if other.kind == "at_start":
                return Span("first", length.a)
        if kinds == {"from", "until"}:
            a = next(s.a for s in spans if s.kind == "from")
            b = next(s.a for s in spans if s.kind == "until")
            if b > a:
                return Span("range", a, b)
    raise CapabilityMissing(
        "One part of the edit instruction names several time ranges ("
        + ", ".join(s.words() for s in spans)
        + "); give each change one range, e.g. '[2-5s]' or 'for the first 3 seconds'."
    )
