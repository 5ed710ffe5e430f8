"""The resumable upload protocol with raw httpx: re-sends, conflicts, offsets, query, cancel, limits and expiry."""

from __future__ import annotations

import base64
import hashlib
import io
import time

import httpx
import numpy as np
import pytest
from PIL import Image

STATUS = "x-goog-upload-status"


def noise_png(width: int = 200, height: int = 150, seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def start(server, size: int | None, mime: str = "image/png", body: dict | None = None, key: str | None = None,
          version: str = "v1beta") -> httpx.Response:
    headers = {"x-goog-api-key": key or server.key(), "X-Goog-Upload-Protocol": "resumable",
               "X-Goog-Upload-Command": "start", "X-Goog-Upload-Header-Content-Type": mime}
    if size is not None:
        headers["X-Goog-Upload-Header-Content-Length"] = str(size)
    return httpx.post(f"{server.base_url}/upload/{version}/files", headers=headers, json=body or {"file": {}})


def session(server, data: bytes, **kw) -> str:
    response = start(server, len(data), **kw)
    assert response.status_code == 200, response.text
    return response.headers["x-goog-upload-url"]


def chunk(url: str, data: bytes, offset: int | None, command: str = "upload") -> httpx.Response:
    # No API key, and the SDK's bogus JSON content type: exactly what google-genai sends.
    headers = {"X-Goog-Upload-Command": command, "Content-Type": "application/json"}
    if offset is not None:
        headers["X-Goog-Upload-Offset"] = str(offset)
    response = httpx.post(url, headers=headers, content=data)
    assert response.headers.get(STATUS), f"answer without {STATUS}: {response.status_code} {response.text}"
    return response


def query(url: str) -> httpx.Response:
    return chunk(url, b"", None, "query")


def test_start_answers_an_absolute_session_url(server):
    response = start(server, 10, body={"file": {"displayName": "camel", "mimeType": "image/png", "sizeBytes": "10"}})
    assert response.status_code == 200
    assert response.headers[STATUS] == "active"
    assert response.headers["x-goog-upload-chunk-granularity"] == "8388608"
    url = httpx.URL(response.headers["x-goog-upload-url"])
    assert str(url).startswith(f"{server.base_url}/upload/v1beta/files?")
    assert url.params["upload_protocol"] == "resumable"
    assert len(url.params["upload_id"]) >= 32


def test_start_needs_a_key_and_valid_metadata(server):
    no_key = httpx.post(f"{server.base_url}/upload/v1/files", headers={"X-Goog-Upload-Command": "start"}, json={})
    assert no_key.status_code == 401
    assert start(server, 5, mime="text/html").status_code == 415
    assert start(server, -5).status_code == 400
    assert start(server, 5, body={"file": {"size_bytes": 6}}).status_code == 400
    assert start(server, 5, body={"file": {"name": "files/Not_Valid"}}).status_code == 400  # chosen names: [a-z0-9-]
    assert start(server, 5, body={"file": {"display_name": "x" * 513}}).status_code == 400
    assert start(server, 5, body={"file": {"display_name": "nul\x00byte"}}).status_code == 400


def test_chunked_upload_with_resends_conflicts_and_query(server):
    data = noise_png(seed=1)
    first, second = data[:1000], data[1000:]
    url = session(server, data)

    assert query(url).headers["x-goog-upload-size-received"] == "0"
    r = chunk(url, first, 0)
    assert (r.status_code, r.headers[STATUS], r.headers["x-goog-upload-size-received"]) == (200, "active", "1000")

    resent = chunk(url, first, 0)  # the SDK re-sends a chunk whose answer it did not see
    assert (resent.status_code, resent.headers[STATUS]) == (200, "active")
    assert resent.headers["x-goog-upload-size-received"] == "1000"

    tampered = chunk(url, b"X" + first[1:], 0)
    assert tampered.status_code == 409
    assert tampered.headers[STATUS] == "final"  # so the SDK raises instead of moving on
    assert tampered.json()["error"]["status"] == "ABORTED"

    ahead = chunk(url, second, 1500)
    assert ahead.status_code == 409
    assert "1000" in ahead.json()["error"]["message"]

    q = query(url)
    assert (q.status_code, q.headers[STATUS], q.headers["x-goog-upload-size-received"]) == (200, "active", "1000")

    # A re-send that overlaps committed bytes and carries new ones: the overlap is checked, the rest appended.
    overlap = chunk(url, data[500:2000], 500)
    assert overlap.status_code == 200 and overlap.headers["x-goog-upload-size-received"] == "2000"

    final = chunk(url, data[2000:], 2000, "upload, finalize")
    assert (final.status_code, final.headers[STATUS]) == (200, "final")
    resource = final.json()["file"]
    assert resource["state"] == "ACTIVE" and resource["mimeType"] == "image/png"
    assert resource["sizeBytes"] == str(len(data))
    assert base64.b64decode(resource["sha256Hash"]).decode() == hashlib.sha256(data).hexdigest()

    # The last chunk re-sent after final (its answer was lost): the same final answer, nothing new created.
    again = chunk(url, data[2000:], 2000, "upload, finalize")
    assert (again.status_code, again.headers[STATUS]) == (200, "final")
    assert again.json()["file"]["name"] == resource["name"]
    assert chunk(url, b"more", len(data), "upload").status_code == 400
    assert query(url).headers[STATUS] == "final"

    got = httpx.get(f"{server.base_url}/v1/{resource['name']}:download", headers={"x-goog-api-key": server.key()})
    assert got.content == data


def test_finalize_checks_the_declared_length(server):
    data = noise_png(seed=2)
    url = session(server, data)
    assert chunk(url, data[:-10], 0).status_code == 200
    short = chunk(url, b"", len(data) - 10, "upload, finalize")
    assert short.status_code == 400
    assert short.headers[STATUS] == "final"
    assert str(len(data)) in short.json()["error"]["message"]
    past = chunk(url, data[-10:] + b"extra", len(data) - 10)
    assert past.status_code == 400
    assert query(url).headers["x-goog-upload-size-received"] == str(len(data) - 10)  # neither moved it
    done = chunk(url, data[-10:], len(data) - 10, "upload, finalize")
    assert done.status_code == 200 and done.json()["file"]["sizeBytes"] == str(len(data))


def test_unknown_session_and_commands(server):
    url = session(server, b"12345")
    for upload_id in ("a" * 32, "../../etc/passwd", ""):
        unknown = f"{server.base_url}/upload/v1beta/files?upload_id={upload_id}&upload_protocol=resumable"
        for command, offset in (("upload", 0), ("query", None), ("upload, finalize", 0)):
            r = chunk(unknown, b"12345", offset, command)
            assert r.status_code == 404
            assert r.json()["error"]["status"] == "NOT_FOUND"
    assert chunk(url, b"12345", 0, "upload, bogus").status_code == 400
    assert chunk(url, b"12345", None, "upload").status_code == 400  # offset is required
    assert chunk(url, b"12345", 0, "start").status_code == 400


def test_cancel_forgets_the_session(server):
    url = session(server, b"abcdef")
    assert chunk(url, b"abc", 0).status_code == 200
    cancelled = chunk(url, b"", None, "cancel")
    assert (cancelled.status_code, cancelled.headers[STATUS]) == (200, "cancelled")
    assert query(url).status_code == 404


def test_limits_and_session_expiry(server_factory):
    srv = server_factory(env={"OMNIREEL_MAX_UPLOAD_BYTES": "1000000", "OMNIREEL_UPLOAD_SESSION_TTL_S": "3"})
    too_big = start(srv, 2_000_000)
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == 413

    # No declared length: the limit is enforced on the bytes themselves, and the session keeps its committed size.
    url = start(srv, None).headers["x-goog-upload-url"]
    over = chunk(url, b"\x89PNG\r\n\x1a\n" + bytes(1_000_000), 0)
    assert over.status_code == 413 and over.headers[STATUS] == "final"
    assert query(url).headers["x-goog-upload-size-received"] == "0"

    time.sleep(3.2)
    expired = query(url)
    assert expired.status_code == 404


@pytest.mark.parametrize("data", [b"\x00" * 64])  # empty uploads are valid files (T3.1): test_conformance_files.py
def test_empty_or_unrecognised_content_is_rejected(server, data):
    url = session(server, data)
    r = chunk(url, data, 0, "upload, finalize")
    assert r.status_code in (400, 415)
    assert r.headers[STATUS] == "final"
    assert query(url).status_code == 404  # a finalize that can never succeed frees the session


def test_bytes_of_an_interrupted_chunk_are_kept_for_resume(server):
    import socket

    data = noise_png(seed=5)
    url = httpx.URL(session(server, data))
    head = (f"POST {url.raw_path.decode()} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
            f"X-Goog-Upload-Command: upload, finalize\r\nX-Goog-Upload-Offset: 0\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    with socket.create_connection((url.host, url.port)) as sock:
        sock.sendall(head + data[:3000])
        time.sleep(0.3)  # let the server store what it got before the connection drops
    time.sleep(0.3)
    received = int(query(str(url)).headers["x-goog-upload-size-received"])
    assert received == 3000  # what arrived is durable and reported; the chunk was not finalized
    done = chunk(str(url), data[received:], received, "upload, finalize")
    assert done.status_code == 200
    assert base64.b64decode(done.json()["file"]["sha256Hash"]).decode() == hashlib.sha256(data).hexdigest()
