"""Loudness normalisation: bring a float signal to a target RMS level with a soft peak ceiling, plus fades."""

from __future__ import annotations

import numpy as np

TARGET_DBFS = -18.0  # RMS; roughly -16 to -18 LUFS for music beds, the range streaming platforms normalise to
CEILING = 0.89  # about -1 dBFS, headroom for AAC's inter-sample overshoot


def normalize(samples: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Scale (channels, n) float audio to `target_dbfs` RMS, then soft-limit peaks under the ceiling."""
    s = np.asarray(samples, dtype=np.float32)
    rms = float(np.sqrt(np.mean(np.square(s), dtype=np.float64))) if s.size else 0.0
    if rms < 1e-7:
        return s
    s = s * (10 ** (target_dbfs / 20) / rms)
    # tanh knee above the ceiling: transparent for most of the signal, no hard-clip distortion on peaks.
    over = np.abs(s) > CEILING * 0.8
    if over.any():
        knee = CEILING * 0.8
        head = CEILING - knee
        mag = np.abs(s[over])
        s[over] = np.sign(s[over]) * (knee + head * np.tanh((mag - knee) / head))
    return s.astype(np.float32)


def fade(samples: np.ndarray, sample_rate: int, fade_in_s: float = 0.05, fade_out_s: float = 0.6) -> np.ndarray:
    """Apply a short fade in and a longer fade out in place (no click at the cut, a natural tail at the end)."""
    n = samples.shape[-1]
    fi = min(n, int(fade_in_s * sample_rate))
    fo = min(n, int(fade_out_s * sample_rate))
    if fi:
        samples[..., :fi] *= np.linspace(0, 1, fi, dtype=np.float32)
    if fo:
        samples[..., n - fo :] *= np.linspace(1, 0, fo, dtype=np.float32) ** 2
    return samples


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level in dBFS (-inf for silence)."""
    rms = float(np.sqrt(np.mean(np.square(np.asarray(samples, np.float64))))) if np.size(samples) else 0.0
    return 20 * np.log10(rms) if rms > 0 else float("-inf")
