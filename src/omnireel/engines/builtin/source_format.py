"""The format of a source video as the tasks that start from one (edit, extend, upscale) read it: its resolution
tier and named aspect ratio, the size it takes at another tier, and which format fields the user set explicitly
(the rest follow the source)."""

from __future__ import annotations

from omnireel.engines.base import ASPECT_RATIOS, EngineRequest, frame_size

TIERS = {"360p": 360, "720p": 720, "1080p": 1080, "4k": 2160}
TIER_TOLERANCE = 0.95  # a 352 or 704 px short side still counts as 360p or 720p
ASPECT_TOLERANCE = 0.01  # within this, a source is taken as exactly 16:9, 9:16 or 1:1 (the tier sizes)


def explicit_fields(request: EngineRequest) -> set[str]:
    """The format fields the user set explicitly (the rest are defaults or inherited from the previous turn)."""
    return set(request.options.get("explicit_format") or ())


def secs(x: float) -> str:
    """Seconds for the output text: at most two decimals, no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def source_tier(short_side: int) -> str:
    """The resolution tier a source belongs to: the highest whose short side it (nearly) reaches; smaller
    sources count as 360p."""
    tier = "360p"
    for name, side in TIERS.items():
        if short_side >= side * TIER_TOLERANCE:
            tier = name
    return tier


def aspect_of(width: int, height: int) -> str | None:
    """The named aspect ratio of a size, or None when it is none of them."""
    for name in ASPECT_RATIOS:
        w, h = frame_size(name, "720p")
        if abs((width / height) / (w / h) - 1.0) <= ASPECT_TOLERANCE:
            return name
    return None


def target_size(width: int, height: int, tier: str) -> tuple[int, int]:
    """The source's size scaled to `tier` (short side) at its own aspect: the tier's size for the named aspects,
    else the long side in proportion, rounded to even."""
    named = aspect_of(width, height)
    if named is not None:
        return frame_size(named, tier)
    short = TIERS[tier]
    long = round(short * max(width, height) / min(width, height) / 2) * 2
    return (long, short) if width >= height else (short, long)
