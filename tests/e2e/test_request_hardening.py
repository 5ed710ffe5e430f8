"""Hostile request bodies get a 400 that names the problem and leave nothing behind: lone UTF-16 surrogates,
deeply nested JSON, over-long prompts, and values far too long to echo back in a message."""

from __future__ import annotations

import io
import sqlite3
import time

import httpx
import pytest
from google.genai import _interactions as gi
from google.genai import errors as genai_errors

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
FMT = {"type": "video", "resolution": "360p", "duration": "3s"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def _rows(server, table: str, tenant: str) -> int:
    with sqlite3.connect(server.data_dir / "omnireel.db") as db:
        return db.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = ?", (tenant,)).fetchone()[0]


def _message(exc) -> str:
    return exc.body["error"]["message"]


@pytest.mark.parametrize("n,kwargs,field", [
    (1, {"input": "a cat \ud800 on a skateboard"}, "'input'"),
    (2, {"input": [{"type": "text", "text": "a dog \udfff"}]}, "input[0].content[0].text"),
    (3, {"input": "fine", "system_instruction": "be \ud83d brief"}, "system_instruction"),
    (4, {"input": "fine", "labels": {"team": "ads"}, "webhook_config": {"uris": ["https://example.com/h"],
                                                                    "user_metadata": {"k": "\udc00"}}},
     "webhook_config.user_metadata.k"),
])
def test_lone_surrogate_is_a_400_naming_the_field_and_nothing_is_stored(server, n, kwargs, field):
    tenant = f"surrogates{n}"
    # Default retries on: before the fix the SDK saw a 500 after the commit, retried, and created duplicates.
    client = sdk_client(server, key=server.key(tenant))
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, background=True, response_format=FMT, **kwargs)
    message = _message(info.value)
    assert field in message and "surrogate" in message
    assert _rows(server, "interactions", tenant) == 0 and _rows(server, "jobs", tenant) == 0
    # The same request without the bad character is accepted: only the text was the problem.
    assert client.interactions.create(model=FAKE, input="ok", background=True, response_format=FMT).id
    assert _rows(server, "interactions", tenant) == 1


def test_lone_surrogate_in_an_upload_display_name_is_a_400(server):
    tenant = "surrogate-upload"
    client = sdk_client(server, key=server.key(tenant))
    with pytest.raises(genai_errors.ClientError) as info:
        client.files.upload(file=io.BytesIO(PNG), config={"mime_type": "image/png", "display_name": "shot \ud800"})
    assert info.value.code == 400 and "display_name" in info.value.message
    assert _rows(server, "upload_sessions", tenant) == 0 and _rows(server, "files", tenant) == 0


def test_raw_surrogate_escape_in_a_json_key(server):
    headers = {"x-goog-api-key": server.key(), "content-type": "application/json"}
    body = b'{"model": "omnireel-fake", "input": "x", "background": true, "\\ud800": 1}'
    r = httpx.post(f"{server.base_url}/v1/interactions", content=body, headers=headers)
    assert r.status_code == 400 and "surrogate" in r.json()["error"]["message"]


@pytest.mark.parametrize("depth", [100, 10_000])
def test_deeply_nested_json_is_a_400(server, depth):
    headers = {"x-goog-api-key": server.key(), "content-type": "application/json"}
    body = b'{"model": "omnireel-fake", "input": ' + b"[" * depth + b"]" * depth + b"}"
    r = httpx.post(f"{server.base_url}/v1/interactions", content=body, headers=headers)
    assert r.status_code == 400
    assert "nests arrays or objects" in r.json()["error"]["message"]
    start = b'{"file": {"display_name": ' + b"[" * depth + b"]" * depth + b"}}"
    r = httpx.post(f"{server.base_url}/upload/v1/files", content=start,
                   headers={**headers, "x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start"})
    assert r.status_code == 400 and "nests arrays or objects" in r.json()["error"]["message"]


def test_nan_is_refused(server):
    headers = {"x-goog-api-key": server.key(), "content-type": "application/json"}
    body = b'{"model": "omnireel-fake", "input": "x", "background": true, "safety_settings": [NaN]}'
    r = httpx.post(f"{server.base_url}/v1/interactions", content=body, headers=headers)
    assert r.status_code == 400 and "NaN" in r.json()["error"]["message"]


def test_prompt_length_limit(server, server_factory):
    client = sdk_client(server, retry_options={"attempts": 1})
    started = time.monotonic()
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, input="word " * 4001, background=True, response_format=FMT)
    assert time.monotonic() - started < 2
    assert "20000" in _message(info.value) and "OMNIREEL_MAX_PROMPT_CHARS" in _message(info.value)
    assert client.interactions.create(model=FAKE, input="w" * 20_000, background=True, response_format=FMT).id
    small = server_factory(env={"OMNIREEL_MAX_PROMPT_CHARS": "50"})
    small_client = sdk_client(small, retry_options={"attempts": 1})
    with pytest.raises(gi.BadRequestError) as info:
        small_client.interactions.create(model=FAKE, input="x" * 51, background=True, response_format=FMT)
    assert "at most 50" in _message(info.value)
    with pytest.raises(gi.BadRequestError) as info:
        small_client.interactions.create(model=FAKE, input="x", system_instruction="y" * 51, background=True,
                                         response_format=FMT)
    assert "system_instruction" in _message(info.value)


def test_error_messages_do_not_echo_unbounded_input(server):
    client = sdk_client(server, retry_options={"attempts": 1})
    long_id = "v1_" + "a" * 100_000
    with pytest.raises(gi.NotFoundError) as info:
        client.interactions.create(model=FAKE, input="x", previous_interaction_id=long_id)
    assert len(_message(info.value)) < 200 and "…" in _message(info.value)
    created = client.interactions.create(model=FAKE, input="x", background=True, response_format=FMT)
    with pytest.raises(gi.BadRequestError) as info:
        list(client.interactions.get(created.id, stream=True, last_event_id="evt_" + "9" * 60_000))
    assert len(_message(info.value)) < 200 and "…" in _message(info.value)
    headers = {"x-goog-api-key": server.key()}
    r = httpx.get(f"{server.base_url}/v1/interactions/{'b' * 60_000}", headers=headers)
    assert r.status_code == 404 and len(r.text) < 300
    r = httpx.post(f"{server.base_url}/v1/interactions", headers=headers,
                   json={"model": FAKE, "input": "x", "response_format": {"aspect_ratio": "9" * 100_000}})
    assert r.status_code == 400 and len(r.text) < 400
    r = httpx.post(f"{server.base_url}/v1/interactions", headers=headers, json={"model": "m" * 100_000, "input": "x"})
    assert r.status_code == 400 and len(r.text) < 400
