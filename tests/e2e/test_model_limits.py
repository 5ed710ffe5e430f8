"""Per-model limits (omni-behaviour): 1.1 makes 3-10 s and takes 5 reference images; upscale came with 1.2.
Asking more of a model is a 400 at create that names the limit and the model that offers more; the models list
advertises each model's duration range."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from google.genai import _interactions as gi
from PIL import Image

from tests.conftest import sdk_client

SHORT = {"type": "video", "resolution": "360p", "duration": "3s"}


def _png(color) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _client(server):
    return sdk_client(server, retry_options={"attempts": 1})


def _message(exc) -> str:
    return exc.body["error"]["message"] if isinstance(exc.body, dict) else str(exc.body)


def test_duration_beyond_a_models_range_is_refused(server):
    client = _client(server)
    with pytest.raises(gi.BadRequestError) as err:
        client.interactions.create(
            model="gemini-omni-1.1-flash", input="A calm sea", background=True,
            response_format={**SHORT, "duration": "12s"},
        )
    assert "3 to 10 seconds" in _message(err.value) and "gemini-omni-1.2-flash" in _message(err.value)
    ok = client.interactions.create(
        model="gemini-omni-1.2-flash", input="A calm sea", background=True, response_format={**SHORT, "duration": "12s"}
    )
    client.interactions.cancel(ok.id)


def test_reference_image_count_follows_the_model(server):
    images = [{"type": "image", "data": _png(c), "mime_type": "image/png"} for c in
              ((200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0), (0, 200, 200), (200, 0, 200))]
    client = _client(server)  # held: a client that is garbage collected closes its connections
    with pytest.raises(gi.BadRequestError) as err:
        client.interactions.create(
            model="gemini-omni-1.1-flash", input=[{"type": "text", "text": "A sequence of colours"}, *images],
            background=True, response_format=SHORT,
        )
    assert "up to 5 reference images" in _message(err.value)


def test_upscale_needs_1_2(server):
    client = _client(server)
    with pytest.raises(gi.BadRequestError) as err:
        client.interactions.create(
            model="gemini-omni-1.1-flash", input="Upscale it", background=True, response_format=SHORT,
            generation_config={"video_config": {"task": "upscale"}},
        )
    assert "does not upscale" in _message(err.value)


def test_models_list_advertises_each_models_duration_range(server):
    got = httpx.get(f"{server.base_url}/v1beta/models", headers={"x-goog-api-key": server.key()}).json()
    ranges = {m["id"]: m["durationSeconds"]["max"] for m in got["models"]}
    assert ranges["gemini-omni-1.1-flash"] == 10 and ranges["gemini-omni-1.2-flash"] == 15


def test_a_tag_naming_an_image_not_given_is_refused_at_create(server):
    """<IMAGE_REF_5> with three images used to render (another image in its place, the plan claiming image 5)."""
    images = [{"type": "image", "data": _png(c), "mime_type": "image/png"} for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    client = _client(server)
    with pytest.raises(gi.BadRequestError) as err:
        client.interactions.create(
            model="gemini-omni-flash-preview", input=[{"type": "text", "text": "[0-3s] <IMAGE_REF_5> push in"}, *images],
            generation_config={"video_config": {"task": "reference_to_video"}}, background=True, response_format=SHORT,
        )
    assert "<IMAGE_REF_5>" in _message(err.value) and "3 images" in _message(err.value)
