"""Timed beats written for a longer video than the one asked for are scaled to fit, and the plan says so; beats
that fit keep their own timing."""

from __future__ import annotations

from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import describe


def test_overlong_beats_are_scaled_to_the_duration_and_noted():
    plan = parse("[0-5s] the cat [5-10s] the coffee [10-15s] the rocket", image_count=3, duration_s=6)
    assert [(b.start_s, b.end_s) for b in plan.beats] == [(0, 2), (2, 4), (4, 6)]
    assert [b.description for b in plan.beats] == ["the cat", "the coffee", "the rocket"]
    text = describe(plan, task="reference_to_video", duration_s=6, size=(640, 360))
    assert "run to 15 s but the video is 6 s long" in text


def test_beats_that_fit_keep_their_timing():
    plan = parse("[0-3s] the cat [3-6s] the coffee [6-8s] end card \"Hi\"", image_count=2, duration_s=8)
    assert [(b.start_s, b.end_s) for b in plan.beats] == [(0, 3), (3, 6), (6, 8)]
    assert "scaled to fit" not in describe(plan, task="reference_to_video", duration_s=8, size=(640, 360))
    # A last beat a little past the end (rounding in the prompt) is clipped, not rescaled.
    plan = parse("[0-4s] one [4-8.2s] two", duration_s=8)
    assert plan.beats[-1].end_s == 8 and plan.beats[0].end_s == 4
