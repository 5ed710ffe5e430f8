"""The official SDK's files.* against a real server: multi-chunk upload, get, list, download, delete, isolation, ranges."""

from __future__ import annotations

import base64
import hashlib
import io

import av
import httpx
import numpy as np
import pytest
from google.genai import errors as genai_errors
from PIL import Image

from tests.conftest import sdk_client

CHUNK = 8 * 1024 * 1024


def noise_png(width: int = 64, height: int = 48, seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def big_mp4(tmp_path_factory):
    """A real H.264 MP4 just over 8 MiB (lossless noise frames), so the SDK sends it in two chunks."""
    path = tmp_path_factory.mktemp("media") / "big clip.mp4"
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=24, options={"qp": "0", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        for _ in range(6):
            frame = av.VideoFrame.from_ndarray(rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    assert CHUNK < path.stat().st_size < 2 * CHUNK
    return path


def test_multi_chunk_video_upload_get_list_download_delete(server, big_mp4):
    client = sdk_client(server)
    expected = big_mp4.read_bytes()
    digest = hashlib.sha256(expected).hexdigest()

    uploaded = client.files.upload(file=str(big_mp4), config={"display_name": "my big clip"})
    assert uploaded.name.startswith("files/")
    assert uploaded.state.name == "ACTIVE"
    assert uploaded.source.name == "UPLOADED"
    assert uploaded.mime_type == "video/mp4"
    assert uploaded.size_bytes == len(expected)
    assert uploaded.display_name == "my big clip"
    assert base64.b64decode(uploaded.sha256_hash).decode() == digest
    assert uploaded.video_metadata == {"videoDuration": "0.25s"}  # 6 frames at 24 fps
    assert uploaded.uri.startswith("https://") and uploaded.uri.endswith(uploaded.name)
    assert (uploaded.expiration_time - uploaded.create_time).total_seconds() == pytest.approx(48 * 3600, abs=1)

    fetched = client.files.get(name=uploaded.name)
    assert (fetched.name, fetched.size_bytes, fetched.sha256_hash) == (uploaded.name, len(expected), uploaded.sha256_hash)
    assert uploaded.name in [f.name for f in client.files.list(config={"page_size": 100})]

    downloaded = client.files.download(file=uploaded.name)
    assert len(downloaded) == len(expected)
    assert hashlib.sha256(downloaded).hexdigest() == digest
    assert client.files.download(file=uploaded.uri) == downloaded  # https URI form, host ignored by the SDK

    client.files.delete(name=uploaded.name)
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.get(name=uploaded.name)
    assert info.value.code == 404
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.download(file=uploaded.name)
    assert info.value.code == 404


def test_list_pages_newest_first(server):
    client = sdk_client(server, server.key("filelister"))
    names = [
        client.files.upload(file=io.BytesIO(noise_png(seed=i)), config={"mime_type": "image/png"}).name
        for i in range(5)
    ]
    pager = client.files.list(config={"page_size": 2})
    assert len(pager.page) == 2
    assert [f.name for f in pager] == names[::-1]

    headers = {"x-goog-api-key": server.key("filelister")}
    first = httpx.get(f"{server.base_url}/v1beta/files", params={"pageSize": 3}, headers=headers).json()
    assert len(first["files"]) == 3 and first["nextPageToken"]
    last = httpx.get(f"{server.base_url}/v1beta/files", params={"pageSize": 3, "pageToken": first["nextPageToken"]},
                     headers=headers).json()
    assert [f["name"] for f in first["files"] + last["files"]] == names[::-1]
    assert "nextPageToken" not in last

    bad = httpx.get(f"{server.base_url}/v1/files", params={"pageToken": "not-a-token"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_bytesio_upload_with_mime_type(server):
    client = sdk_client(server)
    data = noise_png(seed=7)
    uploaded = client.files.upload(file=io.BytesIO(data), config={"mime_type": "image/png"})
    assert uploaded.state.name == "ACTIVE"
    assert uploaded.mime_type == "image/png"
    assert uploaded.size_bytes == len(data)
    assert uploaded.video_metadata is None
    assert client.files.download(file=uploaded.name) == data


def test_declared_type_that_disagrees_with_content_is_rejected(server):
    client = sdk_client(server)
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(noise_png()), config={"mime_type": "video/mp4"})
    assert info.value.code == 400
    assert "video/mp4" in info.value.message and "image/png" in info.value.message


def test_unknown_content_is_unsupported(server):
    client = sdk_client(server)
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(b"<html><script>alert(1)</script></html>"),
                            config={"mime_type": "image/png"})
    assert info.value.code == 415


def test_video_that_does_not_decode_is_failed_not_an_error(server):
    client = sdk_client(server)
    junk = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8
    uploaded = client.files.upload(file=io.BytesIO(junk), config={"mime_type": "video/mp4"})
    assert uploaded.state.name == "FAILED"
    assert uploaded.error.message == "The video could not be decoded."
    assert uploaded.video_metadata is None


def test_another_tenants_file_is_indistinguishable_from_a_missing_one(server):
    owner = sdk_client(server)
    intruder = sdk_client(server, server.key("mallory"))
    uploaded = owner.files.upload(file=io.BytesIO(noise_png(seed=3)), config={"mime_type": "image/png"})
    file_id = uploaded.name.split("/")[1]
    missing_id = "zz" + file_id[2:] if not file_id.startswith("zz") else "yy" + file_id[2:]

    for call in (intruder.files.get, intruder.files.delete):
        with pytest.raises(genai_errors.ClientError) as info:
            call(name=uploaded.name)
        assert info.value.code == 404
    with pytest.raises(genai_errors.ClientError) as info:
        intruder.files.download(file=uploaded.name)
    assert info.value.code == 404
    assert uploaded.name not in [f.name for f in intruder.files.list()]

    headers = {"x-goog-api-key": server.key("mallory")}
    for suffix in ("", ":download?alt=media"):
        theirs = httpx.get(f"{server.base_url}/v1/files/{file_id}{suffix}", headers=headers)
        nobodys = httpx.get(f"{server.base_url}/v1/files/{missing_id}{suffix}", headers=headers)
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.json() == {"error": {k: (v.replace(missing_id, file_id) if isinstance(v, str) else v)
                                           for k, v in nobodys.json()["error"].items()}}
    assert owner.files.get(name=uploaded.name).state.name == "ACTIVE"  # the delete attempt changed nothing


def test_download_range_requests(server):
    client = sdk_client(server)
    data = noise_png(300, 200, seed=11)
    name = client.files.upload(file=io.BytesIO(data), config={"mime_type": "image/png"}).name
    url = f"{server.base_url}/v1/files/{name.split('/')[1]}:download?alt=media"
    headers = {"x-goog-api-key": server.key()}

    full = httpx.get(url, headers=headers)
    assert full.status_code == 200 and full.content == data
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-type"] == "image/png"
    assert full.headers["x-content-type-options"] == "nosniff"

    size = len(data)
    cases = {"bytes=0-99": (0, 100), "bytes=100-": (100, size), "bytes=-50": (size - 50, size),
             f"bytes=10-{size + 500}": (10, size)}
    for header, (start, end) in cases.items():
        part = httpx.get(url, headers={**headers, "Range": header})
        assert part.status_code == 206, header
        assert part.content == data[start:end], header
        assert part.headers["content-range"] == f"bytes {start}-{end - 1}/{size}", header

    etag = full.headers["etag"]
    assert httpx.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    assert httpx.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"stale"'}).status_code == 200

    unsatisfiable = httpx.get(url, headers={**headers, "Range": f"bytes={size}-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == f"bytes */{size}"
    assert httpx.get(url, headers={**headers, "Range": "bytes=0-1,5-9"}).content == data  # multi-range: whole file


def test_async_client_upload(server):
    import asyncio

    client = sdk_client(server)
    data = noise_png(seed=21)

    async def go():
        uploaded = await client.aio.files.upload(file=io.BytesIO(data), config={"mime_type": "image/png"})
        return uploaded, await client.aio.files.get(name=uploaded.name)

    uploaded, fetched = asyncio.run(go())
    assert uploaded.state.name == fetched.state.name == "ACTIVE"
    assert fetched.size_bytes == len(data)
