"""The sound of an edited clip: the source's sound after the time ops, then level changes over time ranges (mute,
volume, fades with the picture), and a new music bed when one is asked for (instead of the source's sound, or
under it). Stereo float32 at 48 kHz, in memory: 15 s is under 6 MB.
"""

from __future__ import annotations

import numpy as np

from omnireel.media.audio.loudness import limit
from omnireel.media.audio.music import MOODS, render_bed

RAMP_S = 0.01  # gain changes ramp over 10 ms: no clicks at a range's edges
BED_UNDER_DB = -8.0  # an added bed sits this far under the source's sound (by RMS)
CEILING = 10 ** (-1.0 / 20)


def gain_envelope(n: int, sample_rate: int, changes: list[tuple[float, float, float]]) -> np.ndarray:
    """A gain per sample: 1 everywhere except each (start_s, end_s, gain) range, with short ramps at its edges."""
    env = np.ones(n, np.float32)
    ramp = max(1, int(RAMP_S * sample_rate))
    for s, e, g in changes:
        a, b = int(round(s * sample_rate)), int(round(e * sample_rate))
        a, b = max(0, a), min(n, b)
        if b <= a:
            continue
        seg = np.full(b - a, g, np.float32)
        k = min(ramp, (b - a) // 2)
        if k and a > 0:
            seg[:k] = np.linspace(1.0, g, k, dtype=np.float32)
        if k and b < n:
            seg[-k:] = np.linspace(g, 1.0, k, dtype=np.float32)
        env[a:b] *= seg
    return env


def fade_envelope(n: int, sample_rate: int, fades: list[tuple[str, float, float]]) -> np.ndarray:
    """Gain per sample for fades: ("in", start_s, end_s) rises from silence over the range (silent before it),
    ("out", start_s, end_s) falls to silence over it (silent after it)."""
    env = np.ones(n, np.float32)
    t = np.arange(n, dtype=np.float64) / sample_rate
    for direction, s, e in fades:
        p = np.clip((t - s) / max(1e-6, e - s), 0.0, 1.0)
        env *= (p if direction == "in" else 1.0 - p).astype(np.float32) ** 2
    return env


def music_bed(mood: str, duration_s: float, rng: np.random.Generator, sample_rate: int = 48000) -> np.ndarray:
    """A new music bed for a mood key of media.audio.music.MOODS, exactly duration_s long, mastered."""
    return render_bed(duration_s, MOODS.get(mood, MOODS["calm"]), rng, sample_rate=sample_rate)


def mix_under(source: np.ndarray, bed: np.ndarray, sample_rate: int) -> np.ndarray:
    """The bed under the source's sound (BED_UNDER_DB below it), or alone when the source is silent, limited so
    the sum never clips."""
    rms = float(np.sqrt(np.mean(np.square(source, dtype=np.float64)))) if source.size else 0.0
    if rms < 1e-4:
        return bed
    bed_rms = float(np.sqrt(np.mean(np.square(bed, dtype=np.float64)))) or 1.0
    mixed = source + bed * np.float32(rms * 10 ** (BED_UNDER_DB / 20) / bed_rms)
    return limit(mixed.astype(np.float32), sample_rate, CEILING)


def safe_gain(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """A raised volume may push peaks past full scale: limit them instead of letting the encoder clip."""
    if audio.size and float(np.max(np.abs(audio))) > CEILING:
        return limit(audio, sample_rate, CEILING)
    return audio
