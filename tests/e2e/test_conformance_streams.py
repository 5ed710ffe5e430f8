"""Streams say what polling says: the first event's status is the one the wire spec gives it, and an inline video
too large to inline comes with the same explanatory text whether the result is streamed or fetched."""

from __future__ import annotations

import json

import httpx

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
FMT = {"type": "video", "resolution": "360p", "duration": "3s"}


def _client(server):
    return sdk_client(server, timeout=30000, retry_options={"attempts": 1})


def test_interaction_created_event_is_in_progress_and_parses_in_the_sdk(server):
    """Wire spec §2.3/§3.2: `interaction.created` in streams carries status in_progress."""
    client = _client(server)  # kept referenced: a collected client closes its connections mid-stream
    events = list(client.interactions.create(model=FAKE, input="first event", stream=True, response_format=FMT))
    created = events[0]
    assert type(created).__name__ == "InteractionCreatedEvent"
    assert created.event_type == "interaction.created" and created.event_id == "evt_1"
    assert created.interaction.status == "in_progress"
    assert created.interaction.id.startswith("v1_")
    assert events[-1].event_type == "interaction.completed" and events[-1].interaction.status == "completed"


def test_replayed_interaction_created_event_is_in_progress_on_the_wire(server):
    """A resume from the start (raw SSE, as any client reads it) replays the same first event."""
    key = server.key()
    client = _client(server)
    created = client.interactions.create(model=FAKE, input="queued first [sleep=1]", background=True,
                                         response_format=FMT)
    with httpx.stream("GET", f"{server.base_url}/v1/interactions/{created.id}", params={"stream": "true"},
                      headers={"x-goog-api-key": key}, timeout=30) as r:
        first = next(line for line in r.iter_lines() if line.startswith("data:"))
    event = json.loads(first[len("data:"):])
    assert event["event_type"] == "interaction.created"
    assert event["interaction"]["status"] == "in_progress"


def test_over_cap_inline_video_note_reaches_streamed_clients(server_factory):
    """Above the inline cap the video goes by uri and the text says so: a streamed client, which joins the text
    deltas, reads exactly the output text a polling client gets, also when it resumes mid-stream."""
    server = server_factory(env={"OMNIREEL_INLINE_OUTPUT_CAP_BYTES": "1000"})
    client = _client(server)
    events = list(client.interactions.create(model=FAKE, input="big", stream=True, response_format=FMT))
    deltas = [e for e in events if e.event_type == "step.delta"]
    video = next(d.delta for d in deltas if d.delta.type == "video")
    assert video.uri and not video.data  # over the cap: uri only
    streamed_text = "".join(d.delta.text for d in deltas if d.delta.type == "text")

    interaction_id = events[0].interaction.id
    polled = client.interactions.get(interaction_id)
    assert "above the 1 kB inline limit" in polled.output_text
    assert "client.files.download" in polled.output_text
    assert streamed_text == polled.output_text

    video_event = next(d for d in deltas if d.delta.type == "video")
    resumed = list(client.interactions.get(interaction_id, stream=True, last_event_id=video_event.event_id))
    resumed_text = "".join(e.delta.text for e in resumed if e.event_type == "step.delta" and e.delta.type == "text")
    assert resumed_text == polled.output_text


def test_under_cap_inline_video_stream_has_no_note(server):
    client = _client(server)
    events = list(client.interactions.create(model=FAKE, input="small", stream=True, response_format=FMT))
    deltas = [e.delta for e in events if e.event_type == "step.delta"]
    assert next(d for d in deltas if d.type == "video").data
    assert not any("inline limit" in d.text for d in deltas if d.type == "text")
