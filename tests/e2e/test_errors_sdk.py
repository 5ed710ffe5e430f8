"""Errors as the SDK surfaces them: the right exception class and a message that names the problem."""

from __future__ import annotations

import httpx
import pytest
from google.genai import _interactions as gi

from tests.conftest import run_cli, sdk_client

FAKE = "omnireel-fake"


def _message(exc) -> str:
    return exc.body["error"]["message"] if isinstance(exc.body, dict) else str(exc.body)


def _fast(server, **kw):
    # No retries: error tests must see the first answer (the SDK retries 5xx/429 five times by default).
    return sdk_client(server, key=kw.pop("key", None), retry_options={"attempts": 1})


@pytest.mark.parametrize(
    "kwargs,exc_class,needle",
    [
        ({"model": "veo-9000", "input": "x"}, gi.BadRequestError, "veo-9000"),
        ({"model": FAKE, "input": "x", "response_format": {"type": "video", "aspect_ratio": "4:3"}},
         gi.BadRequestError, "aspect_ratio"),
        ({"model": FAKE, "input": "x", "response_format": {"type": "video", "resolution": "8k"}},
         gi.BadRequestError, "resolution"),
        ({"model": FAKE, "input": "x", "response_format": {"type": "video", "duration": "60s"}},
         gi.BadRequestError, "duration"),
        ({"model": FAKE, "input": "x", "response_format": {"type": "video", "duration": "soon"}},
         gi.BadRequestError, "duration"),
        ({"model": FAKE, "input": "x", "response_format": {"type": "video", "delivery": "email"}},
         gi.BadRequestError, "delivery"),
        ({"model": FAKE}, gi.BadRequestError, "input"),
        ({"model": FAKE, "input": "x", "generation_config": {"video_config": {"task": "dance"}}},
         gi.BadRequestError, "task"),
        ({"model": FAKE, "input": "x", "previous_interaction_id": "v1_doesnotexist"}, gi.NotFoundError,
         "v1_doesnotexist"),
        ({"model": FAKE, "input": "x", "labels": {"Bad Key": "v"}}, gi.BadRequestError, "label"),
        ({"model": FAKE, "input": [{"type": "video", "uri": "https://www.youtube.com/watch?v=abc"}]},
         gi.BadRequestError, "YouTube"),
        ({"model": FAKE, "input": "x", "generation_config": {"video_config": {"task": "image_to_video"}}},
         gi.BadRequestError, "image"),
    ],
)
def test_bad_requests(server, kwargs, exc_class, needle):
    client = _fast(server)
    with pytest.raises(exc_class) as info:
        client.interactions.create(**kwargs)
    assert needle.lower() in _message(info.value).lower()


def test_another_tenants_interaction_is_not_found(server):
    alice = _fast(server, key=server.key("alice"))
    mallory = _fast(server, key=server.key("mallory"))
    mine = alice.interactions.create(model=FAKE, input="private", background=True,
                                     response_format={"resolution": "360p", "duration": "3s"})
    for call in (lambda: mallory.interactions.get(mine.id), lambda: mallory.interactions.cancel(mine.id),
                 lambda: mallory.interactions.delete(mine.id),
                 lambda: mallory.interactions.create(model=FAKE, input="x", previous_interaction_id=mine.id)):
        with pytest.raises(gi.NotFoundError) as info:
            call()
        assert "not found" in _message(info.value)
    missing = httpx.get(f"{server.base_url}/v1/interactions/v1_nosuchthing", headers={"x-goog-api-key": server.key("mallory")})
    theirs = httpx.get(f"{server.base_url}/v1/interactions/{mine.id}", headers={"x-goog-api-key": server.key("mallory")})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"].keys() == missing.json()["error"].keys()
    assert alice.interactions.get(mine.id).id == mine.id


def test_wrong_missing_and_revoked_keys(server):
    # Keep each SDK client referenced while it is used: a dropped genai.Client closes its connection pool.
    wrong = _fast(server, key="omr_nokey_nosecret")
    with pytest.raises(gi.AuthenticationError) as info:
        wrong.interactions.get("v1_x")
    assert "API key" in _message(info.value)
    garbage = _fast(server, key="not-even-our-format")
    with pytest.raises(gi.AuthenticationError):
        garbage.interactions.get("v1_x")
    key = run_cli("keys", "create", "temp", data_dir=server.data_dir).stdout.strip().splitlines()[-1]
    client = _fast(server, key=key)
    created = client.interactions.create(model=FAKE, input="ok", background=True,
                                         response_format={"resolution": "360p", "duration": "3s"})
    key_id = key.split("_")[1]
    listing = run_cli("keys", "list", data_dir=server.data_dir).stdout
    assert key_id in listing and key.split("_", 2)[2] not in listing  # secrets are never shown
    run_cli("keys", "revoke", key_id, data_dir=server.data_dir)
    with pytest.raises(gi.AuthenticationError) as info:
        client.interactions.get(created.id)
    assert "revoked" in _message(info.value)
    r = httpx.get(f"{server.base_url}/v1/interactions/{created.id}")
    assert r.status_code == 401


def test_key_in_query_parameter(server):
    client = _fast(server)
    created = client.interactions.create(model=FAKE, input="q", background=True,
                                               response_format={"resolution": "360p", "duration": "3s"})
    r = httpx.get(f"{server.base_url}/v1beta/interactions/{created.id}", params={"key": server.key()})
    assert r.status_code == 200 and r.json()["id"] == created.id


def test_error_bodies_never_echo_internals(server):
    headers = {"x-goog-api-key": server.key(), "content-type": "application/json"}
    r = httpx.post(f"{server.base_url}/v1/interactions", content=b"{not json", headers=headers)
    assert r.status_code == 400 and r.json()["error"]["message"] == "The request body is not valid JSON."
    r = httpx.post(f"{server.base_url}/v1/interactions", json=["a"], headers=headers)
    assert r.status_code == 400
    r = httpx.get(f"{server.base_url}/v1/interactions/v1_x", params={"stream": "maybe"}, headers=headers)
    assert r.status_code in (400, 404)
    for response in (r,):
        assert "Traceback" not in response.text and "/work" not in response.text


def test_unknown_fields_are_tolerated(server):
    client = _fast(server)
    result = client.interactions.create(model=FAKE, input="x", extra_body={"x_custom": 1},
                                        response_format={"type": "video", "resolution": "360p", "duration": "3s"})
    assert result.status == "completed"


def test_keyless_mode_requires_loopback(tmp_path):
    result = run_cli("serve", "--keyless", "--host", "0.0.0.0", data_dir=tmp_path / "d", check=False)
    assert result.returncode != 0
    assert "loopback" in result.stderr


def test_oversized_bodies_are_refused_before_being_read(server_factory):
    server = server_factory(env={"OMNIREEL_MAX_REQUEST_BODY_BYTES": "100000"})
    client = _fast(server, key=server.key())
    with pytest.raises(gi.BadRequestError) as info:
        client.interactions.create(model=FAKE, input="x" * 200_000)
    assert info.value.status_code == 400  # as the hosted API: "Request payload size exceeds the limit"
    assert "Files API" in _message(info.value)


def test_backlog_limit_answers_429_with_retry_after(server_factory):
    server = server_factory(env={"OMNIREEL_WORKERS": "0", "OMNIREEL_MAX_UNFINISHED_PER_TENANT": "2"})
    body = {"model": FAKE, "input": "x", "background": True}
    headers = {"x-goog-api-key": server.key("busy")}
    for _ in range(2):
        assert httpx.post(f"{server.base_url}/v1/interactions", json=body, headers=headers).status_code == 200
    r = httpx.post(f"{server.base_url}/v1/interactions", json=body, headers=headers)
    assert r.status_code == 429 and r.headers["retry-after"] == "5"
    assert "unfinished" in r.json()["error"]["message"]
    other = httpx.post(f"{server.base_url}/v1/interactions", json=body, headers={"x-goog-api-key": server.key("idle")})
    assert other.status_code == 200  # the limit is per tenant


def test_keyless_local_mode_on_loopback(server_factory):
    server = server_factory(env={"OMNIREEL_ALLOW_KEYLESS": "1"})
    client = sdk_client(server, key="placeholder")  # the SDK insists on some key
    result = client.interactions.create(model=FAKE, input="local", background=True,
                                        response_format={"resolution": "360p", "duration": "3s"})
    assert httpx.get(f"{server.base_url}/v1/interactions/{result.id}").status_code == 200  # no key at all
    real = server.key("someone")
    r = httpx.get(f"{server.base_url}/v1/interactions/{result.id}", headers={"x-goog-api-key": real})
    assert r.status_code == 404  # real keys still map to their own tenant
