"""`include_input=True` echoes `input` in the form it was sent, and the SDK parses every form; new ids carry at
least 128 bits of randomness, while ids stored by earlier versions (shorter) keep working."""

from __future__ import annotations

import base64
import io
import json
import math
import sqlite3
import time

import httpx

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
FMT = {"type": "video", "resolution": "360p", "duration": "3s"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
PNG_B64 = base64.b64encode(PNG).decode()


def _create_raw(server, tenant: str, input_) -> str:
    r = httpx.post(f"{server.base_url}/v1/interactions", headers={"x-goog-api-key": server.key(tenant)},
                   json={"model": FAKE, "input": input_, "background": True, "response_format": FMT})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def _echo_raw(server, tenant: str, interaction_id: str):
    r = httpx.get(f"{server.base_url}/v1/interactions/{interaction_id}", params={"include_input": "true"},
                  headers={"x-goog-api-key": server.key(tenant)})
    assert r.status_code == 200, r.text
    return r.json()["input"]


def test_sdk_forms_are_echoed_as_sent_and_parse(server):
    client = sdk_client(server)
    text = client.interactions.create(model=FAKE, input="a plain prompt", background=True, response_format=FMT)
    assert client.interactions.get(text.id, include_input=True).input == "a plain prompt"
    assert _echo_raw(server, "alice", text.id) == "a plain prompt"

    block = client.interactions.create(model=FAKE, input={"type": "text", "text": "one block"}, background=True,
                                       response_format=FMT)
    echoed = client.interactions.get(block.id, include_input=True).input
    assert echoed.type == "text" and echoed.text == "one block"

    # A list of blocks: the SDK sends it wrapped in one user_input step, and gets that back.
    listed = client.interactions.create(
        model=FAKE, background=True, response_format=FMT,
        input=[{"type": "text", "text": "animate this"}, {"type": "image", "data": PNG_B64, "mime_type": "image/png"}])
    echoed = client.interactions.get(listed.id, include_input=True).input
    assert len(echoed) == 1 and echoed[0].type == "user_input"
    text_block, image_block = echoed[0].content
    assert text_block.text == "animate this"
    # Inline media comes back as the uri of its stored copy, never as the base64 again.
    assert image_block.type == "image" and "/files/" in image_block.uri and not image_block.data
    raw = _echo_raw(server, "alice", listed.id)
    assert "data" not in raw[0]["content"][1]


def test_other_wire_forms_are_echoed_as_sent(server):
    tenant = "echo-raw"
    mixed = ["plain first", {"type": "text", "text": "then a block"}]
    assert _echo_raw(server, tenant, _create_raw(server, tenant, mixed)) == [
        "plain first", {"type": "text", "text": "then a block"}]
    transcript = [
        {"type": "user_input", "content": "turn one"},
        {"type": "model_output", "content": [{"type": "image", "data": PNG_B64, "mime_type": "image/png"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "turn two"}]},
    ]
    echoed = _echo_raw(server, tenant, _create_raw(server, tenant, transcript))
    assert echoed == [
        {"type": "user_input", "content": "turn one"},
        {"type": "model_output", "content": [{"type": "image", "mime_type": "image/png"}]},  # no base64 back
        {"type": "user_input", "content": [{"type": "text", "text": "turn two"}]},
    ]


def test_new_ids_carry_at_least_128_random_bits(server):
    client = sdk_client(server)
    bits = 128 / math.log2(36)
    for _ in range(3):
        created = client.interactions.create(model=FAKE, input="ids", background=True, response_format=FMT)
        random_part = created.id.removeprefix("v1_")
        assert created.id.startswith("v1_") and len(random_part) >= bits and random_part.isalnum()
    uploaded = client.files.upload(file=io.BytesIO(PNG), config={"mime_type": "image/png"})
    file_id = uploaded.name.removeprefix("files/")
    assert len(file_id) >= bits and file_id.isalnum() and file_id == file_id.lower()
    start = httpx.post(f"{server.base_url}/upload/v1beta/files", headers={
        "x-goog-api-key": server.key(), "x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start"})
    assert len(httpx.URL(start.headers["x-goog-upload-url"]).params["upload_id"]) >= bits


def test_ids_stored_by_earlier_versions_keep_working(server):
    tenant = "legacy"
    client = sdk_client(server, key=server.key(tenant))
    now = time.time()
    old_file, old_interaction = "oldfileid0123456", "v1_oldinteraction0123"  # 16 and 20 random characters
    request = {"input": [{"type": "text", "text": "from before"}], "format": {}, "echo": {}, "task": "text_to_video"}
    with sqlite3.connect(server.data_dir / "omnireel.db", timeout=10) as db:
        db.execute("INSERT INTO files (id, tenant_id, mime_type, size_bytes, state, source, created_at, updated_at, "
                   "expires_at) VALUES (?, ?, 'image/png', 0, 'PROCESSING', 'UPLOADED', ?, ?, ?)",
                   (old_file, tenant, now, now, now + 3600))
        db.execute("INSERT INTO interactions (id, tenant_id, model, status, task, request, store, created_at, "
                   "updated_at) VALUES (?, ?, ?, 'completed', 'text_to_video', ?, 1, ?, ?)",
                   (old_interaction, tenant, FAKE, json.dumps(request), now, now))
    assert client.files.get(name=f"files/{old_file}").name == f"files/{old_file}"
    got = client.interactions.get(old_interaction, include_input=True)
    assert got.id == old_interaction and got.status == "completed"
    assert got.input[0].text == "from before"  # stored before input was kept as sent: the block list
    assert client.interactions.delete(old_interaction) is None
    client.files.delete(name=f"files/{old_file}")
