"""Exact on-screen text: the double-quoted spans of a prompt (straight "..." or curly “...”), verbatim."""

from __future__ import annotations

import re

# Straight quotes pair with straight, curly open with curly close; single quotes are left alone because they
# double as apostrophes ("the chef's knife"). A quote's text never contains its own opening mark, so a run of
# opening marks with no close fails at the next mark instead of scanning 200 characters from each (linear time).
_QUOTED = re.compile(r'"([^"\n]{0,200})"|“([^“”\n]{1,200})”|„([^„“”\n]{1,200})[“”]|«\s?([^«»\n]{1,200}?)\s?»')
# Single-quoted on-screen text ('OPEN STUDIO'), for readers that take it as text too (edits; format phrases): the
# quote opens after a space or the start and closes before a non-word; an apostrophe inside a word ("chef's",
# "Don't") neither opens nor closes one. Bounded, so linear.
SINGLE_QUOTED = re.compile(r"(?<![\w'])'((?:[^'\n]|(?<=\w)'(?=\w)){1,200}?)'(?![\w'])")


def quoted_text(prompt: str) -> list[str]:
    """Every double-quoted span in order of appearance, whitespace-trimmed, empty spans dropped, duplicates kept
    once (first occurrence)."""
    out: dict[str, None] = {}  # ordered and O(1) membership: thousands of quotes stay linear
    for m in _QUOTED.finditer(prompt or ""):
        text = " ".join(next(g for g in m.groups() if g is not None).split())
        if text:
            out.setdefault(text)
    return list(out)
