"""The official SDK against a real server subprocess: create, wait, poll, stream and resume, cancel, delete, chains."""

from __future__ import annotations

import base64
import time

import pytest
from google.genai import _interactions as gi

from tests.conftest import sdk_client
from tests.media_checks import assert_video

FAKE = "omnireel-fake"
OMNI = "gemini-omni-flash-preview"


def _save(interaction, path):
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    return path


@pytest.mark.parametrize("aspect,size", [("9:16", (360, 640)), ("16:9", (640, 360))])
def test_text_to_video_aspect_ratios_builtin(client, tmp_path, aspect, size):
    interaction = client.interactions.create(
        model=OMNI,
        input='A bold title card that says "Summer Sale", neon lights, slow push in',
        response_format={"type": "video", "aspect_ratio": aspect, "resolution": "360p", "duration": "3s"},
    )
    assert interaction.status == "completed", interaction.errors
    assert interaction.output_video.mime_type == "video/mp4"
    assert "Summer Sale" in interaction.output_text
    assert_video(_save(interaction, tmp_path / "out.mp4"), *size, duration_s=3.0)


def test_background_and_polling(client, tmp_path):
    created = client.interactions.create(
        model=FAKE, input="slow [sleep=2]", background=True,
        response_format={"type": "video", "resolution": "360p", "duration": "4s"},
    )
    assert created.status in ("queued", "in_progress")
    seen = {created.status}
    deadline = time.time() + 60
    while True:
        current = client.interactions.get(created.id)
        seen.add(current.status)
        if current.status not in ("queued", "in_progress"):
            break
        assert time.time() < deadline
        time.sleep(0.2)
    assert current.status == "completed"
    assert "in_progress" in seen
    assert_video(_save(current, tmp_path / "bg.mp4"), 640, 360, duration_s=4.0)


def test_stream_then_resume_from_every_event(client):
    events = list(client.interactions.create(
        model=FAKE, input="stream me [sleep=1]", stream=True,
        response_format={"type": "video", "resolution": "360p", "duration": "3s", "delivery": "uri"},
    ))
    kinds = [e.event_type for e in events]
    assert kinds[0] == "interaction.created" and kinds[-1] == "interaction.completed"
    assert "step.delta" in kinds
    ids = [e.event_id for e in events]
    assert len(set(ids)) == len(ids)
    interaction_id = events[0].interaction.id
    assert events[-1].interaction.status == "completed"
    video = [e for e in events if e.event_type == "step.delta" and e.delta.type == "video"][0]
    assert video.delta.uri and "/files/" in video.delta.uri
    for k in (0, 2, len(ids) - 2):
        resumed = list(client.interactions.get(interaction_id, stream=True, last_event_id=ids[k]))
        assert [e.event_id for e in resumed] == ids[k + 1:]


def test_stream_inline_video_delta_carries_the_bytes(client, tmp_path):
    events = list(client.interactions.create(
        model=FAKE, input="inline", stream=True, response_format={"resolution": "360p", "duration": "3s"}))
    video = [e for e in events if e.event_type == "step.delta" and e.delta.type == "video"][0]
    (tmp_path / "s.mp4").write_bytes(base64.b64decode(video.delta.data))
    assert_video(tmp_path / "s.mp4", 640, 360, duration_s=3.0)


def test_cancel_running_and_delete(client):
    created = client.interactions.create(model=FAKE, input="long [sleep=30]", background=True,
                                         response_format={"resolution": "360p", "duration": "3s"})
    deadline = time.time() + 20
    while client.interactions.get(created.id).status != "in_progress":
        assert time.time() < deadline
        time.sleep(0.1)
    cancelled = client.interactions.cancel(created.id)
    assert cancelled.status == "cancelled"
    time.sleep(1.5)
    after = client.interactions.get(created.id)
    assert after.status == "cancelled" and after.output_video is None
    assert client.interactions.delete(created.id) is None
    with pytest.raises(gi.NotFoundError):
        client.interactions.get(created.id)


def test_three_turn_chain(client, tmp_path):
    fmt = {"type": "video", "aspect_ratio": "9:16", "resolution": "360p", "duration": "3s"}
    first = client.interactions.create(model=FAKE, input="turn one", response_format=fmt)
    second = client.interactions.create(model=FAKE, input="turn two: brighter, keep the rest",
                                        previous_interaction_id=first.id)
    third = client.interactions.create(model=FAKE, input="turn three: slower, keep the rest",
                                       previous_interaction_id=second.id)
    for n, turn in enumerate((first, second, third)):
        assert turn.status == "completed", turn.errors
        # Later turns inherit the first turn's 9:16 360p 3 s format.
        assert_video(_save(turn, tmp_path / f"turn{n}.mp4"), 360, 640, duration_s=3.0)
    assert second.previous_interaction_id == first.id and third.previous_interaction_id == second.id
    # Each interaction holds only its own turn; later turns inherit the aspect ratio of the first.
    assert [s.type for s in third.steps] == ["user_input", "model_output"]
    raw = client.interactions.get(third.id)
    assert raw.model_extra.get("task") == "edit"
    assert raw.model_extra.get("response_format") is None  # not given on this turn; inherited internally


def test_include_input_echo(client):
    created = client.interactions.create(model=FAKE, input="echo me", background=True,
                                         response_format={"resolution": "360p", "duration": "3s"})
    got = client.interactions.get(created.id, include_input=True)
    assert got.input == "echo me"  # echoed as sent: a string stays a string (more forms in test_input_echo_and_ids)
    assert client.interactions.get(created.id).input is None


def test_any_version_segment(server):
    for version in ("v1", "v1beta", "v1alpha"):
        client = sdk_client(server, api_version=version)
        created = client.interactions.create(model=FAKE, input="v", background=True,
                                             response_format={"resolution": "360p", "duration": "3s"})
        assert client.interactions.get(created.id).id == created.id


def test_store_false_result_is_returned_but_not_kept(client):
    result = client.interactions.create(model=FAKE, input="ephemeral", store=False,
                                        response_format={"resolution": "360p", "duration": "3s"})
    assert result.status == "completed" and result.output_video.data
    with pytest.raises(gi.NotFoundError):
        client.interactions.get(result.id)


def test_failed_interaction_is_an_explicit_state(client):
    result = client.interactions.create(model=FAKE, input="[fail=safety_blocked]",
                                        response_format={"resolution": "360p", "duration": "3s"})
    assert result.status == "failed"
    assert result.errors[0].code == "safety_blocked"
    assert "safety" in result.errors[0].message
    assert result.output_video is None


def test_models_endpoint_lists_options(server):
    import httpx

    r = httpx.get(server.base_url + "/v1beta/models", headers={"x-goog-api-key": server.key()})
    assert r.status_code == 200
    models = {m["id"]: m for m in r.json()["models"]}
    for model_id in ("gemini-omni-flash-preview", "gemini-omni-1.1-flash", "gemini-omni-1.2-flash"):
        assert model_id in models
        assert "text_to_video" in models[model_id]["tasks"]
        assert set(models[model_id]["aspectRatios"]) >= {"16:9", "9:16", "1:1"}
        assert "4k" in models[model_id]["resolutions"]
        assert {"edit", "extend"} <= set(models[model_id]["tasks"])
    # Upscale is listed only where it is accepted (the others answer it with 400 unsupported_task).
    assert "upscale" in models["gemini-omni-1.2-flash"]["tasks"]
    assert "upscale" not in models["gemini-omni-flash-preview"]["tasks"]
    assert "upscale" not in models["gemini-omni-1.1-flash"]["tasks"]
    client = sdk_client(server)
    listed = {m.name for m in client.models.list()}
    assert "models/gemini-omni-1.2-flash" in listed
    assert client.models.get(model="gemini-omni-flash-preview").supported_actions == ["createInteraction"]


def test_store_false_stream_is_not_kept(client):
    events = list(client.interactions.create(model=FAKE, input="ephemeral stream", store=False, stream=True,
                                             response_format={"resolution": "360p", "duration": "3s"}))
    assert events[-1].interaction.status == "completed"
    with pytest.raises(gi.NotFoundError):
        client.interactions.get(events[0].interaction.id)


def test_async_client_create_and_stream(server):
    import asyncio

    async def main():
        client = sdk_client(server).aio
        done = await client.interactions.create(model=FAKE, input="async", response_format={
            "resolution": "360p", "duration": "3s"})
        stream = await client.interactions.create(model=FAKE, input="async stream", stream=True,
                                                  response_format={"resolution": "360p", "duration": "3s"})
        kinds = [event.event_type async for event in stream]
        return done, kinds

    done, kinds = asyncio.run(main())
    assert done.status == "completed" and done.output_video.data
    assert kinds[0] == "interaction.created" and kinds[-1] == "interaction.completed"


def test_cancel_frees_the_worker_at_the_next_step(server_factory):
    server = server_factory(env={"OMNIREEL_WORKERS": "1"})
    client = sdk_client(server)
    fmt = {"resolution": "360p", "duration": "3s"}
    long = client.interactions.create(model=FAKE, input="[sleep=60]", background=True, response_format=fmt)
    while client.interactions.get(long.id).status != "in_progress":
        time.sleep(0.05)
    client.interactions.cancel(long.id)
    started = time.time()
    quick = client.interactions.create(model=FAKE, input="next in line", response_format=fmt)
    assert quick.status == "completed"
    assert time.time() - started < 15, "the only worker must stop the cancelled render promptly"
