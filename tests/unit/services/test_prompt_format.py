"""Reading format and task intent from a prompt: only phrases that can mean nothing else count, quoted on-screen
text never does, and a field named twice differently is not guessed."""

from __future__ import annotations

import pytest

from omnireel.engines.registry import check_model_limits
from omnireel.errors import InvalidArgument
from omnireel.services.interactions import infer_task
from omnireel.services.output_format import choose, edit_length
from omnireel.services.prompt_format import asked_task, read_format
from omnireel.services.request_parsing import VideoFormat


def _fields(prompt: str) -> dict:
    return {k: v.value for k, v in read_format(prompt).fields().items()}


@pytest.mark.parametrize("prompt, want", [
    ('A 4 second vertical 9:16 video with a title that reads "PROMPT FMT" in space',
     {"aspect_ratio": "9:16", "duration_s": 4.0}),
    ("A 10-second clip of a fox, in portrait.", {"aspect_ratio": "9:16", "duration_s": 10.0}),
    ("Square format, 4s ad for sneakers", {"aspect_ratio": "1:1", "duration_s": 4.0}),
    ("Mountain range at dawn, widescreen", {"aspect_ratio": "16:9"}),
    ("A landscape video of dunes, 1:1", {}),  # two different ratios: neither
    ("An eight second promo in 1080p", {"duration_s": 8.0, "resolution": "1080p"}),
    ("A video of waves 6 seconds long", {"duration_s": 6.0}),
    ("Render it in full HD", {"resolution": "1080p"}),
    ("Upscale this 360p clip to 4K", {"resolution": "4k"}),
])
def test_unambiguous_phrases_set_the_format(prompt, want):
    assert _fields(prompt) == want


@pytest.mark.parametrize("prompt", [
    'A title card that reads "16:9" on a beach',  # quoted text is text
    "A title card that reads 'VERTICAL VIDEO 4 SECOND CLIP'",
    "A portrait of an old fisherman",  # a subject, not an orientation
    "A mountain landscape with a lake",
    "A town square at night",
    "[0-3s] the door opens [3-6s] a dog runs in",  # beats, not the length
    "The logo appears after 2 seconds",
    "Vertical stripes scroll past",
])
def test_words_that_are_not_a_format_set_nothing(prompt):
    assert _fields(prompt) == {}


def test_two_lengths_are_reported_not_guessed():
    got = read_format("A 4 second video, or maybe a 6 second clip")
    assert got.duration_s is None and "more than one duration" in got.ambiguous[0]


def test_choose_takes_the_prompt_only_where_response_format_is_silent():
    chosen = choose(VideoFormat(resolution="360p"), "text_to_video", "A 4 second vertical video", {}, "gemini-omni-1.2-flash")
    assert chosen.fmt["aspect_ratio"] == "9:16" and chosen.fmt["duration_s"] == 4.0
    assert chosen.from_prompt == {"aspect_ratio": "vertical video", "duration_s": "4 second"}
    won = choose(VideoFormat(aspect_ratio="1:1"), "text_to_video", "A vertical video", {}, "gemini-omni-1.2-flash")
    assert won.fmt["aspect_ratio"] == "1:1" and won.from_prompt == {}
    assert "response_format.aspect_ratio (1:1) was used" in won.notes[0]
    # Source tasks keep their source's format: an edit instruction's "vertical" is the edit engine's to read.
    edit = choose(VideoFormat(), "edit", "Make it vertical", {"aspect_ratio": "16:9"}, "gemini-omni-1.2-flash")
    assert edit.fmt["aspect_ratio"] == "16:9" and edit.from_prompt == {}


def test_a_prompt_length_outside_the_range_is_reported_and_not_taken():
    chosen = choose(VideoFormat(), "text_to_video", "A 12 second video", {}, "gemini-omni-1.1-flash")
    assert chosen.fmt["duration_s"] == 8.0 and chosen.from_prompt == {}
    assert any("'12 second'" in n and "3 to 10 seconds" in n and "gemini-omni-1.2-flash" in n for n in chosen.notes)
    chosen = choose(VideoFormat(), "image_to_video", "A 30 second commercial", {}, "gemini-omni-1.2-flash")
    assert chosen.fmt["duration_s"] == 8.0 and any("3 to 15 seconds" in n for n in chosen.notes)


@pytest.mark.parametrize("prompt", ["A 4K TV on the wall", "An HD camera on a tripod", "A 1080p monitor glowing"])
def test_a_tier_naming_a_thing_in_the_picture_is_not_the_format(prompt):
    assert _fields(prompt) == {}
    assert read_format(prompt, upscale=True).resolution is not None  # in an upscale instruction it would count


@pytest.mark.parametrize("prompt, task", [
    ("Extend the clip by 4 seconds.", "extend"),
    ("Continue the shot for 5 more seconds.", "extend"),
    ("Make it 4 seconds longer.", "extend"),
    ("Upscale it to 720p.", "upscale"),
    ("Increase the resolution to 1080p", "upscale"),
    ("Keep only the first 6 seconds.", None),
    ("Slow it down to make it longer", None),  # a speed edit
    ("Make it black and white. Keep everything else the same.", None),
    ('Add the caption "EXTEND YOUR REACH" at the bottom', None),  # quoted text is text
])
def test_task_intent(prompt, task):
    assert asked_task(prompt) == task
    assert infer_task(None, 0, 0, True, prompt) == (task or "edit")


def test_intent_never_overrides_an_explicit_task_or_other_inputs():
    assert infer_task("edit", 0, 0, True, "Extend the clip by 4 seconds.") == "edit"
    assert infer_task(None, 0, 0, False, "Upscale it") == "text_to_video"
    assert infer_task(None, 1, 1, False, "Upscale it") == "edit"  # a video and an image: an edit with a reference


def test_extend_and_upscale_together_is_refused_naming_the_task_field():
    with pytest.raises(InvalidArgument, match="generation_config.video_config.task"):
        asked_task("Extend it by 3 seconds and upscale it to 1080p")


def test_model_limit_messages_name_the_models_own_limit():
    with pytest.raises(InvalidArgument) as err:
        check_model_limits("gemini-omni-1.1-flash", "edit", 12, 0)
    assert "3 to 10 seconds" in err.value.message and "Use gemini-omni-1.2-flash for up to 15 s" in err.value.message
    check_model_limits("gemini-omni-1.1-flash", "edit", None, 0)  # nothing asked: nothing checked


def test_edit_length_follows_the_plan():
    assert edit_length("Keep only the first 6 seconds.", 14.0) == 6.0
    assert edit_length("Make it black and white", 35.0) == 35.0
    assert edit_length("Play it at half speed", 4.0) == 8.0
    assert edit_length("Make the violin invisible", 8.0) is None  # not read here: the engine says why
