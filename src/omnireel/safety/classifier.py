"""classify(text) → a Verdict: a severity per text category, and the child-safety categories that block whatever
the request's settings say. Deterministic and dependency-free: the same text always gets the same verdict."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Mapping

from omnireel.safety import rules
from omnireel.safety.categories import CATEGORIES, Severity
from omnireel.safety.lexicon import CONCEPTS
from omnireel.safety.matcher import Lexicon
from omnireel.safety.normalize import words
from omnireel.safety.policy import SafetyPolicy

_LEXICON = Lexicon(CONCEPTS)  # compiled once per process (a few milliseconds)


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the classifier found. `reasons` names the rules that fired (for tests and operators' debugging; never
    shown to users, since it would describe the prompt)."""

    severities: Mapping[str, Severity] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    always_blocked: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()

    def severity(self, category: str) -> Severity:
        return self.severities.get(category, Severity.NONE)

    def blocked_by(self, policy: SafetyPolicy) -> tuple[str, ...]:
        """The categories that block under `policy`, in wire order (child-safety ones whatever the policy)."""
        return tuple(c for c in CATEGORIES
                     if c in self.always_blocked or policy.blocks(c, self.severity(c)))


def classify(text: str) -> Verdict:
    """Classify prompt text. Linear in its length: a 200,000-character prompt takes a fraction of a second."""
    if not text or not text.strip():
        return Verdict()
    text_words = words(text, _LEXICON)
    found = rules.Found(text_words, _LEXICON.scan(text_words))
    scores = {name: rules.Score() for name in ("sexually_explicit", "dangerous_content", "hate_speech",
                                                "harassment", "civic_integrity", "jailbreak")}
    rules.sexually_explicit(found, scores["sexually_explicit"])
    rules.dangerous_content(found, scores["dangerous_content"])
    rules.hate_speech(found, scores["hate_speech"])
    rules.harassment(found, scores["harassment"])
    rules.civic_integrity(found, scores["civic_integrity"])
    always = rules.child_safety(found)
    for category in always:
        scores[category].add(Severity.HIGH, "child_safety")
    others = max(score.severity for name, score in scores.items() if name != "jailbreak")
    rules.jailbreak(found, scores["jailbreak"], others)
    severities = {name: score.severity for name, score in scores.items() if score.severity > Severity.NONE}
    reasons = tuple(f"{name}/{reason}" for name, score in scores.items() for reason in score.reasons)
    return Verdict(MappingProxyType(severities), frozenset(always), reasons)
