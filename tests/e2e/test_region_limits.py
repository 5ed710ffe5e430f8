"""Regional limits as explicit states (omni-behaviour): in the EEA, Switzerland and the UK uploaded videos cannot be
edited (generated ones can) and images described as showing a child cannot be used; each refusal is a 403
region_restricted that says what is limited and what still works. Elsewhere nothing is limited."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from google.genai import _interactions as gi
from PIL import Image

from omnireel.media.encode import VideoWriter
from tests.conftest import run_cli, sdk_client

FAKE = "omnireel-fake"
SHORT = {"type": "video", "resolution": "360p", "duration": "3s"}


def _png() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _clip(path):
    with VideoWriter(path, 320, 180, fps=24) as vw:
        vw.write_audio(np.zeros((2, 48000 * 2), np.float32))
        for i in range(48):
            vw.write_frame(np.full((180, 320, 3), (i * 5) % 255, np.uint8))
    return path


def _body(exc) -> dict:
    return exc.body["error"] if isinstance(exc.body, dict) else {}


@pytest.fixture(scope="module")
def eu_server(tmp_path_factory):
    from tests.conftest import Server, free_port

    srv = Server(data_dir=tmp_path_factory.mktemp("region") / "data", port=free_port(),
                 env={"OMNIREEL_REGION": "DE", "OMNIREEL_WORKERS": "1"})
    srv.start()
    yield srv
    srv.stop()


def test_uploaded_video_cannot_be_edited_in_a_limited_region(eu_server, tmp_path):
    client = sdk_client(eu_server, retry_options={"attempts": 1})
    uploaded = client.files.upload(file=str(_clip(tmp_path / "mine.mp4")), config={"mime_type": "video/mp4"})
    with pytest.raises(gi.PermissionDeniedError) as err:
        client.interactions.create(model=FAKE, input=[
            {"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"},
            {"type": "text", "text": "Make it black and white"},
        ])
    body = _body(err.value)
    assert err.value.status_code == 403 and body["code"] == "region_restricted"
    assert "uploaded videos" in body["message"] and "DE" in body["message"]
    assert "previous_interaction_id" in body["message"]  # what still works


def test_generated_video_can_still_be_edited(eu_server):
    client = sdk_client(eu_server, retry_options={"attempts": 1})
    first = client.interactions.create(model=FAKE, input="A calm sea", response_format=SHORT)
    assert first.status == "completed"
    edited = client.interactions.create(model=FAKE, previous_interaction_id=first.id, input="Make it black and white")
    assert edited.status == "completed"


def test_image_described_as_a_child_is_refused_and_others_are_not(eu_server):
    client = sdk_client(eu_server, retry_options={"attempts": 1})
    image = {"type": "image", "data": _png(), "mime_type": "image/png"}
    with pytest.raises(gi.PermissionDeniedError) as err:
        client.interactions.create(model=FAKE, input=[image, {"type": "text", "text": "Animate my daughter's photo"}],
                                   response_format=SHORT)
    assert _body(err.value)["code"] == "region_restricted" and "'daughter'" in _body(err.value)["message"]
    ok = client.interactions.create(model=FAKE, input=[image, {"type": "text", "text": "Animate this red bike"}],
                                    response_format=SHORT)
    assert ok.status == "completed"
    # Text alone (no image) is not limited.
    assert client.interactions.create(model=FAKE, input="Kids playing football, cartoon", response_format=SHORT).status == "completed"


def test_a_tenants_own_region_applies_and_others_are_not_limited(server_factory, tmp_path):
    srv = server_factory(env={"OMNIREEL_WORKERS": "1"})  # no server-wide region
    eu_key = run_cli("keys", "create", "paris", "--region", "fr", data_dir=srv.data_dir).stdout.strip().splitlines()[-1]
    assert "paris: FR (regional limits apply)" in run_cli("keys", "region", "paris", data_dir=srv.data_dir).stdout
    clip = _clip(tmp_path / "mine.mp4")
    for key, limited in ((eu_key, True), (srv.key("austin"), False)):
        client = sdk_client(srv, key=key, retry_options={"attempts": 1})
        uploaded = client.files.upload(file=str(clip), config={"mime_type": "video/mp4"})
        request = dict(model=FAKE, input=[{"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"},
                                          {"type": "text", "text": "Make it black and white"}])
        if limited:
            with pytest.raises(gi.PermissionDeniedError):
                client.interactions.create(**request)
        else:
            assert client.interactions.create(**request).status == "completed"
    # Clearing the region lifts the limit.
    run_cli("keys", "region", "paris", "none", data_dir=srv.data_dir)
    client = sdk_client(srv, key=eu_key, retry_options={"attempts": 1})
    uploaded = client.files.upload(file=str(clip), config={"mime_type": "video/mp4"})
    assert client.interactions.create(model=FAKE, input=[{"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"},
                                                         {"type": "text", "text": "Make it black and white"}]).status == "completed"


def test_a_bad_region_setting_stops_the_server_with_a_clear_message(tmp_path):
    result = run_cli("serve", "--port", "1", data_dir=tmp_path / "d", check=False, env={"OMNIREEL_REGION": "Germany"})
    assert result.returncode == 2 and "two-letter country code" in result.stderr
