"""Offline text-to-speech for voice-over lines: eSpeak NG from the `espeakng-loader` wheel (which bundles
libespeak-ng and its data; GPL-3.0), driven through ctypes. No network, no downloaded voices.

Each line is spoken by a short-lived child process (`espeak_worker.py`, ~30 ms): eSpeak's process-global state
makes an utterance depend on the ones spoken before it in the same process, which would break "same request, same
output". When the library is missing or fails, `available()` is False and `speak()` returns None: the soundtrack
goes on without voice rather than failing the render.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import signal

_WORKER = Path(__file__).with_name("espeak_worker.py")
_TIMEOUT_S = 20

# Speaker -> eSpeak voice (language + variant). Variants ship in the bundled data (voices/!v).
VOICES = {"narrator": "en-us+m3", "female": "en-us+f3", "male": "en-us+m1", "announcer": "en-us+m3"}


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """True when offline speech synthesis works here (checked once per process)."""
    if importlib.util.find_spec("espeakng_loader") is None:
        return False
    return _synth("ok", VOICES["narrator"], 175) is not None


def _synth(text: str, voice: str, wpm: int) -> tuple[int, np.ndarray] | None:
    req = json.dumps({"text": text, "voice": voice, "wpm": int(wpm)}).encode("utf-8")
    try:
        # -I: isolated mode, so the child imports nothing from the environment or the working directory.
        proc = subprocess.run([sys.executable, "-I", str(_WORKER)], input=req, capture_output=True, timeout=_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0 or len(proc.stdout) < 6:
        return None
    (rate,) = struct.unpack("<i", proc.stdout[:4])
    return rate, np.frombuffer(proc.stdout[4:], dtype="<i2")


@functools.lru_cache(maxsize=64)
def _speak_cached(text: str, speaker: str, wpm: int, sample_rate: int) -> np.ndarray | None:
    got = _synth(text, VOICES.get(speaker, VOICES["narrator"]), wpm)
    if got is None:
        return None
    native, pcm = got
    x = pcm.astype(np.float32) / 32768.0
    loud = np.nonzero(np.abs(x) > 0.01)[0]
    if loud.size == 0:
        return None
    x = x[max(0, loud[0] - int(0.01 * native)) : loud[-1] + int(0.05 * native)]
    if native != sample_rate:
        g = np.gcd(int(native), int(sample_rate))
        x = signal.resample_poly(x, sample_rate // g, native // g).astype(np.float32)
    # Voice-over polish: roll off rumble under 90 Hz and give a little presence around 3 kHz.
    x = signal.sosfilt(signal.butter(2, 90, "highpass", fs=sample_rate, output="sos"), x)
    presence = signal.sosfilt(signal.butter(1, [2000, 5000], "bandpass", fs=sample_rate, output="sos"), x)
    out = (x + 0.3 * presence).astype(np.float32)
    out.flags.writeable = False  # shared by the cache
    return out


def speak(text: str, *, speaker: str = "narrator", words_per_minute: int = 160, sample_rate: int = 48000) -> np.ndarray | None:
    """`text` spoken as mono float32 at `sample_rate`, leading/trailing silence trimmed; None when speech
    synthesis is unavailable or produced nothing. The same arguments always give the same samples."""
    text = " ".join((text or "").split())
    if not text:
        return None
    wpm = int(np.clip(words_per_minute, 80, 450))
    x = _speak_cached(text, speaker, wpm, int(sample_rate))
    return None if x is None else x.copy()
