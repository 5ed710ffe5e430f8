"""Hostile or broken media never crashes the server: a 4xx at create, or a failed interaction with a code."""

from __future__ import annotations

import base64
import io
import sqlite3
import zlib

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.conftest import sdk_client


def _png_bomb(side: int = 20000) -> bytes:
    """A tiny PNG that claims side x side pixels (a decompression bomb)."""
    import struct

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * side
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _jpeg(truncate: int | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(buf, "JPEG")
    data = buf.getvalue()
    return data[:truncate] if truncate else data


@pytest.mark.parametrize("payload,label", [(_png_bomb(), "bomb"), (_jpeg(truncate=600), "truncated")])
def test_bad_images_are_refused_at_create_not_the_server(server, payload, label):
    # Inline images are probed in the sandboxed child at create, like uploads: a 400, not a failed render.
    from google.genai import _interactions as gi

    client = sdk_client(server, retry_options={"attempts": 1})
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(
            model="gemini-omni-flash-preview",
            input=[{"type": "image", "data": base64.b64encode(payload).decode(), "mime_type": "image/png"
                    if label == "bomb" else "image/jpeg"}, {"type": "text", "text": "slow push in"}],
            response_format={"type": "video", "resolution": "360p", "duration": "3s"})
    error = info.value.body["error"]
    assert error["code"] == "invalid_media", error
    assert "Traceback" not in error["message"] and "/tmp" not in error["message"]
    assert httpx.get(server.base_url + "/healthz").status_code == 200


def test_rejected_requests_store_nothing(server):
    client = sdk_client(server, key=server.key("tidy"), retry_options={"attempts": 1})
    good_png = io.BytesIO()
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(good_png, "PNG")
    block = {"type": "image", "data": base64.b64encode(good_png.getvalue()).decode(), "mime_type": "image/png"}
    from google.genai import _interactions as gi

    with pytest.raises(gi.BadRequestError):
        client.interactions.create(model="omnireel-fake", input=[block, {"type": "text", "text": "x"}],
                                   generation_config={"video_config": {"task": "text_to_video"}})
    with sqlite3.connect(server.data_dir / "omnireel.db") as db:
        assert db.execute("select count(*) from files where tenant_id='tidy'").fetchone()[0] == 0


def test_text_posing_as_an_image_is_refused(server):
    client = sdk_client(server, retry_options={"attempts": 1})
    from google.genai import _interactions as gi

    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model="omnireel-fake", input=[
            {"type": "image", "data": base64.b64encode(b"#!/bin/sh\nrm -rf /\n").decode(), "mime_type": "image/png"}])
    assert info.value.status_code == 400  # INVALID_ARGUMENT, as the hosted API answers an unsupported type


def _clip_mp4(tmp_path) -> bytes:
    from omnireel.media.encode import VideoWriter

    path = tmp_path / "clip.mp4"
    rng = np.random.default_rng(2)
    with VideoWriter(path, 320, 240) as writer:  # faststart: the index comes first, then the frames
        writer.write_audio(np.zeros((2, 48000), np.float32))
        for i in range(48):
            writer.write_frame(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8))
    return path.read_bytes()


def test_unusable_uploads_are_failed_at_upload_not_when_used(server, tmp_path):
    """Image bombs, truncated images and videos cut off after their index are FAILED (with the reason) as soon
    as they are uploaded; sound media is ACTIVE."""
    client = sdk_client(server)
    clip = _clip_mp4(tmp_path)
    cases = [
        (_png_bomb(), "image/png", "FAILED", "pixels"),
        (_jpeg(truncate=600), "image/jpeg", "FAILED", "decoded"),
        (clip[: int(len(clip) * 0.6)], "video/mp4", "FAILED", "truncated"),
        (_jpeg(), "image/jpeg", "ACTIVE", None),
        (clip, "video/mp4", "ACTIVE", None),
    ]
    for payload, mime, state, reason in cases:
        uploaded = client.files.upload(file=io.BytesIO(payload), config={"mime_type": mime})
        got = client.files.get(name=uploaded.name)
        assert got.state.value == state, (mime, reason, got.state, got.error)
        if reason:
            assert reason in got.error.message, got.error
