"""Every code snippet of the seed document, run against omnireel with only the client construction changed."""

from __future__ import annotations

import base64
import io

import httpx
import numpy as np
from PIL import Image

from tests.conftest import sdk_client
from tests.media_checks import assert_video


def _jpeg_base64() -> str:
    # A product-like still: a red cup shape on a soft gradient, as a user would upload.
    h, w = 480, 640
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([180 + 40 * x / w, 170 + 30 * y / h, 160 + 20 * np.ones_like(x)], axis=-1).astype(np.uint8)
    img[150:380, 250:390] = (200, 30, 40)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=92)
    return base64.b64encode(buf.getvalue()).decode()


def test_minimal_api_call(server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    client = sdk_client(server)  # seed: genai.Client()
    interaction = client.interactions.create(
        model="gemini-omni-flash-preview",
        input="A marble rolling fast on a chain reaction style track, continuous smooth shot.",
    )
    with open("marble.mp4", "wb") as f:
        f.write(base64.b64decode(interaction.output_video.data))
    assert_video(tmp_path / "marble.mp4", 1280, 720, duration_s=8.0)
    # The builtin engine cannot draw a photoreal marble run; it must say what it made instead.
    assert "animatic" in interaction.output_text.lower()


def test_controlling_aspect_ratio(server, tmp_path):
    client = sdk_client(server)
    interaction = client.interactions.create(
        model="gemini-omni-flash-preview",
        input="A futuristic city with neon lights and flying cars, cyberpunk style",
        response_format={
            "type": "video",
            "aspect_ratio": "9:16",
        },
    )
    (tmp_path / "city.mp4").write_bytes(base64.b64decode(interaction.output_video.data))
    assert_video(tmp_path / "city.mp4", 720, 1280, duration_s=8.0)


def test_image_to_video(server, tmp_path):
    client = sdk_client(server)
    base64_image = _jpeg_base64()
    interaction = client.interactions.create(
        model="gemini-omni-flash-preview",
        input=[
            {
                "type": "image",
                "data": base64_image,
                "mime_type": "image/jpeg",
            },
            {
                "type": "text",
                "text": "Use this image as a reference and generate a cinematic product shot.",
            },
        ],
        generation_config={
            "video_config": {
                "task": "image_to_video",
            },
        },
    )
    assert interaction.status == "completed", interaction.errors
    (tmp_path / "product.mp4").write_bytes(base64.b64decode(interaction.output_video.data))
    assert_video(tmp_path / "product.mp4", 1280, 720, duration_s=8.0)


def test_stateful_editing(server):
    client = sdk_client(server)
    first = client.interactions.create(
        model="gemini-omni-flash-preview",
        input="A woman playing violin outdoors.",
    )
    second = client.interactions.create(
        model="gemini-omni-flash-preview",
        previous_interaction_id=first.id,
        input="Make the violin invisible. Keep everything else the same.",
    )
    assert first.status == "completed"
    assert second.previous_interaction_id == first.id
    # The builtin engine cannot find a violin in pixels: it must fail plainly and specifically, never fake it.
    assert second.status == "failed"
    assert second.errors and second.errors[0].code == "capability_missing"
    assert "edit" in second.errors[0].message.lower()


def test_polling_by_id_over_rest(server):
    client = sdk_client(server)
    created = client.interactions.create(model="omnireel-fake", input="poll me", background=True,
                                         response_format={"type": "video", "resolution": "360p", "duration": "3s"})
    r = httpx.get(f"{server.base_url}/v1beta/interactions/{created.id}", headers={"x-goog-api-key": server.key()})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json()["id"] == created.id and r.json()["status"] in ("queued", "in_progress", "completed")
