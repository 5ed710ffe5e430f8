"""Each tenant may keep a bounded amount of storage: an upload that would pass the quota is refused with 429
RESOURCE_EXHAUSTED and a message saying how much is stored and how to free it; deleting files frees the room;
another tenant is not affected."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.conftest import sdk_client


def _png(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()  # ~120 kB of noise


def test_uploads_beyond_the_tenant_quota_are_refused_until_files_are_deleted(server_factory):
    server = server_factory(env={"OMNIREEL_TENANT_STORAGE_QUOTA_BYTES": "300000"})
    alice = sdk_client(server, key=server.key("alice"), retry_options={"attempts": 1})
    bob = sdk_client(server, key=server.key("bob"), retry_options={"attempts": 1})
    first = alice.files.upload(file=io.BytesIO(_png(1)), config={"mime_type": "image/png"})
    alice.files.upload(file=io.BytesIO(_png(2)), config={"mime_type": "image/png"})
    with pytest.raises(Exception) as err:
        alice.files.upload(file=io.BytesIO(_png(3)), config={"mime_type": "image/png"})
    assert getattr(err.value, "code", None) == 429, err.value
    assert "Storage quota exceeded" in str(err.value) and "files.delete" in str(err.value)
    # The raw protocol says the same at upload start, before any byte is sent.
    start = httpx.post(
        f"{server.base_url}/upload/v1beta/files", headers={
            "x-goog-api-key": server.key("alice"), "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start", "X-Goog-Upload-Header-Content-Length": "150000",
            "X-Goog-Upload-Header-Content-Type": "image/png"}, json={"file": {}})
    assert start.status_code == 429 and start.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    bob.files.upload(file=io.BytesIO(_png(4)), config={"mime_type": "image/png"})  # quotas are per tenant
    alice.files.delete(name=first.name)
    alice.files.upload(file=io.BytesIO(_png(5)), config={"mime_type": "image/png"})
