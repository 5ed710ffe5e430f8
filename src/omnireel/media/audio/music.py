"""A synthesised music bed matched to a mood: tempo, key, mode and an arrangement (instrumentation, patterns,
drums, reverb, colour), with impacts and risers on cues so cuts land on a hit.

Arrangements: synthwave (saw arps, gated drums) for neon; piano and strings for calm and cinematic; upbeat
percussion and plucks for ads; lo-fi electric piano with dusty drums and vinyl for vintage; ambient drones and
bells for documentary and nature; taiko and strings for epic. Everything is seeded numpy, so the same request gives
the same samples; 15 s of stereo 48 kHz costs well under 0.1 s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import signal

from omnireel.media.audio import instruments as ins
from omnireel.media.audio.loudness import fade, master

SAMPLE_RATE = 48000


@dataclasses.dataclass(frozen=True)
class Mood:
    name: str
    tempo: float  # BPM
    minor: bool
    root: int  # MIDI note of the key's tonic (bass register)
    energy: float  # 0 = pads only, 1 = full drums
    brightness: float  # 0..1: how many harmonics the voices keep
    ambience: str = "air"  # default ambience layer for render_bed: air | rain | ocean | wind | city | none
    style: str = "piano"  # arrangement: see ARRANGEMENTS


@dataclasses.dataclass(frozen=True)
class Arrangement:
    pad: str | None  # sustained chords: strings | pad | drone | epiano
    keys: str | None  # melodic part: piano | pluck | lead | bell | epiano
    keys_pattern: str  # arp16 | arp8 | broken | stabs | sparse | none
    bass: str | None  # sub | bass
    bass_pattern: str  # beats | eighths | octaves | held | offbeat
    drums: str | None  # four | pop | lofi | taiko | gated | tick
    reverb: float = 0.25  # send level
    swing: float = 0.0  # fraction of an eighth that off-beats are delayed
    pump: float = 0.0  # sidechain-style dip of the pads after each kick
    lofi: bool = False  # low-pass, tape wow and vinyl crackle on the whole bed
    sevenths: bool = False


ARRANGEMENTS: dict[str, Arrangement] = {
    "synthwave": Arrangement("pad", "lead", "arp16", "bass", "octaves", "gated", reverb=0.35, pump=0.35),
    "pop": Arrangement("pad", "pluck", "stabs", "sub", "offbeat", "pop", reverb=0.2, pump=0.25),
    "drive": Arrangement("pad", "lead", "arp16", "bass", "eighths", "four", reverb=0.2, pump=0.4),
    "corporate": Arrangement("pad", "pluck", "arp8", "sub", "beats", "pop", reverb=0.22, pump=0.15),
    "piano": Arrangement("strings", "piano", "broken", "sub", "held", None, reverb=0.4),
    "cinematic": Arrangement("strings", "piano", "sparse", "sub", "held", None, reverb=0.45),
    "epic": Arrangement("strings", "piano", "sparse", "bass", "eighths", "taiko", reverb=0.4),
    "dreamy": Arrangement("pad", "bell", "sparse", "sub", "held", None, reverb=0.55, sevenths=True),
    "lofi": Arrangement("epiano", None, "none", "sub", "beats", "lofi", reverb=0.2, swing=0.33, lofi=True, sevenths=True),
    "drone": Arrangement("drone", "bell", "sparse", None, "held", None, reverb=0.5),
    "dark": Arrangement("drone", "piano", "sparse", "sub", "held", "tick", reverb=0.45),
}

MOODS: dict[str, Mood] = {
    "upbeat": Mood("upbeat", 118, False, 45, 0.9, 0.7, "none", "pop"),
    "energetic": Mood("energetic", 128, True, 43, 1.0, 0.8, "none", "drive"),
    "calm": Mood("calm", 76, False, 48, 0.1, 0.35, "air", "piano"),
    "cinematic": Mood("cinematic", 84, True, 45, 0.2, 0.45, "air", "cinematic"),
    "dreamy": Mood("dreamy", 70, False, 50, 0.05, 0.45, "air", "dreamy"),
    "dark": Mood("dark", 84, True, 40, 0.45, 0.3, "wind", "dark"),
    "epic": Mood("epic", 96, True, 38, 0.7, 0.6, "wind", "epic"),
    "neon": Mood("synthwave", 104, True, 45, 0.8, 0.85, "city", "synthwave"),
    "nature": Mood("nature", 80, False, 47, 0.1, 0.4, "wind", "drone"),
    "ocean": Mood("ocean", 72, False, 45, 0.05, 0.4, "ocean", "drone"),
    "rain": Mood("rain", 74, True, 45, 0.1, 0.3, "rain", "piano"),
    "corporate": Mood("corporate", 110, False, 48, 0.6, 0.6, "none", "corporate"),
    "vintage": Mood("vintage", 84, False, 43, 0.4, 0.3, "air", "lofi"),
}

_MOOD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rain", ("rain", "storm", "drizzle")),
    ("ocean", ("ocean", "beach", "sea", "underwater", "waves")),
    ("neon", ("neon", "cyberpunk", "synthwave", "retro-futur", "arcade", "club")),
    ("energetic", ("energetic", "fast", "action", "sport", "hype", "intense", "crash zoom", "race", "explosive")),
    ("epic", ("epic", "dramatic", "trailer", "heroic", "blockbuster")),
    ("dark", ("dark", "noir", "horror", "mystery", "suspense", "moody", "night")),
    ("dreamy", ("dreamy", "ethereal", "magical", "fantasy", "pastel")),
    ("nature", ("forest", "nature", "meadow", "mountain", "garden", "wildlife", "documentary")),
    ("vintage", ("vintage", "retro", "nostalgic", "old film", "1970s", "1980s", "sepia", "lo-fi", "lofi", "vhs")),
    ("upbeat", ("upbeat", "fun", "happy", "playful", "ad", "commercial", "promo", "sale", "launch", "social")),
    ("cinematic", ("cinematic", "film look", "anamorphic", "elegant", "luxury")),
    ("corporate", ("product", "tech", "startup", "corporate", "app", "brand", "logo")),
    ("calm", ("calm", "relax", "peaceful", "slow", "gentle", "cozy", "coffee", "morning", "soft")),
)


def mood_for(text: str) -> Mood:
    """The mood whose words appear in the prompt (first rule wins); calm when nothing matches."""
    low = f" {(text or '').lower()} "
    for key, words in _MOOD_WORDS:
        for w in words:
            # "ad" and "app" must be whole words, not parts of "shadow" or "happy".
            if (f" {w} " in low or f" {w}," in low or f" {w}." in low) if len(w) <= 3 else (w in low):
                return MOODS[key]
    return MOODS["calm"]


def mood_named(name: str) -> Mood:
    """The Mood whose display name is `name` (plans store names); calm when unknown."""
    return next((m for m in MOODS.values() if m.name == name), MOODS["calm"])


def _progression(minor: bool, sevenths: bool = False) -> list[list[int]]:
    # Semitone offsets from the tonic: I-V-vi-IV in major, i-VI-III-VII in minor; familiar and loop-friendly.
    if minor:
        chords = [[0, 3, 7, 10], [-4, 0, 3, 7], [3, 7, 10, 14], [-2, 2, 5, 9]]
    else:
        chords = [[0, 4, 7, 11], [7, 11, 14, 17], [9, 12, 16, 19], [5, 9, 12, 16]]
    return chords if sevenths else [c[:3] for c in chords]


class _Bus:
    """A stereo float32 buffer that notes are mixed into at a time and pan, plus a reverb send."""

    def __init__(self, n: int, sr: int):
        self.sr = sr
        self.dry = np.zeros((2, n), np.float32)
        self.send = np.zeros((2, n), np.float32)
        self.pads: _Bus | None = None  # sustained parts, kept apart so a sidechain pump can be applied once

    def add(self, x: np.ndarray, at_s: float, gain: float = 1.0, pan: float = 0.0, send: float = 0.0) -> None:
        start = int(round(at_s * self.sr))
        n = self.dry.shape[1]
        if start >= n or x.size == 0:
            return
        if start < 0:
            x, start = x[-start:], 0
        m = min(x.shape[-1], n - start)
        x = x[..., :m]
        gl, gr = gain * np.sqrt(0.5 * (1 - pan)), gain * np.sqrt(0.5 * (1 + pan))
        if x.ndim == 1:
            self.dry[0, start : start + m] += gl * x
            self.dry[1, start : start + m] += gr * x
            if send:
                self.send[0, start : start + m] += send * gl * x
                self.send[1, start : start + m] += send * gr * x
        else:
            self.dry[:, start : start + m] += gain * x
            if send:
                self.send[:, start : start + m] += send * gain * x


def _reverb(send: np.ndarray, sr: int, rng: np.random.Generator, seconds: float = 1.6) -> np.ndarray:
    # A decorrelated exponentially decaying noise tail per channel, darker as it decays: a cheap, smooth hall. The
    # tail has nothing above ~5 kHz, so it is convolved at half rate (pairs averaged) and held back up: half the FFT.
    half = sr // 2
    n = int(seconds * half)
    t = np.arange(n) / half
    ir = rng.standard_normal((2, n)) * np.exp(-t * 6.9 / seconds)
    ir = signal.sosfilt(signal.butter(2, 4500, fs=half, output="sos"), ir, axis=-1)
    ir[:, : int(0.012 * half)] = 0  # pre-delay keeps the dry attack clear
    ir *= 1.0 / np.sqrt(np.sum(ir**2, axis=-1, keepdims=True) + 1e-9)
    m = send.shape[1] // 2 * 2
    low = 0.5 * (send[:, 0:m:2] + send[:, 1:m:2])
    wet = signal.fftconvolve(low, ir.astype(np.float32), axes=-1)[:, : low.shape[1]]
    out = np.zeros_like(send)
    out[:, :m] = np.repeat(wet, 2, axis=1)
    return out


def render_music(
    duration_s: float,
    mood: Mood,
    rng: np.random.Generator,
    *,
    cues: tuple[float, ...] = (),
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """The mood's arrangement as (2, n) float32, n = round(duration_s * sample_rate), at a working level (not
    mastered: the soundtrack masters music, ambience and voice together)."""
    sr = sample_rate
    n = max(1, int(round(duration_s * sr)))
    arr = ARRANGEMENTS.get(mood.style, ARRANGEMENTS["piano"])
    bus = _Bus(n, sr)
    pads = _Bus(n, sr) if arr.pump else bus
    beat = 60.0 / mood.tempo
    bar = 4 * beat
    chords = _progression(mood.minor, arr.sevenths)
    start = int(rng.integers(len(chords)))
    root = mood.root + int(rng.integers(-2, 3))
    chord_len = 2 * bar if arr.pad == "drone" else bar
    n_chords = int(np.ceil(duration_s / chord_len)) + 1
    bright = mood.brightness

    for ci in range(n_chords):
        t0 = ci * chord_len
        if t0 >= duration_s:
            break
        chord = chords[(start + ci) % len(chords)]
        # Pads and drones: the chord held for its span, with a tail that overlaps the next chord (legato).
        if arr.pad:
            tones = chord if arr.pad != "drone" else [chord[0], chord[0] + 7]
            octave = 12 if arr.pad != "drone" else 0
            for k, off in enumerate(tones):
                x = ins.note(arr.pad, ins.midi_hz(root + octave + off), chord_len, sr, brightness=bright, tail=0.5)
                pads.add(x, t0, 0.16 if arr.pad != "epiano" else 0.22, pan=(k - 1) * 0.35, send=arr.reverb)
        _keys(bus, arr, chord, root, t0, chord_len, beat, bright, rng)
        _bass(bus, arr, chord, root, t0, chord_len, beat)
    if arr.drums:
        _drums(bus, arr, duration_s, beat, rng)
    for cue in cues:
        _impact(bus, cue, arr, rng)
    if pads is not bus:
        pump = _pump(n, sr, beat, arr.pump)
        bus.dry += pads.dry * pump
        bus.send += pads.send * pump
    out = bus.dry + _reverb(bus.send, sr, rng)
    if arr.lofi:
        out = _lofi(out, sr, rng)
    return out


def _pump(n: int, sr: int, beat: float, depth: float) -> np.ndarray:
    # One beat of the dip-and-recover curve, tiled: the pads breathe with the kick.
    m = int(round(beat * sr))
    curve = (1 - depth * np.exp(-np.arange(m, dtype=np.float32) / sr * 9)).astype(np.float32)
    return np.tile(curve, n // m + 1)[:n]


def _keys(bus: _Bus, arr: Arrangement, chord: list[int], root: int, t0: float, span: float, beat: float,
          bright: float, rng: np.random.Generator) -> None:
    if not arr.keys or arr.keys_pattern == "none":
        return
    sr = bus.sr
    base = root + 24
    up = [base + c for c in chord] + [base + 12 + c for c in chord]
    if arr.keys_pattern in ("arp16", "arp8"):
        step = beat / (4 if arr.keys_pattern == "arp16" else 2)
        seq = up + up[-2:0:-1]
        for i in range(int(round(span / step))):
            f = ins.midi_hz(seq[i % len(seq)])
            x = ins.note(arr.keys, f, step * 0.9, sr, brightness=bright, tail=0.08)
            accent = 1.0 if i % 4 == 0 else 0.75
            bus.add(x, t0 + i * step, 0.12 * accent, pan=0.3 * np.sin(i * 0.9), send=arr.reverb)
    elif arr.keys_pattern == "broken":
        order = [0, 2, 1, 2, 3, 2, 1, 2]
        step = beat / 2
        for i in range(int(round(span / step))):
            idx = order[i % len(order)] % len(up)
            x = ins.note(arr.keys, ins.midi_hz(up[idx]), step * 2, sr, brightness=bright, tail=0.3)
            bus.add(x, t0 + i * step, 0.16 if i % 2 == 0 else 0.11, pan=-0.2 + 0.1 * idx, send=arr.reverb)
    elif arr.keys_pattern == "stabs":
        for pos in (0.0, 1.5, 2.5, 3.0):
            if pos * beat >= span:
                continue
            for k, off in enumerate(chord):
                x = ins.note(arr.keys, ins.midi_hz(base + off), beat * 0.5, sr, brightness=bright, tail=0.1)
                bus.add(x, t0 + pos * beat, 0.09, pan=(k - 1) * 0.5, send=arr.reverb)
    elif arr.keys_pattern == "sparse":
        # A few seeded melody notes from the chord: a motif, not a wall of notes.
        slots = int(round(span / beat))
        for s in range(slots):
            if rng.random() < (0.55 if s % 2 == 0 else 0.2):
                midi = up[int(rng.integers(len(up)))] + (12 if arr.keys == "bell" else 0)
                x = ins.note(arr.keys, ins.midi_hz(midi), beat * 1.5, sr, brightness=bright, tail=0.6)
                bus.add(x, t0 + s * beat, 0.14, pan=float(rng.uniform(-0.4, 0.4)), send=arr.reverb * 1.3)


def _bass(bus: _Bus, arr: Arrangement, chord: list[int], root: int, t0: float, span: float, beat: float) -> None:
    if not arr.bass:
        return
    sr = bus.sr
    f = ins.midi_hz(root + chord[0] - (12 if chord[0] > 5 else 0))
    if arr.bass_pattern == "held":
        bus.add(ins.note(arr.bass, f, span, sr, tail=0.2) * ins.adsr(int((span + 0.2) * sr), sr, 0.05, 10, 1, 0.3), t0, 0.3)
        return
    hits = {
        "beats": [(i, 1.0) for i in range(4)],
        "eighths": [(i / 2, 1.0 if i % 2 == 0 else 0.8) for i in range(8)],
        "octaves": [(i / 2, 1.0) for i in range(8)],
        "offbeat": [(i + 0.5, 1.0) for i in range(4)],
    }[arr.bass_pattern]
    dur = beat * (0.45 if arr.bass_pattern in ("eighths", "octaves") else 0.8)
    for k, (pos, g) in enumerate(hits):
        if pos * beat >= span:
            continue
        ff = f * (2 if arr.bass_pattern == "octaves" and k % 2 else 1)
        bus.add(ins.note(arr.bass, ff, dur, sr), t0 + pos * beat, 0.32 * g)


_KITS = {
    # (drum, positions in beats within a bar, gain)
    "four": [("kick", [0, 1, 2, 3], 0.55), ("clap", [1, 3], 0.3), ("hat", [i / 4 for i in range(16)], 0.1),
             ("open_hat", [0.5, 1.5, 2.5, 3.5], 0.09)],
    "pop": [("kick", [0, 1.5, 2], 0.5), ("clap", [1, 3], 0.32), ("hat", [i / 2 for i in range(8)], 0.12),
            ("shaker", [i / 4 + 0.25 for i in range(0, 16, 2)], 0.06)],
    "gated": [("kick", [0, 1, 2, 3], 0.5), ("snare", [1, 3], 0.4), ("hat", [i / 2 + 0.5 for i in range(0, 8, 2)], 0.12)],
    "lofi": [("soft_kick", [0, 2.5], 0.55), ("soft_snare", [1, 3], 0.4), ("hat", [i / 2 for i in range(8)], 0.08)],
    "taiko": [("taiko", [0, 2, 2.5], 0.55)],
    "tick": [("tick", [0, 1, 2, 3], 0.05)],
}


def _drums(bus: _Bus, arr: Arrangement, duration_s: float, beat: float, rng: np.random.Generator) -> None:
    sr = bus.sr
    kit = _KITS[arr.drums]
    shots = {name: ins.drum(name, sr, rng) for name, _, _ in kit}
    bar = 4 * beat
    swing = arr.swing * beat / 2
    for b in range(int(np.ceil(duration_s / bar))):
        for name, positions, gain in kit:
            for pos in positions:
                t = b * bar + pos * beat + (swing if (pos * 2) % 2 == 1 else 0.0)
                if t >= duration_s:
                    continue
                g = gain * (0.85 + 0.15 * float(rng.random()))  # a little human velocity
                verb = 0.5 if name == "snare" and arr.drums == "gated" else 0.08
                bus.add(shots[name], t, g, pan=0.25 if name in ("hat", "shaker") else 0.0, send=verb)


def _impact(bus: _Bus, at_s: float, arr: Arrangement, rng: np.random.Generator) -> None:
    """A hit exactly on the cut (low boom + noise burst), with a short rising swell into it."""
    sr = bus.sr
    if at_s < 0 or at_s * sr >= bus.dry.shape[1]:
        return
    n = int(0.9 * sr)
    t = np.arange(n) / sr
    boom = np.sin(2 * np.pi * np.cumsum(50 + 40 * np.exp(-t * 12)) / sr) * np.exp(-t * 5)
    burst = ins._band(rng.standard_normal(n), 800, 9000, sr) * np.exp(-t * 10) * 0.9
    bus.add((boom + burst).astype(np.float32), at_s, 0.4, send=0.3)
    rise_s = min(0.8, at_s)
    if rise_s > 0.1:
        m = int(rise_s * sr)
        r = ins._band(rng.standard_normal(m), 2000, 12000, sr) * np.linspace(0, 1, m) ** 3
        bus.add(r.astype(np.float32), at_s - rise_s, 0.22 if arr.drums else 0.12, send=0.4)


def _lofi(x: np.ndarray, sr: int, rng: np.random.Generator) -> np.ndarray:
    n = x.shape[1]
    # Tape wow: a slow, slightly irregular pitch drift (a few cents), by reading the buffer at a wavering rate.
    t = np.arange(n) / sr
    drift = 0.0009 * sr * (np.sin(2 * np.pi * 0.55 * t) + 0.4 * np.sin(2 * np.pi * 1.3 * t + 1))
    pos = np.clip(np.arange(n) + drift / (2 * np.pi * 0.55), 0, n - 1)
    x = np.stack([np.interp(pos, np.arange(n), ch) for ch in x])
    x = signal.sosfilt(signal.butter(2, 3800, fs=sr, output="sos"), x, axis=-1)
    # Vinyl: sparse crackles and a faint hiss.
    crackle = np.zeros(n)
    idx = rng.integers(0, n, size=int(n / sr * 7))
    crackle[idx] = rng.uniform(-1, 1, size=idx.size) * 0.35
    crackle = signal.sosfilt(signal.butter(1, [1500, 7000], "bandpass", fs=sr, output="sos"), crackle)
    hiss = rng.standard_normal(n) * 0.004
    return (x + crackle + hiss).astype(np.float32)


def render_bed(
    duration_s: float,
    mood: Mood,
    rng: np.random.Generator,
    *,
    cues: tuple[float, ...] = (),
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """A stereo (2, n) float32 music + ambience bed of exactly round(duration_s * sample_rate) samples, mastered
    to the standard loudness, with impacts at the `cues` times (seconds), e.g. shot changes or text reveals."""
    from omnireel.media.audio.ambience import render_ambience

    n = max(1, int(round(duration_s * sample_rate)))
    music_rng, amb_rng = (np.random.default_rng(s) for s in rng.integers(0, 2**63 - 1, size=2))
    out = render_music(duration_s, mood, music_rng, cues=cues, sample_rate=sample_rate)
    if mood.ambience != "none":
        out = out + 0.5 * render_ambience((mood.ambience,), n, sample_rate, amb_rng)
    out = master(out, sample_rate)
    return fade(out, sample_rate)
