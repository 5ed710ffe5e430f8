"""URI delivery through the Files API, the inline cap, progress events, keep-alives, and `omnireel generate`."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.conftest import sdk_client
from tests.media_checks import assert_video

FAKE = "omnireel-fake"


def test_uri_delivery_fetched_with_files_download(client, tmp_path):
    result = client.interactions.create(
        model=FAKE, input="deliver by uri",
        response_format={"type": "video", "aspect_ratio": "1:1", "resolution": "360p", "duration": "3s",
                         "delivery": "uri"})
    video = result.output_video
    assert video.data is None and video.uri.startswith("https://") and "/files/" in video.uri
    data = client.files.download(file=video.uri)
    (tmp_path / "u.mp4").write_bytes(data)
    assert_video(tmp_path / "u.mp4", 360, 360, duration_s=3.0)
    file_id = video.uri.rsplit("/", 1)[-1]
    meta = client.files.get(name=f"files/{file_id}")
    assert meta.mime_type == "video/mp4" and meta.state.value == "ACTIVE" and meta.size_bytes == len(data)
    assert meta.source.value == "GENERATED"


def test_inline_above_cap_falls_back_to_uri_and_says_so(server_factory, tmp_path):
    server = server_factory(env={"OMNIREEL_INLINE_OUTPUT_CAP_BYTES": "20000"})
    client = sdk_client(server)
    result = client.interactions.create(model=FAKE, input="too big for inline",
                                        response_format={"type": "video", "resolution": "360p", "duration": "3s"})
    assert result.status == "completed"
    assert result.output_video.data is None and result.output_video.uri
    assert "inline limit" in result.output_text and "files.download" in result.output_text
    assert "above the 20 kB inline limit" in result.output_text  # a readable size, not "0 MB"
    assert "\n\nThe video is" in result.output_text  # its own paragraph after the plan text
    (tmp_path / "big.mp4").write_bytes(client.files.download(file=result.output_video.uri))
    assert_video(tmp_path / "big.mp4", 640, 360, duration_s=3.0)


def test_progress_events_carry_stage_percent_and_eta(client):
    events = list(client.interactions.create(model=FAKE, input="[sleep=2]", stream=True,
                                             response_format={"resolution": "360p", "duration": "3s"}))
    progress = [e.model_extra["progress"] for e in events
                if e.event_type == "interaction.status_update" and e.model_extra.get("progress")]
    assert len(progress) >= 3
    percents = [p["percent"] for p in progress]
    assert percents == sorted(percents) and percents[-1] >= 90
    assert any("eta_seconds" in p for p in progress)
    assert all(p["stage"] for p in progress)


def test_keepalive_comments_during_long_waits(server_factory):
    server = server_factory(env={"OMNIREEL_KEEPALIVE_INTERVAL_S": "0.3", "OMNIREEL_WORKERS": "0"})
    client = sdk_client(server)
    created = client.interactions.create(model=FAKE, input="never runs: no workers", background=True,
                                         response_format={"resolution": "360p", "duration": "3s"})
    lines = []
    with httpx.stream("GET", f"{server.base_url}/v1/interactions/{created.id}", params={"stream": "true"},
                      headers={"x-goog-api-key": server.key()}, timeout=10) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            lines.append(line)
            if lines.count(": ping") >= 2:
                break
    assert any(line.startswith("data:") and "interaction.created" in line for line in lines)


def test_cli_generate_writes_the_video(server, tmp_path):
    out = tmp_path / "cli.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "omnireel.cli.main", "generate", 'A card that says "CLI"', "--model", FAKE,
         "--aspect", "9:16", "--resolution", "360p", "--duration", "3s", "-o", str(out),
         "--server", server.base_url, "--api-key", server.key()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(out)
    assert_video(out, 360, 640, duration_s=3.0)


def test_cli_generate_reports_api_errors(server, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "omnireel.cli.main", "generate", "x", "--aspect", "4:3", "-o", str(tmp_path / "x.mp4"),
         "--server", server.base_url, "--api-key", server.key()],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "aspect_ratio" in result.stderr


def test_cli_generate_with_images_uploads_them_first(server, tmp_path):
    import numpy as np
    from PIL import Image

    paths = []
    for i in range(2):
        path = tmp_path / f"frame{i}.png"
        Image.fromarray(np.full((120, 160, 3), 60 * i, dtype=np.uint8)).save(path)
        paths += ["--image", str(path)]
    out = tmp_path / "img.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "omnireel.cli.main", "generate", "morph between them", "--model", FAKE, *paths,
         "--resolution", "360p", "--duration", "3", "-o", str(out), "--server", server.base_url,
         "--api-key", server.key("cli-images")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert_video(out, 640, 360, duration_s=3.0)
    client = sdk_client(server, key=server.key("cli-images"))
    uploaded = [f for f in client.files.list() if f.source.value == "UPLOADED"]
    assert len(uploaded) == 2 and all(f.mime_type == "image/png" for f in uploaded)


def test_input_forms_through_the_sdk(client):
    fmt = [{"type": "text", "mime_type": "text/plain"}, {"type": "video", "resolution": "360p", "duration": "3s"}]
    single = client.interactions.create(model=FAKE, input={"type": "text", "text": "one block"}, response_format=fmt)
    steps = client.interactions.create(model=FAKE, response_format=fmt, input=[
        {"type": "user_input", "content": [{"type": "text", "text": "turn 1"}]},
        {"type": "model_output", "content": [{"type": "text", "text": "ok"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "turn 2"}]},
    ])
    assert single.status == steps.status == "completed"
    assert steps.steps[0].content[0].text == "turn 2"


def _cli(server, key, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "omnireel.cli.main", "generate", *args, "--server", server.base_url,
                           "--api-key", server.key(key)], capture_output=True, text=True, timeout=timeout)


def test_cli_continues_from_a_previous_interaction_and_edits_an_uploaded_video(server, tmp_path):
    import re

    first = tmp_path / "first.mp4"
    result = _cli(server, "cli-chain", "A tall card", "--model", FAKE, "--aspect", "9:16", "--resolution", "360p",
                  "--duration", "3s", "-o", str(first))
    assert result.returncode == 0, result.stderr
    interaction_id = re.search(r"interaction: (\S+) \(continue from it with --previous \1\)", result.stderr).group(1)
    # An edit of the previous turn: no format given, so none is sent and the source's carries over.
    edited = tmp_path / "edited.mp4"
    result = _cli(server, "cli-chain", "Make it black and white", "--model", FAKE, "--previous", interaction_id,
                  "-o", str(edited))
    assert result.returncode == 0, result.stderr
    assert_video(edited, 360, 640, duration_s=3.0)
    client = sdk_client(server, key=server.key("cli-chain"))
    assert client.interactions.get(id=re.search(r"interaction: (\S+) ", result.stderr).group(1)).previous_interaction_id == interaction_id
    # A local video is uploaded first and used as the source of the task asked for.
    upscaled = tmp_path / "upscaled.mp4"
    result = _cli(server, "cli-chain", "Upscale it", "--model", FAKE, "--video", str(first), "--task", "upscale",
                  "--resolution", "720p", "-o", str(upscaled))
    assert result.returncode == 0, result.stderr
    assert_video(upscaled, 1280, 720, duration_s=8.0)  # the fake engine renders the request's format
    uploaded = [f for f in client.files.list() if f.source.value == "UPLOADED"]
    assert [f.mime_type for f in uploaded] == ["video/mp4"]
    missing = _cli(server, "cli-chain", "edit", "--video", str(tmp_path / "nope.mp4"), "-o", str(tmp_path / "n.mp4"))
    assert missing.returncode == 2 and "no such video" in missing.stderr
