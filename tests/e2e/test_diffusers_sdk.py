"""The diffusers engine behind a real server, driven by the official SDK: a server started with
OMNIREEL_DIFFUSERS_MODEL pointing at a tiny random-weight Wan checkpoint on disk and OMNIREEL_DEFAULT_ENGINE=diffusers
makes videos for the public model ids, and refuses what the engine cannot do (edit) with a clear 400."""

from __future__ import annotations

import base64

import httpx
import pytest
from google.genai import _interactions as gi

from tests.conftest import sdk_client
from tests.diffusers_tiny import save_tiny_wan
from tests.media_checks import assert_video

MODEL = "gemini-omni-1.2-flash"


@pytest.fixture(scope="module")
def diffusers_server(tmp_path_factory):
    from tests.conftest import Server, free_port

    root = tmp_path_factory.mktemp("diffusers-e2e")
    checkpoint = save_tiny_wan(root / "tiny-wan")
    srv = Server(data_dir=root / "data", port=free_port(), env={
        "OMNIREEL_DIFFUSERS_MODEL": str(checkpoint),
        "OMNIREEL_DEFAULT_ENGINE": "diffusers",
        "OMNIREEL_DIFFUSERS_STEPS": "2",
        "OMNIREEL_DIFFUSERS_MAX_RESOLUTION": "48",
        "OMNIREEL_DIFFUSERS_MAX_FRAMES": "9",
        "OMNIREEL_WORKERS": "1",
        "OMP_NUM_THREADS": "2",  # torch's pool in the server: two shared cores in CI
    })
    srv.start()
    yield srv
    srv.stop()


def test_sdk_text_to_video_on_the_diffusers_engine_then_edit_refused(diffusers_server, tmp_path):
    client = sdk_client(diffusers_server, retry_options={"attempts": 1})
    listed = httpx.get(f"{diffusers_server.base_url}/v1beta/models",
                       headers={"x-goog-api-key": diffusers_server.key()}).json()["models"]
    tasks = {m["id"]: m["tasks"] for m in listed}
    assert tasks[MODEL] == tasks["omnireel-diffusers"] == ["text_to_video"]
    assert "edit" in tasks["omnireel-builtin"]
    interaction = client.interactions.create(
        model=MODEL, input="A red car drives through the city at night, slow camera pan",
        response_format={"type": "video", "aspect_ratio": "9:16", "resolution": "360p", "duration": "3s"},
    )
    assert interaction.status == "completed", interaction.errors
    assert "Wan" in interaction.output_text
    path = tmp_path / "out.mp4"
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    decoded = assert_video(path, 360, 640, duration_s=3.0)  # exact size, 24 fps, AAC audio that is not silent
    assert decoded.frames == 72

    with pytest.raises(gi.BadRequestError) as refused:
        client.interactions.create(model=MODEL, previous_interaction_id=interaction.id,
                                   input="Make it black and white. Keep everything else the same.")
    message = refused.value.body["error"]["message"]
    assert "does not do edit" in message and "text_to_video" in message and "omnireel-builtin" in message
