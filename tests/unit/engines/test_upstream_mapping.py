"""The upstream engine's pure parts: the create body it sends for each task, what it reads back from an
interaction, how upstream failures become ours (never echoing upstream text), and the settings that switch it on."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from omnireel.config import Settings
from omnireel.engines.base import EngineRequest, MediaInput
from omnireel.engines.registry import EngineRegistry
from omnireel.engines.upstream import failures, mapping
from omnireel.errors import CapabilityMissing, EngineFailure, SafetyBlocked


def _request(**kw) -> EngineRequest:
    kw.setdefault("task", "text_to_video")
    kw.setdefault("prompt", 'A title that reads "HELLO"')
    return EngineRequest(**kw)


def _image(tmp_path: Path, name: str, payload: bytes) -> MediaInput:
    path = tmp_path / name
    path.write_bytes(payload)
    return MediaInput(kind="image", path=path, mime_type="image/png")


def test_text_to_video_body_is_a_plain_background_request():
    body = mapping.build_create_body(
        _request(aspect_ratio="9:16", resolution="360p", duration_s=4), "gemini-omni-1.2-flash", {})
    assert body == {
        "model": "gemini-omni-1.2-flash", "background": True, "input": 'A title that reads "HELLO"',
        "response_format": {"type": "video", "delivery": "uri", "aspect_ratio": "9:16", "resolution": "360p",
                            "duration": "4s"},
    }


def test_seed_system_instruction_and_safety_settings_are_forwarded():
    safety = [{"type": "dangerous_content", "threshold": "block_only_high"}]
    body = mapping.build_create_body(
        _request(seed=7, system_instruction="You are a film director.", duration_s=2.5,
                 options={"safety_settings": safety}), "m", {})
    assert body["generation_config"] == {"seed": 7}
    assert body["system_instruction"] == "You are a film director."
    assert body["safety_settings"] == safety
    assert body["response_format"]["duration"] == "2.5s"


def test_images_travel_inline_in_order_and_the_inferred_task_is_not_sent(tmp_path):
    first, last = _image(tmp_path, "a.png", b"\x89PNG first"), _image(tmp_path, "b.png", b"\x89PNG last")
    body = mapping.build_create_body(_request(task="image_to_video", prompt="Morph", media=(first, last)), "m", {})
    (step,) = body["input"]
    assert step["type"] == "user_input"
    assert [(b["type"], b.get("data"), b.get("text")) for b in step["content"]] == [
        ("image", base64.b64encode(b"\x89PNG first").decode(), None),
        ("image", base64.b64encode(b"\x89PNG last").decode(), None),
        ("text", None, "Morph"),
    ]
    assert "generation_config" not in body  # two images: the upstream infers image_to_video itself


def test_a_task_the_upstream_would_not_infer_is_sent(tmp_path):
    refs = tuple(_image(tmp_path, f"r{i}.png", b"x") for i in range(2))
    body = mapping.build_create_body(_request(task="reference_to_video", media=refs), "m", {})
    assert body["generation_config"] == {"video_config": {"task": "reference_to_video"}}


def test_edit_sends_the_uploaded_source_first_and_only_the_explicit_format(tmp_path):
    source = tmp_path / "source.mp4"
    uploaded = {source: {"type": "video", "uri": "https://up/v1beta/files/abc", "mime_type": "video/mp4"}}
    edit = _request(task="edit", prompt="Make it black and white.", source_video=source, resolution="1080p",
                    duration_s=8, options={"explicit_format": []})
    body = mapping.build_create_body(edit, "m", uploaded)
    assert body["input"][0]["content"] == [uploaded[source], {"type": "text", "text": "Make it black and white."}]
    assert body["response_format"] == {"type": "video", "delivery": "uri"}  # the source keeps its own format
    assert "generation_config" not in body  # a video input: edit is what the upstream infers

    extend = _request(task="extend", prompt="", source_video=source, duration_s=4,
                      options={"explicit_format": ["duration_s"]})
    body = mapping.build_create_body(extend, "m", uploaded)
    assert body["input"][0]["content"] == [uploaded[source]]  # no empty text block
    assert body["response_format"] == {"type": "video", "delivery": "uri", "duration": "4s"}
    assert body["generation_config"] == {"video_config": {"task": "extend"}}


def test_model_is_the_configured_one_else_the_public_id_asked_for():
    asked = _request(options={"model": "gemini-omni-1.1-flash"})
    assert mapping.upstream_model(asked, "") == "gemini-omni-1.1-flash"
    assert mapping.upstream_model(asked, "omnireel-fake") == "omnireel-fake"
    assert mapping.upstream_model(_request(options={"model": "omnireel-upstream"}), "") == mapping.FALLBACK_MODEL


def test_output_video_and_text_come_from_this_turn_only():
    interaction = {"steps": [
        {"type": "user_input", "content": [{"type": "video", "uri": "files/old"}]},
        {"type": "model_output", "content": [{"type": "video", "uri": "files/skipped"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "again"}]},
        {"type": "thought", "signature": "s"},
        {"type": "model_output", "content": [
            {"type": "video", "mime_type": "video/mp4", "uri": "https://h/v1beta/files/new1"},
            {"type": "text", "text": "Plan: one shot."}]},
    ]}
    assert mapping.output_video_block(interaction)["uri"].endswith("/files/new1")
    assert mapping.output_text(interaction) == "Plan: one shot."
    assert mapping.output_video_block({"status": "completed", "steps": []}) is None


@pytest.mark.parametrize(("uri", "expected"), [
    ("https://generativelanguage.googleapis.com/v1beta/files/abc123", "abc123"),
    ("files/abc123", "abc123"),
    ("https://h/v1beta/files/abc123:download?alt=media", "abc123"),
    ("https://h/v1beta/other/abc123", None),
    ("https://h/v1beta/files/../../etc", None),
])
def test_file_id_from_uri(uri, expected):
    assert mapping.file_id_from_uri(uri) == expected


def test_inline_data_is_decoded_in_slices(tmp_path):
    payload = bytes(range(256)) * 5000  # 1.28 MB: several decode slices
    out = tmp_path / "v.mp4"
    assert mapping.decode_inline(base64.b64encode(payload).decode(), out) == len(payload)
    assert out.read_bytes() == payload
    with pytest.raises(ValueError):
        mapping.decode_inline("not*base64!", tmp_path / "bad.mp4")


def test_progress_uses_the_upstream_percent_else_time():
    assert mapping.progress_fraction({"progress": {"percent": 50}}, 0) == 0.5
    assert mapping.progress_fraction({}, 0) == 0
    estimates = [mapping.progress_fraction({}, t) for t in (5, 30, 120, 10_000)]
    assert estimates == sorted(estimates) and estimates[-1] <= 0.95


UPSTREAM_SECRET_TEXT = "internal shard db-7 said: key AIzaSyEXAMPLE rejected for project 1234"


def test_http_errors_map_to_our_failures_without_echoing_upstream_text():
    auth = failures.from_http_error(401, {"error": {"code": 401, "message": UPSTREAM_SECRET_TEXT,
                                                    "status": "UNAUTHENTICATED"}}, "create the interaction")
    assert isinstance(auth, failures.UpstreamAuthFailed) and not auth.retryable
    assert auth.message == ("The upstream service refused the configured API key (HTTP 401, UNAUTHENTICATED) when "
                            "asked to create the interaction. An operator must check OMNIREEL_UPSTREAM_API_KEY.")
    bad = failures.from_http_error(400, {"error": {"code": "invalid_request", "message": UPSTREAM_SECRET_TEXT,
                                                   "status": "INVALID_ARGUMENT; DROP"}}, "create the interaction")
    assert isinstance(bad, failures.UpstreamRejected) and bad.code == "invalid_request" and bad.rpc_code == 3
    assert bad.message == ("The upstream service rejected the request as invalid (HTTP 400, invalid_request) when "
                           "asked to create the interaction.")
    unrelated = failures.from_http_error(400, {"error": {"code": 400, "message": "Field blocked: too long"}}, "x")
    assert isinstance(unrelated, failures.UpstreamRejected)  # "blocked" alone is not a safety verdict
    plain_text = failures.from_http_error(422, UPSTREAM_SECRET_TEXT, "create the interaction")
    assert "db-7" not in plain_text.message and "HTTP 422" in plain_text.message


def test_a_safety_refusal_becomes_safety_blocked_naming_only_known_categories():
    blocked = failures.from_http_error(400, {"error": {"code": "safety_blocked", "message":
                                                       "Blocked (dangerous_content) for user bob@example.com"}}, "x")
    assert isinstance(blocked, SafetyBlocked)
    assert blocked.message == "The upstream service blocked this request with its safety filters (dangerous_content)."
    failed = failures.from_failed_interaction({"status": "failed", "errors": [
        {"code": "safety_blocked", "message": "Prompt was blocked by safety filters (image_harassment)."}]})
    assert isinstance(failed, SafetyBlocked) and failed.message.endswith("(image_harassment).")


def test_failed_interactions_map_by_code():
    def failed(code, message=UPSTREAM_SECRET_TEXT):
        return failures.from_failed_interaction({"status": "failed", "errors": [{"code": code, "message": message}]})

    missing = failed("capability_missing")
    assert isinstance(missing, CapabilityMissing) and "db-7" not in missing.message
    transient = failed("internal")
    assert isinstance(transient, EngineFailure) and transient.retryable and transient.code == "upstream_failed"
    odd = failed("Weird Code <script>")
    assert odd.message == "The upstream service failed to make the video." and not odd.retryable
    assert failures.from_failed_interaction({"status": "cancelled"}).code == "upstream_cancelled"


def test_settings_read_the_upstream_variables_and_never_print_the_key():
    settings = Settings.from_env({"OMNIREEL_UPSTREAM_API_KEY": "sekrit-key", "OMNIREEL_UPSTREAM_BASE_URL": "http://b:1",
                                  "OMNIREEL_UPSTREAM_TIMEOUT_S": "30", "OMNIREEL_DEFAULT_ENGINE": "upstream"})
    assert (settings.upstream_api_key, settings.upstream_base_url, settings.upstream_timeout_s) == (
        "sekrit-key", "http://b:1", 30.0)
    assert "sekrit-key" not in repr(settings)
    registry = EngineRegistry.from_settings(settings)
    assert registry.resolve("gemini-omni-flash-preview")[1].name == "upstream"
    assert registry.resolve("omnireel-upstream")[1].name == "upstream"
    assert registry.resolve("omnireel-builtin")[1].name == "builtin"


def test_without_a_key_there_is_no_upstream_engine():
    assert "omnireel-upstream" not in EngineRegistry.from_settings(Settings()).model_ids()
    with pytest.raises(ValueError, match="upstream"):
        EngineRegistry.from_settings(Settings(default_engine="upstream"))


def test_the_returned_file_must_probe_as_a_video(tmp_path):
    import av
    import numpy as np

    from omnireel.engines.upstream.engine import _probed_output
    from omnireel.media.encode import VideoWriter

    good = tmp_path / "good.mp4"
    with VideoWriter(good, 320, 180, fps=24) as writer:
        writer.write_audio(np.zeros((2, 48000), dtype=np.float32))
        for _ in range(48):
            writer.write_frame(np.full((180, 320, 3), 90, dtype=np.uint8))
    out = _probed_output(good, "plan")
    assert (out.width, out.height, round(out.duration_s, 2), out.fps, out.has_audio, out.text) == (
        320, 180, 2.0, 24.0, True, "plan")
    html = tmp_path / "error.mp4"
    html.write_bytes(b"<html>quota exceeded</html>")
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(good.read_bytes()[:200])
    matroska = tmp_path / "video.mkv"  # a real, playable video, but not the MP4 we store and serve
    with av.open(str(matroska), "w", format="matroska") as container:
        stream = container.add_stream("mpeg4", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(24):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    for bad in (html, truncated, matroska):
        with pytest.raises(failures.UpstreamBadOutput):
            _probed_output(bad, "")
