"""The soundtrack of a builtin output: music matched to the plan's mood and style, ambience layers for its scene
words, impacts on the cues (cuts, title reveals), voice-over for its spoken lines with the music ducked under the
voice, mastered to -16 LUFS integrated under a -1 dBTP ceiling, exactly as long as the picture.

Engines call `soundtrack(plan, duration_s, rng, cues=...)` (or hand `functools.partial(soundtrack, ...)` to
`common.encode`, which then synthesises it on a thread while the first frames render).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from omnireel.media.audio import speech
from omnireel.media.audio.ambience import layers_for, render_ambience
from omnireel.media.audio.loudness import fade, master
from omnireel.media.audio.music import mood_for, mood_named, render_music

SAMPLE_RATE = 48000
DUCK_DB = -14.0  # music under speech: clearly ducked, still present
_AMBIENCE_DB = -9.0  # ambience relative to the music, by RMS
_VOICE_DB = 8.0  # voice RMS over the un-ducked music RMS
_GAP_S = 0.25  # minimum silence between two lines


def soundtrack(plan, duration_s: float, rng: np.random.Generator, *, cues=(), sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Stereo (2, round(duration_s * sample_rate)) float32 in [-1, 1]: music + ambience + voice-over for `plan`
    (a media.prompt ShotPlan), deterministic for a given rng state."""
    sr = int(sample_rate)
    n = max(1, int(round(duration_s * sr)))
    music_rng, amb_rng = (np.random.default_rng(s) for s in rng.integers(0, 2**63 - 1, size=2))
    prompt = getattr(plan, "prompt", "") or ""
    mood = mood_named(plan.mood) if getattr(plan, "mood", "") else mood_for(prompt)
    music = render_music(duration_s, mood, music_rng, cues=tuple(cues), sample_rate=sr)
    music_rms = _rms(music) or 1e-3

    layers = tuple(getattr(plan, "ambience", ()) or ()) or layers_for(prompt)
    if not layers and mood.ambience not in ("none", ""):
        layers = (mood.ambience,)
    mix = music
    if layers:
        amb = render_ambience(layers, n, sr, amb_rng)
        mix = mix + amb * np.float32(music_rms * 10 ** (_AMBIENCE_DB / 20) / (_rms(amb) or 1.0))

    voice, spans = voice_track(getattr(plan, "dialogue", ()), duration_s, sr)
    if spans:
        gain = duck_gain(spans, n, sr)
        mix = mix * gain
        mix = mix + voice[None, :] * np.float32(music_rms * 10 ** (_VOICE_DB / 20))
    out = master(mix.astype(np.float32), sr)
    return fade(out, sr, fade_out_s=0.15 if _speaking_at_end(spans, n, sr) else 0.6)


def voice_track(lines, duration_s: float, sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The spoken lines on one mono track of the clip's length, each normalised to unit RMS while speaking, and the
    (start, end) sample spans where a line plays. A line starts at its planned time or after the previous line
    plus a short gap; a line that would overrun the clip is spoken faster, then faded at the end if it still
    does. Empty when there are no lines or speech synthesis is unavailable."""
    sr = int(sample_rate)
    n = max(1, int(round(duration_s * sr)))
    track = np.zeros(n, np.float32)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in lines or ():
        start = max(int(line.start_s * sr), cursor)
        if start >= n - int(0.3 * sr):
            break
        room = n - start
        wpm = 165
        x = speech.speak(line.text, speaker=line.speaker, words_per_minute=wpm, sample_rate=sr)
        if x is None:
            continue
        if x.size > room:
            # Too long for what is left: speed up (eSpeak stays intelligible to ~260 wpm), then trim with a fade.
            wpm = int(min(260, wpm * x.size / room * 1.05))
            x = speech.speak(line.text, speaker=line.speaker, words_per_minute=wpm, sample_rate=sr)
            if x is None:
                continue
            if x.size > room:
                x = x[:room].copy()
                f = min(room, int(0.15 * sr))
                x[room - f :] *= np.linspace(1, 0, f, dtype=np.float32)
        active = np.abs(x) > 0.02 * float(np.max(np.abs(x)))
        level = float(np.sqrt(np.mean(np.square(x[active], dtype=np.float64)))) if active.any() else 0.0
        if level <= 0:
            continue
        track[start : start + x.size] += x / np.float32(level)  # unit RMS while speaking
        spans.append((start, start + x.size))
        cursor = start + x.size + int(_GAP_S * sr)
    return track, spans


def duck_gain(spans: list[tuple[int, int]], n: int, sr: int, depth_db: float = DUCK_DB,
              attack_s: float = 0.12, release_s: float = 0.45) -> np.ndarray:
    """A sidechain-style gain envelope for the music: 1 outside speech, `depth_db` under it, ramping down over
    `attack_s` just before each line starts (so the first syllable is clear) and back up over `release_s`
    after it ends. Short gaps between lines stay ducked (no pumping)."""
    hop = max(1, sr // 1000)  # work at 1 kHz, then interpolate
    m = n // hop + 2
    active = np.zeros(m, bool)
    for s, e in spans:
        active[max(0, s // hop - int(attack_s * 1000)) : e // hop + 1] = True
    # Bridge gaps shorter than a second so back-to-back lines keep one duck.
    active = ndimage.binary_closing(active, structure=np.ones(1000, bool)) | active
    depth = 10 ** (depth_db / 20)
    target = np.where(active, depth, 1.0)
    # A slew-rate limiter: linear ramps down (led by the pre-roll above) and back up after the line.
    env = np.empty(m)
    g = 1.0
    step_down = (1 - depth) / max(1, int(attack_s * 1000))
    step_up = (1 - depth) / max(1, int(release_s * 1000))
    for i in range(m):
        t = target[i]
        g = max(t, g - step_down) if t < g else min(t, g + step_up)
        env[i] = g
    return np.interp(np.arange(n) / hop, np.arange(m), env).astype(np.float32)


def _speaking_at_end(spans, n: int, sr: int) -> bool:
    return bool(spans) and spans[-1][1] > n - int(0.6 * sr)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
