"""Slurs that are hate speech in themselves, whatever surrounds them.

Stored ROT13-encoded so that this file does not read as a list of slurs in code review, search results or
diffs. It is not secrecy (anyone can decode it); it only keeps the words out of casual sight.
"""

from __future__ import annotations

import codecs

_ENCODED = (
    "avttre avttref avttn avttnf xvxr xvxrf fcvp fcvpf puvax puvaxf tbbx tbbxf jrgonpx jrgonpxf enturnq enturnqf "
    "gbjryurnq gbjryurnqf fnaqavttre snttbg snttbgf genaal genaavrf ornare ornaref cnxv cnxvf xnssve xnssvef "
    "mvccreurnq pbba pbbaf qnexvr qnexvrf"
)
_ENCODED_PHRASES = "cbepu zbaxrl|whatyr ohaal|fnaq avttre|pnzry wbpxrl|qhar pbba"


def slurs() -> tuple[str, ...]:
    """Lexicon entries (matcher.py syntax): single words as one choice slot, then the multi-word ones."""
    words = codecs.decode(_ENCODED, "rot13").split()
    phrases = codecs.decode(_ENCODED_PHRASES, "rot13").split("|")
    return ("|".join(words), *phrases)
