"""Ambience: scene sound layers chosen from the prompt's words (city traffic hum, ocean waves, wind, rain, crowd,
room tone, birds, fire, night insects, air) and rendered as seeded, shaped noise.

Low, slow layers (traffic hum, wind, surf rumble) are generated at an eighth of the output rate and interpolated
up: they have nothing above 2 kHz, and it makes them nearly free.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

# (layer, words): the first few layers whose words appear are used, in this order of prominence.
LAYER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rain", ("rain", "rainy", "drizzle", "downpour", "thunderstorm", "storm", "monsoon")),
    ("ocean", ("ocean", "beach", " sea ", "seaside", "waves", "surf", "coast", "shore", "harbor", "harbour")),
    ("city", ("city", "street", "traffic", "downtown", "urban", "cyberpunk", "skyline", "metropolis", "highway",
              "taxi", "cars", "intersection", "neon-lit")),
    ("crowd", ("crowd", "cafe", "café", "restaurant", "bar ", "market", "party", "stadium", "concert", "audience",
               "festival", "busy", "mall", "station", "airport")),
    ("wind", ("wind", "windy", "mountain", "desert", "snow", "blizzard", "cliff", "arctic", "summit", "peak",
              "canyon", "plains", "autumn")),
    ("birds", ("forest", "garden", "meadow", "park", "jungle", "woods", "birds", "spring", "countryside",
               "field", "orchard", "wildlife", "nature")),
    ("fire", ("fire", "campfire", "fireplace", "bonfire", "fireside", "flames")),
    ("night", ("crickets", "summer night", "night sky", "starry", "at night", "moonlight", "nighttime")),
    ("room", ("room", "office", "kitchen", "studio", "indoor", "interior", "bedroom", "library", "lobby", "workshop")),
)
LAYERS = tuple(name for name, _ in LAYER_WORDS) + ("air",)


def layers_for(text: str, limit: int = 3) -> tuple[str, ...]:
    """Ambience layers whose scene words appear in `text`, most prominent first, at most `limit`."""
    low = f" {(text or '').lower()} "
    found = [name for name, words in LAYER_WORDS if any(w in low for w in words)]
    return tuple(found[:limit])


def render_ambience(layers: tuple[str, ...], n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """The layers mixed as (2, n) float32 at a working level (the first layer loudest)."""
    out = np.zeros((2, n), np.float32)
    for i, name in enumerate(layers):
        fn = _RENDER.get(name)
        if fn is None:
            continue
        layer = fn(n, sr, rng).astype(np.float32)
        rms = float(np.sqrt(np.mean(layer.astype(np.float64) ** 2))) or 1.0
        out += layer * np.float32(0.1 * (0.6**i) / rms)
    return out


def _slow_noise(n: int, sr: int, rng: np.random.Generator, lo: float, hi: float, channels: int = 2) -> np.ndarray:
    """Band-limited noise below ~2 kHz made at sr/8 and linearly interpolated to n samples."""
    d = 8
    m = n // d + 2
    sos = signal.butter(2, [lo, min(hi, sr / d * 0.45)], "bandpass", fs=sr / d, output="sos")
    low = signal.sosfilt(sos, rng.standard_normal((channels, m)), axis=-1)
    pos = np.arange(n) / d
    return np.stack([np.interp(pos, np.arange(m), ch) for ch in low])


def _noise(n: int, sr: int, rng: np.random.Generator, lo: float, hi: float, channels: int = 2) -> np.ndarray:
    sos = signal.butter(2, [lo, min(hi, sr * 0.45)], "bandpass", fs=sr, output="sos")
    return signal.sosfilt(sos, rng.standard_normal((channels, n)), axis=-1)


def _lfo(n: int, sr: int, rng: np.random.Generator, rate_hz: float, depth: float) -> np.ndarray:
    """A smooth random wobble in [1 - depth, 1]: interpolated random points at `rate_hz`."""
    pts = max(2, int(n / sr * rate_hz) + 2)
    vals = rng.random(pts)
    return 1 - depth * np.interp(np.arange(n) / sr * rate_hz, np.arange(pts), vals)


def _city(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    hum = _slow_noise(n, sr, rng, 30, 260) * _lfo(n, sr, rng, 0.4, 0.3)
    out = hum * 1.0
    # Cars passing: a swell of tyre noise panning across, every few seconds.
    at = float(rng.uniform(0.2, 2.5))
    while at < n / sr:
        dur = float(rng.uniform(1.6, 3.2))
        env = np.exp(-(((t - at - dur / 2) / (dur / 4)) ** 2))
        idx = env > 1e-3
        if idx.any():
            seg = _slow_noise(int(idx.sum()), sr, rng, 120, 700, channels=1)[0] * env[idx]
            pan = np.clip((t[idx] - at) / dur, 0, 1) if rng.random() < 0.5 else np.clip(1 - (t[idx] - at) / dur, 0, 1)
            out[0, idx] += 1.4 * seg * np.sqrt(1 - pan)
            out[1, idx] += 1.4 * seg * np.sqrt(pan)
        at += float(rng.uniform(1.5, 4.0))
    return out


def _ocean(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    env = np.zeros(n)
    at = -float(rng.uniform(0, 3))
    while at < n / sr:
        period = float(rng.uniform(5.5, 8.5))
        x = (t - at) / period
        # Each wave: a slow build, a break, then a long fizzing retreat.
        env += np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1) ** 0.6) ** 2, 0)
        at += period * 0.8
    wash = _noise(n, sr, rng, 300, 6000) * (0.15 + env)
    rumble = _slow_noise(n, sr, rng, 40, 400) * (0.4 + 0.6 * env)
    return wash * 0.8 + rumble


def _wind(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    gust = _lfo(n, sr, rng, 0.35, 0.8)
    low = _slow_noise(n, sr, rng, 60, 500) * gust
    whistle = _slow_noise(n, sr, rng, 500, 1400) * gust**2
    return low + 0.5 * whistle


def _rain(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    hiss = _noise(n, sr, rng, 1500, 11000)
    drops = np.zeros((2, n))
    k = int(n / sr * 160)
    drops[rng.integers(0, 2, k), rng.integers(0, n, k)] = rng.uniform(0.5, 3.0, k)
    drops = signal.sosfilt(signal.butter(2, [1800, 6000], "bandpass", fs=sr, output="sos"), drops, axis=-1)
    return hiss + drops * 2 + 0.4 * _slow_noise(n, sr, rng, 80, 600)


def _crowd(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    # Babble: several voices' worth of speech-band noise, each with its own syllable-rate (3-6 Hz) envelope.
    out = np.zeros((2, n))
    band = _noise(n, sr, rng, 250, 2800, channels=2)
    for v in range(4):
        env = _lfo(n, sr, rng, float(rng.uniform(3, 6)), 1.0) ** 2
        out[v % 2] += band[v % 2] * env * (0.6 + 0.4 * rng.random())
    return out + 0.5 * _slow_noise(n, sr, rng, 60, 300)


def _room(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    tone = _slow_noise(n, sr, rng, 40, 900)
    return tone + 0.05 * np.sin(2 * np.pi * 60 * t)  # a faint mains hum, like any real room


def _birds(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    out = 0.5 * _slow_noise(n, sr, rng, 100, 900) * _lfo(n, sr, rng, 0.3, 0.6)
    at = float(rng.uniform(0.1, 1.0))
    while at < n / sr:
        f0 = float(rng.uniform(2500, 5000))
        pan = float(rng.uniform(-0.8, 0.8))
        for c in range(int(rng.integers(2, 6))):
            dur = float(rng.uniform(0.05, 0.14))
            m = int(dur * sr)
            tt = np.arange(m) / sr
            f = f0 * (1 + 0.35 * np.sin(np.pi * tt / dur) * (1 if c % 2 else -0.5))
            chirp = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.sin(np.pi * tt / dur) ** 2 * 4
            s = int((at + c * dur * 1.4) * sr)
            if s + m < n:
                out[0, s : s + m] += chirp * np.sqrt(0.5 * (1 - pan))
                out[1, s : s + m] += chirp * np.sqrt(0.5 * (1 + pan))
        at += float(rng.uniform(0.7, 2.2))
    return out


def _fire(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    body = _slow_noise(n, sr, rng, 50, 700) * _lfo(n, sr, rng, 2.0, 0.5)
    pops = np.zeros((2, n))
    k = int(n / sr * 25)
    pops[rng.integers(0, 2, k), rng.integers(0, n, k)] = rng.uniform(1, 6, k)
    pops = signal.sosfilt(signal.butter(2, [900, 7000], "bandpass", fs=sr, output="sos"), pops, axis=-1)
    return body + pops * 3


def _night(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    out = 0.3 * _slow_noise(n, sr, rng, 60, 400)
    for ch, f, rate in ((0, 4300.0, 28.0), (1, 4700.0, 31.0)):
        chirps = (np.sin(2 * np.pi * rate * t) > 0.3) * (np.sin(2 * np.pi * 0.9 * t + ch) > -0.2)
        out[ch] += 0.6 * np.sin(2 * np.pi * f * t) * chirps
    return out


def _air(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    return _slow_noise(n, sr, rng, 150, 1800) * _lfo(n, sr, rng, 0.2, 0.4)


_RENDER = {
    "city": _city, "ocean": _ocean, "wind": _wind, "rain": _rain, "crowd": _crowd, "room": _room,
    "birds": _birds, "fire": _fire, "night": _night, "air": _air,
}
