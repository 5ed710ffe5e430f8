"""Loudness: K-weighted integrated loudness (ITU-R BS.1770 gating), true peak, a transparent peak limiter, the
mastering step that brings a mix to a target LUFS under a true-peak ceiling, and fades.

Streaming platforms normalise to about -14 to -16 LUFS; -16 LUFS integrated with a -1 dBTP ceiling sits with other
online video without being turned down, and with the mix band-limited to what AAC keeps (see `_band_limit`)
survives the encoder's overshoot.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage, signal

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
TARGET_DBFS = -18.0  # RMS target of the legacy `normalize`
CEILING = 0.89  # about -1 dBFS, headroom for AAC's inter-sample overshoot


def _k_weighting(sample_rate: int) -> np.ndarray:
    """BS.1770 K-weighting (high shelf + RLB high-pass) as second-order sections for any sample rate (the
    bilinear-transform form used by libebur128, identical to the standard's 48 kHz coefficients)."""
    fs = float(sample_rate)
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / fs)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / fs)
    a0 = 1 + k / q + k * k
    hp = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, hp])


def integrated_lufs(samples: np.ndarray, sample_rate: int = 48000) -> float:
    """Integrated loudness in LUFS of (channels, n) audio: K-weighted mean square over 400 ms blocks (75% overlap)
    with the -70 LUFS absolute and -10 LU relative gates. -inf for silence."""
    x = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    if x.shape[-1] == 0:
        return float("-inf")
    if sample_rate >= 44100 and x.shape[-1] >= 2:
        # Measured at half rate (pairs averaged): the K-weighted energy above ~11 kHz that this drops is a
        # fraction of a dB for music and speech, and it halves the cost.
        m = x.shape[-1] // 2 * 2
        x = 0.5 * (x[:, 0:m:2] + x[:, 1:m:2])
        sample_rate //= 2
    y = signal.sosfilt(_k_weighting(sample_rate), x, axis=-1)
    power = np.sum(np.square(y), axis=0)  # channel weights are 1 for left/right
    block, step = int(0.4 * sample_rate), int(0.1 * sample_rate)
    if power.size < block:
        z = np.array([power.mean()])
    else:
        c = np.concatenate([[0.0], np.cumsum(power)])
        starts = np.arange(0, power.size - block + 1, step)
        z = (c[starts + block] - c[starts]) / block
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(z)
    z = z[lk > -70]
    if z.size == 0:
        return float("-inf")
    rel = -0.691 + 10 * np.log10(z.mean()) - 10
    with np.errstate(divide="ignore"):
        z = z[-0.691 + 10 * np.log10(z) > rel]
    return float(-0.691 + 10 * np.log10(z.mean()))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak in dBTP: the sample peak of a 4x oversampled copy (BS.1770 annex 2), so overs between samples
    that a DAC or an AAC decoder would produce are counted. Only blocks whose sample peak is within 4 dB of the
    loudest are oversampled (inter-sample overs of band-limited audio stay well under that), which keeps it cheap."""
    x = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    n = x.shape[-1]
    if n == 0:
        return float("-inf")
    block = 2048
    nb = -(-n // block)
    padded = np.zeros((x.shape[0], nb * block), np.float32)
    padded[:, :n] = x
    blocks = np.abs(padded).reshape(x.shape[0], nb, block).max(axis=(0, 2))
    top = float(blocks.max())
    if top <= 0:
        return float("-inf")
    peak = top
    pad = 64  # filter context either side of a block
    for b in np.nonzero(blocks >= top * 10 ** (-4 / 20))[0]:
        s0, s1 = max(0, b * block - pad), min(n, (b + 1) * block + pad)
        up = signal.resample_poly(x[:, s0:s1], 4, 1, axis=-1)
        peak = max(peak, float(np.max(np.abs(up[:, 4 * pad :] if s0 else up))))
    return 20 * math.log10(peak)


def limit(samples: np.ndarray, sample_rate: int, ceiling: float, window_s: float = 0.004) -> np.ndarray:
    """A look-ahead peak limiter: the gain each sample needs to stay under `ceiling`, held over a short window
    (min filter) and smoothed over the same window, so the gain is already down when a peak arrives and never
    steps (no clicks). Transparent when nothing exceeds the ceiling."""
    x = np.asarray(samples, dtype=np.float32)
    peak = np.max(np.abs(x), axis=0)
    if peak.size == 0 or float(peak.max()) <= ceiling:
        return x
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-9)).astype(np.float32)
    w = max(3, int(window_s * sample_rate)) | 1
    held = ndimage.minimum_filter1d(need, 2 * w + 1, mode="nearest")
    gain = ndimage.uniform_filter1d(held, w, mode="nearest")
    out = x * gain
    # Smoothing can leave a sample a hair over: a final clamp well inside the knee never audibly clips.
    np.clip(out, -ceiling, ceiling, out=out)
    return out


def _band_limit(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Above ~15 kHz, what AAC at 128 kbit/s drops anyway: removed before limiting, because a limited transient's
    top octave is what the encoder turns into overshoot (measured: a cue's hard attack decoded at 1.04 of full
    scale from a -1 dBTP master; band-limited first, 0.9)."""
    if sample_rate < 36000:
        return x
    sos = signal.butter(4, 15000, btype="lowpass", fs=sample_rate, output="sos")
    return signal.sosfiltfilt(sos, x, axis=-1).astype(np.float32)


def master(
    samples: np.ndarray,
    sample_rate: int = 48000,
    target_lufs: float = TARGET_LUFS,
    ceiling_dbtp: float = CEILING_DBTP,
) -> np.ndarray:
    """Bring a mix to `target_lufs` integrated with true peaks under `ceiling_dbtp`: gain, limiter, one loudness
    correction for what the limiter took, then a final true-peak trim."""
    x = np.asarray(samples, dtype=np.float32)
    lufs = integrated_lufs(x, sample_rate)
    if not math.isfinite(lufs):
        return x
    x = _band_limit(x, sample_rate)
    sample_ceiling = 10 ** ((ceiling_dbtp - 0.6) / 20)
    x = limit(x * np.float32(10 ** ((target_lufs - lufs) / 20)), sample_rate, sample_ceiling)
    short = target_lufs - integrated_lufs(x, sample_rate)
    if short > 0.25:
        x = limit(x * np.float32(10 ** (min(short, 6.0) / 20)), sample_rate, sample_ceiling)
    over = true_peak_dbtp(x) - ceiling_dbtp
    if over > 0:
        x = x * np.float32(10 ** (-over / 20))
    return x.astype(np.float32, copy=False)


def normalize(samples: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Scale (channels, n) float audio to `target_dbfs` RMS, then soft-limit peaks under the ceiling (legacy level
    matching; `master` is the loudness-standard path)."""
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
