"""Idempotency-Key: a retried create returns the same interaction instead of starting a second render."""

import httpx
import pytest
from google.genai import _interactions as gi

from tests.conftest import sdk_client

FMT = {"type": "video", "resolution": "360p", "duration": "3s"}


def test_same_key_same_body_returns_the_same_interaction(server):
    client = sdk_client(server, retry_options={"attempts": 1})
    headers = {"Idempotency-Key": "order-123"}
    first = client.interactions.create(model="omnireel-fake", input="once", background=True, response_format=FMT,
                                       extra_headers=headers)
    again = client.interactions.create(model="omnireel-fake", input="once", background=True, response_format=FMT,
                                       extra_headers=headers)
    assert again.id == first.id
    with pytest.raises(gi.UnprocessableEntityError) as info:
        client.interactions.create(model="omnireel-fake", input="something else", background=True,
                                   response_format=FMT, extra_headers=headers)
    assert "different request body" in info.value.body["error"]["message"]
    other = client.interactions.create(model="omnireel-fake", input="once", background=True, response_format=FMT)
    assert other.id != first.id  # no key, no deduplication


def test_keys_are_scoped_per_tenant(server):
    body = {"model": "omnireel-fake", "input": "shared key", "background": True, "response_format": FMT}
    ids = []
    for tenant in ("alice", "bob"):
        r = httpx.post(f"{server.base_url}/v1/interactions", json=body,
                       headers={"x-goog-api-key": server.key(tenant), "Idempotency-Key": "same"})
        assert r.status_code == 200
        ids.append(r.json()["id"])
    assert ids[0] != ids[1]
