"""SafetyPolicy: which severity blocks in which category, built from a request's validated `safety_settings`."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Mapping

from omnireel.safety.categories import CATEGORIES, DEFAULT_THRESHOLD, THRESHOLDS, Severity


@dataclasses.dataclass(frozen=True)
class SafetyPolicy:
    """Per-category blocking thresholds; a category the request did not mention gets the default
    (block_medium_and_above), so an empty or missing `safety_settings` is the strict default, never "off"."""

    thresholds: Mapping[str, Severity | None]

    @classmethod
    def default(cls) -> "SafetyPolicy":
        return cls.from_settings(None)

    @classmethod
    def from_settings(cls, items: list[dict] | None) -> "SafetyPolicy":
        """`items` must already be validated (services/request_parsing does it at create time)."""
        thresholds = {category: THRESHOLDS[DEFAULT_THRESHOLD] for category in CATEGORIES}
        for item in items or ():
            thresholds[item["type"]] = THRESHOLDS[item["threshold"]]
        return cls(MappingProxyType(thresholds))

    def blocks(self, category: str, severity: Severity) -> bool:
        threshold = self.thresholds.get(category, THRESHOLDS[DEFAULT_THRESHOLD])
        return threshold is not None and severity >= threshold
