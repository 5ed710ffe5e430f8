"""Request parsing: every input form, every option, and a specific message for every invalid value."""

import pytest

from omnireel.errors import InvalidArgument
from omnireel.services.interactions import infer_task
from omnireel.services.request_parsing import parse_create, parse_duration, parse_input, parse_response_format


def test_input_forms_all_become_content_blocks():
    assert parse_input("hi") == [{"type": "text", "text": "hi"}]
    assert parse_input({"type": "text", "text": "hi"}) == [{"type": "text", "text": "hi"}]
    blocks = parse_input([{"type": "user_input", "content": [{"text": "a"}, {"type": "image", "data": "AA==",
                                                                            "mime_type": "image/png"}]}])
    assert blocks == [{"type": "text", "text": "a"}, {"type": "image", "mime_type": "image/png", "data": "AA=="}]
    transcript = [
        {"type": "user_input", "content": [{"type": "text", "text": "turn 1"}]},
        {"type": "model_output", "content": [{"type": "text", "text": "ok"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "turn 2"}]},
    ]
    assert parse_input(transcript) == [{"type": "text", "text": "turn 2"}]
    assert parse_input(["plain", {"type": "text", "text": "x"}])[0] == {"type": "text", "text": "plain"}


@pytest.mark.parametrize("bad,needle", [
    (42, "input"),
    ([{"type": "hologram"}], "hologram"),
    ([{"type": "image"}], "data"),
    ([{"type": "image", "data": "AA==", "uri": "files/abc"}], "either"),
    ([{"type": "user_input", "content": [{"type": "text", "text": 5}]}], "text"),
])
def test_bad_inputs_name_the_problem(bad, needle):
    with pytest.raises(InvalidArgument) as info:
        parse_input(bad)
    assert needle in info.value.message


def test_response_format_object_or_list():
    fmt = parse_response_format({"type": "video", "aspect_ratio": "1:1", "resolution": "4k", "duration": "12s",
                                 "delivery": "uri"})
    assert (fmt.aspect_ratio, fmt.resolution, fmt.duration_s, fmt.delivery) == ("1:1", "4k", 12.0, "uri")
    fmt = parse_response_format([{"type": "text", "mime_type": "text/plain"}, {"type": "video", "duration": "5"}])
    assert fmt.duration_s == 5.0
    with pytest.raises(InvalidArgument, match="more than one"):
        parse_response_format([{"type": "video"}, {"type": "video"}])
    with pytest.raises(InvalidArgument, match="image"):
        parse_response_format({"type": "image"})


@pytest.mark.parametrize("value,expected", [("8s", 8.0), ("8", 8.0), (3, 3.0), ("15 seconds", 15.0), ("4.5s", 4.5)])
def test_durations(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["2s", "16s", "0", "-3", "eight", True, None, "8m"])
def test_bad_durations(value):
    with pytest.raises(InvalidArgument, match="duration"):
        parse_duration(value)


def test_create_flags_and_echo():
    spec = parse_create({"model": "m", "input": "x", "background": True, "labels": {"team": "ads"},
                         "generation_config": {"seed": 7, "video_config": {"task": "text_to_video"}},
                         "unknown_field": 1})
    assert spec.background and spec.store and not spec.stream
    assert spec.seed == 7 and spec.task == "text_to_video"
    assert spec.echo["labels"] == {"team": "ads"}
    with pytest.raises(InvalidArgument, match="store"):
        parse_create({"model": "m", "input": "x", "background": True, "store": False})
    with pytest.raises(InvalidArgument, match="background"):
        parse_create({"model": "m", "input": "x", "background": "yes"})
    with pytest.raises(InvalidArgument, match="continuation_token"):
        parse_create({"model": "m", "continuation_token": "t"})
    with pytest.raises(InvalidArgument, match="seed"):
        parse_create({"model": "m", "input": "x", "generation_config": {"seed": -1}})
    with pytest.raises(InvalidArgument, match="response_modalities"):
        parse_create({"model": "m", "input": "x", "response_modalities": ["image"]})


def test_task_inference_follows_the_hosted_rules():
    assert infer_task(None, 0, 0, False) == "text_to_video"
    assert infer_task(None, 1, 0, False) == "image_to_video"
    assert infer_task(None, 2, 0, False) == "image_to_video"
    assert infer_task(None, 3, 0, False) == "reference_to_video"
    assert infer_task(None, 6, 0, False) == "reference_to_video"
    assert infer_task(None, 0, 1, False) == "edit"
    assert infer_task(None, 0, 0, True) == "edit"
    assert infer_task("upscale", 0, 0, True) == "upscale"


def test_text_entry_asking_for_structured_output_is_refused():
    # Plain text is what comes back (the plan); JSON or a schema would be silently ignored, so it is a 400.
    assert parse_response_format([{"type": "video"}, {"type": "text", "mime_type": "text/plain"}]).aspect_ratio is None
    for entry in ({"type": "text", "mime_type": "application/json"}, {"type": "text", "schema": {"type": "object"}}):
        with pytest.raises(InvalidArgument) as err:
            parse_response_format([{"type": "video"}, entry])
        assert "text/plain" in err.value.message
