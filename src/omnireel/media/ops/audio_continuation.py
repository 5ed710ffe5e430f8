"""The soundtrack of an extended clip: the source's own audio, then a continuation joined to it with an
equal-power crossfade, at the source's loudness.

What continues depends on what the source sounds like. Tonal audio (music, speech: energy in spectral lines)
cannot be continued without knowing the piece, so a new music bed (made by the caller) is crossfaded in.
Noise-like audio (ambience: traffic, rain, wind, room tone) is the source's own last seconds looped with
crossfades. A silent source gets the bed faded in over the extension.

A source that fades out at its very end (builtin outputs do) would leave a dip to silence at the seam: the
crossfade is placed where that fade begins instead.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np
from scipy import ndimage

from omnireel.media.audio.loudness import integrated_lufs, limit

CROSSFADE_S = 0.5
LOOP_S = 4.0  # the most of the source's end an ambience loop repeats
LOOP_FADE_S = 0.5
TAIL_S = 3.0  # the source's end that sets the continuation's loudness and character
MAX_GAIN_DB = 12.0
SILENT_RMS = 1e-4
TONAL_SHARE = 0.3  # spectral-line share of the energy above which audio is music or speech, not ambience
FADE_IN_S = 1.0  # a bed after a silent source


@dataclasses.dataclass(frozen=True)
class JoinedAudio:
    samples: np.ndarray  # (2, n_src + n_ext) float32
    kind: str  # "music" | "ambience" | "music_after_silence"
    seam_s: float  # the centre of the crossfade (the seam, or where the source's own fade-out began)
    gain_db: float = 0.0  # applied to the bed to match the source's loudness


def tonal_share(x: np.ndarray, sr: int) -> float:
    """The median share of each analysis frame's energy (20 Hz - 8 kHz) that lies in spectral lines (bins 8x
    above the local median): near 1 for music and speech, near 0 for noise-like ambience."""
    m = np.asarray(x, np.float32).mean(axis=0)
    n, hop = 8192, 4096
    if m.size < n:
        m = np.pad(m, (0, n - m.size))
    frames = np.lib.stride_tricks.sliding_window_view(m, n)[::hop] * np.hanning(n).astype(np.float32)
    p = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    f = np.fft.rfftfreq(n, 1 / sr)
    p = p[:, (f > 20) & (f < 8000)]
    loud = p.sum(axis=1)
    p = p[loud > 1e-4 * max(1e-20, float(loud.max()))]
    if p.size == 0:
        return 0.0
    med = ndimage.median_filter(p, size=(1, 41), mode="nearest")
    share = (p * (p > 8 * med)).sum(axis=1) / (p.sum(axis=1) + 1e-20)
    return float(np.median(share))


def fade_start(x: np.ndarray, n: int, sr: int) -> int:
    """Where a fade-out at the end of the first n samples begins (n when there is none): the start of the final
    run, within the last second, of 50 ms blocks more than 6 dB under the level of the second before it."""
    block = sr // 20
    end = n - n % block
    if end < 3 * sr:
        return n
    rms = np.sqrt(np.mean(np.square(x[:, end - 3 * sr : end].astype(np.float64)).reshape(2, -1, block), axis=(0, 2)))
    ref = float(np.median(rms[: 2 * sr // block]))
    if ref < SILENT_RMS:
        return n
    quiet = rms[2 * sr // block :] < ref * 0.5
    k = len(quiet)
    while k > 0 and quiet[k - 1]:
        k -= 1
    if k == len(quiet):
        return n
    return end - sr + k * block


def _lufs(x: np.ndarray, sr: int) -> float:
    v = integrated_lufs(x, sr) if x.shape[-1] else float("-inf")
    return v if math.isfinite(v) else float("-inf")


def loop(segment: np.ndarray, n: int, sr: int, fade_s: float = LOOP_FADE_S) -> np.ndarray:
    """`segment` repeated to n samples, each repeat joined to the next by an equal-power crossfade."""
    L = segment.shape[1]
    f = min(int(fade_s * sr), L // 3)
    out = np.zeros((2, n), np.float32)
    if L == 0:
        return out
    step = max(1, L - f)
    theta = np.linspace(0, np.pi / 2, f, dtype=np.float32) if f else np.zeros(0, np.float32)
    unit = segment.astype(np.float32).copy()
    if f:
        unit[:, :f] *= np.sin(theta)
        unit[:, L - f :] *= np.cos(theta)
    pos = 0
    while pos < n:
        k = min(L, n - pos)
        out[:, pos : pos + k] += unit[:, :k]
        pos += step
    return out


def join(source: np.ndarray | None, n_src: int, n_ext: int, sr: int, bed: Callable[[float], np.ndarray], *,
         bed_required: bool = False) -> JoinedAudio:
    """The extended clip's audio: `source` ((2, >= n_src) or None) for the first n_src samples, then n_ext samples
    of continuation. `bed(seconds)` makes a music bed of that length (mastered, (2, round(seconds * sr)));
    `bed_required`: the bed carries something that must be heard (a voice-over), so ambience is not looped
    instead."""
    total = n_src + n_ext
    out = np.zeros((2, total), np.float32)
    src = None if source is None else source[:, :n_src].astype(np.float32)
    if src is None or float(np.sqrt(np.mean(np.square(src, dtype=np.float64)))) < SILENT_RMS:
        # Nothing to continue: the bed fades in from the seam.
        if src is not None:
            out[:, :n_src] = src
        music = _fit(bed(n_ext / sr), n_ext)
        fi = min(n_ext, int(FADE_IN_S * sr))
        music[:, :fi] *= np.sin(np.linspace(0, np.pi / 2, fi, dtype=np.float32)) ** 2
        out[:, n_src:] = music
        return JoinedAudio(out, "music_after_silence", n_src / sr)
    h = int(CROSSFADE_S * sr / 2)
    # The crossfade's centre: the seam, or where the source's own fade-out begins (at most a second before).
    centre = min(n_src, max(fade_start(src, n_src, sr), h))
    tail = src[:, max(0, centre - int(TAIL_S * sr)) : centre]
    reference = _lufs(tail, sr)
    start = centre - h  # the continuation starts here, under the crossfade
    length = total - start
    if bed_required or tail.shape[1] < sr or tonal_share(tail, sr) >= TONAL_SHARE:
        kind = "music"
        cont = _fit(bed(length / sr), length)
        own = _lufs(cont, sr)
        gain_db = 0.0
        if math.isfinite(reference) and math.isfinite(own):
            gain_db = float(np.clip(reference - own, -MAX_GAIN_DB, MAX_GAIN_DB))
            cont *= np.float32(10 ** (gain_db / 20))
    else:
        kind, gain_db = "ambience", 0.0
        seg = src[:, max(0, centre - int(LOOP_S * sr)) : centre]
        cont = loop(seg, length, sr)
    out[:, :start] = src[:, :start]
    # Outgoing: the source across the centre, time-mirrored past its end (continuous at the seam, no click).
    outgoing = src[:, start : min(n_src, centre + h)]
    if outgoing.shape[1] < 2 * h:
        mirror = src[:, max(0, n_src - (2 * h - outgoing.shape[1])) : n_src][:, ::-1]
        outgoing = np.concatenate([outgoing, mirror], axis=1)
    outgoing = _fit(outgoing, 2 * h)
    theta = np.linspace(0, np.pi / 2, 2 * h, dtype=np.float32)
    mixed = cont.copy()
    mixed[:, : 2 * h] = outgoing * np.cos(theta) + cont[:, : 2 * h] * np.sin(theta)
    out[:, start:] = limit(mixed, sr, 0.89)
    return JoinedAudio(out, kind, centre / sr, gain_db)


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    """(2, n) float32: `x` cut or padded with silence (mono duplicated)."""
    x = np.atleast_2d(np.asarray(x, np.float32))
    if x.shape[0] == 1:
        x = np.repeat(x, 2, axis=0)
    if x.shape[1] >= n:
        return np.ascontiguousarray(x[:2, :n])
    return np.concatenate([x[:2], np.zeros((2, n - x.shape[1]), np.float32)], axis=1)
