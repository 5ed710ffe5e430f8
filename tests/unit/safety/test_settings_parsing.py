"""safety_settings on create: every known value accepted, anything else a 400 that names the field."""

from __future__ import annotations

import pytest

from omnireel.errors import InvalidArgument
from omnireel.safety import CATEGORIES, METHODS, THRESHOLDS
from omnireel.services.request_parsing import parse_create, parse_safety_settings


def test_spec_example_is_accepted():
    raw = [{"threshold": "block_only_high", "type": "dangerous_content"}]
    assert parse_safety_settings(raw) == [{"type": "dangerous_content", "threshold": "block_only_high"}]
    spec = parse_create({"model": "m", "input": "x", "safety_settings": raw})
    assert spec.safety_settings == [{"type": "dangerous_content", "threshold": "block_only_high"}]
    assert spec.echo["safety_settings"] == raw


def test_every_category_threshold_and_method_is_accepted():
    for threshold in THRESHOLDS:
        for method in METHODS:
            items = [{"type": c, "threshold": threshold, "method": method} for c in CATEGORIES]
            assert parse_safety_settings(items) == items
    assert parse_safety_settings(None) == [] and parse_safety_settings([]) == []


@pytest.mark.parametrize("raw,field", [
    ("off", "safety_settings"),
    ({"type": "hate_speech", "threshold": "off"}, "safety_settings"),
    (["hate_speech"], "safety_settings[0]"),
    ([{"threshold": "off"}], "safety_settings[0].type"),
    ([{"type": "hate_speech"}], "safety_settings[0].threshold"),
    ([{"type": "violence", "threshold": "off"}], "safety_settings[0].type"),
    ([{"type": "HARM_CATEGORY_HATE_SPEECH", "threshold": "off"}], "safety_settings[0].type"),
    ([{"type": "hate_speech", "threshold": "BLOCK_NONE"}], "safety_settings[0].threshold"),
    ([{"type": "hate_speech", "threshold": "block_most"}], "safety_settings[0].threshold"),
    ([{"type": "hate_speech", "threshold": None}], "safety_settings[0].threshold"),
    ([{"type": ["hate_speech"], "threshold": "off"}], "safety_settings[0].type"),
    ([{"type": "hate_speech", "threshold": 2}], "safety_settings[0].threshold"),
    ([{"type": "hate_speech", "threshold": "off", "method": "vibes"}], "safety_settings[0].method"),
    ([{"type": "hate_speech", "threshold": "off", "method": None}], "safety_settings[0].method"),
    ([{"type": "hate_speech", "threshold": "off"}, {"type": "harassment", "threshold": "off"},
      {"type": "hate_speech", "threshold": "block_only_high"}], "safety_settings[2].type"),
])
def test_invalid_settings_are_refused_naming_the_field(raw, field):
    with pytest.raises(InvalidArgument) as info:
        parse_create({"model": "m", "input": "x", "safety_settings": raw})
    assert info.value.field == field
    assert field in info.value.message
    assert info.value.http_status == 400 and info.value.status == "INVALID_ARGUMENT"


def test_unknown_keys_inside_an_item_are_tolerated_like_elsewhere():
    assert parse_safety_settings([{"type": "jailbreak", "threshold": "off", "note": 1}]) == [
        {"type": "jailbreak", "threshold": "off"}]


def test_refusal_message_is_clipped():
    with pytest.raises(InvalidArgument) as info:
        parse_safety_settings([{"type": "x" * 5000, "threshold": "off"}])
    assert len(info.value.message) < 400
