"""Create requests the hosted API refuses, refused the same way: a body that is not JSON gets 415, and bad inline
media is a 400 INVALID_ARGUMENT, which the SDK raises as BadRequestError (a 413/415 is only a bare APIStatusError)."""

from __future__ import annotations

import base64
import io
import json

import httpx
import numpy as np
import pytest
from google.genai import _interactions as gi
from PIL import Image

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
BODY = {"model": FAKE, "input": "content type", "background": True,
        "response_format": {"type": "video", "resolution": "360p", "duration": "3s"}}


def _fast(server):
    return sdk_client(server, retry_options={"attempts": 1})


def _png() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def _image_block(raw: bytes, mime: str = "image/png") -> dict:
    return {"type": "image", "data": base64.b64encode(raw).decode(), "mime_type": mime}


@pytest.mark.parametrize("send", [
    lambda url, h: httpx.post(url, content=json.dumps(BODY), headers={**h, "content-type": "text/plain"}),
    lambda url, h: httpx.post(url, data={"model": FAKE, "input": "x"}, headers=h),
    lambda url, h: httpx.post(url, files={"body": ("b.json", json.dumps(BODY), "application/json")}, headers=h),
], ids=["text-plain", "form-urlencoded", "multipart"])
def test_non_json_create_bodies_get_415(server, send):
    key = server.key("ctype")
    r = send(f"{server.base_url}/v1/interactions", {"x-goog-api-key": key})
    assert r.status_code == 415
    error = r.json()["error"]
    assert error["code"] == "unsupported_content_type" and error["status"] == "INVALID_ARGUMENT"
    assert "application/json" in error["message"]
    listed = httpx.get(f"{server.base_url}/v1/files", headers={"x-goog-api-key": key}).json()
    assert listed["files"] == []  # nothing was created


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])
def test_json_create_bodies_with_parameters_are_accepted(server, ctype):
    r = httpx.post(f"{server.base_url}/v1/interactions", content=json.dumps(BODY),
                   headers={"x-goog-api-key": server.key(), "content-type": ctype})
    assert r.status_code == 200, r.text
    assert r.json()["id"].startswith("v1_")


def test_unsupported_inline_media_is_a_bad_request(server):
    client = _fast(server)
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, input=[_image_block(b"#!/bin/sh\necho hi\n"),
                                                      {"type": "text", "text": "animate"}])
    assert info.value.status_code == 400
    error = info.value.body["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == "unsupported_media_type"
    assert "input[0]" in error["message"] and "not a supported media type" in error["message"]


def test_too_large_inline_media_is_a_bad_request(server_factory):
    server = server_factory(env={"OMNIREEL_MAX_INLINE_INPUT_BYTES": str(1024 * 1024)})
    client = _fast(server)
    big = _png() + bytes(2 * 1024 * 1024)
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, input=[_image_block(big), {"type": "text", "text": "animate"}])
    error = info.value.body["error"]
    assert error["code"] == "inline_data_too_large" and error["status"] == "INVALID_ARGUMENT"
    assert "larger than 1 MB" in error["message"] and "Files API" in error["message"]


def test_too_large_request_body_is_a_bad_request(server_factory):
    server = server_factory(env={"OMNIREEL_MAX_REQUEST_BODY_BYTES": "100000"})
    client = _fast(server)
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, input=[_image_block(_png() + bytes(200_000)),
                                                      {"type": "text", "text": "animate"}])
    error = info.value.body["error"]
    assert error["code"] == "payload_too_large" and "Files API" in error["message"]
