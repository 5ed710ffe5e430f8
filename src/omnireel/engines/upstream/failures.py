"""Failures of the upstream engine, and how an upstream HTTP error or failed interaction maps onto them.

Every message is ours. Upstream text is never passed through: at most a status or code that matches a strict
pattern (`INVALID_ARGUMENT`, `capability_missing`), and safety categories from the wire spec's fixed list. That
keeps upstream internals, request echoes and anything key-like out of what our users see.
"""

from __future__ import annotations

import re

from omnireel.errors import CapabilityMissing, EngineFailure, InvalidMedia, JobTimeout, SafetyBlocked

_STATUS = re.compile(r"[A-Z][A-Z_]{0,39}")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
SAFETY_CATEGORIES = (
    "hate_speech", "dangerous_content", "harassment", "sexually_explicit", "civic_integrity", "image_hate",
    "image_dangerous_content", "image_harassment", "image_sexually_explicit", "jailbreak",
)
# Upstream failure codes that say the attempt, not the request, went wrong: worth running the job again.
_TRANSIENT_CODES = {"internal", "worker_lost", "unavailable", "resource_exhausted", "too_many_requests",
                    "insufficient_storage", "deadline_exceeded"}


class UpstreamRejected(EngineFailure):
    """The upstream refused the request as invalid (a 4xx): running it again would get the same answer."""

    code = "invalid_request"
    rpc_code = 3  # INVALID_ARGUMENT


class UpstreamAuthFailed(EngineFailure):
    """The configured upstream key was refused; an operator has to fix the configuration."""

    code = "upstream_unauthenticated"
    rpc_code = 16  # UNAUTHENTICATED


class UpstreamUnavailable(EngineFailure):
    """Rate limits, 5xx or network trouble that outlasted our retries; the job system may run the job again."""

    code = "upstream_unavailable"
    rpc_code = 14  # UNAVAILABLE
    retryable = True


class UpstreamTimeout(JobTimeout):
    """The upstream did not finish within OMNIREEL_UPSTREAM_TIMEOUT_S."""


class UpstreamBadOutput(EngineFailure):
    """The upstream said it finished but gave no playable video."""

    code = "upstream_bad_output"
    retryable = True  # a truncated download or a glitch upstream; a new attempt may well succeed


def safe_status(value) -> str | None:
    return value if isinstance(value, str) and _STATUS.fullmatch(value) else None


def safe_code(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and _CODE.fullmatch(value) else None


def _error_object(body) -> dict:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return {}


def _safety_code(value) -> bool:
    """A code or status that names a content block (safety_blocked, SAFETY, PROHIBITED_CONTENT, ...)."""
    if not isinstance(value, str):
        return False
    low = value.lower()
    return "safety" in low or low.endswith("blocked") or low in ("prohibited_content", "blocklist", "spii")


def _safety_text(value) -> bool:
    return isinstance(value, str) and "safety" in value.lower()


def _categories(message) -> list[str]:
    """Safety categories named in an upstream message, taken from our own list (never the message's text)."""
    if not isinstance(message, str):
        return []
    low = message.lower()
    found = [c for c in SAFETY_CATEGORIES if c in low]
    # "image_harassment" contains "harassment": report only the longer name the message used.
    return sorted({c for c in found if not any(c != o and c in o for o in found)})


def safety_blocked(message) -> SafetyBlocked:
    categories = _categories(message)
    named = f" ({', '.join(categories)})" if categories else ""
    return SafetyBlocked(f"The upstream service blocked this request with its safety filters{named}.")


def from_http_error(status_code: int, body, action: str) -> EngineFailure:
    """The failure for a non-retryable upstream HTTP error answering `action` ("create the interaction")."""
    error = _error_object(body)
    status = safe_status(error.get("status"))
    code = safe_code(error.get("code"))
    detail = ", ".join(x for x in (f"HTTP {status_code}", status, code if code != str(status_code) else None) if x)
    if status_code in (401, 403):
        return UpstreamAuthFailed(
            f"The upstream service refused the configured API key ({detail}) when asked to {action}. "
            "An operator must check OMNIREEL_UPSTREAM_API_KEY.")
    if _safety_code(error.get("code")) or _safety_code(error.get("status")) or (
            status_code == 400 and _safety_text(error.get("message"))):
        return safety_blocked(error.get("message"))
    if status_code == 404:
        return UpstreamRejected(f"The upstream service answered 'not found' ({detail}) when asked to {action}; the "
                                "model or resource may not exist there.", code="upstream_not_found")
    if status_code == 413:
        return UpstreamRejected(f"The upstream service refused the request as too large ({detail}).")
    return UpstreamRejected(f"The upstream service rejected the request as invalid ({detail}) when asked to {action}.")


def from_failed_interaction(interaction: dict) -> EngineFailure:
    """The failure for an upstream interaction that ended `failed` (or `incomplete`, or `cancelled` by someone else)."""
    status = interaction.get("status")
    if status == "cancelled":
        return EngineFailure("The upstream service cancelled the generation before it finished.",
                             code="upstream_cancelled")
    errors = interaction.get("errors") if isinstance(interaction.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    step_error = {}
    for step in interaction.get("steps") or []:
        if isinstance(step, dict) and isinstance(step.get("error"), dict):
            step_error = step["error"]
    code = safe_code(first.get("code"))
    message = first.get("message") or step_error.get("message")
    if _safety_code(first.get("code")) or (not code and _safety_text(message)):
        return safety_blocked(message)
    if status == "incomplete":
        return EngineFailure("The upstream service stopped before the video was complete.",
                             code="upstream_incomplete")
    named = f" (upstream code {code})" if code else ""
    if code == "capability_missing":
        return CapabilityMissing(f"The upstream model cannot do what this request asks{named}; rephrase the "
                                 "request or ask for something it supports.")
    if code in ("invalid_media", "empty_media", "file_unavailable"):
        return InvalidMedia(f"The upstream service could not use the media of this request{named}.")
    if code in ("invalid_request", "invalid_argument", "unsupported_task"):
        return UpstreamRejected(f"The upstream service rejected the request as invalid{named}.")
    if code == "timeout":
        return JobTimeout(f"The upstream service ran out of time making the video{named}.")
    failure = EngineFailure(f"The upstream service failed to make the video{named}.", code="upstream_failed")
    failure.retryable = code in _TRANSIENT_CODES
    return failure
