"""An uploaded file past its time to live is an explicit state: asking for it, or using it in a request, says it
expired (404, code file_expired, when, what to do) instead of answering like an id that never existed; its media
is deleted on expiry."""

from __future__ import annotations

import io
import time

import pytest
from google.genai import _interactions as gi
from PIL import Image

from tests.conftest import sdk_client


def _blob_files(data_dir):
    return [p for p in (data_dir / "blobs").rglob("*") if p.is_file()]


def test_an_expired_upload_says_it_expired(server_factory, tmp_path):
    srv = server_factory(env={"OMNIREEL_FILE_TTL_S": "2", "OMNIREEL_SWEEP_INTERVAL_S": "0.3", "OMNIREEL_WORKERS": "1"})
    client = sdk_client(srv, retry_options={"attempts": 1})
    png = tmp_path / "red.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(png)
    uploaded = client.files.upload(file=str(png), config={"mime_type": "image/png"})
    stored = len(_blob_files(srv.data_dir))
    assert stored >= 1
    time.sleep(3.5)  # past the TTL, and a few reaper sweeps

    with pytest.raises(Exception) as err:
        client.files.get(name=uploaded.name)
    assert getattr(err.value, "code", None) == 404 or "404" in str(err.value)
    assert "expired at" in str(err.value) and "upload it again" in str(err.value)

    with pytest.raises(gi.NotFoundError) as err:
        client.interactions.create(model="omnireel-fake", input=[
            {"type": "image", "uri": uploaded.uri, "mime_type": "image/png"},
            {"type": "text", "text": "Animate it"},
        ])
    body = err.value.body["error"]
    assert body["code"] == "file_expired" and "expired at" in body["message"]
    assert len(_blob_files(srv.data_dir)) == stored - 1  # the media itself is gone

    with pytest.raises(gi.NotFoundError) as err:  # an id that never existed is still plainly not found
        client.interactions.create(model="omnireel-fake", input=[
            {"type": "image", "uri": "files/neverexisted", "mime_type": "image/png"},
            {"type": "text", "text": "Animate it"},
        ])
    assert err.value.body["error"]["code"] != "file_expired"
