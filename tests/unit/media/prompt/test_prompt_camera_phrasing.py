"""Camera phrasing: dolly forward/back, zoom in/out, tracking shots and aerial/drone shots read as the moves the
builtin engine has (push in, pull out, pan), named in the plan instead of the default."""

from __future__ import annotations

import pytest

from omnireel.engines.builtin.t2v import needs_animatic
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import describe


@pytest.mark.parametrize(
    "prompt,kind,direction",
    [
        ("Slow dolly forward through a misty forest", "push_in", None),
        ("Dolly forwards toward the bottle", "push_in", None),
        ("The camera dollies forward along the corridor", "push_in", None),
        ("Dolly in on the cup", "push_in", None),
        ("Dolly back from the table", "pull_out", None),
        ("Slow dolly backwards to reveal the room", "pull_out", None),
        ("Dolly out from the face", "pull_out", None),
        ("Zoom in on the logo", "push_in", None),
        ("Slow zoom-in on the watch", "push_in", None),
        ("Zoom out from the city", "pull_out", None),
        ("Slow zoom out from the face", "pull_out", None),  # was read as "slow zoom" (a push in)
        ("Gentle zoom on the cat", "push_in", None),  # QA: read as the subject "Gentle zoom"
        ("A subtle zoom toward the mountains at dawn", "push_in", None),
        ("Zoom into the product", "push_in", None),
        ("Tracking shot of a runner on a coastal road", "pan", None),
        ("Camera tracking left past the shop windows", "pan", "left"),
        ("Aerial drone shot over a misty forest at sunrise", "push_in", None),
        ("Drone footage of the coastline", "push_in", None),
        ("Aerial view sweeping right over the bay", "pan", "right"),
        ("Bird's-eye view of a busy square", "push_in", None),
        # A move named next to an aerial shot wins over the aerial default.
        ("Aerial shot, slow pan left across the valley", "pan", "left"),
        ("Drone shot, static, of the lighthouse", "static", None),
    ],
)
def test_camera_phrasing(prompt, kind, direction):
    p = parse(prompt)
    assert p.camera_explicit, prompt
    assert (p.camera.kind, p.camera.direction) == (kind, direction)
    text = describe(p, task="text_to_video", duration_s=8, size=(1280, 720))
    assert "(default; none named in the prompt)" not in text


def test_dolly_forward_plan_text():
    text = describe(parse("Slow dolly forward through a misty forest"), task="text_to_video", duration_s=8, size=(1280, 720))
    assert "- Camera: slow push in; one continuous shot" in text


def test_aerial_shot_is_a_move_over_the_scene_not_an_unknown_subject():
    p = parse("Aerial drone shot over a misty forest at sunrise")
    assert p.subject == "misty forest" and "drone" not in p.subject.lower()
    # The forest is an environment the builtin engine draws: a procedural render, not a photoreal animatic.
    assert not needs_animatic(p)


def test_a_drone_can_still_be_the_subject():
    p = parse("A drone flying over a city at night")
    assert p.subject == "drone" and p.action == "flying over a city at night"


def test_moving_subjects_are_not_camera_moves():
    # Subject motion words must not be read as a camera move.
    assert not parse("A car moves forward along the road").camera_explicit
    assert not parse("The dancer moves back and forth").camera_explicit


def test_a_zoom_phrase_is_the_camera_not_the_subject():
    assert parse("Gentle zoom on the cat").subject == "the cat"
    assert parse("A subtle zoom toward the mountains at dawn").subject == "the mountains"
