"""Which characters the bundled fonts can draw, read from their `cmap` tables.

The builtin engine promises quoted on-screen text exactly as quoted. A character the font has no glyph for would
come out as an empty box (.notdef), so requests whose on-screen text needs one are refused before rendering.
The table is parsed here (formats 4 and 12, which is what TrueType fonts ship) because fontTools is not a
dependency and Pillow has no API for "does this font map this code point".
"""

from __future__ import annotations

import functools
import struct
from importlib import resources
from typing import Iterable

from omnireel.errors import CapabilityMissing
from omnireel.media.text import FONT_BOLD, FONT_REGULAR

# Code points that only modify the character before them (emoji/text presentation selectors, joiners). When the
# font lacks them they are dropped before drawing: "☀️" is U+2600 U+FE0F and DejaVu draws U+2600.
_MODIFIERS = frozenset([0x200C, 0x200D, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
# Whitespace the text layer normalises or the shaper never draws as a glyph.
_INVISIBLE = frozenset([0x09, 0x0A, 0x0D])
SHOWN = 5  # characters named in a refusal; the rest are counted


def _parse_cmap(data: bytes) -> frozenset[int]:
    """Every code point the font maps to a real glyph (glyph id != 0)."""
    num_tables = struct.unpack_from(">H", data, 4)[0]
    cmap = next(
        off for tag, _, off, _ in (struct.unpack_from(">4sIII", data, 12 + 16 * i) for i in range(num_tables))
        if tag == b"cmap"
    )
    n_sub = struct.unpack_from(">H", data, cmap + 2)[0]
    covered: set[int] = set()
    for i in range(n_sub):
        platform, encoding, off = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) not in ((0, 3), (0, 4), (3, 1), (3, 10)):
            continue  # Unicode subtables only
        sub = cmap + off
        fmt = struct.unpack_from(">H", data, sub)[0]
        if fmt == 4:
            seg = struct.unpack_from(">H", data, sub + 6)[0] // 2
            ends = struct.unpack_from(f">{seg}H", data, sub + 14)
            starts = struct.unpack_from(f">{seg}H", data, sub + 16 + 2 * seg)
            deltas = struct.unpack_from(f">{seg}h", data, sub + 16 + 4 * seg)
            ro_at = sub + 16 + 6 * seg
            offsets = struct.unpack_from(f">{seg}H", data, ro_at)
            for k in range(seg):
                for c in range(starts[k], min(ends[k], 0xFFFE) + 1):
                    if offsets[k] == 0:
                        gid = (c + deltas[k]) & 0xFFFF
                    else:
                        gid = struct.unpack_from(">H", data, ro_at + 2 * k + offsets[k] + 2 * (c - starts[k]))[0]
                        gid = (gid + deltas[k]) & 0xFFFF if gid else 0
                    if gid:
                        covered.add(c)
        elif fmt == 12:
            n_groups = struct.unpack_from(">I", data, sub + 12)[0]
            for g in range(n_groups):
                start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * g)
                covered.update(range(start + (glyph == 0), end + 1))
    return frozenset(covered)


@functools.lru_cache(maxsize=None)
def coverage() -> frozenset[int]:
    """Code points every bundled text font draws (titles are bold, storyboard notes regular)."""
    sets = []
    for name in (FONT_BOLD, FONT_REGULAR):
        sets.append(_parse_cmap(resources.files("omnireel.media").joinpath("fonts", name).read_bytes()))
    return frozenset.intersection(*sets)


def drawable_text(text: str) -> str:
    """`text` as it is drawn: modifiers the font has no glyph for (emoji presentation selectors, joiners) are
    dropped, everything else is kept exactly."""
    cov = coverage()
    return "".join(ch for ch in text if ord(ch) not in _MODIFIERS or ord(ch) in cov)


def legible(text: str, stand_in: str = "…") -> str:
    """`text` for notes that are not promised verbatim (storyboard side notes): each run of characters no
    bundled font can draw becomes `stand_in`, so nothing is drawn as an empty box."""
    cov = coverage()
    out: list[str] = []
    for ch in drawable_text(text):
        if ord(ch) in cov or ord(ch) in _INVISIBLE:
            out.append(ch)
        elif not out or out[-1] != stand_in:
            out.append(stand_in)
    return "".join(out)


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` (deduplicated, in order) no bundled font can draw."""
    cov = coverage()
    out: dict[str, None] = {}
    for ch in drawable_text(text):
        if ord(ch) not in cov and ord(ch) not in _INVISIBLE:
            out.setdefault(ch)
    return list(out)


def refuse_undrawable_text(texts: Iterable, task: str) -> None:
    """Raise CapabilityMissing when any on-screen text (strings or items with `.text`, e.g. a plan's `texts`)
    has characters the bundled fonts cannot draw, naming a few of them and what to do instead."""
    missing: dict[str, None] = {}
    for item in texts:
        for ch in missing_glyphs(getattr(item, "text", item)):
            missing.setdefault(ch)
    if not missing:
        return
    chars = list(missing)
    named = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in chars[:SHOWN])
    more = f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else ""
    raise CapabilityMissing(
        f"The builtin engine cannot draw some characters of the quoted on-screen text: {named}{more}. Its bundled "
        f"font (DejaVu Sans) has no glyphs for them, and it will not draw empty boxes in place of text promised "
        f"exactly as quoted. Remove those characters from the quoted text, or use a generative engine (diffusers "
        f"or upstream) for {task} requests with text in those scripts or emoji."
    )
