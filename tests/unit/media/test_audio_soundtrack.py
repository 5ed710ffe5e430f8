"""Soundtrack: loudness on target for several moods, moods that sound different, voice-over where the plan says
with the music ducked under it, determinism, and an AAC track as long as the picture."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import signal

from omnireel.media.audio import speech
from omnireel.media.audio.loudness import integrated_lufs, true_peak_dbtp
from omnireel.media.audio.music import MOODS, render_bed
from omnireel.media.audio.soundtrack import duck_gain, soundtrack
from omnireel.media.encode import VideoWriter
from omnireel.media.prompt.parse import parse
from tests.unit.media.helpers import decode_all

SR = 48000
needs_speech = pytest.mark.skipif(not speech.available(), reason="espeakng-loader is not installed")


def _band_rms(x: np.ndarray, lo: float, hi: float) -> float:
    sos = signal.butter(4, [lo, hi], "bandpass", fs=SR, output="sos")
    y = signal.sosfilt(sos, x.mean(axis=0))
    return float(np.sqrt(np.mean(y**2)))


@pytest.mark.parametrize("mood", ["upbeat", "calm", "neon", "vintage", "nature", "epic"])
def test_loudness_on_target_with_true_peak_ceiling(mood):
    x = render_bed(5, MOODS[mood], np.random.default_rng(3), cues=(2.0,))
    assert x.shape == (2, 5 * SR) and x.dtype == np.float32
    assert abs(integrated_lufs(x, SR) - (-16.0)) <= 2.0
    assert true_peak_dbtp(x) <= -0.9


def test_moods_differ_in_tempo_and_spectrum():
    def onset_tempo(x):
        env = np.abs(signal.hilbert(signal.sosfilt(signal.butter(2, 150, fs=SR, output="sos"), x.mean(0))))
        env = env[: env.size // 480 * 480].reshape(-1, 480).mean(1)  # 100 Hz envelope
        flux = np.maximum(np.diff(env), 0)
        ac = np.correlate(flux - flux.mean(), flux - flux.mean(), "full")[flux.size - 1 :]
        lags = np.arange(ac.size)
        ok = (lags >= 100 * 60 / 180) & (lags <= 100 * 60 / 70)
        return 6000 / lags[ok][np.argmax(ac[ok])]

    def centroid(x):
        f, p = signal.welch(x.mean(0), SR, nperseg=4096)
        return float((f * p).sum() / p.sum())

    upbeat = render_bed(6, MOODS["upbeat"], np.random.default_rng(1))
    drive = render_bed(6, MOODS["energetic"], np.random.default_rng(1))
    neon = render_bed(6, MOODS["neon"], np.random.default_rng(1))
    calm = render_bed(6, MOODS["calm"], np.random.default_rng(1))
    vintage = render_bed(6, MOODS["vintage"], np.random.default_rng(1))
    # The drum-driven beds lock to their tempos (x2 or /2 counts as the same pulse).
    for x, bpm in ((drive, 128), (neon, 104)):
        t = onset_tempo(x)
        assert min(abs(t - bpm), abs(t * 2 - bpm), abs(t / 2 - bpm)) < 6, (t, bpm)
    # Lo-fi is band-limited (dull), upbeat is brighter; calm piano has no kick energy.
    assert centroid(vintage) < centroid(upbeat) * 0.8
    assert _band_rms(calm, 40, 100) < _band_rms(upbeat, 40, 100) * 0.7


def test_deterministic_per_seed():
    plan = parse("Neon city street at night, synthwave. Narrator: \"Welcome to the future.\"", duration_s=4)
    a = soundtrack(plan, 4, np.random.default_rng(7), cues=(2.0,))
    b = soundtrack(plan, 4, np.random.default_rng(7), cues=(2.0,))
    c = soundtrack(plan, 4, np.random.default_rng(8), cues=(2.0,))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.shape == (2, 4 * SR) and a.dtype == np.float32


def test_exact_length_for_odd_durations():
    plan = parse("A calm lake at dawn")
    for d in (3.0, 73 / 24, 15.0):
        assert soundtrack(plan, d, np.random.default_rng(0)).shape == (2, round(d * SR))


def test_scene_words_add_ambience_layers():
    assert parse("Waves roll onto a beach at golden hour").ambience[0] == "ocean"
    assert "city" in parse("Rainy city street with traffic").ambience
    assert "rain" in parse("Rainy city street with traffic").ambience


@needs_speech
def test_voice_over_is_spoken_at_its_time_and_ducks_the_music():
    prompt = '[0-3s] Slow push in on the cup. [3-6s] Orbit the cup, voice-over: "Fresh every morning." Calm cafe.'
    plan = parse(prompt, duration_s=6)
    assert [(d.text, d.start_s) for d in plan.dialogue] == [("Fresh every morning.", 3.2)]
    assert all(t.text != "Fresh every morning." for t in plan.texts)
    x = soundtrack(plan, 6, np.random.default_rng(0))
    quiet = parse(prompt.replace('voice-over: "Fresh every morning."', ""), duration_s=6)
    y = soundtrack(quiet, 6, np.random.default_rng(0))
    before, during = slice(int(1.0 * SR), int(2.8 * SR)), slice(int(3.4 * SR), int(4.4 * SR))
    # Speech band energy jumps when the line starts...
    assert _band_rms(x[:, during], 300, 3400) > 2 * _band_rms(x[:, before], 300, 3400)
    # ...and the bass (where the voice has little energy) drops relative to the same mix without speech.
    ratio_voiced = _band_rms(x[:, during], 30, 120) / _band_rms(x[:, before], 30, 120)
    ratio_plain = _band_rms(y[:, during], 30, 120) / _band_rms(y[:, before], 30, 120)
    assert ratio_voiced < ratio_plain * 0.5
    assert abs(integrated_lufs(x, SR) + 16) <= 2


def test_duck_gain_shape():
    g = duck_gain([(SR, 2 * SR)], 3 * SR, SR)
    assert g[0] == pytest.approx(1.0) and g[int(1.5 * SR)] < 0.35 and g[-1] == pytest.approx(1.0)
    assert g[int(0.99 * SR)] < 0.5  # already down when the line starts


@needs_speech
def test_speech_synthesis_offline():
    x = speech.speak("Hello from omnireel.", sample_rate=SR)
    assert x is not None and 0.5 * SR < x.size < 3 * SR
    assert _band_rms(x[None], 300, 3400) > 5 * _band_rms(x[None], 5000, 9000) * 0.2


def test_async_soundtrack_in_mp4_matches_picture(tmp_path):
    plan = parse("Product ad, upbeat", duration_s=3)
    path = tmp_path / "a.mp4"
    frames = 73
    with VideoWriter(path, 64, 64) as w:
        w.write_audio_async(functools.partial(soundtrack, plan, frames / 24, np.random.default_rng(0)))
        for i in range(frames):
            w.write_frame(np.full((64, 64, 3), i * 3 % 255, np.uint8))
    d = decode_all(path)
    assert d["frames"] == frames and d["fps"] == 24 and d["audio_codec"] == "aac"
    assert abs(d["audio"].shape[1] / SR - frames / 24) < 1 / 24
    assert float(np.sqrt(np.mean(d["audio"] ** 2))) > 0.03


def test_async_audio_failure_leaves_no_file(tmp_path):
    path = tmp_path / "bad.mp4"

    def broken():
        raise RuntimeError("synth failed")

    with pytest.raises(RuntimeError):
        with VideoWriter(path, 64, 64) as w:
            w.write_audio_async(broken)
            w.write_frame(np.zeros((64, 64, 3), np.uint8))
    assert not path.exists()
