"""A real `omnireel serve` keeping its blobs in S3 (moto's server over HTTP), driven by the official SDK: uploads land
in the bucket, generated videos are stored there and downloaded (whole and by range), edits read their source from
the bucket, deletes remove the object, and the data directory holds no blobs. A server told to use a bucket it
cannot reach refuses to start and says why."""

from __future__ import annotations

import base64
import hashlib

import httpx
import numpy as np
import pytest

from omnireel.media.decode import iter_frames
from omnireel.media.encode import VideoWriter
from tests.conftest import OMNIREEL, Server, free_port, sdk_client
from tests.media_checks import assert_video

MODEL = "gemini-omni-flash-preview"
PREFIX = "omnireel/"


@pytest.fixture(scope="module")
def s3_serve(s3_server, tmp_path_factory):
    """(server, bucket): one server for the module, blobs in a bucket of its own under a key prefix."""
    bucket = s3_server.create_bucket()
    env = {**s3_server.env, "OMNIREEL_BLOB_STORE": "s3", "OMNIREEL_S3_BUCKET": bucket,
           "OMNIREEL_S3_ENDPOINT_URL": s3_server.endpoint_url, "OMNIREEL_S3_PREFIX": PREFIX, "OMNIREEL_WORKERS": "2"}
    srv = Server(data_dir=tmp_path_factory.mktemp("s3srv") / "data", port=free_port(), env=env)
    srv.start()
    yield srv, bucket
    srv.stop()


@pytest.fixture(scope="module")
def uploaded(s3_serve, s3_server, tmp_path_factory):
    """A 400x224, 30 fps, 2.5 s clip with a tone, uploaded through the SDK: (file, its bytes)."""
    srv, _ = s3_serve
    src = tmp_path_factory.mktemp("s3media") / "upload.mp4"
    with VideoWriter(src, 400, 224, fps=30) as vw:
        t = np.arange(120000) / 48000
        vw.write_audio(np.stack([0.3 * np.sin(2 * np.pi * 330 * t)] * 2).astype(np.float32))
        for i in range(75):
            frame = np.zeros((224, 400, 3), np.uint8)
            frame[..., 0] = 200
            frame[..., 1] = np.linspace(0, 255, 400, dtype=np.uint8)[None, :]
            frame[40:120, 5 * i : 5 * i + 60] = (20, 180, 240)
            vw.write_frame(frame)
    client = sdk_client(srv)  # held: a client collected mid-upload closes its connection pool
    file = client.files.upload(file=str(src), config={"mime_type": "video/mp4"})
    return file, src.read_bytes()


@pytest.fixture(scope="module")
def generated(s3_serve, s3_server):
    """A builtin text-to-video render delivered by URI: (interaction, downloaded bytes, bucket keys before it)."""
    srv, bucket = s3_serve
    before = set(s3_server.object_keys(bucket))
    client = sdk_client(srv)
    result = client.interactions.create(
        model=MODEL, input="A red kite over green hills, slow pan right.",
        response_format={"type": "video", "resolution": "360p", "duration": "3s", "delivery": "uri"})
    assert result.status == "completed", result.errors
    return result, client.files.download(file=result.output_video.uri), before


def test_an_sdk_upload_is_stored_as_one_object_in_the_bucket(s3_serve, s3_server, uploaded):
    srv, bucket = s3_serve
    file, data = uploaded
    assert file.state.name == "ACTIVE" and file.size_bytes == len(data)
    assert file.video_metadata == {"videoDuration": "2.5s"}  # probed from the bytes before they went to S3
    object_key = PREFIX + "up" + file.name.split("/")[1]
    stored = s3_server.client().get_object(Bucket=bucket, Key=object_key)["Body"].read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    client = sdk_client(srv)
    assert client.files.download(file=file.name) == data


def test_generated_video_is_stored_in_s3_and_downloads_through_the_sdk(s3_serve, s3_server, generated, tmp_path):
    _, bucket = s3_serve
    result, data, before = generated
    path = tmp_path / "generated.mp4"
    path.write_bytes(data)
    assert_video(path, 640, 360, duration_s=3.0)
    new_keys = set(s3_server.object_keys(bucket)) - before
    assert len(new_keys) == 1 and next(iter(new_keys)).startswith(PREFIX + "gen")
    stored = s3_server.client().get_object(Bucket=bucket, Key=new_keys.pop())["Body"].read()
    assert stored == data


def test_range_requests_on_a_download_from_s3(s3_serve, generated):
    srv, _ = s3_serve
    result, data, _ = generated
    file_id = result.output_video.uri.rsplit("/", 1)[-1]
    url = f"{srv.base_url}/v1/files/{file_id}:download?alt=media"
    headers = {"x-goog-api-key": srv.key()}
    size = len(data)
    cases = {"bytes=0-99": (0, 100), f"bytes={size // 2}-": (size // 2, size), "bytes=-1000": (size - 1000, size),
             f"bytes=1000-{size + 500}": (1000, size), "bytes=5-5": (5, 6)}
    for header, (start, end) in cases.items():
        part = httpx.get(url, headers={**headers, "Range": header})
        assert part.status_code == 206, header
        assert part.content == data[start:end], header
        assert part.headers["content-range"] == f"bytes {start}-{end - 1}/{size}", header
    whole = httpx.get(url, headers=headers)
    assert whole.status_code == 200 and whole.content == data
    unsatisfiable = httpx.get(url, headers={**headers, "Range": f"bytes={size}-"})
    assert unsatisfiable.status_code == 416


def test_edit_of_an_uploaded_video_reads_its_source_from_s3(s3_serve, uploaded, tmp_path):
    srv, _ = s3_serve
    file, _ = uploaded
    client = sdk_client(srv)
    edited = client.interactions.create(model=MODEL, input=[
        {"type": "video", "uri": file.uri, "mime_type": "video/mp4"},
        {"type": "text", "text": "Make it black and white"},
    ], response_format={"type": "video", "delivery": "uri"})
    assert edited.status == "completed", edited.errors
    path = tmp_path / "edited.mp4"
    path.write_bytes(client.files.download(file=edited.output_video.uri))
    assert_video(path, 400, 224, duration_s=2.5)
    for frame in list(iter_frames(path))[::15]:
        assert np.abs(frame.astype(int) - frame.mean(axis=2, keepdims=True)).max() <= 2  # no colour left


def test_stateful_edit_continues_from_the_previous_video_in_s3(s3_serve, generated, tmp_path):
    srv, _ = s3_serve
    first, _, _ = generated
    client = sdk_client(srv)
    second = client.interactions.create(model=MODEL, previous_interaction_id=first.id,
                                        input="Make it black and white. Keep everything else the same.",
                                        response_format={"type": "video", "delivery": "uri"})
    assert second.status == "completed", second.errors
    path = tmp_path / "second.mp4"
    path.write_bytes(client.files.download(file=second.output_video.uri))
    assert_video(path, 640, 360, duration_s=3.0)
    frames = list(iter_frames(path))
    assert len(frames) == 72
    for frame in frames[::12]:
        assert np.abs(frame.astype(int) - frame.mean(axis=2, keepdims=True)).max() <= 2


def test_delete_removes_the_object_from_the_bucket(s3_serve, s3_server, tmp_path):
    srv, bucket = s3_serve
    client = sdk_client(srv)
    clip = tmp_path / "doomed.mp4"
    with VideoWriter(clip, 64, 64, fps=24) as vw:
        for i in range(12):
            vw.write_frame(np.full((64, 64, 3), i * 20, np.uint8))
    file = client.files.upload(file=str(clip), config={"mime_type": "video/mp4"})
    object_key = PREFIX + "up" + file.name.split("/")[1]
    assert object_key in s3_server.object_keys(bucket)
    client.files.delete(name=file.name)
    assert object_key not in s3_server.object_keys(bucket)


def test_finalize_after_a_crash_between_the_upload_to_s3_and_the_row(s3_serve, s3_server, uploaded):
    """The part file was already moved into the bucket when the process died, so no file row exists yet: a re-sent
    finalize must finish the upload from the object (probing a scratch copy), not call the bytes lost."""
    import sqlite3

    srv, bucket = s3_serve
    _, data = uploaded
    headers = {"x-goog-api-key": srv.key(), "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
               "X-Goog-Upload-Header-Content-Type": "video/mp4", "X-Goog-Upload-Header-Content-Length": str(len(data))}
    url = httpx.post(f"{srv.base_url}/upload/v1beta/files", headers=headers, json={"file": {}}).headers[
        "x-goog-upload-url"]
    sent = httpx.post(url, headers={"X-Goog-Upload-Command": "upload", "X-Goog-Upload-Offset": "0"}, content=data)
    assert sent.headers["x-goog-upload-status"] == "active"
    session_id = httpx.URL(url).params["upload_id"]
    with sqlite3.connect(srv.data_dir / "omnireel.db") as db:
        (file_id,) = db.execute("select file_id from upload_sessions where id = ?", (session_id,)).fetchone()
    # What put_file leaves behind when the process dies right after it: the object stored, the part gone.
    part = srv.data_dir / "uploads" / f"{session_id}.part"
    s3_server.client().put_object(Bucket=bucket, Key=PREFIX + "up" + file_id, Body=part.read_bytes())
    part.unlink()

    final = httpx.post(url, headers={"X-Goog-Upload-Command": "finalize", "X-Goog-Upload-Offset": str(len(data))})
    assert final.status_code == 200, final.text
    resource = final.json()["file"]
    assert resource["state"] == "ACTIVE" and resource["sizeBytes"] == str(len(data))
    assert resource["videoMetadata"] == {"videoDuration": "2.5s"}
    assert resource["sha256Hash"] == base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode()
    assert [p.name for p in (srv.data_dir / "scratch").iterdir()] == []  # the scratch copy is gone


def test_no_blob_is_written_under_the_data_dir(s3_serve, s3_server, uploaded, generated):
    srv, bucket = s3_serve
    assert s3_server.pending_uploads(bucket) == []
    blob_dir = srv.data_dir / "blobs"
    assert not blob_dir.exists() or not [p for p in blob_dir.rglob("*") if p.is_file()]
    # Render outputs pass through scratch on their way to S3 and are gone once stored.
    assert [p.name for p in (srv.data_dir / "scratch").iterdir()] == []


def _serve_once(tmp_path, env: dict):
    import os
    import subprocess

    full_env = {**os.environ, "OMNIREEL_DATA_DIR": str(tmp_path / "data"), "OMNIREEL_PORT": str(free_port()), **env}
    return subprocess.run([*OMNIREEL, "serve"], capture_output=True, text=True, env=full_env, timeout=60)


def test_serve_refuses_s3_without_a_bucket(tmp_path):
    done = _serve_once(tmp_path, {"OMNIREEL_BLOB_STORE": "s3"})
    assert done.returncode == 2
    assert "OMNIREEL_S3_BUCKET" in done.stderr


def test_serve_refuses_a_bucket_it_cannot_reach(tmp_path, s3_server):
    done = _serve_once(tmp_path, {**s3_server.env, "OMNIREEL_BLOB_STORE": "s3", "OMNIREEL_S3_BUCKET": "not-created",
                                  "OMNIREEL_S3_ENDPOINT_URL": s3_server.endpoint_url})
    assert done.returncode != 0
    assert "S3 bucket 'not-created'" in done.stderr and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    assert s3_server.env["AWS_SECRET_ACCESS_KEY"] not in done.stderr + done.stdout
