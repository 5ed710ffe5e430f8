"""The one call a job makes before rendering: classify the request's text and raise SafetyBlocked if it must not
be rendered. The message names the categories and where the text came from, never the text itself."""

from __future__ import annotations

import logging

from omnireel.errors import SafetyBlocked
from omnireel.safety.classifier import classify
from omnireel.safety.policy import SafetyPolicy

log = logging.getLogger("omnireel.safety")


def check_request(prompt: str | None, system_instruction: str | None, policy: SafetyPolicy) -> None:
    """Raise SafetyBlocked when the prompt, the system instruction, or the two read together, must be blocked.

    Read together as well as apart, because a request can split what it asks for between them ("a video about
    children" in one, "make it sexual" in the other).
    """
    parts = [("Prompt", prompt or ""), ("System instruction", system_instruction or "")]
    if parts[0][1].strip() and parts[1][1].strip():
        parts.append(("Prompt", f"{parts[1][1]}\n{parts[0][1]}"))
    for source, text in parts:
        if not text.strip():
            continue
        verdict = classify(text)
        blocked = verdict.blocked_by(policy)
        if blocked:
            log.info("request blocked by the safety filter: %s", ", ".join(verdict.reasons))
            raise SafetyBlocked(f"{source} was blocked by safety filters ({', '.join(blocked)}).")
