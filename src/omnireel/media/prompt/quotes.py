"""Exact on-screen text: the double-quoted spans of a prompt (straight "..." or curly “...”), verbatim."""

from __future__ import annotations

import re

# Straight quotes pair with straight, curly open with curly close; single quotes are left alone because they
# double as apostrophes ("the chef's knife").
_QUOTED = re.compile(r'"([^"\n]{0,200})"|“([^”\n]{1,200})”|„([^“”\n]{1,200})[“”]|«\s?([^»\n]{1,200}?)\s?»')


def quoted_text(prompt: str) -> list[str]:
    """Every double-quoted span in order of appearance, whitespace-trimmed, empty spans dropped, duplicates kept
    once (first occurrence)."""
    out: list[str] = []
    for m in _QUOTED.finditer(prompt or ""):
        text = next(g for g in m.groups() if g is not None).strip()
        text = " ".join(text.split())
        if text and text not in out:
            out.append(text)
    return out
