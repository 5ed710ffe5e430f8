"""Transition primitives: exact ends, the hand-off at the boundary, and words that name them."""

from __future__ import annotations

import numpy as np
import pytest

from omnireel.media.ops import transitions


def _pair():
    a = np.zeros((90, 160, 3), np.uint8)
    a[:] = (220, 30, 30)
    b = np.zeros((90, 160, 3), np.uint8)
    b[:] = (30, 30, 220)
    return a, b


@pytest.mark.parametrize("kind", transitions.KINDS)
def test_ends_are_exact(kind):
    a, b = _pair()
    assert np.array_equal(transitions.apply(kind, a, b, 0.0), a)
    assert np.array_equal(transitions.apply(kind, a, b, 1.0), b)
    mid = transitions.apply(kind, a, b, 0.5)
    assert mid.shape == a.shape and mid.dtype == np.uint8


def test_boundary_behaviour():
    a, b = _pair()
    assert np.array_equal(transitions.apply("cut", a, b, 0.49), a) and np.array_equal(transitions.apply("cut", a, b, 0.5), b)
    assert abs(int(transitions.apply("dissolve", a, b, 0.5)[0, 0, 0]) - 125) <= 2
    assert transitions.apply("dip_black", a, b, 0.5).max() <= 1
    assert transitions.apply("dip_white", a, b, 0.5).min() >= 254
    w = transitions.apply("wipe", a, b, 0.5)
    assert w[0, 0, 2] > 200 and w[0, -1, 0] > 200  # the incoming shot has covered the left half


def test_words():
    assert transitions.named_in("then a whip pan to the cat") == "whip"
    assert transitions.named_in("hard cut to black coffee") == "cut"
    assert transitions.named_in("fade to black") == "dip_black"
    assert transitions.named_in("a slow push in") is None
    assert transitions.default_for(("ad",), "upbeat", 0) == "whip"
    assert transitions.default_for((), "", 3) == "dissolve"
