"""Request bodies that parse but could not be stored or answered: refused with a message naming the field."""

import time

import pytest

from omnireel.errors import InvalidArgument
from omnireel.services.request_parsing import check_json, clip, echo_input, load_json, parse_input


@pytest.mark.parametrize("raw,needle", [
    (b'{"input": "a \\ud800 b"}', "Field 'input'"),
    (b'{"input": [{"type": "user_input", "content": [{"type": "text", "text": "\\udfff"}]}]}',
     "input[0].content[0].text"),
    (b'{"labels": {"k\\udc00": "v"}}', "The key 'labels.k"),
    (b'{"input": ' + b"[" * 65 + b"]" * 65 + b"}", "more than 64 levels"),
    (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
    (b'{"seed": Infinity}', "Infinity is not a JSON number"),
    (b'{"seed": NaN}', "NaN is not a JSON number"),
])
def test_refused(raw, needle):
    with pytest.raises(InvalidArgument) as info:
        check_json(load_json(raw))
    assert needle in info.value.message
    info.value.message.encode("utf-8")  # the message itself is always encodable


def test_accepted_and_fast():
    check_json(load_json('{"input": "caf\u00e9 \U0001F3AC", "a": '.encode() + b"[" * 63 + b"]" * 63 + b"}"))
    big = load_json(b"[" + b"1," * 2_000_000 + b"1]")
    started = time.monotonic()
    check_json(big)
    assert time.monotonic() - started < 2


def test_clip():
    assert clip("short") == "short"
    assert clip("x" * 1000) == "x" * 64 + "…"
    assert clip("\ud800") == "\\ud800"


@pytest.mark.parametrize("raw", [
    "just text",
    {"type": "text", "text": "one"},
    ["a", {"type": "text", "text": "b"}],
    [{"type": "user_input", "content": "only"}],
    {"type": "user_input", "content": [{"type": "text", "text": "step"}]},
])
def test_echo_input_keeps_the_form(raw):
    assert echo_input(raw, parse_input(raw)) == raw


def test_echo_input_shows_media_by_uri():
    raw = [{"type": "model_output", "content": [{"type": "video", "data": "AAAA", "mime_type": "video/mp4"}]},
           {"type": "user_input", "content": [{"type": "image", "data": "AAAA", "mime_type": "image/png"}]}]
    shown = [{"type": "image", "mime_type": "image/png", "uri": "https://h/v1beta/files/abc"}]
    assert echo_input(raw, shown) == [
        {"type": "model_output", "content": [{"type": "video", "mime_type": "video/mp4"}]},
        {"type": "user_input", "content": shown},
    ]
