"""Quoted lines: spoken (voice-over) or written (on-screen text), with speaker and timing in the plan."""

from __future__ import annotations

import pytest

from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import describe


@pytest.mark.parametrize(
    "prompt,speaker",
    [
        ('Slow push in on the cup. The narrator says "Every morning, reinvented."', "narrator"),
        ('Voice-over: "Built for the city."', "narrator"),
        ('VO "Shop now" over the product', "narrator"),
        ('A woman in a cafe. She says "This is my spot."', "female"),
        ('"Hello there," he says, smiling.', "male"),
        ('Dialogue: "We did it!"', "narrator"),
    ],
)
def test_spoken_quotes_become_dialogue_not_text(prompt, speaker):
    p = parse(prompt, duration_s=6)
    assert len(p.dialogue) == 1 and p.dialogue[0].speaker == speaker
    assert p.texts == ()
    assert 0 < p.dialogue[0].start_s < 6


@pytest.mark.parametrize(
    "prompt",
    [
        'text "Run Further" at the bottom',
        'title "NOVA" in the center',
        'A neon sign that says "OPEN" glows',
        'The headline reads "Breaking News"',
        'Kinetic typography "BIG SALE"',
        '"Just the words"',
    ],
)
def test_written_quotes_stay_on_screen(prompt):
    p = parse(prompt)
    assert p.dialogue == () and len(p.texts) == 1


def test_mixed_prompt_and_description():
    prompt = (
        '[0-3s] push in on the sneaker, text "Run Further" at the bottom [3-6s] orbit, narrator says "Made for miles." '
        '[6-8s] end card "Shop Now". Voice-over with subtitles: "Available today."'
    )
    p = parse(prompt, duration_s=8)
    assert [t.text for t in p.texts] == ["Run Further", "Shop Now", "Available today."]
    assert [(d.text, d.beat, d.start_s) for d in p.dialogue][0] == ("Made for miles.", 1, 3.2)
    assert p.dialogue[1].on_screen
    text = describe(p, task="text_to_video", duration_s=8, size=(1280, 720))
    assert 'Voice-over' in text and '"Made for miles." (narrator, from 3.2 s)' in text
