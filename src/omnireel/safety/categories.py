"""The wire vocabulary of safety: harm categories, severities and thresholds, exactly as the Interactions API
spells them (wire spec §2.1), so settings validation and the classifier cannot drift apart."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """How harmful a classified text is in one category. Ordered, so a threshold is a simple comparison."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3


# Categories this server classifies from text.
TEXT_CATEGORIES = ("hate_speech", "dangerous_content", "harassment", "sexually_explicit", "civic_integrity",
                   "jailbreak")
# Accepted for compatibility with the hosted API, but never classified: judging image pixels needs a model, and
# this server ships none (the README says so).
IMAGE_CATEGORIES = ("image_hate", "image_dangerous_content", "image_harassment", "image_sexually_explicit")
CATEGORIES = ("hate_speech", "dangerous_content", "harassment", "sexually_explicit", "civic_integrity",
              "image_hate", "image_dangerous_content", "image_harassment", "image_sexually_explicit", "jailbreak")

# A threshold is the lowest severity that blocks; None means the category never blocks (child-safety rules aside).
THRESHOLDS: dict[str, Severity | None] = {
    "block_low_and_above": Severity.LOW,
    "block_medium_and_above": Severity.MEDIUM,
    "block_only_high": Severity.HIGH,
    "block_none": None,
    "off": None,
}
DEFAULT_THRESHOLD = "block_medium_and_above"
# The hosted API scores either severity or probability; a rule-based classifier has only severities, so both
# methods are accepted and read the same way.
METHODS = ("severity", "probability")
