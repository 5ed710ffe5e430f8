"""What the user asks in words counts, through the official SDK against a real server: a follow-up that says
"extend" or "upscale" runs that task, "Upscale to 1080p" makes 1080p, "a 4 second vertical video" is 4 s at 9:16,
a 1.1 edit is held to 1.1's own limit (and only to lengths the user asked for), and what can be refused before a
job runs is a 400 naming the field. Every output is decoded and measured."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from google.genai import _interactions as gi

from omnireel.media.encode import VideoWriter
from tests.conftest import sdk_client
from tests.media_checks import assert_video

SHORT = {"type": "video", "resolution": "360p", "duration": "3s"}
UPSCALER = "gemini-omni-1.2-flash"


def _client(server):
    return sdk_client(server, retry_options={"attempts": 1})


def _message(exc) -> str:
    return exc.body["error"]["message"] if isinstance(exc.body, dict) else str(exc.body)


def _save(interaction, path):
    assert interaction.status == "completed", interaction.errors
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    return path


@pytest.fixture(scope="module")
def clip_360p(server):
    """A 3 s 640x360 clip made on 1.2: the source of the follow-ups below."""
    client = _client(server)  # held: a collected client closes its connections
    first = client.interactions.create(model=UPSCALER, input="A calm sea at dawn", response_format=SHORT)
    assert first.status == "completed", first.errors
    return first


def _refused(client, **kwargs) -> str:
    with pytest.raises(gi.BadRequestError) as err:
        client.interactions.create(background=True, **kwargs)
    return _message(err.value)


# ------------------------------------------------------------------------------------------------ 1. upscale target


@pytest.mark.parametrize("prompt", ["Upscale to 1080p.", "Upscale it to full HD"])
def test_upscale_makes_the_resolution_the_prompt_names(server, clip_360p, tmp_path, prompt):
    client = _client(server)  # held: a collected client closes its connections
    up = client.interactions.create(
        model=UPSCALER, input=prompt, previous_interaction_id=clip_360p.id,
        generation_config={"video_config": {"task": "upscale"}})
    assert_video(_save(up, tmp_path / "up.mp4"), 1920, 1080, duration_s=3.0)
    assert "(1080p, as the prompt asks" in up.output_text
    assert "none was asked for" not in up.output_text


def test_upscale_to_4k_from_360p_in_the_prompt_is_refused_like_response_format(server, clip_360p):
    client = _client(server)
    base = dict(model=UPSCALER, previous_interaction_id=clip_360p.id,
                generation_config={"video_config": {"task": "upscale"}})
    by_prompt = _refused(client, input="Upscale to 4k.", **base)
    by_format = _refused(client, input="Upscale it", response_format={"type": "video", "resolution": "4k"}, **base)
    assert by_prompt == by_format
    assert "upscaling it to 4k is not offered" in by_prompt and "720p or 1080p" in by_prompt


# ------------------------------------------------------------------------------------------------ 2. task intent


def test_a_follow_up_that_says_extend_extends(server, clip_360p, tmp_path):
    client = _client(server)
    for prompt in ("Extend the clip by 4 seconds.", "Make it 4 seconds longer."):
        got = client.interactions.create(model=UPSCALER, input=prompt, previous_interaction_id=clip_360p.id)
        assert got.task == "extend", (prompt, got.task)
        assert_video(_save(got, tmp_path / "ext.mp4"), 640, 360, duration_s=7.0)
        assert "Extension: 4 s" in got.output_text


def test_a_follow_up_that_says_upscale_upscales(server, clip_360p, tmp_path):
    client = _client(server)  # held: a collected client closes its connections
    got = client.interactions.create(model=UPSCALER, input="Upscale it to 720p.",
                                              previous_interaction_id=clip_360p.id)
    assert got.task == "upscale"
    assert_video(_save(got, tmp_path / "up.mp4"), 1280, 720, duration_s=3.0)


def test_intent_that_cannot_be_one_task_names_the_task_field(server, clip_360p):
    client = _client(server)
    both = _refused(client, model=UPSCALER, input="Extend it by 3 seconds and upscale it to 1080p.",
                    previous_interaction_id=clip_360p.id)
    assert 'generation_config.video_config.task to "extend" or "upscale"' in both
    mixed = _refused(client, model=UPSCALER, input="Upscale to 1080p and make it black and white.",
                     previous_interaction_id=clip_360p.id)
    assert "'make it black and white'" in mixed and "its own turn" in mixed
    # A model without upscale says so, instead of an edit that "did not understand" the instruction.
    no_upscale = _refused(client, model="gemini-omni-flash-preview", input="Upscale it to 720p.",
                          previous_interaction_id=clip_360p.id)
    assert "does not upscale" in no_upscale


def test_an_explicit_task_is_authoritative(server, clip_360p):
    client = _client(server)  # held: a collected client closes its connections
    got = client.interactions.create(
        model=UPSCALER, input="Extend the clip by 4 seconds.", previous_interaction_id=clip_360p.id,
        generation_config={"video_config": {"task": "edit"}})
    assert got.task == "edit" and got.status == "failed"
    assert got.errors[0].code == "capability_missing"


# ------------------------------------------------------------------------------------------------ 3. 1.1 durations


def test_a_1_1_edit_is_checked_on_its_output_not_an_inherited_length(server, tmp_path):
    client = _client(server)
    long = client.interactions.create(model="omnireel-fake", input="a long take",
                                      response_format={"type": "video", "resolution": "360p", "duration": "14s"})
    assert long.status == "completed", long.errors
    cut = client.interactions.create(model="gemini-omni-1.1-flash", input="Keep only the first 6 seconds.",
                                     previous_interaction_id=long.id)
    assert_video(_save(cut, tmp_path / "cut.mp4"), 640, 360, duration_s=6.0)
    # The whole 14 s clip is more than 1.1 makes: refused at create, naming 1.1's own limit.
    whole = _refused(client, model="gemini-omni-1.1-flash", input="Make it black and white.",
                     previous_interaction_id=long.id)
    assert "would be 14 s long" in whole and "up to 10 s" in whole and "15" not in whole.split("gemini-omni-1.2")[0]


def _upload(client, tmp_path, seconds: float, size=(160, 90)):
    path = tmp_path / "long.mp4"
    w, h = size
    with VideoWriter(path, w, h, fps=24) as vw:
        n = round(seconds * 24)
        t = np.arange(round(seconds * 48000)) / 48000
        vw.write_audio(np.stack([0.2 * np.sin(2 * np.pi * 220 * t)] * 2).astype(np.float32))
        for i in range(n):
            frame = np.full((h, w, 3), 40, np.uint8)
            frame[:, (i * 2) % w] = 255
            vw.write_frame(frame)
    uploaded = client.files.upload(file=str(path), config={"mime_type": "video/mp4"})
    assert uploaded.state.name == "ACTIVE"
    return uploaded


def test_editing_a_35_s_upload_on_1_1_names_1_1s_limit(server, tmp_path):
    client = _client(server)
    uploaded = _upload(client, tmp_path, 35.0)
    msg = _refused(client, model="gemini-omni-1.1-flash", input=[
        {"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"},
        {"type": "text", "text": "Make it black and white."}])
    assert "35 s source would be 35 s long" in msg and "'gemini-omni-1.1-flash' makes videos of up to 10 s" in msg


# ------------------------------------------------------------------------------------------------ 4. prompt format


def test_aspect_and_duration_written_in_the_prompt_are_used(server, tmp_path):
    client = _client(server)  # held: a collected client closes its connections
    got = client.interactions.create(
        model=UPSCALER, input='A 4 second vertical 9:16 video with a title that reads "PROMPT FMT" in space',
        response_format={"type": "video", "resolution": "360p"})
    assert_video(_save(got, tmp_path / "fmt.mp4"), 360, 640, duration_s=4.0)
    assert "Format from the prompt, as response_format did not set it: 9:16" in got.output_text
    assert "4 s ('4 second')" in got.output_text


def test_response_format_wins_over_the_prompt_and_says_so(server, tmp_path):
    client = _client(server)  # held: a collected client closes its connections
    got = client.interactions.create(
        model=UPSCALER, input="A 4 second vertical video of rain on a window",
        response_format={"type": "video", "resolution": "360p", "aspect_ratio": "16:9", "duration": "3s"})
    assert_video(_save(got, tmp_path / "fmt.mp4"), 640, 360, duration_s=3.0)
    assert "response_format.aspect_ratio (16:9) was used, not the prompt's 'vertical video'" in got.output_text
    assert "response_format.duration (3 s) was used, not the prompt's '4 second'" in got.output_text


def test_quoted_text_is_not_a_format(server, tmp_path):
    client = _client(server)  # held: a collected client closes its connections
    got = client.interactions.create(
        model=UPSCALER, input='A title card that reads "9:16 VERTICAL VIDEO" on a beach',
        response_format=SHORT)
    assert_video(_save(got, tmp_path / "q.mp4"), 640, 360, duration_s=3.0)
    assert "Format from the prompt" not in got.output_text


def test_a_prompt_duration_outside_the_models_range_is_reported_not_made(server, tmp_path):
    # "A 12 second video" on a model that makes 3-10 s: made at the default length, and the output says why (a 400
    # for words in a brief would refuse "a 30 second commercial for ..." outright).
    client = _client(server)
    got = client.interactions.create(model="gemini-omni-1.1-flash", input="A 12 second video of rain",
                                     response_format={"type": "video", "resolution": "360p"})
    assert_video(_save(got, tmp_path / "rain.mp4"), 640, 360, duration_s=8.0)
    assert "'12 second'" in got.output_text and "3 to 10 seconds" in got.output_text
    assert "gemini-omni-1.2-flash" in got.output_text and "default length" in got.output_text
    short = client.interactions.create(model="omnireel-fake", input="A 2 second video of rain",
                                       response_format={"type": "video", "resolution": "360p"})
    assert "'2 second'" in short.output_text and "3 to 15 seconds" in short.output_text


def test_a_resolution_that_names_a_thing_in_the_picture_is_not_the_format(server):
    client = _client(server)
    got = client.interactions.create(model="omnireel-fake", input="A 4K TV on a living room wall, HD camera on a desk",
                                     response_format={"type": "video", "duration": "3s"})
    assert got.status == "completed" and "Format from the prompt" not in (got.output_text or "")


# ------------------------------------------------------------------------------------------------ 5. create-time 400s


def test_source_task_checks_are_400s_at_create(server, clip_360p):
    client = _client(server)
    prev = dict(model=UPSCALER, previous_interaction_id=clip_360p.id)
    msg = _refused(client, input="Keep going", generation_config={"video_config": {"task": "extend"}},
                   response_format={"type": "video", "duration": "15s"}, **prev)
    assert "extend adds 3 to 10 seconds" in msg and "response_format.duration" in msg
    msg = _refused(client, input="Upscale it", generation_config={"video_config": {"task": "upscale"}},
                   response_format={"type": "video", "aspect_ratio": "9:16"}, **prev)
    assert "response_format.aspect_ratio asked for 9:16" in msg and "(16:9)" in msg
    msg = _refused(client, input="Make it black and white.", response_format={"type": "video", "duration": "6s"},
                   **prev)
    assert "response_format.duration asks for 6 s, but the source is 3 s long" in msg
