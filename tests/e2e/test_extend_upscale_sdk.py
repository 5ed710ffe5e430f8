"""extend and upscale through the official SDK against a real server: a 3 s text-to-video turn, then the next turn
continues it (`video_config.task: extend` with previous_interaction_id) or upscales it (on gemini-omni-1.2-flash,
the model that offers upscale)."""

from __future__ import annotations

import base64

from tests.conftest import sdk_client
from tests.media_checks import assert_video

SHORT = {"type": "video", "resolution": "360p", "duration": "3s"}


def _save(interaction, path):
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    return path


def test_extend_the_previous_turn(server, tmp_path):
    client = sdk_client(server)
    first = client.interactions.create(
        model="gemini-omni-flash-preview", input='A neon city at night, title "NIGHT SHIFT"', response_format=SHORT)
    assert first.status == "completed", first.errors
    extended = client.interactions.create(
        model="gemini-omni-flash-preview", input="Keep going, then end on the title \"SEE YOU SOON\"",
        previous_interaction_id=first.id, generation_config={"video_config": {"task": "extend"}})
    assert extended.status == "completed", extended.errors
    # The 3 s source and a 5 s extension (the default), at the source's size.
    assert_video(_save(extended, tmp_path / "extended.mp4"), 640, 360, duration_s=8.0)
    text = extended.output_text
    assert "Extension: 5 s" in text and '"SEE YOU SOON"' in text


def test_upscale_the_previous_turn_on_1_2(server, tmp_path):
    client = sdk_client(server)
    first = client.interactions.create(model="gemini-omni-1.2-flash", input="A calm sea at dawn", response_format=SHORT)
    assert first.status == "completed", first.errors
    up = client.interactions.create(
        model="gemini-omni-1.2-flash", input="Upscale it", previous_interaction_id=first.id,
        generation_config={"video_config": {"task": "upscale"}},
        response_format={"type": "video", "resolution": "720p"})
    assert up.status == "completed", up.errors
    assert_video(_save(up, tmp_path / "up.mp4"), 1280, 720, duration_s=3.0)
    assert "no new detail is invented" in up.output_text
