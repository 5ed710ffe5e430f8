"""The upstream engine's HTTP layer against a real local HTTP server that answers from a script: which answers are
retried and how long it waits, where the key goes (and where it does not), the resumable upload and the download."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from omnireel.config import Settings
from omnireel.engines.base import SimpleContext
from omnireel.engines.upstream import failures, transport
from omnireel.errors import JobCancelled

KEY = "test-upstream-key"


class ScriptedServer:
    """Answers each request with the next (status, headers, body) of its script; records what it was sent."""

    def __init__(self):
        self.script: list[tuple[int, dict, bytes]] = []
        self.seen: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                owner.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                   "body": self.rfile.read(length)})
                status, headers, body = owner.script.pop(0) if owner.script else (500, {}, b"")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("{base}", owner.base))
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _json(status: int, body, **headers) -> tuple[int, dict, bytes]:
    return status, {"content-type": "application/json", **headers}, json.dumps(body).encode()


@pytest.fixture
def upstream():
    server = ScriptedServer()
    yield server
    server.close()


def _client(server: ScriptedServer, cancelled=None, retries: int = 3) -> transport.UpstreamClient:
    settings = Settings(upstream_api_key=KEY, upstream_base_url=server.base, upstream_max_retries=retries,
                        upstream_request_timeout_s=5)
    return transport.UpstreamClient(settings, SimpleContext(scratch_dir=None, cancelled=cancelled))


def test_rate_limits_and_5xx_are_retried_as_long_as_the_upstream_asks(upstream):
    upstream.script = [_json(503, {}, **{"retry-after": "0.3"}), _json(429, {}, **{"retry-after-ms": "300"}),
                       _json(200, {"id": "v1_abc", "status": "in_progress"})]
    started = time.monotonic()
    assert _client(upstream).get("v1_abc") == {"id": "v1_abc", "status": "in_progress"}
    assert time.monotonic() - started >= 0.6
    assert [r["path"] for r in upstream.seen] == ["/v1beta/interactions/v1_abc?stream=false"] * 3
    assert all(r["headers"]["x-goog-api-key"] == KEY for r in upstream.seen)


def test_retries_are_bounded_and_end_in_a_retryable_failure(upstream):
    upstream.script = [_json(500, {})] * 3
    with pytest.raises(failures.UpstreamUnavailable) as caught:
        _client(upstream, retries=2).get("v1_abc")
    assert caught.value.retryable and len(upstream.seen) == 3
    assert caught.value.message == ("The upstream service answered HTTP 500 when asked to report on the interaction, "
                                    "3 times in a row.")


def test_an_invalid_request_is_not_retried(upstream):
    upstream.script = [_json(400, {"error": {"code": 400, "message": "bad field x", "status": "INVALID_ARGUMENT"}})]
    with pytest.raises(failures.UpstreamRejected) as caught:
        _client(upstream).create({"model": "m"}, "idem1")
    assert len(upstream.seen) == 1 and "bad field" not in caught.value.message
    assert upstream.seen[0]["headers"]["Idempotency-Key"] == "idem1"


def test_a_cancel_interrupts_a_long_backoff(upstream):
    upstream.script = [_json(503, {}, **{"retry-after": "30"})]
    asked = {"n": 0}

    def cancelled():
        asked["n"] += 1
        return asked["n"] > 3

    started = time.monotonic()
    with pytest.raises(JobCancelled):
        _client(upstream, cancelled=cancelled).get("v1_abc")
    assert time.monotonic() - started < 2


def test_resumable_upload_sends_chunks_without_the_key(upstream, tmp_path, monkeypatch):
    monkeypatch.setattr(transport, "UPLOAD_CHUNK", 4)  # three chunks for a 10-byte file
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"0123456789")
    upstream.script = [
        (200, {"x-goog-upload-url": "{base}/upload/v1beta/files?upload_id=s1", "x-goog-upload-status": "active"}, b""),
        (200, {"x-goog-upload-status": "active"}, b""),
        (200, {"x-goog-upload-status": "active"}, b""),
        _json(200, {"file": {"name": "files/up1", "uri": "https://x/v1beta/files/up1", "state": "ACTIVE"}},
              **{"x-goog-upload-status": "final"}),
    ]
    progress = []
    file = _client(upstream).upload(video, "video/mp4", progress.append)
    assert file["name"] == "files/up1" and progress == [4, 8, 10]
    start, *chunks = upstream.seen
    assert start["path"] == "/upload/v1beta/files" and start["headers"]["x-goog-api-key"] == KEY
    assert json.loads(start["body"]) == {"file": {"display_name": "clip.mp4", "mime_type": "video/mp4",
                                                  "size_bytes": 10}}
    assert start["headers"]["X-Goog-Upload-Header-Content-Length"] == "10"
    assert [(c["headers"]["X-Goog-Upload-Command"], c["headers"]["X-Goog-Upload-Offset"], c["body"]) for c in chunks] \
        == [("upload", "0", b"0123"), ("upload", "4", b"4567"), ("upload, finalize", "8", b"89")]
    assert all("x-goog-api-key" not in {k.lower() for k in c["headers"]} for c in chunks)


def test_download_streams_to_a_file_from_the_configured_base(upstream, tmp_path):
    upstream.script = [(200, {"content-type": "video/mp4"}, b"\x00\x00\x00\x18ftypmp42" + b"x" * 5000)]
    dest = tmp_path / "out.mp4"
    seen = []
    _client(upstream).download("gen42", dest, seen.append)
    assert dest.read_bytes()[4:8] == b"ftyp" and seen[-1] == dest.stat().st_size == 5012
    assert upstream.seen[0]["path"] == "/v1beta/files/gen42:download?alt=media"


def _mp4(path):
    import numpy as np

    from omnireel.media.encode import VideoWriter

    with VideoWriter(path, 320, 180, fps=24) as writer:
        writer.write_audio(np.zeros((2, 48000), dtype=np.float32))
        for i in range(24):
            writer.write_frame(np.full((180, 320, 3), 10 * i, dtype=np.uint8))
    return path


def _engine_run(server: ScriptedServer, tmp_path, request):
    from omnireel.engines.upstream import UpstreamEngine

    settings = Settings(upstream_api_key=KEY, upstream_base_url=server.base, upstream_poll_interval_s=0.05)
    progress = []
    ctx = SimpleContext(scratch_dir=tmp_path, on_progress=lambda stage, f: progress.append((stage, f)))
    return UpstreamEngine(settings).run(request, ctx, tmp_path / "out.mp4"), progress


def test_engine_accepts_inline_video_from_an_upstream_that_ignores_uri_delivery(upstream, tmp_path):
    import base64

    from omnireel.engines.base import EngineRequest

    video = _mp4(tmp_path / "made.mp4").read_bytes()
    upstream.script = [
        _json(200, {"id": "v1_abc", "status": "in_progress"}),
        _json(200, {"id": "v1_abc", "status": "in_progress"}),
        _json(200, {"id": "v1_abc", "status": "completed", "steps": [
            {"type": "user_input", "content": [{"type": "text", "text": "x"}]},
            {"type": "model_output", "content": [
                {"type": "video", "mime_type": "video/mp4", "data": base64.b64encode(video).decode()},
                {"type": "text", "text": "A one-second fade."}]}]}),
    ]
    request = EngineRequest(task="text_to_video", prompt="x", resolution="360p", duration_s=1,
                            options={"model": "gemini-omni-1.2-flash"})
    output, progress = _engine_run(upstream, tmp_path, request)
    assert (tmp_path / "out.mp4").read_bytes() == video
    assert (output.width, output.height, round(output.duration_s, 2), output.text) == (320, 180, 1.0,
                                                                                       "A one-second fade.")
    create, *polls = upstream.seen
    assert json.loads(create["body"])["model"] == "gemini-omni-1.2-flash"
    assert [p["path"] for p in polls] == ["/v1beta/interactions/v1_abc?stream=false"] * 2
    assert [stage for stage, _ in progress] == ["generate", "generate", "download"]
    assert 0.1 <= progress[0][1] <= progress[1][1] < 0.2 and progress[-1][1] == 1.0  # an estimate, growing


def test_engine_refuses_a_completed_interaction_without_a_video(upstream, tmp_path):
    from omnireel.engines.base import EngineRequest

    upstream.script = [_json(200, {"id": "v1_abc", "status": "completed", "steps": [
        {"type": "model_output", "content": [{"type": "text", "text": "I would rather not."}]}]})]
    with pytest.raises(failures.UpstreamBadOutput, match="without returning a video"):
        _engine_run(upstream, tmp_path, EngineRequest(task="text_to_video", prompt="x"))
