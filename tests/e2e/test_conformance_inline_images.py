"""Inline images are checked like uploads, in the sandboxed probe child: an image over the pixel cap or one that
does not decode is a 400 at create (test plan T5: "400 (pixel/format limits) before full decode"), and decoding a
large hostile image never takes memory in the server process."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from google.genai import _interactions as gi
from PIL import Image

from tests.conftest import sdk_client

OMNI = "gemini-omni-flash-preview"
FMT = {"type": "video", "resolution": "360p", "duration": "3s"}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(side: int, rows: int | None = None, cut: int = 0) -> bytes:
    """A black RGB PNG of side x side pixels holding `rows` rows of data (a bomb when far fewer than it declares),
    with its last `cut` bytes cut off (so only a full decode notices)."""
    rows = side if rows is None else rows
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * side * 3
    data = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    png = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")
    return png[:len(png) - cut]


def _block(raw: bytes) -> dict:
    return {"type": "image", "data": base64.b64encode(raw).decode(), "mime_type": "image/png"}


def _peak_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.mark.parametrize("payload,needle", [
    (_png(100_000, rows=20), "at most"),  # a decompression bomb: refused from its header
    (_png(400, cut=40), "could not be decoded"),  # cut off: only a full decode notices
], ids=["over-pixel-cap", "truncated"])
def test_unusable_inline_images_are_refused_at_create(server, payload, needle):
    client = sdk_client(server, key=server.key("inline-check"), retry_options={"attempts": 1})
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=OMNI, response_format=FMT,
                                   input=[_block(payload), {"type": "text", "text": "slow push in"}])
    error = info.value.body["error"]
    assert error["code"] == "invalid_media" and error["message"].startswith("input[0]: ")
    assert needle in error["message"]
    assert "Traceback" not in error["message"] and "/tmp" not in error["message"]
    assert client.files.list().page == []  # a refused request stores nothing


def test_large_hostile_inline_image_is_decoded_outside_the_server(server_factory):
    """6000x6000 RGB pixels (under the cap) cut off at the end: the full decode that finds out takes over 100 MB;
    the server's peak RSS must not move by that much."""
    server = server_factory()
    client = sdk_client(server, retry_options={"attempts": 1})
    payload = _png(6000, cut=40)
    # Warm up through the same path with a small valid inline image, so what is measured below is the hostile
    # image alone, not the first use of the create path's lazily imported modules.
    client.interactions.create(model="omnireel-fake", response_format=FMT,
                               input=[_block(_png(64)), {"type": "text", "text": "warm up"}])
    before = _peak_rss_bytes(server.proc.pid)
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=OMNI, response_format=FMT,
                                   input=[_block(payload), {"type": "text", "text": "slow push in"}])
    assert "could not be decoded" in info.value.body["error"]["message"]
    time.sleep(0.5)
    assert _peak_rss_bytes(server.proc.pid) - before < 60 * 2**20


def test_sound_inline_images_still_render_and_the_check_is_quick(server):
    client = sdk_client(server, key=server.key("inline-ok"), retry_options={"attempts": 1})
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(3).integers(0, 256, (90, 160, 3), dtype=np.uint8)).save(buf, "PNG")
    blocks = [_block(buf.getvalue()), _block(buf.getvalue()), {"type": "text", "text": "morph"}]
    started = time.monotonic()
    created = client.interactions.create(model="omnireel-fake", input=blocks, response_format=FMT, background=True)
    assert time.monotonic() - started < 2.0  # one probe child for both images, not a render
    assert created.id
