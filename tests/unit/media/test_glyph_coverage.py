"""Characters the bundled fonts cannot draw are refused before rendering, by name, instead of coming out as empty
boxes under a plan that says the text is drawn exactly as quoted."""

from __future__ import annotations

import random
from importlib import resources

import numpy as np
import pytest
from PIL import ImageFont

from omnireel.engines.base import EngineRequest, MediaInput, SimpleContext
from omnireel.engines.builtin import BuiltinEngine
from omnireel.errors import CapabilityMissing
from omnireel.media.glyphs import _parse_cmap, missing_glyphs
from omnireel.media.text import FONT_BOLD
from tests.unit.engines.conftest import image_path, run_engine  # noqa: F401 (the engine runner fixture)
from tests.unit.media.helpers import layered_product

CJK = 'Title card over a neon city that reads "東京の夜 東京ナイト" and then "서울 2025"'
EMOJI = 'Fun title over an ocean that reads "Summer Vibes 🌊☀️🍹"'


def test_missing_characters_are_named_once_and_emoji_selectors_are_not():
    assert missing_glyphs("東京の夜 東京ナイト") == ["東", "京", "の", "夜", "ナ", "イ", "ト"]
    assert missing_glyphs("서울 2025") == ["서", "울"]
    assert missing_glyphs("Summer Vibes 🌊☀️🍹") == ["🌊", "🍹"]
    # ☀️ is U+2600 + U+FE0F: DejaVu draws the sun; the selector alone is no reason to refuse.
    assert missing_glyphs("Sunny ☀️ Café Ünïcode – €5 Ωmega Привет") == []


def test_cmap_agrees_with_what_pillow_draws():
    """A code point missing from the parsed cmap renders as the .notdef box, and only those do."""
    path = resources.files("omnireel.media").joinpath("fonts", FONT_BOLD)
    covered = _parse_cmap(path.read_bytes())
    font = ImageFont.truetype(str(path), 40, layout_engine=ImageFont.Layout.BASIC)
    box = bytes(font.getmask(chr(0xE000)))  # private use: unmapped in DejaVu
    rng = random.Random(7)
    sample = [c for c in rng.sample(range(0x20, 0x20000), 1500) if not 0xD800 <= c < 0xE000]
    sample += [0x41, 0xE9, 0x20AC, 0x2600, 0x6771, 0xC11C, 0x1F30A]
    wrong = [hex(c) for c in sample if (bytes(font.getmask(chr(c))) == box) == (c in covered)]
    assert not wrong and len(covered) > 5000


def _run(tmp_path, task, prompt, n_images=0):
    media = tuple(
        MediaInput("image", image_path(tmp_path, layered_product(seed=i), f"i{i}.png"), "image/png") for i in range(n_images)
    )
    req = EngineRequest(task=task, prompt=prompt, resolution="360p", duration_s=3, media=media)
    out = tmp_path / "out.mp4"
    with pytest.raises(CapabilityMissing) as err:
        BuiltinEngine().run(req, SimpleContext(scratch_dir=tmp_path), out)
    assert not out.exists()  # refused before rendering anything
    return str(err.value)


@pytest.mark.parametrize(
    "task,prompt,n_images,named",
    [
        ("text_to_video", CJK, 0, ["東", "京", "の", "夜", "ナ"]),
        ("text_to_video", EMOJI, 0, ["🌊", "🍹"]),
        ("text_to_video", 'A chef plating a dish, title "寿司"', 0, ["寿", "司"]),  # the animatic draws titles too
        ("image_to_video", EMOJI, 1, ["🌊", "🍹"]),
        ("image_to_video", CJK, 2, ["東"]),  # first/last-frame morph
        ("reference_to_video", CJK, 3, ["東", "ナ"]),
    ],
)
def test_undrawable_text_fails_with_a_specific_message(tmp_path, task, prompt, n_images, named):
    message = _run(tmp_path, task, prompt, n_images)
    for ch in named:
        assert f"'{ch}' (U+{ord(ch):04X})" in message
    assert "☀" not in message
    assert "Remove those characters" in message and "generative engine" in message
    if prompt == CJK:
        assert message.count("'京'") == 1 and "more" in message  # deduplicated, a few named, the rest counted


def test_emoji_that_the_font_has_renders(run_engine):
    _, out, _ = run_engine(task="text_to_video", prompt='Title "Sunny Days ☀️" over an ocean')
    assert out.video_path.exists() and "Sunny Days ☀️" in out.text


def test_side_notes_replace_characters_the_fonts_lack():
    """Storyboard side notes quote the prompt's words: characters without a glyph become an ellipsis instead of
    empty boxes (only quoted on-screen text is promised verbatim, and that is refused instead)."""
    from omnireel.engines.builtin import animatic
    from omnireel.media.glyphs import legible

    assert legible("a 猫 on a sofa") == "a … on a sofa"
    assert legible("热狗 stand, \u2600\ufe0f day") == "… stand, \u2600\ufe0f day"  # one stand-in a run; ☀️ stays
    assert legible("Café déjà vu") == "Café déjà vu"
    drawn = animatic._text(["a 猫 on a sofa"], 20, (255, 255, 255))
    assert np.array_equal(drawn, animatic._text(["a … on a sofa"], 20, (255, 255, 255)))
