"""The builtin edit task on real clips: every output is decoded and measured. Sources are small synthetic clips
whose frames carry their own frame number (8 big black/white blocks), so trims, speed and reverse can be checked
frame by frame; their sound is a tone whose loudness rises over the clip, so its direction can be checked too."""

from __future__ import annotations

import functools

import cv2
import numpy as np
import pytest

from omnireel.engines.base import EngineRequest, SimpleContext
from omnireel.engines.builtin import BuiltinEngine
from omnireel.errors import CapabilityMissing
from omnireel.media.decode import iter_frames
from omnireel.media.encode import VideoWriter
from tests.unit.media.helpers import decode_all, needs_tesseract, ocr, ocr_ink, read_audio

BITS = 8
BLOCK = 24


def _backdrop(w: int, h: int) -> np.ndarray:
    """A colourful picture twice as wide as the frame; frames are windows sliding across it."""
    x = np.linspace(0, 2, 2 * w, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    return np.dstack([
        70 + 110 * np.sin(np.pi * x + 0 * y) ** 2,
        60 + 120 * y * np.ones_like(x),
        90 + 100 * np.cos(np.pi * (x * 0.7 - y * 0.5)) ** 2,
    ]).astype(np.uint8)


def _frame(backdrop: np.ndarray, i: int, w: int, h: int, n: int) -> np.ndarray:
    """Frame i: the backdrop moving left, a red disc moving right, and i drawn as 8 blocks along the top left."""
    p = i / max(1, n)
    off = int(p * w)
    img = np.ascontiguousarray(backdrop[:, off : off + w])
    cv2.circle(img, (int(40 + (w - 120) * p), h // 2), min(w, h) // 8, (230, 60, 40), -1)
    for b in range(BITS):
        x0 = 8 + b * (BLOCK + 6)
        img[8 : 8 + BLOCK, x0 : x0 + BLOCK] = 245 if (i >> b) & 1 else 12
    return img


def read_index(rgb: np.ndarray) -> int:
    """The frame number a source frame carries (the centre of each block, thresholded)."""
    g = rgb.mean(axis=2)
    value = 0
    for b in range(BITS):
        x0 = 8 + b * (BLOCK + 6)
        if g[8 + BLOCK // 2 - 4 : 8 + BLOCK // 2 + 4, x0 + BLOCK // 2 - 4 : x0 + BLOCK // 2 + 4].mean() > 128:
            value |= 1 << b
    return value


def make_clip(path, w=640, h=360, seconds=3.0, fps=24, audio=True):
    n = round(seconds * fps)
    with VideoWriter(path, w, h, fps=fps, audio=audio) as vw:
        if audio:
            sr = 48000
            t = np.arange(round(seconds * sr)) / sr
            tone = (0.05 + 0.4 * t / seconds) * np.sin(2 * np.pi * 440 * t)  # louder and louder
            vw.write_audio(np.stack([tone, tone]).astype(np.float32))
        backdrop = _backdrop(w, h)
        for i in range(n):
            vw.write_frame(_frame(backdrop, i, w, h, n))
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("edit-src")
    return {
        "landscape": make_clip(d / "landscape.mp4"),
        "portrait": make_clip(d / "portrait.mp4", w=360, h=640),
        "fps30": make_clip(d / "fps30.mp4", fps=30),
        "silent": make_clip(d / "silent.mp4", seconds=2.0, audio=False),
        "long": make_clip(d / "long.mp4", w=320, h=180, seconds=4.0),
    }


@pytest.fixture
def edit(tmp_path):
    counter = {"n": 0}

    def _edit(source, prompt, **kw):
        counter["n"] += 1
        req = EngineRequest(task="edit", prompt=prompt, source_video=source, resolution=kw.pop("resolution", "360p"),
                            duration_s=kw.pop("duration_s", 3), **kw)
        out_path = tmp_path / f"edit{counter['n']}.mp4"
        out = BuiltinEngine().run(req, SimpleContext(scratch_dir=tmp_path), out_path)
        return out, list(iter_frames(out_path))

    return _edit


@functools.lru_cache(maxsize=4)
def _source_frames(path) -> list[np.ndarray]:
    """A source's frames as the edit decodes them (24 fps), decoded once per module."""
    return list(iter_frames(path, fps=24))


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


# ------------------------------------------------------------------------------------------------ text


@needs_tesseract
def test_caption_reads_back_exactly_and_the_rest_of_the_picture_is_untouched(clips, edit):
    src = _source_frames(clips["landscape"])
    out, frames = edit(clips["landscape"], "Add the caption 'HELLO WORLD' at the bottom. Keep everything else the same.")
    info = decode_all(out.video_path)
    assert (out.width, out.height) == info["size"] == (640, 360)
    assert info["fps"] == 24 and info["frames"] == len(src) == 72
    assert abs(info["duration"] - 3.0) <= 1 / 24
    assert info["audio_codec"] == "aac" and _rms(info["audio"]) > 0.01
    assert ocr(frames[36]) == "HELLO WORLD"
    # Everything above the caption (its plate sits in the bottom fifth) matches the decoded source.
    top = slice(0, int(360 * 0.7))
    for a, b in zip(src[::3], frames[::3]):
        assert _psnr(a[top], b[top]) > 38
        assert np.abs(a[top].astype(int) - b[top].astype(int)).mean() < 2
    assert 'Caption "HELLO WORLD" at the bottom, 0-3 s' in out.text
    assert "Kept as decoded: everything else" in out.text


@needs_tesseract
def test_timed_title_only_changes_its_time_range(clips, edit):
    src = _source_frames(clips["landscape"])
    out, frames = edit(clips["landscape"], 'Add the title "SUMMER" in the center from 1 to 2 seconds.')
    assert ocr(frames[36]) == "SUMMER"
    for k in [*range(0, 24, 3), 23, 48, *range(51, 72, 3)]:
        assert _psnr(src[k], frames[k]) > 38, k
    centre = (slice(140, 220), slice(220, 420))
    assert np.abs(src[36][centre].astype(int) - frames[36][centre].astype(int)).mean() > 20
    assert 'Title "SUMMER" in the centre, 1-2 s' in out.text


@needs_tesseract
@pytest.mark.parametrize("instruction,text,ink,light_plate", [
    ('Add the title "RED ALERT" in red', "RED ALERT", (235, 40, 40), False),
    ('Add the title "INK" in black at the top', "INK", (0, 0, 0), True),
])
def test_text_is_drawn_in_the_colour_asked_for(clips, edit, instruction, text, ink, light_plate):
    src = _source_frames(clips["landscape"])
    out, frames = edit(clips["landscape"], instruction)
    frame, before = frames[36].astype(int), src[36].astype(int)
    changed = np.abs(frame - before).max(axis=2) > 40
    # Read inside the title's box (what the edit changed): the source's own red disc is no text.
    ys, xs = np.nonzero(changed)
    assert ocr_ink(frames[36], ink, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)) == text
    # The glyphs are the pixels the title changed that are far from the plate's own colour: their median is the
    # colour asked for (within the encoder's chroma loss).
    plate = np.median(frame[changed], axis=0)
    glyphs = changed & (np.abs(frame - plate).sum(axis=2) > 150)
    got = np.median(frame[glyphs], axis=0)
    assert np.abs(got - np.array(ink)).max() < 45, (got, ink)
    assert (plate.mean() > 180) == light_plate, plate
    assert f" in {instruction.split(' in ')[1].split()[0]}" in out.text


@needs_tesseract
def test_portrait_source_keeps_its_size_and_text_stays_inside_the_safe_margin(clips, edit):
    src = _source_frames(clips["portrait"])
    out, frames = edit(clips["portrait"], 'Put "OPEN 24 HOURS" at the top right')
    assert (out.width, out.height) == frames[0].shape[1::-1] == (360, 640)
    assert ocr(frames[40]) == "OPEN 24 HOURS"
    # What the text changed (its plate darkens the picture a lot; codec specks are opened away).
    changed = (np.abs(frames[40].astype(int) - src[40].astype(int)).max(axis=2) > 30).astype(np.uint8)
    ys, xs = np.nonzero(cv2.morphologyEx(changed, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)))
    assert xs.min() >= 360 * 0.05 and xs.max() <= 360 * 0.95 and ys.min() >= 640 * 0.05, (xs.min(), xs.max(), ys.min())
    assert ys.max() < 640 * 0.35  # at the top


# ------------------------------------------------------------------------------------------------ looks


def test_black_and_white_has_no_chroma_and_keeps_the_light(clips, edit):
    src = _source_frames(clips["landscape"])
    out, frames = edit(clips["landscape"], "Make it black and white")
    for a, b in zip(src[::8], frames[::8]):
        chroma = np.abs(b.astype(int) - b.mean(axis=2, keepdims=True)).max()
        assert chroma <= 2, chroma
        grey = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(int)
        assert np.abs(grey - b[..., 0].astype(int)).mean() < 4
    assert "Look: black and white, 0-3 s" in out.text


def test_looks_change_colour_the_way_they_say(clips, edit):
    src = np.stack(_source_frames(clips["long"])[::12]).astype(float)
    _, warm = edit(clips["long"], "Make it warmer")
    _, bright = edit(clips["long"], "Make it brighter")
    _, sepia = edit(clips["long"], "Give it a sepia tone for the first 2 seconds")
    warm, bright = np.stack(warm[::12]).astype(float), np.stack(bright[::12]).astype(float)
    assert (warm[..., 0] - warm[..., 2]).mean() > (src[..., 0] - src[..., 2]).mean() + 5  # redder than blue
    assert bright.mean() > src.mean() + 8
    early, late = sepia[12].astype(float), sepia[80].astype(float)
    assert early[..., 0].mean() > early[..., 2].mean() + 10  # brown
    assert _psnr(late, _source_frames(clips["long"])[80]) > 38  # after 2 s: the source as it was


def test_fade_in_from_black_and_out_to_white(clips, edit):
    src = _source_frames(clips["landscape"])
    _, frames = edit(clips["landscape"], "Fade in from black and fade out to white")
    assert frames[0].mean() < 20 and frames[-1].mean() > 230
    assert _psnr(src[36], frames[36]) > 38


# ------------------------------------------------------------------------------------------------ time


@pytest.mark.parametrize("prompt,expected,seconds", [
    ("Keep only the first 2 seconds", list(range(0, 48)), 2.0),
    ("Cut the first second", list(range(24, 72)), 2.0),
    ("Remove the last second and play it at 2x speed", list(range(0, 48, 2)), 1.0),
    ("Play it backwards", list(range(71, -1, -1)), 3.0),
    ("Make it slow motion", [k // 2 for k in range(144)], 6.0),
])
def test_trim_speed_and_reverse_pick_the_right_frames(clips, edit, prompt, expected, seconds):
    out, frames = edit(clips["landscape"], prompt)
    assert [read_index(f) for f in frames] == expected
    info = decode_all(out.video_path)
    assert abs(info["duration"] - seconds) <= 1 / 24 and out.duration_s == pytest.approx(seconds)
    # The sound is exactly as long as the picture (give or take one AAC block).
    assert abs(info["audio"].shape[1] / 48000 - seconds) < 0.03
    assert _rms(info["audio"]) > 0.01


def test_reverse_plays_the_sound_backwards_too(clips, edit, tmp_path):
    out, _ = edit(clips["landscape"], "Reverse the video")
    audio = read_audio(out.video_path)[0]
    half = audio.shape[0] // 2
    # The source gets louder over time, so the reversed sound gets quieter.
    assert _rms(audio[:half]) > 1.5 * _rms(audio[half:])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("spill-")]  # the spill file is gone


def test_30fps_source_is_resampled_by_time(clips, edit):
    out, frames = edit(clips["fps30"], "Make it black and white")
    assert len(frames) == 72 and out.duration_s == 3.0
    # Output frame k shows the 30 fps frame on screen at k/24 s.
    assert [read_index(f) for f in frames] == [int(k * 30 / 24 + 1e-9) for k in range(72)]


# ------------------------------------------------------------------------------------------------ format


def test_make_it_vertical_reframes_at_the_source_resolution(clips, edit):
    out, frames = edit(clips["landscape"], "Make it vertical")
    assert (out.width, out.height) == (360, 640) and frames[0].shape == (640, 360, 3)
    assert "Aspect 9:16:" in out.text and out.duration_s == 3.0


def test_explicit_resolution_and_duration_are_followed(clips, edit):
    out, frames = edit(clips["landscape"], "Make it sepia", resolution="720p", duration_s=2,
                       options={"explicit_format": ["resolution", "duration_s"]})
    assert (out.width, out.height) == (1280, 720) and len(frames) == 48
    # Not named explicitly: the request's defaults are ignored and the source's format is kept.
    out, frames = edit(clips["landscape"], "Make it sepia", resolution="720p", duration_s=8)
    assert (out.width, out.height) == (640, 360) and len(frames) == 72


def test_longer_explicit_duration_points_at_extend(clips, edit):
    with pytest.raises(CapabilityMissing, match="extend"):
        edit(clips["landscape"], "Make it sepia", duration_s=8, options={"explicit_format": ["duration_s"]})


def test_cutting_more_than_the_clip_says_so_without_pointing_at_extend(clips, edit):
    # QA: it answered "an edit cannot make a clip longer; use the extend task" to a cut.
    with pytest.raises(CapabilityMissing) as info:
        edit(clips["landscape"], "Play it backwards, and cut the last 10 seconds")
    assert "Cut less than the whole clip" in info.value.message and "extend" not in info.value.message


def test_slow_motion_past_fifteen_seconds_is_refused(clips, edit):
    with pytest.raises(CapabilityMissing, match="at most 15 s"):
        edit(clips["long"], "Slow it down 4x")


# ------------------------------------------------------------------------------------------------ sound


def test_mute_silences_and_new_music_replaces_the_sound(clips, edit):
    out, _ = edit(clips["landscape"], "Mute the audio")
    info = decode_all(out.video_path)
    assert info["audio_codec"] == "aac" and _rms(info["audio"]) < 1e-4
    out, _ = edit(clips["landscape"], "Replace the music with something upbeat")
    new = read_audio(out.video_path)[0]
    old = read_audio(clips["landscape"])[0][: new.shape[0]]
    assert _rms(new) > 0.01
    assert abs(np.corrcoef(new[: old.shape[0]], old)[0, 1]) < 0.2
    assert "upbeat music bed" in out.text


def test_source_without_sound_gets_a_silent_track(clips, edit):
    out, frames = edit(clips["silent"], "Make it brighter")
    info = decode_all(out.video_path)
    assert info["audio_codec"] == "aac" and _rms(info["audio"]) < 1e-4 and len(frames) == 48
    assert "no sound" in out.text


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize("prompt,words", [
    ("Make the violin invisible. Keep everything else the same.", ("make the violin invisible", "edit")),
    ("Make it black and white and remove the logo", ("remove the logo",)),
    ("Make it black and white and stabilise it", ("stabilise it", "did not understand")),
    ('Add the title "日本語"', ("cannot draw",)),
])
def test_refusals_name_the_part_and_write_nothing(clips, edit, tmp_path, prompt, words):
    with pytest.raises(CapabilityMissing) as info:
        edit(clips["landscape"], prompt)
    for w in words:
        assert w in info.value.message
    assert not list(tmp_path.glob("edit*.mp4"))


def test_a_portrait_phone_clip_stays_portrait_and_upright(tmp_path):
    """Phones store portrait video landscape with a display rotation: the edit works on the upright picture and
    keeps its size (it used to come out sideways, 640x360)."""
    import av

    src = tmp_path / "phone.mp4"
    with av.open(str(src), "w") as out:
        s = out.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 640, 360, "yuv420p"
        s.set_display_rotation(90)
        img = np.full((360, 640, 3), 90, np.uint8)
        img[:, :60] = (240, 240, 240)  # the stored left edge: the bottom of the upright picture
        for _ in range(45):
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)
    out_path = tmp_path / "out.mp4"
    request = EngineRequest(task="edit", prompt="Make it black and white.", source_video=src)
    result = BuiltinEngine().run(request, SimpleContext(scratch_dir=tmp_path), out_path)
    assert (result.width, result.height) == (360, 640)
    frames = list(iter_frames(out_path))
    assert frames[0].shape == (640, 360, 3) and len(frames) == 36  # 1.5 s at 24 fps
    assert frames[0][-60:].mean() > 200 and frames[0][:300].mean() < 120


def test_full_range_source_keeps_its_tones(tmp_path, edit):
    """A full-range (JPEG-range) source, as phones and screen recorders write: the edit's output shows the same
    tones, near-black and near-white included (passed through unconverted they clipped)."""
    import av

    path = tmp_path / "full.mp4"
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=24)
        s.width, s.height, s.pix_fmt = 320, 180, "yuvj420p"
        s.codec_context.color_range = 2
        ramp = np.tile(np.linspace(0, 255, 320).astype(np.uint8)[None, :, None], (180, 1, 3))
        for _ in range(72):
            for packet in s.encode(av.VideoFrame.from_ndarray(ramp, format="rgb24").reformat(format="yuvj420p")):
                out.mux(packet)
        for packet in s.encode():
            out.mux(packet)
    src = _source_frames(path)
    assert src[0][90, 4:8].mean() < 12 and src[0][90, -8:-4].mean() > 243  # the decoder reads it as full range
    out, frames = edit(path, 'Add the caption "TONES" at the top')
    rows = slice(120, 170)  # below the caption
    diff = np.abs(frames[36][rows].astype(int) - src[36][rows].astype(int))
    assert diff.mean() < 2.5 and diff.max() <= 12, (diff.mean(), diff.max())


def test_system_instruction_on_an_edit_is_reported_not_silently_dropped(clips, edit):
    out, _ = edit(clips["landscape"], "Make it black and white", system_instruction="Always add a logo.")
    assert "System instruction: not applied" in out.text
