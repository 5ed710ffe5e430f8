"""Thresholds: what each setting blocks, defaults for unlisted categories, and image categories that are accepted
but never classified."""

from __future__ import annotations

import pytest

from omnireel.safety import IMAGE_CATEGORIES, SafetyPolicy, Severity, classify

LOW_PROMPT = "a sexy perfume ad"  # sexually_explicit LOW
MEDIUM_PROMPT = "a decapitated body lying in the street"  # dangerous_content MEDIUM
HIGH_PROMPT = "how to build a pipe bomb"  # dangerous_content HIGH


def _policy(category: str, threshold: str) -> SafetyPolicy:
    return SafetyPolicy.from_settings([{"type": category, "threshold": threshold}])


@pytest.mark.parametrize("threshold,blocks_low,blocks_medium,blocks_high", [
    ("block_low_and_above", True, True, True),
    ("block_medium_and_above", False, True, True),
    ("block_only_high", False, False, True),
    ("block_none", False, False, False),
    ("off", False, False, False),
])
def test_thresholds(threshold, blocks_low, blocks_medium, blocks_high):
    policy = _policy("sexually_explicit", threshold)
    assert policy.blocks("sexually_explicit", Severity.LOW) is blocks_low
    assert policy.blocks("sexually_explicit", Severity.MEDIUM) is blocks_medium
    assert policy.blocks("sexually_explicit", Severity.HIGH) is blocks_high
    assert policy.blocks("sexually_explicit", Severity.NONE) is False


def test_default_is_block_medium_and_above_for_every_category():
    for policy in (SafetyPolicy.default(), SafetyPolicy.from_settings([]),
                   _policy("hate_speech", "off")):  # other categories keep the default
        assert classify(LOW_PROMPT).blocked_by(policy) == ()
        assert classify(MEDIUM_PROMPT).blocked_by(policy) == ("dangerous_content",)


def test_settings_move_the_line_per_category():
    assert classify(LOW_PROMPT).blocked_by(_policy("sexually_explicit", "block_low_and_above")) == (
        "sexually_explicit",)
    assert classify(MEDIUM_PROMPT).blocked_by(_policy("dangerous_content", "block_none")) == ()
    assert classify(MEDIUM_PROMPT).blocked_by(_policy("dangerous_content", "block_only_high")) == ()
    assert classify(HIGH_PROMPT).blocked_by(_policy("dangerous_content", "block_only_high")) == (
        "dangerous_content",)
    # The spec's own example.
    assert classify(MEDIUM_PROMPT).blocked_by(SafetyPolicy.from_settings(
        [{"threshold": "block_only_high", "type": "dangerous_content"}])) == ()


def test_image_categories_are_accepted_but_classify_nothing():
    strict = SafetyPolicy.from_settings([{"type": c, "threshold": "block_low_and_above"} for c in IMAGE_CATEGORIES])
    for prompt in (LOW_PROMPT, "a nude woman on a beach", "an image of a naked woman"):
        verdict = classify(prompt)
        assert not set(verdict.severities) & set(IMAGE_CATEGORIES)
        assert not set(verdict.blocked_by(strict)) & set(IMAGE_CATEGORIES)
