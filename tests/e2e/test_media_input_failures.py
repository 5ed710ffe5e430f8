"""Media inputs through the official SDK against a real server: playable files the probe and the renderer used to
choke on are accepted and rendered (tags that are not UTF-8, 16-bit images, AVI and MPEG program streams); broken
inline videos are a 400 at create, as broken inline images are; a source that cannot be opened at render time
fails once with invalid_media, never as an internal error retried three times; and the allowlist a 415 names is
what a request can use. Every output is decoded and measured."""

from __future__ import annotations

import base64
import io
import sqlite3
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from google.genai import _interactions as gi
from google.genai import errors as genai_errors
from PIL import Image

from omnireel.media.decode import iter_frames
from tests.conftest import sdk_client
from tests.unit.media.test_media_robustness import (_clip, _with_bad_tag, bar_x, grey, photo, wav_bytes,
                                                   write_legacy)

MODEL = "gemini-omni-flash-preview"
SMALL = {"type": "video", "resolution": "360p", "duration": "3s"}
GREY = "Make it black and white."


def _video_block(data: bytes, mime: str = "video/mp4") -> dict:
    return {"type": "video", "data": base64.b64encode(data).decode(), "mime_type": mime}


def _output(interaction, path: Path) -> list[np.ndarray]:
    assert interaction.status == "completed", interaction.errors
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    return list(iter_frames(path))


def _is_grey(frames: list[np.ndarray]) -> bool:
    spread = max(float((f.max(axis=2).astype(int) - f.min(axis=2)).mean()) for f in frames)
    return spread < 4


def _stored_files(server, tenant: str) -> int:
    with sqlite3.connect(server.data_dir / "omnireel.db") as db:
        return db.execute("select count(*) from files where tenant_id=?", (tenant,)).fetchone()[0]


# ------------------------------------------------------------------------- tags that are not UTF-8


def test_video_with_non_utf8_tags_uploads_and_edits_inline_and_by_uri(server, tmp_path):
    client = sdk_client(server, key=server.key("bad-tags"))
    good = _clip(tmp_path / "good.mp4")
    bad = _with_bad_tag(good, tmp_path / "bad.mp4", b"VideoHandler", 0xB4)
    bad = _with_bad_tag(bad, tmp_path / "bad2.mp4", b"Lavf", 0xE9)
    source = list(iter_frames(good))

    uploaded = client.files.upload(file=str(bad), config={"mime_type": "video/mp4"})
    assert uploaded.state.name == "ACTIVE", uploaded.error
    assert abs(float(uploaded.video_metadata["videoDuration"].rstrip("s")) - 1.0) < 0.01

    by_uri = client.interactions.create(model=MODEL, input=[
        {"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"}, {"type": "text", "text": GREY}])
    inline = client.interactions.create(model=MODEL, input=[_video_block(bad.read_bytes()),
                                                            {"type": "text", "text": GREY}])
    for n, interaction in enumerate((by_uri, inline)):
        frames = _output(interaction, tmp_path / f"out{n}.mp4")
        assert len(frames) == 24 and frames[0].shape == (96, 160, 3)  # the source's size and duration
        assert _is_grey(frames)
        for a, b in zip(source[::6], frames[::6]):  # the same picture, in grey
            assert abs(float(grey(a).mean()) - float(b.mean())) < 4


# ------------------------------------------------------------------------------- broken inline video


@pytest.mark.parametrize("damage,needle", [
    ("garbage-after-ftyp", "could not be decoded"),
    ("cut-inside-index", "could not be decoded"),
    ("cut-after-index", "truncated"),
])
def test_broken_inline_videos_are_refused_at_create(server, tmp_path, damage, needle):
    tenant = f"broken-{damage}"
    client = sdk_client(server, key=server.key(tenant), retry_options={"attempts": 1})
    good = _clip(tmp_path / "good.mp4", frames=48).read_bytes()
    data = {"garbage-after-ftyp": good[:32] + bytes(range(256)) * 20, "cut-inside-index": good[:400],
            "cut-after-index": good[: int(len(good) * 0.6)]}[damage]
    started = time.monotonic()
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=MODEL, response_format=SMALL,
                                   input=[_video_block(data), {"type": "text", "text": GREY}])
    assert time.monotonic() - started < 30  # probed at create, not rendered
    error = info.value.body["error"]
    assert error["code"] == "invalid_media" and error["message"].startswith("input[0]: The video"), error
    assert needle in error["message"]
    assert "Traceback" not in error["message"] and "/tmp" not in error["message"]
    assert _stored_files(server, tenant) == 0  # a refused request stores nothing


def test_a_source_that_breaks_after_upload_fails_once_with_invalid_media(server, tmp_path):
    """The file passed the probe when it was uploaded; its stored bytes are then cut inside the index (disk
    damage, a partial restore). The render must say the media is unusable, at once, not retry a crash."""
    tenant = "broken-later"
    client = sdk_client(server, key=server.key(tenant))
    clip = _clip(tmp_path / "clip.mp4")
    uploaded = client.files.upload(file=str(clip), config={"mime_type": "video/mp4"})
    assert uploaded.state.name == "ACTIVE"
    with sqlite3.connect(server.data_dir / "omnireel.db") as db:
        key = db.execute("select blob_key from files where tenant_id=? and id=?",
                         (tenant, uploaded.name.split("/")[-1])).fetchone()[0]
    blob = next(server.data_dir.rglob(key))
    blob.write_bytes(clip.read_bytes()[:400])

    result = client.interactions.create(model=MODEL, input=[
        {"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"}, {"type": "text", "text": GREY}])
    assert result.status == "failed"
    assert [e.code for e in result.errors] == ["invalid_media"], result.errors
    message = result.errors[0].message
    assert "Gave up" not in message and "internal" not in message.lower() and "/" not in message
    with sqlite3.connect(server.data_dir / "omnireel.db") as db:
        attempts = db.execute("select attempts from jobs where interaction_id=?", (result.id,)).fetchone()[0]
    assert attempts == 1


# ------------------------------------------------------------------------------------ 16-bit images


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    return buf.getvalue()


def _png16(rgb: np.ndarray) -> bytes:
    """The picture as a 16-bit greyscale PNG (Pillow mode I;16) with real detail in the low byte."""
    g = grey(rgb).astype(np.uint16) * 257 + np.random.default_rng(1).integers(0, 128, rgb.shape[:2]).astype(np.uint16)
    return _png(g)


def _png48(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", (rgb.astype(np.uint16) * 257)[..., ::-1])
    assert ok
    return data.tobytes()


def _image_block(data: bytes) -> dict:
    return {"type": "image", "data": base64.b64encode(data).decode(), "mime_type": "image/png"}


def test_16_bit_images_render_like_their_8_bit_twins(server, tmp_path):
    client = sdk_client(server, key=server.key("wide-images"))
    rgb = photo(320, 180)
    eight_grey, sixteen = _png(grey(rgb)), _png16(rgb)
    uploaded = client.files.upload(file=io.BytesIO(sixteen), config={"mime_type": "image/png"})
    assert uploaded.state.name == "ACTIVE"
    as_uri = {"type": "image", "uri": uploaded.uri, "mime_type": "image/png"}
    prompt = {"type": "text", "text": "Static shot, soft daylight."}

    def first_frames(images, task, name):
        out = client.interactions.create(model=MODEL, response_format=SMALL, input=[*images, prompt],
                                         generation_config={"seed": 7, "video_config": {"task": task}})
        frames = _output(out, tmp_path / f"{name}.mp4")
        return frames

    i2v_8 = first_frames([_image_block(eight_grey)], "image_to_video", "i2v8")
    for name, block in (("i2v16-inline", _image_block(sixteen)), ("i2v16-uri", as_uri)):
        frames = first_frames([block], "image_to_video", name)
        assert abs(float(frames[0].mean()) - float(i2v_8[0].mean())) < 3, name
        assert frames[0].std() > 20 and frames[0].mean() < 230, name  # a picture, not a white page

    colour = [rgb, rgb[::-1].copy(), rgb[:, ::-1].copy()]
    r2v_8 = first_frames([_image_block(_png(c)) for c in colour], "reference_to_video", "r2v8")
    r2v_48 = first_frames([_image_block(_png48(c)) for c in colour], "reference_to_video", "r2v48")
    r2v_16 = first_frames([_image_block(_png(grey(c))) for c in colour], "reference_to_video", "r2v8g")
    r2v_16w = first_frames([_image_block(_png16(c)) if n else as_uri for n, c in enumerate(colour)],
                           "reference_to_video", "r2v16")
    for a, b, name in ((r2v_8, r2v_48, "48-bit"), (r2v_16, r2v_16w, "16-bit")):
        assert len(a) == len(b) == 72
        for i in (0, 24, 48, 71):
            assert abs(float(a[i].mean()) - float(b[i].mean())) < 3, (name, i)


# ----------------------------------------------------------------------------- the allowlist, AVI, MPEG


def test_audio_is_refused_and_the_415_names_only_what_is_usable(server):
    client = sdk_client(server, key=server.key("audio"), retry_options={"attempts": 1})
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(wav_bytes()), config={"mime_type": "application/octet-stream"})
    assert info.value.code == 415
    assert "audio/" not in info.value.message and "video/mp4" in info.value.message
    assert "video/x-msvideo" in info.value.message and "video/mpeg" in info.value.message
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(wav_bytes()), config={"mime_type": "audio/wav"})
    assert info.value.code == 415 and "audio/" not in info.value.message.split("allowed")[-1]
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=MODEL, input=[
            {"type": "audio", "data": base64.b64encode(wav_bytes()).decode(), "mime_type": "audio/wav"},
            {"type": "text", "text": "a beach at dawn"}])
    error = info.value.body["error"]
    assert error["code"] == "unsupported_media_type" and "audio inputs are not supported" in error["message"]
    assert client.files.list().page == []


@pytest.mark.parametrize("name,fmt,codec,audio,mime", [
    ("clip.avi", "avi", "mpeg4", None, "video/x-msvideo"),
    ("clip.mpg", "mpeg", "mpeg2video", "mp2", "video/mpeg"),
])
def test_avi_and_mpeg_uploads_are_accepted_and_edited(server, tmp_path, name, fmt, codec, audio, mime):
    client = sdk_client(server, key=server.key("legacy-" + fmt))
    path = write_legacy(tmp_path / name, fmt, codec, audio=audio)
    uploaded = client.files.upload(file=str(path))  # the SDK guesses the type from the extension
    assert uploaded.state.name == "ACTIVE", uploaded.error
    assert uploaded.mime_type == mime
    assert abs(float(uploaded.video_metadata["videoDuration"].rstrip("s")) - 2.0) < 0.05

    by_uri = client.interactions.create(model=MODEL, input=[
        {"type": "video", "uri": uploaded.uri, "mime_type": uploaded.mime_type}, {"type": "text", "text": GREY}])
    inline = client.interactions.create(model=MODEL, input=[_video_block(path.read_bytes(), mime),
                                                            {"type": "text", "text": GREY}])
    for n, interaction in enumerate((by_uri, inline)):
        frames = _output(interaction, tmp_path / f"out{n}.mp4")
        assert 48 <= len(frames) <= 49 and frames[0].shape == (96, 160, 3)
        assert _is_grey(frames)
        xs = [bar_x(f) for f in frames]
        assert xs[0] <= 2 and xs[-1] >= 90  # the whole clip from its first frame: no frozen lead-in
        assert sum(1 for a, b in zip(xs, xs[1:]) if a == b) <= 1
