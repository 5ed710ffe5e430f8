"""Classification time grows linearly with the text: a 200,000-character prompt, ordinary or hostile, is
classified in well under a second."""

from __future__ import annotations

import time

import pytest

from omnireel.safety import classify

_PROSE = ('A bold title card that says "Summer Sale", neon lights, slow push in. Kids playing in the park, '
          "no gore. How to make the perfect latte, step by step. ")


@pytest.mark.parametrize("text", [
    (_PROSE * 2000)[:200_000],
    ("a " * 100_000)[:200_000],  # one long run of one-letter words
    ("b." * 100_000)[:200_000],  # one long spread-out "word"
    ("k*ll " * 40_000)[:200_000],  # masked words
    ("b0mb " * 40_000)[:200_000],  # leetspeak
    ("exclude, " * 25_000)[:200_000],  # negation scopes over one long sentence
    ("kill the kid " * 20_000)[:200_000],  # many rule hits
    "x" * 200_000,
    "ｂｏｍｂ é " * 20_000,
    ("kiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiill " * 6_000)[:200_000],
    ("Go beat up Jane Doe. Sarah Connor is a whore, " * 5_000)[:200_000],  # named-person rules, every sentence
    ("Jane Doe Mary Ann " * 20_000)[:200_000],  # one endless run of capitalised names
], ids=["prose", "letters", "dots", "masks", "leet", "negations", "hits", "one-word", "unicode", "stretched",
        "named", "capitals"])
def test_200k_characters_in_linear_time(text):
    classify("warm up")
    started = time.perf_counter()
    classify(text)
    # ~0.1-0.8 s on this 2-core machine (the upper end under heavy load); a superlinear path takes tens of seconds
    # at this size, so 2 s separates them without failing on a busy machine.
    assert time.perf_counter() - started < 2.0
