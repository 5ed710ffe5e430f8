"""Synthesised instruments: pitched voices (piano, electric piano, pluck, strings, saw lead, bell, sub bass) and
drum one-shots (kick, snare, clap, hats, taiko, tick), each a small numpy function returning a mono note.

Pitched voices read band-limited single-cycle wavetables (a gather per sample, no per-harmonic sines), so a whole
arrangement costs tens of milliseconds. Drums are rendered once per bed and placed by the sequencer.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import signal

TABLE = 4096


@functools.lru_cache(maxsize=32)
def table(kind: str, harmonics: int = 12) -> np.ndarray:
    """One cycle of a band-limited waveform: sine, saw, square, or a mellow/bright piano-like spectrum."""
    ph = np.arange(TABLE) / TABLE * 2 * np.pi
    h = np.arange(1, harmonics + 1)
    if kind == "sine":
        amps = np.zeros(harmonics)
        amps[0] = 1
    elif kind == "saw":
        amps = 1.0 / h
    elif kind == "square":
        amps = np.where(h % 2 == 1, 1.0 / h, 0.0)
    elif kind == "strings":
        amps = 1.0 / h**1.25
    elif kind == "piano":
        amps = 1.0 / h**1.8 * (1 + 0.4 * (h == 2))
    elif kind == "mellow":
        amps = 1.0 / h**3
    else:
        raise ValueError(kind)
    wave = np.sin(np.outer(h, ph) + 0.3 * h[:, None]).T @ amps
    return (wave / np.max(np.abs(wave))).astype(np.float32)


def osc(kind: str, freq: float, n: int, sr: int, *, harmonics: int | None = None, detune_cents: float = 0.0,
        vibrato: float = 0.0, phase: float = 0.0) -> np.ndarray:
    """n samples of a wavetable oscillator at `freq`; harmonics are capped below Nyquist so high notes don't alias."""
    f = freq * 2 ** (detune_cents / 1200)
    cap = max(1, int(sr / 2.2 / max(f, 1.0)))
    tab = table(kind, min(harmonics or 12, cap) if kind != "sine" else 1)
    t = np.arange(n, dtype=np.float64)
    cyc = t * (f / sr) + phase
    if vibrato:
        cyc += vibrato * np.sin(2 * np.pi * 5.2 * t / sr) * (f / sr) * sr / (2 * np.pi * 5.2)
    return tab[((cyc * TABLE).astype(np.int64)) & (TABLE - 1)]


def adsr(n: int, sr: int, attack: float, decay: float, sustain: float, release: float) -> np.ndarray:
    """Attack (linear), exponential decay to `sustain`, release (linear) over the last `release` seconds."""
    t = np.arange(n, dtype=np.float32) / sr
    env = sustain + (1 - sustain) * np.exp(-np.maximum(t - attack, 0) / max(decay, 1e-4))
    a = max(1, int(attack * sr))
    env[:a] *= np.linspace(0, 1, min(a, n), dtype=np.float32)[: min(a, n)]
    r = min(n, max(1, int(release * sr)))
    env[n - r :] *= np.linspace(1, 0, r, dtype=np.float32)
    return env


def note(instrument: str, freq: float, dur: float, sr: int, *, brightness: float = 0.6, tail: float = 0.0) -> np.ndarray:
    """One mono note of `dur` seconds (+ `tail` of release) on a named instrument."""
    n = max(1, int((dur + tail) * sr))
    harm = 2 + int(brightness * 12)
    if instrument == "piano":
        t = np.arange(n, dtype=np.float32) / sr
        bright = osc("piano", freq, n, sr, harmonics=harm + 4) * np.exp(-t * 5.0)
        body = osc("mellow", freq, n, sr, harmonics=6, detune_cents=1.5) * np.exp(-t * (0.9 + freq / 900))
        env = adsr(n, sr, 0.004, 10, 1, min(0.25, dur * 0.5))
        return (0.55 * bright + 0.6 * body) * env
    if instrument == "epiano":
        t = np.arange(n, dtype=np.float64) / sr
        index = 1.6 * np.exp(-t * 3.5) + 0.25
        mod = np.sin(2 * np.pi * freq * t)
        tone = np.sin(2 * np.pi * freq * t + index * mod) * (1 + 0.08 * np.sin(2 * np.pi * 4.5 * t))
        return (tone * np.exp(-t * 1.6) * adsr(n, sr, 0.006, 10, 1, 0.2)).astype(np.float32)
    if instrument == "pluck":
        t = np.arange(n, dtype=np.float32) / sr
        bright = osc("saw", freq, n, sr, harmonics=harm) * np.exp(-t * 14)
        body = osc("mellow", freq, n, sr, harmonics=5) * np.exp(-t * 5)
        return (0.5 * bright + 0.7 * body) * adsr(n, sr, 0.002, 10, 1, 0.05)
    if instrument == "bell":
        t = np.arange(n, dtype=np.float64) / sr
        tone = sum(a * np.sin(2 * np.pi * freq * r * t) * np.exp(-t * d)
                   for r, a, d in ((1, 1.0, 1.2), (2.76, 0.45, 2.5), (5.4, 0.25, 4.0), (8.93, 0.12, 6.0)))
        return (tone * adsr(n, sr, 0.002, 10, 1, 0.1)).astype(np.float32)
    if instrument == "lead":  # synthwave saw lead / arp
        tone = osc("saw", freq, n, sr, harmonics=harm) + 0.6 * osc("square", freq, n, sr, harmonics=harm, detune_cents=7)
        return 0.6 * tone * adsr(n, sr, 0.004, 0.18, 0.45, 0.06)
    if instrument == "strings":
        tone = osc("strings", freq, n, sr, harmonics=harm, vibrato=0.0025) + osc("strings", freq, n, sr, harmonics=harm, detune_cents=9)
        return 0.5 * tone * adsr(n, sr, min(0.35, dur * 0.4), 10, 1, max(0.3, tail))
    if instrument == "pad":
        tone = osc("saw", freq, n, sr, harmonics=max(3, harm // 2)) + osc("saw", freq, n, sr, harmonics=max(3, harm // 2), detune_cents=-11)
        return 0.45 * tone * adsr(n, sr, min(0.6, dur * 0.4), 10, 1, max(0.4, tail))
    if instrument == "drone":
        tone = osc("mellow", freq, n, sr, harmonics=6) + 0.5 * osc("strings", freq * 1.5, n, sr, harmonics=4, detune_cents=4)
        return 0.6 * tone * adsr(n, sr, min(1.5, dur * 0.4), 10, 1, max(1.0, tail))
    if instrument == "sub":
        return osc("sine", freq, n, sr) * adsr(n, sr, 0.005, 0.35, 0.6, 0.05)
    if instrument == "bass":  # saw bass, brighter, for synthwave and drive
        return (0.6 * osc("saw", freq, n, sr, harmonics=6) + 0.7 * osc("sine", freq, n, sr)) * adsr(n, sr, 0.003, 0.15, 0.55, 0.04)
    raise ValueError(f"unknown instrument {instrument}")


def drum(kind: str, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A mono drum one-shot."""
    if kind in ("kick", "soft_kick"):
        n = int(0.45 * sr)
        t = np.arange(n) / sr
        f = 45 + 110 * np.exp(-t * 30)
        body = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t * (7 if kind == "kick" else 10))
        click = rng.standard_normal(n) * np.exp(-t * 400) * (0.3 if kind == "kick" else 0.05)
        return (body + click).astype(np.float32)
    if kind == "taiko":
        n = int(1.1 * sr)
        t = np.arange(n) / sr
        f = 55 + 60 * np.exp(-t * 18)
        body = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t * 3.5)
        skin = _band(rng.standard_normal(n), 150, 900, sr) * np.exp(-t * 25) * 1.5
        return (body + skin).astype(np.float32)
    if kind in ("snare", "soft_snare"):
        n = int(0.35 * sr)
        t = np.arange(n) / sr
        noise = _band(rng.standard_normal(n), 1200, 7000, sr) * np.exp(-t * (16 if kind == "snare" else 24)) * 2.2
        tone = np.sin(2 * np.pi * 185 * t) * np.exp(-t * 28)
        return (noise + 0.6 * tone).astype(np.float32) * (1.0 if kind == "snare" else 0.6)
    if kind == "clap":
        n = int(0.3 * sr)
        t = np.arange(n) / sr
        env = sum(np.exp(-np.maximum(t - d, 0) * 90) * (t >= d) for d in (0.0, 0.011, 0.023))
        env = env + 0.5 * np.exp(-np.maximum(t - 0.03, 0) * 16) * (t >= 0.03)
        return (_band(rng.standard_normal(n), 900, 5000, sr) * env * 2.0).astype(np.float32)
    if kind in ("hat", "open_hat", "shaker"):
        n = int((0.06 if kind == "hat" else 0.35 if kind == "open_hat" else 0.12) * sr)
        t = np.arange(n) / sr
        lo = 7000 if kind != "shaker" else 4000
        env = np.exp(-t * (70 if kind == "hat" else 11)) if kind != "shaker" else np.sin(np.pi * t / t[-1]) ** 2
        return (_band(rng.standard_normal(n), lo, 15000, sr) * env * 1.4).astype(np.float32)
    if kind == "tick":
        n = int(0.04 * sr)
        t = np.arange(n) / sr
        return (np.sin(2 * np.pi * 2200 * t) * np.exp(-t * 120)).astype(np.float32)
    raise ValueError(f"unknown drum {kind}")


def _band(x: np.ndarray, lo: float, hi: float, sr: int) -> np.ndarray:
    hi = min(hi, sr * 0.45)
    sos = signal.butter(2, [lo, hi], "bandpass", fs=sr, output="sos")
    return signal.sosfilt(sos, x)


def midi_hz(note_number: float) -> float:
    return 440.0 * 2.0 ** ((note_number - 69) / 12)
