"""Colour palettes for procedural scenes, chosen from lighting and style words (neon, golden hour, noir, ...)."""

from __future__ import annotations

import dataclasses

import numpy as np

RGB = tuple[int, int, int]


@dataclasses.dataclass(frozen=True)
class Palette:
    name: str
    top: RGB  # sky / backdrop top
    bottom: RGB  # backdrop bottom
    accents: tuple[RGB, ...]  # light and particle colours
    text: RGB = (255, 255, 255)


PALETTES: dict[str, Palette] = {
    "neon": Palette("neon", (8, 4, 28), (30, 6, 48), ((255, 40, 170), (0, 220, 255), (140, 60, 255), (255, 210, 60))),
    "golden_hour": Palette(
        "golden hour", (60, 40, 70), (210, 120, 50), ((255, 190, 90), (255, 140, 60), (255, 230, 170), (240, 110, 80))
    ),
    "noir": Palette("noir", (6, 6, 8), (36, 36, 40), ((200, 200, 205), (120, 120, 130), (240, 240, 240))),
    "soft": Palette("soft", (70, 78, 110), (150, 140, 160), ((255, 220, 230), (200, 220, 255), (255, 245, 220))),
    "natural": Palette("natural", (70, 120, 170), (120, 150, 110), ((255, 250, 220), (170, 210, 255), (200, 230, 170))),
    "cinematic": Palette(
        "cinematic teal and orange", (8, 30, 40), (40, 50, 55), ((255, 150, 70), (40, 180, 190), (255, 210, 150))
    ),
    "night": Palette("night", (2, 6, 20), (14, 22, 48), ((120, 160, 255), (255, 220, 150), (80, 120, 200))),
    "vintage": Palette("vintage", (70, 50, 35), (140, 110, 70), ((240, 200, 140), (200, 140, 90), (250, 235, 200))),
    "ocean": Palette("ocean", (4, 40, 70), (10, 90, 110), ((120, 230, 255), (40, 160, 220), (220, 250, 255))),
    "forest": Palette("forest", (10, 40, 25), (40, 70, 35), ((180, 230, 120), (255, 230, 150), (90, 170, 90))),
    "fire": Palette("fire", (30, 4, 4), (90, 20, 5), ((255, 120, 20), (255, 200, 60), (255, 60, 30))),
    "corporate": Palette("clean studio", (18, 28, 52), (40, 60, 100), ((90, 160, 255), (255, 255, 255), (80, 220, 200))),
}

# Words in a prompt that pick a palette; first match in this order wins, so specific looks beat generic ones.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("neon", ("neon", "cyberpunk", "synthwave", "vaporwave", "club", "arcade")),
    ("noir", ("noir", "black and white", "black-and-white", "monochrome", "b&w")),
    ("golden_hour", ("golden hour", "sunset", "sunrise", "dusk", "warm glow", "magic hour", "autumn")),
    ("fire", ("fire", "lava", "volcano", "flames", "explosion")),
    ("ocean", ("ocean", "underwater", "sea", "beach", "wave", "aquarium", "lake")),
    ("forest", ("forest", "jungle", "garden", "meadow", "nature", "leaves")),
    ("night", ("night", "moon", "starry", "space", "galaxy", "stars", "midnight")),
    ("vintage", ("vintage", "retro", "film grain", "sepia", "1970s", "1980s", "nostalgic")),
    ("cinematic", ("cinematic", "dramatic", "epic", "blockbuster", "moody")),
    ("soft", ("soft", "pastel", "dreamy", "gentle", "calm", "cozy", "wedding")),
    ("corporate", ("corporate", "tech", "product", "saas", "startup", "app", "launch", "studio", "minimal")),
    ("natural", ("natural", "daylight", "documentary", "outdoor", "sunny")),
)


def palette_for(text: str, rng: np.random.Generator | None = None) -> Palette:
    """The palette whose keywords appear first in `text`; otherwise a seeded choice among the calm ones."""
    low = (text or "").lower()
    for key, words in KEYWORDS:
        if any(w in low for w in words):
            return PALETTES[key]
    choices = ("cinematic", "corporate", "night", "soft")
    pick = int(rng.integers(len(choices))) if rng is not None else 0
    return PALETTES[choices[pick]]


def palette_named(name: str) -> Palette:
    """The palette with display name `name` (plans store names); cinematic when unknown."""
    return next((p for p in PALETTES.values() if p.name == name), PALETTES["cinematic"])
