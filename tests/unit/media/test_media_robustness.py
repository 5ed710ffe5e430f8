"""Real-world media that used to break renders or the probe: playable files whose tags are not UTF-8, 16-bit and
float images, AVI and MPEG program streams, and broken sources, which must fail as invalid_media (never a crash
that reads as an internal error and is retried). Every file here is real, and every check decodes and measures."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image

from omnireel import media_types
from omnireel.errors import InvalidMedia
from omnireel.media.decode import iter_frames, read_image
from omnireel.media.encode import VideoWriter
from omnireel.media.ops import video_source
from omnireel.media.probe import probe
from omnireel.media.upload_probe import probe_upload

PIXELS = 40_000_000


def _clip(path: Path, frames: int = 24, audio: bool = True) -> Path:
    """A moving H.264 + AAC clip (a bright bar crossing a gradient, a 440 Hz tone)."""
    with VideoWriter(path, 160, 96, audio=audio) as writer:
        if audio:
            t = np.arange(48000 * frames // 24) / 48000
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            writer.write_audio(np.stack([tone, tone]))
        for i in range(frames):
            img = np.zeros((96, 160, 3), np.uint8)
            img[:] = np.linspace(20, 200, 160, dtype=np.uint8)[None, :, None]
            img[30:60, i * 5 : i * 5 + 20] = 255
            writer.write_frame(img)
    return path


def _with_bad_tag(src: Path, dst: Path, tag: bytes, byte: int) -> Path:
    """The file with one byte inside a tag string replaced by one that is not valid UTF-8 on its own."""
    data = bytearray(src.read_bytes())
    at = data.find(tag)
    assert at > 0, tag
    data[at + 2] = byte
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("tag,byte", [(b"VideoHandler", 0xB4), (b"SoundHandler", 0xE9), (b"Lavf", 0xE9)])
def test_files_whose_tags_are_not_utf8_open_probe_and_decode(tmp_path, tag, byte):
    good = _clip(tmp_path / "good.mp4")
    bad = _with_bad_tag(good, tmp_path / "bad.mp4", tag, byte)
    with pytest.raises(UnicodeDecodeError):  # what PyAV does with such a file by default: the bug's cause
        av.open(str(bad)).close()

    seconds, error = probe_upload(bad, "video/mp4", PIXELS)  # the sandboxed upload / inline probe
    assert error is None and abs(seconds - 1.0) < 0.05
    assert probe(bad).frame_count == 24

    info = video_source.inspect(bad)
    assert (info.width, info.height, info.frames, info.has_audio) == (160, 96, 24, True)
    got = list(video_source.frames_i420(bad, info))
    want = list(video_source.frames_i420(good, video_source.inspect(good)))
    assert len(got) == 24 and all(np.array_equal(a, b) for a, b in zip(got, want))  # the same pictures
    sound = video_source.read_audio(bad, info.audio_samples)
    assert 0.15 < float(np.sqrt(np.mean(sound[:, 4800:-4800] ** 2))) < 0.25  # the tone (rms 0.3/sqrt 2)
    assert len(list(iter_frames(bad))) == 24


@pytest.mark.parametrize("damage", ["garbage-after-ftyp", "index-cut-off"])
def test_a_source_that_cannot_be_opened_is_invalid_media(tmp_path, damage):
    good = _clip(tmp_path / "good.mp4").read_bytes()
    data = good[:32] + bytes(range(256)) * 20 if damage == "garbage-after-ftyp" else good[:400]
    path = tmp_path / "broken.mp4"
    path.write_bytes(data)
    with pytest.raises(InvalidMedia) as info:
        video_source.inspect(path)
    assert info.value.retryable is False and info.value.code == "invalid_media"
    with pytest.raises(InvalidMedia):
        list(iter_frames(path))
    try:  # no sound to read (the index that named it is gone), or a refusal; never another error
        sound = video_source.read_audio(path, 48000)
    except InvalidMedia:
        sound = None
    assert sound is None
    seconds, error = probe_upload(path, "video/mp4", PIXELS)
    assert seconds is None and error == "The video could not be decoded."


# ------------------------------------------------------------------------------------------ wide images


def photo(width: int = 192, height: int = 128) -> np.ndarray:
    """A photo-like 8-bit picture: smooth gradients, a disc, fine texture."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 40 + 150 * x / width
    g = 60 + 120 * y / height
    b = 128 + 60 * np.sin(x / 9.0) * np.cos(y / 7.0)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.45) ** 2 < (height * 0.25) ** 2
    rgb = np.stack([r, g, b], -1)
    rgb[disc] = (230, 210, 60)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def wide_variants(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """(8-bit file, wide file of the same picture) for each wide layout a camera or editor writes."""
    rgb = photo()
    g8 = grey(rgb)
    # A genuine 16-bit picture: the 8-bit values in the high byte, detail in the low byte (not a scaled copy).
    noise = np.random.default_rng(0).integers(0, 256, g8.shape)
    g16 = (g8.astype(np.uint16) * 257 + noise // 2).astype(np.uint16)
    rgb16 = (rgb.astype(np.uint16) * 257).astype(np.uint16)
    out: dict[str, tuple[Path, Path]] = {}
    Image.fromarray(g8).save(tmp_path / "g8.png")
    Image.fromarray(rgb).save(tmp_path / "rgb8.png")
    g8_png, rgb8_png = tmp_path / "g8.png", tmp_path / "rgb8.png"

    Image.fromarray(g16).save(tmp_path / "g16.png")  # Pillow mode I;16
    out["png-I;16"] = (g8_png, tmp_path / "g16.png")
    cv2.imwrite(str(tmp_path / "rgb48.png"), rgb16[..., ::-1])  # 48-bit RGB PNG
    out["png-rgb48"] = (rgb8_png, tmp_path / "rgb48.png")
    Image.fromarray(g16.astype(">u2")).save(tmp_path / "g16be.tif")  # Pillow mode I;16B
    out["tiff-I;16B"] = (g8_png, tmp_path / "g16be.tif")
    Image.fromarray(g16.astype(np.int32)).save(tmp_path / "gI.tif")  # mode I, 16-bit data in 32-bit samples
    out["tiff-I"] = (g8_png, tmp_path / "gI.tif")
    Image.fromarray((g8.astype(np.float32) / 255.0)).save(tmp_path / "gF.tif")  # mode F, 0-1
    out["tiff-F"] = (g8_png, tmp_path / "gF.tif")
    cv2.imwrite(str(tmp_path / "rgb48.tif"), rgb16[..., ::-1])
    out["tiff-rgb48"] = (rgb8_png, tmp_path / "rgb48.tif")
    return out


def test_wide_images_read_as_the_same_picture_as_8_bit(tmp_path):
    modes = {}
    for name, (eight, wide) in wide_variants(tmp_path).items():
        with Image.open(wide) as im:
            modes[name] = im.mode
        a, b = read_image(eight).astype(np.float64), read_image(wide).astype(np.float64)
        assert a.shape == b.shape, name
        assert abs(a.mean() - b.mean()) < 3, (name, a.mean(), b.mean())
        assert np.abs(a - b).mean() < 3, name  # pixel for pixel, not just on average
        assert b.std() > 20, name  # a picture, not a blank page
    # The layouts really are the wide ones (the test would prove nothing if Pillow handed us 8-bit data).
    assert modes["png-I;16"] == "I;16" and modes["tiff-I;16B"] == "I;16B"
    assert modes["tiff-I"] == "I" and modes["tiff-F"] == "F"


def test_wide_images_keep_their_range_when_reduced(tmp_path):
    eight, wide = wide_variants(tmp_path)["png-I;16"]
    a = read_image(eight, cover=(48, 32)).astype(np.float64)
    b = read_image(wide, cover=(48, 32)).astype(np.float64)
    assert b.shape == a.shape == (32, 48, 3)
    assert abs(a.mean() - b.mean()) < 3 and b.std() > 20


def test_integer_and_float_images_beyond_16_bits_are_scaled_to_their_peak(tmp_path):
    g8 = grey(photo())
    Image.fromarray(g8.astype(np.int32) * 65536).save(tmp_path / "i32.tif")  # values up to 255 * 65536
    Image.fromarray(g8.astype(np.float32) * 1000.0).save(tmp_path / "f.tif")  # an unnormalised float image
    for name in ("i32.tif", "f.tif"):
        b = read_image(tmp_path / name)[..., 0].astype(np.float64)
        assert np.abs(b - g8 * (255.0 / g8.max())).max() <= 1.0, name


# ------------------------------------------------------------------------------------- AVI and MPEG-PS


def write_legacy(path: Path, fmt: str, codec: str, frames: int = 48, audio: str | None = None) -> Path:
    """A clip in an older container, written by PyAV: a bar moving 4 px a frame, and a tone when `audio`."""
    from fractions import Fraction

    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=24)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        sound = out.add_stream(audio, rate=48000, layout="mono") if audio else None
        for i in range(frames):
            img = np.full((96, 160, 3), 90, np.uint8)
            img[30:60, i * 2 : i * 2 + 24] = 250
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
        if sound is not None:
            size = sound.codec_context.frame_size
            t = np.arange(48000 * frames // 24) / 48000
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for at in range(0, len(tone) - size + 1, size):
                frame = av.AudioFrame.from_ndarray(tone[None, at : at + size], format="fltp", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = 48000, at, Fraction(1, 48000)
                for packet in sound.encode(frame):
                    out.mux(packet)
            for packet in sound.encode():
                out.mux(packet)
    return path


def bar_x(rgb: np.ndarray) -> float:
    """The bright bar's left edge (pixels)."""
    cols = np.nonzero(rgb[45, :, 0] > 200)[0]
    return float(cols[0]) if len(cols) else -1.0


@pytest.mark.parametrize("name,fmt,codec,audio,mime", [
    ("clip.avi", "avi", "mpeg4", None, "video/x-msvideo"),
    ("clip.mpg", "mpeg", "mpeg2video", "mp2", "video/mpeg"),
    ("clip1.mpg", "mpeg", "mpeg1video", None, "video/mpeg"),
])
def test_avi_and_mpeg_program_streams_are_sniffed_probed_and_decoded_from_their_start(tmp_path, name, fmt, codec,
                                                                                        audio, mime):
    path = write_legacy(tmp_path / name, fmt, codec, audio=audio)
    assert media_types.sniff(path.read_bytes()[: media_types.SNIFF_BYTES]) == mime
    seconds, error = probe_upload(path, mime, PIXELS)
    assert error is None and 1.8 < seconds < 2.1
    info = video_source.inspect(path)
    assert (info.width, info.height) == (160, 96)
    # An MPEG program stream's clock starts at about 0.5 s; counted from there, 48 frames are 48 frames (49 with
    # the sound starting a frame ahead of the picture), not 61 with a frozen first half second.
    assert 48 <= info.frames <= 49
    frames = list(video_source.frames_rgb(path, info))
    assert len(frames) == info.frames
    xs = [bar_x(f) for f in frames]
    moving = [b - a for a, b in zip(xs, xs[1:])]
    assert moving.count(0) <= 1 and all(0 <= step <= 3 for step in moving)  # moves from the first frames on
    assert xs[0] <= 2 and xs[-1] >= 90
    if audio:
        sound = video_source.read_audio(path, info.audio_samples)
        loud = np.nonzero(np.abs(sound[0]) > 0.05)[0]
        assert loud[0] < 2400  # the tone starts with the picture (within 50 ms), not half a second late


def test_a_damaged_mpeg_program_stream_is_refused_by_the_probe(tmp_path):
    path = write_legacy(tmp_path / "clip.mpg", "mpeg", "mpeg2video")
    broken = tmp_path / "broken.mpg"
    broken.write_bytes(path.read_bytes()[:14] + bytes(range(256)) * 8)
    seconds, error = probe_upload(broken, "video/mpeg", PIXELS)
    assert seconds is None and error


# ------------------------------------------------------------------------------------------ allowlist


def wav_bytes() -> bytes:
    samples = (np.sin(np.arange(4800) / 8) * 8000).astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, 1, 48000, 96000, 2, 16) + b"data" + struct.pack("<I", len(samples))
    return header + samples


def test_the_allowlist_offers_no_audio_but_still_recognises_it():
    assert not [t for t in media_types.ALLOWED_TYPES if t.startswith("audio/")]
    assert {"video/x-msvideo", "video/mpeg"} <= set(media_types.VIDEO_TYPES)
    wav = wav_bytes()[:64]
    assert media_types.sniff(wav) is None and media_types.identify(wav) == "audio/wav"
    png = io.BytesIO()
    Image.fromarray(photo()).save(png, "PNG")
    assert media_types.sniff(png.getvalue()[:64]) == "image/png"
    assert media_types.normalize("video/avi") == "video/x-msvideo" and media_types.normalize("video/mpg") == "video/mpeg"
    assert media_types.compatible("video/avi", "video/x-msvideo")
