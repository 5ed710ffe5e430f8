"""Files API behaviours the hosted API has: zero-byte files round-trip (test plan T3.1 uploads size 0 too) but are
refused as media input, and clients may choose a file's name (`config={"name": ...}`), unique per tenant."""

from __future__ import annotations

import base64
import hashlib
import io

import httpx
import numpy as np
import pytest
from google.genai import _interactions as gi
from google.genai import errors as genai_errors
from PIL import Image

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
FMT = {"type": "video", "resolution": "360p", "duration": "3s"}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _client(server, tenant: str):
    return sdk_client(server, key=server.key(tenant), retry_options={"attempts": 1})


def _png(seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def _download(server, tenant: str, name: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/v1/{name}:download", params={"alt": "media"},
                     headers={"x-goog-api-key": server.key(tenant)})


# ------------------------------------------------------------------------------------------------ zero-byte files


@pytest.mark.parametrize("mime", ["video/mp4", "image/png"])
def test_zero_byte_upload_round_trips(server, mime):
    client = _client(server, "empty-files")
    uploaded = client.files.upload(file=io.BytesIO(b""), config={"mime_type": mime, "display_name": "nothing"})
    assert uploaded.state.name == "ACTIVE" and uploaded.size_bytes == 0 and uploaded.mime_type == mime
    got = client.files.get(name=uploaded.name)
    assert got.size_bytes == 0 and got.display_name == "nothing"
    assert base64.b64decode(got.sha256_hash).decode() == EMPTY_SHA256
    assert client.files.download(file=uploaded.name) == b""
    raw = _download(server, "empty-files", uploaded.name)
    assert raw.status_code == 200 and raw.content == b"" and raw.headers["content-length"] == "0"
    assert uploaded.name in [f.name for f in client.files.list()]


@pytest.mark.parametrize("kind,mime,task", [("video", "video/mp4", "edit"), ("image", "image/png", "image_to_video")])
def test_zero_byte_file_as_media_input_is_an_explicit_bad_request(server, kind, mime, task):
    client = _client(server, "empty-inputs")
    empty = client.files.upload(file=io.BytesIO(b""), config={"mime_type": mime})
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, response_format=FMT,
                                   generation_config={"video_config": {"task": task}},
                                   input=[{"type": kind, "uri": empty.uri, "mime_type": mime},
                                          {"type": "text", "text": "make it night"}])
    error = info.value.body["error"]
    assert error["code"] == "empty_media"
    assert f"{empty.name} is empty (0 bytes)" in error["message"]


# ------------------------------------------------------------------------------------------------ chosen names


def test_client_chosen_name_works_for_get_list_download_input_and_delete(server):
    client = _client(server, "namer")
    png = _png(1)
    uploaded = client.files.upload(file=io.BytesIO(png), config={"mime_type": "image/png", "name": "my-still-1"})
    assert uploaded.name == "files/my-still-1" and uploaded.state.name == "ACTIVE"
    assert uploaded.uri.endswith("/files/my-still-1")
    assert client.files.get(name="files/my-still-1").size_bytes == len(png)
    assert client.files.get(name="my-still-1").name == "files/my-still-1"
    assert "files/my-still-1" in [f.name for f in client.files.list()]
    assert client.files.download(file="files/my-still-1") == png

    made = client.interactions.create(model=FAKE, response_format=FMT, input=[
        {"type": "image", "uri": uploaded.uri, "mime_type": "image/png"}, {"type": "text", "text": "animate"}])
    assert made.status == "completed", made.errors
    echoed = client.interactions.get(made.id, include_input=True)
    assert echoed.input[0].content[0].uri.endswith("/files/my-still-1")

    client.files.delete(name="files/my-still-1")
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.get(name="files/my-still-1")
    assert info.value.code == 404
    again = client.files.upload(file=io.BytesIO(png), config={"mime_type": "image/png", "name": "files/my-still-1"})
    assert again.name == "files/my-still-1"  # a deleted file's name is free again


def test_taken_name_is_already_exists(server):
    client = _client(server, "dupe")
    first = client.files.upload(file=io.BytesIO(_png(2)), config={"mime_type": "image/png", "name": "shot-a"})
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(_png(3)), config={"mime_type": "image/png", "name": "shot-a"})
    assert info.value.code == 409 and info.value.status == "ALREADY_EXISTS"
    assert "files/shot-a already exists" in info.value.message
    assert client.files.download(file="files/shot-a") == _png(2)  # the first file is untouched
    # A server-assigned id of the same tenant is taken too: names and ids share one namespace.
    unnamed = client.files.upload(file=io.BytesIO(_png(4)), config={"mime_type": "image/png"})
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(_png(5)), config={"mime_type": "image/png", "name": unnamed.name})
    assert info.value.code == 409
    assert first.name == "files/shot-a"


def test_names_are_scoped_per_tenant(server):
    alice, bob = _client(server, "scope-a"), _client(server, "scope-b")
    a = alice.files.upload(file=io.BytesIO(_png(6)), config={"mime_type": "image/png", "name": "shared-name"})
    b = bob.files.upload(file=io.BytesIO(_png(7)), config={"mime_type": "image/png", "name": "shared-name"})
    assert a.name == b.name == "files/shared-name"
    assert alice.files.download(file="files/shared-name") == _png(6)
    assert bob.files.download(file="files/shared-name") == _png(7)
    bob.files.delete(name="files/shared-name")
    assert alice.files.download(file="files/shared-name") == _png(6)  # bob's delete touched only bob's file
    carol = _client(server, "scope-c")
    with pytest.raises(genai_errors.ClientError) as info:
        carol.files.get(name="files/shared-name")
    assert info.value.code == 404
    with pytest.raises(gi.NotFoundError):
        carol.interactions.create(model=FAKE, response_format=FMT, input=[
            {"type": "image", "uri": a.uri, "mime_type": "image/png"}, {"type": "text", "text": "animate"}])


@pytest.mark.parametrize("name", ["files/My-Clip", "files/-clip", "files/clip-", "files/" + "a" * 41, "files/my_clip",
                                  "files/my.clip", "files/a/b"])
def test_invalid_names_are_refused(server, name):
    client = _client(server, "badnames")
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(_png(8)), config={"mime_type": "image/png", "name": name})
    assert info.value.code == 400 and "file.name" in info.value.message
    assert "lowercase" in info.value.message


def test_longest_valid_name_is_accepted(server):
    client = _client(server, "longname")
    name = "a" + "-b" * 19 + "c"  # 40 characters
    assert len(name) == 40
    uploaded = client.files.upload(file=io.BytesIO(_png(9)), config={"mime_type": "image/png", "name": name})
    assert uploaded.name == f"files/{name}"
    assert client.files.get(name=uploaded.name).name == uploaded.name
