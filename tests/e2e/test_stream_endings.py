"""Every stream ends: a resume of a finished interaction replays what is left and closes (wire spec §3.4), and a
delete while a client streams ends the stream with a final status, like cancel, rather than just stopping."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import sdk_client

FAKE = "omnireel-fake"
FMT = {"type": "video", "resolution": "360p", "duration": "3s", "delivery": "uri"}


def _client(server):
    # A read timeout well under the 15 s keep-alive: a stream that only pings fails the test instead of hanging it.
    return sdk_client(server, timeout=8000, retry_options={"attempts": 1})


def _resume(client, interaction_id, last_event_id):
    started = time.monotonic()
    events = list(client.interactions.get(interaction_id, stream=True, last_event_id=last_event_id))
    return [e.event_id for e in events], time.monotonic() - started


def _finished(client, prompt: str) -> list:
    events = list(client.interactions.create(model=FAKE, input=prompt, stream=True, response_format=FMT))
    assert events[-1].event_type == "interaction.completed"
    return events


@pytest.mark.parametrize("prompt,status", [("done", "completed"), ("broken [fail=internal]", "failed")])
def test_resume_after_the_end_of_a_finished_interaction_closes_at_once(server, prompt, status):
    client = _client(server)
    events = _finished(client, prompt)
    assert events[-1].interaction.status == status
    ids = [e.event_id for e in events]
    interaction_id = events[0].interaction.id
    for last in (ids[-1], "evt_999"):
        replayed, took = _resume(client, interaction_id, last)
        assert replayed == [] and took < 3
    # A mid-stream id still replays strictly after it, then closes.
    replayed, took = _resume(client, interaction_id, ids[-3])
    assert replayed == ids[-2:] and took < 3


def test_resume_of_a_cancelled_interaction_closes(server):
    client = _client(server)
    created = client.interactions.create(model=FAKE, input="long [sleep=30]", background=True,
                                         response_format=FMT)
    assert client.interactions.cancel(created.id).status == "cancelled"
    events = list(client.interactions.get(created.id, stream=True))
    assert events[-1].event_type == "interaction.completed" and events[-1].interaction.status == "cancelled"
    replayed, took = _resume(client, created.id, events[-1].event_id)
    assert replayed == [] and took < 3
    replayed, took = _resume(client, created.id, "evt_999")
    assert replayed == [] and took < 3


def test_delete_while_streaming_ends_the_stream_with_a_final_status(server):
    client = _client(server)
    created = client.interactions.create(model=FAKE, input="long [sleep=30]", background=True,
                                         response_format=FMT)
    seen, errors = [], []
    running = threading.Event()

    def follow():
        try:
            for event in client.interactions.get(created.id, stream=True):
                seen.append(event)
                if getattr(event, "status", None) == "in_progress":
                    running.set()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            errors.append(exc)

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    assert running.wait(15), "the render never started"
    client.interactions.delete(created.id)
    reader.join(10)
    assert not reader.is_alive(), "the stream did not end after the delete"
    assert not errors, errors
    assert [e.event_type for e in seen[-2:]] == ["interaction.status_update", "interaction.completed"]
    assert seen[-2].status == "cancelled"
    assert seen[-1].interaction.status == "cancelled" and seen[-1].interaction.id == created.id
    ids = [int(e.event_id.removeprefix("evt_")) for e in seen]
    assert ids == list(range(1, len(ids) + 1))  # dense, no gap before the closing events
