"""What the server gives away without being asked: no credentials in its log (API keys in `?key=`, upload session
ids), no key repeated in a redirect, and no API schema or docs pages served to anyone without a key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import OMNIREEL, create_key, free_port

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

# The two ways to start the server: the CLI (which the test fixture also uses, there at log level warning), and
# uvicorn's own command line with the app factory. Both at log level info, so the access log is on.
LAUNCHERS = {
    "omnireel-serve": lambda port: [*OMNIREEL, "serve", "--port", str(port)],
    "uvicorn-factory": lambda port: [sys.executable, "-m", "uvicorn", "omnireel.api.app:create_app", "--factory",
                                     "--port", str(port), "--log-level", "info"],
}


@pytest.fixture(params=sorted(LAUNCHERS))
def logged_server(request, tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    key = create_key(data_dir, "alice")
    log_path = tmp_path / "server.log"
    env = {**os.environ, "OMNIREEL_DATA_DIR": str(data_dir), "OMNIREEL_PORT": str(port), "OMNIREEL_WORKERS": "0"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(LAUNCHERS[request.param](port), stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.time() < deadline, "server did not start"
            time.sleep(0.1)
        yield base, key, log_path
    finally:
        proc.terminate()
        proc.wait(30)


def test_keys_and_upload_ids_never_reach_the_log(logged_server):
    base, key, log_path = logged_server
    assert httpx.get(f"{base}/v1/files", params={"key": key}).status_code == 200
    assert httpx.get(f"{base}/v1beta/files", params={"pageSize": "5", "key": key}).status_code == 200
    assert httpx.get(f"{base}/v1/interactions/v1_nothere", params={"key": key}).status_code == 404
    assert httpx.get(f"{base}/v1/files?%6Bey={key}").status_code == 200  # the server decodes the name: still the key
    # A trailing slash is served, not redirected: a redirect's Location would repeat the key.
    slash = httpx.get(f"{base}/v1/files/", params={"key": key})
    assert slash.status_code == 200 and key not in slash.headers.get("location", "")
    # A resumable upload started with ?key=; its chunks go to a URL whose upload_id is the only credential.
    start = httpx.post(f"{base}/upload/v1beta/files", params={"key": key}, json={"file": {"display_name": "p"}},
                       headers={"x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start",
                                "x-goog-upload-header-content-length": str(len(PNG))})
    assert start.status_code == 200
    url = start.headers["x-goog-upload-url"]
    upload_id = httpx.URL(url).params["upload_id"]
    assert httpx.post(url, content=PNG[:10], headers={"x-goog-upload-command": "upload",
                                                                  "x-goog-upload-offset": "0"}).status_code == 200
    assert httpx.post(url, content=b"", headers={"x-goog-upload-command": "query"}).status_code == 200
    done = httpx.post(url, content=PNG[10:], headers={"x-goog-upload-command": "upload, finalize",
                                                       "x-goog-upload-offset": "10"})
    assert done.status_code == 200 and done.json()["file"]["state"] == "ACTIVE"
    time.sleep(0.3)  # let the access log flush
    log = log_path.read_text(errors="replace")
    assert "/upload/v1beta/files" in log and "/v1/files" in log, "the access log is not on; nothing was tested"
    assert log.count(key) == 0
    secret = key.split("_", 2)[2]  # omr_<key id>_<secret>; the secret itself may contain "_"
    assert secret and log.count(secret) == 0  # not even the secret part
    assert log.count(upload_id) == 0
    assert "key=REDACTED" in log and "upload_id=REDACTED" in log


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
def test_api_docs_and_schema_are_not_served(server, path):
    for headers in ({}, {"x-goog-api-key": server.key()}):
        r = httpx.get(server.base_url + path, headers=headers)
        assert r.status_code == 404 and r.json()["error"]["status"] == "NOT_FOUND"  # our error, not a page
        assert "swagger" not in r.text.lower() and "<html" not in r.text.lower()
