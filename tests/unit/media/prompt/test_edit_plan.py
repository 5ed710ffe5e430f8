"""Edit instructions as users write them → the edit plan the builtin engine applies; and the instructions it must
refuse (needing an understanding of the pixels, or not understood), naming the part, never half-applying."""

from __future__ import annotations

import time

import pytest

from omnireel.errors import CapabilityMissing
from omnireel.media.prompt.edit_plan import parse_edit
from omnireel.media.prompt.edit_time import Span

W = "whole"


def _span(s: Span):
    if s.kind == "whole":
        return W
    if s.kind in ("range", "slot"):
        return (s.kind, s.a, s.b)
    return (s.kind, s.a)


def summary(prompt: str) -> list[tuple]:
    """The plan's ops as short tuples: what a user would check the plan text for."""
    out = []
    for o in parse_edit(prompt).ops:
        k = o.kind
        if k == "text":
            out.append(("text", o.text, o.role, o.position, _span(o.span)))
        elif k == "look":
            out.append(("look", o.look, o.amount, _span(o.span)))
        elif k == "trim":
            out.append(("trim", o.mode, _span(o.span)))
        elif k == "speed":
            out.append(("speed", o.factor))
        elif k == "reverse":
            out.append(("reverse",))
        elif k == "flip":
            out.append(("flip", o.axis))
        elif k == "fade":
            out.append(("fade", o.direction, o.color, _span(o.span)))
        elif k == "audio":
            detail = o.gain_db if o.action == "volume" else o.mood if o.action in ("replace", "add") else None
            out.append(("audio", o.action, detail, _span(o.span)))
        elif k == "aspect":
            out.append(("aspect", o.ratio))
    return out


CORPUS = [
    # on-screen text: quoted exactly (straight, curly or single quotes), role, position, time range
    ("Add the caption 'HELLO WORLD' at the bottom. Keep everything else the same.",
     [("text", "HELLO WORLD", "caption", "bottom", W)]),
    ('Add a title "Summer Sale" in the center for the first 3 seconds.',
     [("text", "Summer Sale", "title", "center", ("first", 3.0))]),
    ('Put "Episode 4" in the top left corner.', [("text", "Episode 4", "title", "top_left", W)]),
    ("Add a lower third 'Jane Doe, CEO' from 1 to 3 seconds",
     [("text", "Jane Doe, CEO", "lower_third", "lower_third", ("range", 1.0, 3.0))]),
    ("Write “Chapter One” at the top [0-2s]", [("text", "Chapter One", "title", "top", ("range", 0.0, 2.0))]),
    ('Add the text "THE END" at the end.', [("text", "THE END", "text", "center", ("at_end", 2.0))]),
    ('Add subtitles "Where are we going?" at the bottom from 0 to 2 seconds and "Home." from 2 to 4 seconds',
     [("text", "Where are we going?", "caption", "bottom", ("range", 0.0, 2.0)),
      ("text", "Home.", "caption", "bottom", ("range", 2.0, 4.0))]),
    ('Add the captions "One", "Two" and "Three" at the bottom',
     [("text", "One", "caption", "bottom", ("slot", 0, 3)), ("text", "Two", "caption", "bottom", ("slot", 1, 3)),
      ("text", "Three", "caption", "bottom", ("slot", 2, 3))]),
    ('Add a small caption "shot on film" in the bottom right corner for the last 2 seconds',
     [("text", "shot on film", "caption", "bottom_right", ("last", 2.0))]),
    ('Add the caption "Don\'t stop" at the bottom', [("text", "Don't stop", "caption", "bottom", W)]),
    ('Add the title "Summer" at the top and the caption "Sale" at the bottom',
     [("text", "Summer", "title", "top", W), ("text", "Sale", "caption", "bottom", W)]),
    # colour and look
    ("Make it black and white.", [("look", "mono", 1.0, W)]),
    ("Convert the video to grayscale and keep everything else the same.", [("look", "mono", 1.0, W)]),
    ("Give it a sepia tone", [("look", "sepia", 1.0, W)]),
    ("Make the colours warmer", [("look", "warm", 1.0, W)]),
    ("Make it slightly cooler", [("look", "cool", 0.5, W)]),
    ("Make it much brighter", [("look", "bright", 1.6, W)]),
    ("Darken the video a little", [("look", "dark", 0.5, W)]),
    ("Increase the contrast", [("look", "contrast_up", 1.0, W)]),
    ("Lower the contrast and make the colors more muted",
     [("look", "contrast_down", 1.0, W), ("look", "desaturate", 1.0, W)]),
    ("Make the colors pop", [("look", "saturate", 1.0, W)]),
    ("Give it a vintage film look", [("look", "vintage", 1.0, W)]),
    ("Apply a cinematic teal and orange grade", [("look", "cinematic", 1.0, W)]),
    ("Make it black and white for the first 2 seconds", [("look", "mono", 1.0, ("first", 2.0))]),
    ("For the last 3 seconds, make it sepia.", [("look", "sepia", 1.0, ("last", 3.0))]),
    ("Make the first half black and white", [("look", "mono", 1.0, ("half", 0.0))]),
    ("[0-2s] sepia [2-4s] black and white",
     [("look", "sepia", 1.0, ("range", 0.0, 2.0)), ("look", "mono", 1.0, ("range", 2.0, 4.0))]),
    # time
    ("Keep only the first 4 seconds", [("trim", "keep", ("first", 4.0))]),
    ("Cut the first 2 seconds", [("trim", "cut", ("first", 2.0))]),
    ("Remove the last second", [("trim", "cut", ("last", 1.0))]),
    ("Trim it to 3 seconds", [("trim", "keep", ("first", 3.0))]),
    ("Cut from 1s to 2s", [("trim", "cut", ("range", 1.0, 2.0))]),
    ("keep only seconds 1 to 3", [("trim", "keep", ("range", 1.0, 3.0))]),
    # cutting or keeping everything on one side of a moment (QA found these refused)
    ("cut everything after 3 seconds", [("trim", "cut", ("from", 3.0))]),
    ("Remove everything after the 3 second mark", [("trim", "cut", ("from", 3.0))]),
    ("cut everything before 2 seconds", [("trim", "cut", ("until", 2.0))]),
    ("drop anything past 4 seconds", [("trim", "cut", ("from", 4.0))]),
    ("End it at 3 seconds", [("trim", "keep", ("until", 3.0))]),
    ("stop the video at 2.5 seconds", [("trim", "keep", ("until", 2.5))]),
    ("Start the clip at 1 second", [("trim", "keep", ("from", 1.0))]),
    ('start the title "HI" at 2 seconds', [("text", "HI", "title", "center", ("from", 2.0))]),  # QA: refused as "only says what to keep"
    ("trim it to 1s-3s", [("trim", "keep", ("range", 1.0, 3.0))]),  # QA: read as two time ranges
    ("Cut the first and last second", [("trim", "cut", ("first", 1.0)), ("trim", "cut", ("last", 1.0))]),
    ("Trim 2 seconds off the end", [("trim", "cut", ("last", 2.0))]),
    ("Keep only [1-3s]", [("trim", "keep", ("range", 1.0, 3.0))]),
    ("Make it slow motion", [("speed", 0.5)]),
    ("Play it at half speed", [("speed", 0.5)]),
    ("Make it 2x faster", [("speed", 2.0)]),
    ("Make it 3 times slower", [("speed", 0.3333)]),
    ("Speed it up by 50%", [("speed", 1.5)]),
    ("Play it backwards", [("reverse",)]),
    ("Reverse the clip and make it black & white", [("reverse",), ("look", "mono", 1.0, W)]),
    # fades
    ("Fade in from black", [("fade", "in", "black", ("first", 1.0))]),
    ("Fade out to black at the end", [("fade", "out", "black", ("last", 1.0))]),
    ("Fade in and out", [("fade", "in", "black", ("first", 1.0)), ("fade", "out", "black", ("last", 1.0))]),
    ("Fade to white over the last 2 seconds", [("fade", "out", "white", ("last", 2.0))]),
    ("Add a 2-second fade in from white", [("fade", "in", "white", ("first", 2.0))]),
    # sound
    ("Mute the audio", [("audio", "mute", None, W)]),
    ("Remove the sound for the first 2 seconds", [("audio", "mute", None, ("first", 2.0))]),
    ("Replace the music with something upbeat", [("audio", "replace", "upbeat", W)]),
    ("Swap the soundtrack for calm piano music", [("audio", "replace", "calm", W)]),
    ("Add some epic background music", [("audio", "add", "epic", W)]),
    ("Lower the volume by half", [("audio", "volume", -6.0, W)]),
    ("Make it a bit louder", [("audio", "volume", 3.0, W)]),
    ("Fade out the music at the end", [("audio", "fade_out", None, ("last", 1.5))]),
    # frame
    ("Make it vertical", [("aspect", "9:16")]),
    ("Convert it to 9:16 for TikTok", [("aspect", "9:16")]),
    ("Make it square", [("aspect", "1:1")]),
    ("Reframe to landscape 16:9", [("aspect", "16:9")]),
    ("Mirror the video horizontally", [("flip", "horizontal")]),
    ("Flip it upside down", [("flip", "vertical")]),
    # several at once, politely
    ('Please make it black and white, slow it down to half speed and add the title "Memories" at the top. Keep '
     "everything else exactly the same.",
     [("look", "mono", 1.0, W), ("speed", 0.5), ("text", "Memories", "title", "top", W)]),
    ("Can you cut the first second, then fade in from black?",
     [("trim", "cut", ("first", 1.0)), ("fade", "in", "black", ("first", 1.0))]),
    ("I'd like the video to be warmer and a bit brighter, thanks!",
     [("look", "warm", 1.0, W), ("look", "bright", 0.5, W)]),
    ("Make it black and white, but only for the first 2 seconds", [("look", "mono", 1.0, ("first", 2.0))]),
    # QA's phrasings: hyphenated compounds and lists of mood adjectives were refused (the "and" or the comma was
    # read as a clause break); the rest are the everyday ways of asking for the same ops.
    ("Make it black-and-white.", [("look", "mono", 1.0, W)]),
    ("Make it Black-And-White", [("look", "mono", 1.0, W)]),
    ("Replace the music with tense, dramatic music.", [("audio", "replace", "dark", W)]),
    ("Replace the music with tense and dramatic music", [("audio", "replace", "dark", W)]),
    ("Replace the music with something tense and dramatic.", [("audio", "replace", "dark", W)]),
    ("Add calm, dreamy piano music", [("audio", "add", "calm", W)]),
    ("Replace the music with upbeat, fun and happy music, and make it brighter",
     [("audio", "replace", "upbeat", W), ("look", "bright", 1.0, W)]),
    ("Replace the music with something calm and slow it down", [("audio", "replace", "calm", W), ("speed", 0.5)]),
    ("make it b&w", [("look", "mono", 1.0, W)]),
    ("black & white", [("look", "mono", 1.0, W)]),
    ("monochrome", [("look", "mono", 1.0, W)]),
    ("make it greyscale", [("look", "mono", 1.0, W)]),
    ("grayscale please", [("look", "mono", 1.0, W)]),
    ("sepia-toned", [("look", "sepia", 1.0, W)]),
    ("slow-mo", [("speed", 0.5)]),
    ("slo-mo", [("speed", 0.5)]),
    ("slow motion at half speed", [("speed", 0.5)]),
    ("2x speed", [("speed", 2.0)]),
    ("speed it up 2x", [("speed", 2.0)]),
    ("make it play backwards", [("reverse",)]),
    ("fade to black at the end", [("fade", "out", "black", ("last", 1.0))]),
    ("add a fade in", [("fade", "in", "black", ("first", 1.0))]),
    ("fade in-and-out", [("fade", "in", "black", ("first", 1.0)), ("fade", "out", "black", ("last", 1.0))]),
    ("mute it", [("audio", "mute", None, W)]),
    ("turn the volume down a bit", [("audio", "volume", -3.0, W)]),
    # A square frame, however it is asked for: the engine crops around the subject when it fits and otherwise
    # fits the picture whole over a blurred extension, and its plan line says which (media.ops.refit).
    ("crop it to square", [("aspect", "1:1")]),
]


@pytest.mark.parametrize("prompt,expected", CORPUS, ids=[c[0][:50] for c in CORPUS])
def test_corpus(prompt, expected):
    got = summary(prompt)
    got = [tuple(round(v, 4) if isinstance(v, float) else v for v in op) for op in got]
    assert got == expected


def test_corpus_is_large():
    assert len(CORPUS) >= 40


def test_preserve_statements_are_kept_as_statements_not_ops():
    plan = parse_edit("Add the caption 'HELLO WORLD' at the bottom. Keep everything else the same.")
    assert plan.preserve == ("keep everything else the same",)
    assert len(plan.ops) == 1


PIXEL = [
    "Make the violin invisible. Keep everything else the same.",
    "Remove the person on the left",
    "Replace the sky with a sunset",
    "Change the background to a beach",
    "Make her smile",
    "Make him wear a red hat",
    "Track the dog and keep it centered",
    "Add a dog running across the frame",
    "Make it rain",
    "Turn the car blue",
    "Recolor the jacket to green",
    'Change the title to "Winter Sale"',
    "Make the sky bluer",
    "Brighten the sky",
    "Blur the faces",
]


@pytest.mark.parametrize("prompt", PIXEL)
def test_pixel_understanding_is_refused_by_name(prompt):
    with pytest.raises(CapabilityMissing) as info:
        parse_edit(prompt)
    msg = info.value.message
    assert info.value.code == "capability_missing"
    assert "understanding of what is in the picture" in msg and "edit" in msg
    assert "Builtin edits can:" in msg
    first = prompt.split(".")[0].split(" and ")[0].lower()
    assert f"'{first}" in msg.lower()  # names the part (quoted text as written)


def test_pixel_refusal_points_at_the_engine_that_can_make_the_edit():
    # Only the upstream engine edits with an understanding of the picture; the diffusers engine refuses every
    # edit (400), so a message offering it sends the user nowhere.
    with pytest.raises(CapabilityMissing) as info:
        parse_edit("Remove the person on the left")
    msg = info.value.message
    assert "upstream engine" in msg and "omnireel-upstream" in msg and "OMNIREEL_UPSTREAM_API_KEY" in msg
    assert "diffusers" not in msg


def test_extend_refusal_of_new_action_points_at_the_upstream_engine():
    # extend.py's message text (the builtin extend refuses new action; the diffusers engine does no extend).
    from omnireel.engines.builtin.extend import refuse_new_action
    from omnireel.media.prompt.parse import parse

    with pytest.raises(CapabilityMissing) as info:
        refuse_new_action(parse("then the dog jumps into the pool"))
    msg = info.value.message
    assert "omnireel-upstream" in msg and "OMNIREEL_UPSTREAM_API_KEY" in msg and "diffusers" not in msg


@pytest.mark.parametrize("prompt,part", [
    ("Make it black and white and remove the logo", "'remove the logo'"),  # never half-applied
    ("Make it brighter and stabilize it", "'stabilize it'"),
    ("Zoom in on the singer", "'zoom in on the singer'"),
    ("Make it look better", "'make it look better'"),
])
def test_anything_not_understood_fails_the_whole_edit(prompt, part):
    with pytest.raises(CapabilityMissing) as info:
        parse_edit(prompt)
    assert part in info.value.message


@pytest.mark.parametrize("prompt,words", [
    ("Keep everything else the same", "names no change"),
    ("", "names no change"),
    ("Add a caption saying hello", "in quotes"),
    ("Make it black and white but keep the red dress in color", "keep colour"),
    ("make it black and white but keep the colours vivid", "keep colour"),  # QA: applied greyscale anyway
    ("Remove the music but keep the dialogue", "cannot separate voices"),
    ("Make it 4:3", "16:9, 9:16 or 1:1"),
    ("Speed up the first 2 seconds", "whole clip"),
    ("Make it 20x faster", "between 0.25x and 4x"),
    ("Make it slow motion and 2x faster", "more than one speed"),
    ('"HELLO"', "did not understand"),
    ("Cut 2 seconds", "not where"),
])
def test_specific_refusals(prompt, words):
    with pytest.raises(CapabilityMissing) as info:
        parse_edit(prompt)
    assert words in info.value.message


def test_quoted_text_is_verbatim_and_never_read_as_instructions():
    plan = parse_edit('Add the title "Make it black and white, slow motion" at the top')
    assert [(o.kind, o.text) for o in plan.ops] == [("text", "Make it black and white, slow motion")]


@pytest.mark.parametrize("hostile", ["'" * 20000, '"' * 20000, "[1-" * 6000, "fade " * 4000, "a second " * 2500,
                                     "make it brighter " * 1200, "1 " * 10000])
def test_parsing_is_fast_on_hostile_input(hostile):
    start = time.perf_counter()
    try:
        parse_edit(hostile)
    except CapabilityMissing:
        pass
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("prompt,colour", [
    ('Add the title "SALE" in red', "red"),
    ('Add a yellow caption "Hello" at the bottom', "yellow"),
    ('Put "OPEN" at the top in gold letters', "gold"),
    ('Add the text "A" coloured blue', "blue"),
    ('Add the title "NOIR" in black', "black"),
    ('Add the title "X"', None),
])
def test_text_colour_is_read(prompt, colour):
    (op,) = parse_edit(prompt).ops
    assert op.kind == "text" and op.color == colour


def test_black_and_white_after_a_quote_is_a_look_not_a_text_colour():
    ops = parse_edit('Add "Hi" in black and white').ops
    assert [(o.kind, getattr(o, "color", None)) for o in ops] == [("text", None), ("look", None)]
