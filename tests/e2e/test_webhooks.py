"""Webhooks: a signed POST per terminal state, retried until the receiver accepts it; private targets refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from google.genai import _interactions as gi

from tests.conftest import run_cli, sdk_client

FMT = {"type": "video", "resolution": "360p", "duration": "3s"}


class Receiver:
    """A real HTTP endpoint on loopback that records deliveries; it can fail the first N requests."""

    def __init__(self, fail_first: int = 0):
        self.received: list[tuple[dict, bytes]] = []
        self.fail_first = fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 30):
        deadline = time.time() + timeout
        while len(self.received) < count:
            assert time.time() < deadline, "webhook not delivered"
            time.sleep(0.05)
        return self.received

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def hook_server(server_factory):
    return server_factory(env={"OMNIREEL_WEBHOOK_ALLOW_PRIVATE": "1", "OMNIREEL_WEBHOOK_RETRY_BASE_S": "0.2"})


def test_completed_and_failed_webhooks_are_signed(hook_server):
    receiver = Receiver()
    client = sdk_client(hook_server, key=hook_server.key("hooks"))
    ok = client.interactions.create(model="omnireel-fake", input="done", background=True, response_format=FMT,
                                    webhook_config={"uris": [receiver.url], "user_metadata": {"job": "42"}})
    bad = client.interactions.create(model="omnireel-fake", input="[fail=safety_blocked]", background=True,
                                     response_format=FMT, webhook_config={"uris": [receiver.url]})
    deliveries = receiver.wait(2)
    receiver.close()
    secret = run_cli("webhooks", "secret", "hooks", data_dir=hook_server.data_dir).stdout.strip()
    by_id = {}
    for headers, body in deliveries:
        expected = "v1=" + hmac.new(secret.encode(), headers["x-omnireel-timestamp"].encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-omnireel-signature"], expected)
        payload = json.loads(body)
        by_id[payload["interaction_id"]] = payload
    assert by_id[ok.id]["event"] == "interaction.completed" and by_id[ok.id]["user_metadata"] == {"job": "42"}
    assert "/files/" in by_id[ok.id]["video_uri"]
    assert by_id[bad.id]["event"] == "interaction.failed"
    assert by_id[bad.id]["errors"][0]["code"] == "safety_blocked"


def test_failed_deliveries_are_retried(hook_server):
    receiver = Receiver(fail_first=2)
    client = sdk_client(hook_server, key=hook_server.key("hooks"))
    created = client.interactions.create(model="omnireel-fake", input="retry me", background=True,
                                         response_format=FMT, webhook_config={"uris": [receiver.url]})
    headers, body = receiver.wait(1)[0]
    receiver.close()
    assert json.loads(body)["interaction_id"] == created.id


def test_private_targets_and_bad_configs_are_refused(server):
    import httpx

    # Raw HTTP: the SDK itself refuses some malformed configs before sending them.
    for config, needle in [
        ({"uris": ["http://127.0.0.1:9/hook"]}, "private"),
        ({"uris": ["http://169.254.169.254/latest/meta-data"]}, "private"),
        ({"uris": ["ftp://example.com/x"]}, "http"),
        ({"uris": []}, "uris"),
        ({"uris": ["https://example.com/h"], "user_metadata": "x"}, "user_metadata"),
    ]:
        r = httpx.post(f"{server.base_url}/v1/interactions", headers={"x-goog-api-key": server.key()}, json={
            "model": "omnireel-fake", "input": "x", "background": True, "webhook_config": config})
        assert r.status_code == 400 and needle in r.json()["error"]["message"], r.text
    client = sdk_client(server, retry_options={"attempts": 1})
    with pytest.raises(gi.BadRequestError):
        client.interactions.create(model="omnireel-fake", input="x", background=True, response_format=FMT,
                                   webhook_config={"uris": ["http://10.0.0.8/hook"]})
