"""Display typography and environments for motion design: balanced exact line breaks, scene words → environment,
deterministic pictures."""

from __future__ import annotations

import numpy as np
import pytest

from omnireel.media.motion.compose import Picture, look_for, working_size
from omnireel.media.motion.environments import choose_kind
from omnireel.media.motion.kinetic import Card, KineticTitle
from omnireel.media.ops.camera_path import CameraState
from omnireel.media.palette import PALETTES
from omnireel.media.text import balanced_lines


@pytest.mark.parametrize(
    "text", ["Nov 28 - Free Entry", "Summer Sale 40% Off", "The best coffee in the whole city since 1999", "Hello", "Open Daily 7am to 9pm"]
)
@pytest.mark.parametrize("box", [(1100, 300), (560, 500), (300, 400)])
def test_lines_are_exact_balanced_and_never_orphan(text, box):
    font, lines = balanced_lines(text, box[0], box[1], max_size=160, max_lines=4)
    assert " ".join(lines) == text
    assert max(font.getlength(line) for line in lines) <= box[0]
    if len(text.split()) >= 4 and len(lines) > 1:
        assert len(lines[-1].split()) > 1, f"orphaned last word: {lines}"


def test_breaks_at_natural_points():
    _, lines = balanced_lines("Nov 28 - Free Entry", 600, 400, max_size=200, max_lines=3)
    assert lines == ["Nov 28 -", "Free Entry"]
    _, lines = balanced_lines("Fresh bread for the whole family", 700, 400, max_size=200, max_lines=3)
    assert not any(line.split()[-1] in ("for", "the") for line in lines[:-1]), lines


@pytest.mark.parametrize(
    "prompt,kind",
    [
        ("neon city night", "city"), ("ocean at noon", "ocean"), ("sunset beach vibes", "ocean"),
        ("deep space starfield", "space"), ("misty forest hills", "forest"), ("product launch, studio light", "studio"),
        ("synthwave retro", "grid"), ("calm abstract gradient", "abstract"), ("hello", "abstract"),
    ],
)
def test_scene_words_pick_the_environment(prompt, kind):
    assert choose_kind(prompt) == kind


def test_picture_is_deterministic_and_titles_hold_still():
    card = Card("Hold Still", 0.2, 3.0, "hero", reveal="rise", last=True)

    def frames(seed):
        pic = Picture("neon city at night", PALETTES["neon"], np.random.default_rng(seed), (640, 360), [card])
        return [pic.frame(i, i / 24, CameraState(zoom=1.0 + i * 0.002)) for i in (30, 60)]

    a, b, c = frames(1), frames(1), frames(2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    # The title block is identical while it holds, although the city behind moves.
    title = KineticTitle(card, 640, 360)
    x0, y0, x1, y1 = (int(v) for v in title.block)
    glyphs = a[0][y0:y1, x0:x1].min(axis=2) > 230
    assert glyphs.sum() > 500 and np.array_equal(glyphs, a[1][y0:y1, x0:x1].min(axis=2) > 230)


def test_working_size_is_small_and_even():
    assert working_size(1280, 720) == (640, 360)
    assert working_size(640, 360) == (640, 360)
    w, h = working_size(2160, 3840)
    assert w % 2 == 0 and h % 2 == 0 and min(w, h) == 540


def test_look_adds_film_effects_for_style_words():
    assert look_for("vintage film grain title").grain and look_for("vintage film").grade == "vintage"
    assert look_for("retro vhs intro").scanlines
    assert look_for("rainy street at night").particles == "rain"
