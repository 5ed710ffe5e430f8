"""The classifier on whole prompts: everyday creative prompts render at the default thresholds, harmful ones are
blocked in the right category, disguises included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from omnireel.safety import SafetyPolicy, classify
from tests.unit.safety.corpus import BENIGN, HARMFUL

ROOT = Path(__file__).resolve().parents[3]
SEED = Path("/work/shared/seed/000_cbba7387dd2101f0.txt")
DEFAULT = SafetyPolicy.default()


def _blocked(text: str) -> tuple[str, ...]:
    return classify(text).blocked_by(DEFAULT)


def test_corpora_are_big_enough():
    assert len(BENIGN) >= 80 and len(set(BENIGN)) == len(BENIGN)
    assert len(HARMFUL) >= 60
    categories = {category for _, category in HARMFUL}
    assert categories >= {"sexually_explicit", "dangerous_content", "hate_speech", "harassment", "civic_integrity",
                          "jailbreak"}


@pytest.mark.parametrize("prompt", BENIGN)
def test_benign_prompt_is_not_blocked(prompt):
    assert _blocked(prompt) == (), classify(prompt).reasons


@pytest.mark.parametrize("prompt,category", HARMFUL)
def test_harmful_prompt_is_blocked_in_its_category(prompt, category):
    verdict = classify(prompt)
    assert category in verdict.blocked_by(DEFAULT), verdict.reasons


def _prompt_like_strings() -> list[str]:
    """Every string literal of two words or more in the existing tests (their prompts among them), except the
    safety tests' own (which hold harmful prompts on purpose)."""
    ours = {ROOT / "tests" / "e2e" / "test_safety_sdk.py"}
    found = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path in ours or path.is_relative_to(ROOT / "tests" / "unit" / "safety"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.split()) >= 2:
                found.add(node.value)
    return sorted(found)


def test_no_prompt_of_the_existing_tests_is_blocked():
    strings = _prompt_like_strings()
    assert len(strings) > 300  # the sweep really read the test suite
    blocked = {s[:80]: _blocked(s) for s in strings if _blocked(s)}
    assert blocked == {}


@pytest.mark.skipif(not SEED.exists(), reason="the seed document lives in the shared workspace")
def test_no_line_of_the_seed_document_is_blocked():
    lines = [line.strip() for line in SEED.read_text().splitlines() if line.strip()]
    assert len(lines) > 80
    assert {line[:80]: _blocked(line) for line in lines if _blocked(line)} == {}
    assert _blocked(SEED.read_text()) == ()  # and the whole document as one prompt


def test_false_positive_rate_on_the_benign_corpus_is_zero():
    prompts = BENIGN + _prompt_like_strings()
    flagged = [p for p in prompts if _blocked(p)]
    assert len(flagged) / len(prompts) == 0.0, flagged
