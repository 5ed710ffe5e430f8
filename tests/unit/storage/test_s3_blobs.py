"""S3BlobStore against a real S3 endpoint over HTTP (moto's server): multipart writes that never buffer the whole
stream, nothing visible from a failed write, ranged and seekable reads, missing keys, deletes, retries, and a
startup check that says what is wrong."""

from __future__ import annotations

import hashlib
import io
import random
import socket
import time

import pytest
from botocore.awsrequest import AWSResponse

from omnireel.storage.blobs.s3 import MIN_PART_SIZE, BucketUnreachable, S3BlobStore
from tests.s3_server import S3_TEST_CREDENTIALS

PART = MIN_PART_SIZE
CHUNK = 256 * 1024


@pytest.fixture
def store(s3_server, s3_bucket, tmp_path):
    return S3BlobStore(s3_bucket, scratch_dir=tmp_path / "scratch", prefix="/team-a/blobs/",
                       endpoint_url=s3_server.endpoint_url, part_size=PART)


def _chunk(i: int) -> bytes:
    return random.Random(i).randbytes(CHUNK)


def _calls(store: S3BlobStore, operation: str) -> list[dict]:
    """Record the parameters of every `operation` request the store makes from now on."""
    seen: list[dict] = []

    def record(params, **_):
        # A copy, with a body's length taken now: botocore swaps the body for a stream further on.
        seen.append({**params, **({"BodySize": len(params["Body"])} if "Body" in params else {})})

    store._client.meta.events.register(f"before-parameter-build.s3.{operation}", record)
    return seen


def _stored(s3_server, bucket: str, object_key: str) -> bytes:
    return s3_server.client().get_object(Bucket=bucket, Key=object_key)["Body"].read()


def test_put_chunks_streams_parts_while_holding_at_most_one_part(store, s3_server, s3_bucket):
    chunk_count = 50  # 12.5 MiB: two full 5 MiB parts and a 2.5 MiB last part
    pulled = {"bytes": 0}
    sent_when_pulled: list[tuple[int, int]] = []  # (bytes pulled from the stream, bytes already sent in parts)
    parts = _calls(store, "UploadPart")
    store._client.meta.events.register(
        "before-parameter-build.s3.UploadPart",
        lambda params, **_: sent_when_pulled.append((pulled["bytes"], sum(p["BodySize"] for p in parts))))

    def stream():
        for i in range(chunk_count):
            data = _chunk(i)
            pulled["bytes"] += len(data)
            yield data

    size = store.put_chunks("vid_streamed", stream())

    total = chunk_count * CHUNK
    assert size == total
    assert [p["BodySize"] for p in parts] == [PART, PART, total - 2 * PART]
    # When each part goes out, the store holds that part plus at most one chunk beyond it: the stream is never
    # gathered in memory (a 2 GB upload would need 2 GB otherwise).
    for pulled_bytes, already_sent in sent_when_pulled:
        assert pulled_bytes - already_sent <= PART + CHUNK
    assert sent_when_pulled[0][0] <= PART + CHUNK  # the first part left before most of the stream was read
    expected = b"".join(_chunk(i) for i in range(chunk_count))
    assert _stored(s3_server, s3_bucket, "team-a/blobs/vid_streamed") == expected
    assert s3_server.object_keys(s3_bucket) == ["team-a/blobs/vid_streamed"]
    assert s3_server.pending_uploads(s3_bucket) == []


def test_put_file_uploads_in_parts_and_consumes_the_source(store, s3_server, s3_bucket, tmp_path):
    source = tmp_path / "render.mp4"
    data = random.Random(7).randbytes(2 * PART + 12345)
    source.write_bytes(data)
    parts = _calls(store, "UploadPart")

    assert store.put_file("gen_output", source) == len(data)

    assert not source.exists()  # moved into the store, as the disk store does
    assert len(parts) == 3
    head = s3_server.client().head_object(Bucket=s3_bucket, Key="team-a/blobs/gen_output")
    assert head["ETag"].strip('"').endswith("-3")  # one object assembled from a three-part upload
    assert _stored(s3_server, s3_bucket, "team-a/blobs/gen_output") == data
    assert store.size("gen_output") == len(data)


def test_small_and_empty_blobs_are_single_puts(store, s3_server, s3_bucket):
    started = _calls(store, "CreateMultipartUpload")
    assert store.put_chunks("small", [b"abc", b"def"]) == 6
    assert store.put_chunks("empty", iter(())) == 0
    assert started == []
    assert store.open("small").read() == b"abcdef"
    assert store.open("empty").read() == b""
    assert list(store.iter_range("empty")) == []
    assert store.size("empty") == 0 and store.exists("empty")


def test_ranged_reads(store):
    data = random.Random(3).randbytes(PART + 4321)
    store.put_chunks("ranged", [data])
    gets = _calls(store, "GetObject")
    for start, end in [(0, None), (0, 1), (10, 20), (PART - 5, PART + 5), (100, None), (len(data) - 1, None),
                       (0, len(data) + 1000)]:
        assert b"".join(store.iter_range("ranged", start, end)) == data[start:end], (start, end)
    assert len(gets) == 7 and all(g["Range"].startswith("bytes=") for g in gets)
    assert [len(c) for c in store.iter_range("ranged", 0, 3 * 65536 + 1, chunk=65536)] == [65536] * 3 + [1]
    assert list(store.iter_range("ranged", len(data), None)) == []  # starts at the end: nothing, no error
    assert list(store.iter_range("ranged", 50, 50)) == []


def test_open_is_seekable_and_streams_sequential_reads_from_one_get(store):
    data = random.Random(5).randbytes(2 * PART + 999)
    store.put_chunks("seekable", [data])
    gets = _calls(store, "GetObject")
    with store.open("seekable") as f:
        assert f.seekable() and f.readable()
        assert f.read(10) == data[:10]
        assert f.tell() == 10
        f.seek(PART - 3)
        assert f.read(6) == data[PART - 3 : PART + 3]  # across a part boundary
        f.seek(-50, io.SEEK_END)
        assert f.read() == data[-50:]
        assert f.read(10) == b""  # at the end
        f.seek(0)
        assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()
    assert len(gets) <= 4  # open, two seeks elsewhere, a seek back to the start

    gets.clear()
    with store.open("seekable") as f:
        while f.read(64 * 1024):
            pass
    assert len(gets) == 1  # reading straight through continues the GET sent at open


def test_missing_keys(store):
    with pytest.raises(FileNotFoundError):
        store.open("nothing_here")
    with pytest.raises(FileNotFoundError):
        store.size("nothing_here")
    with pytest.raises(FileNotFoundError):
        list(store.iter_range("nothing_here"))
    assert not store.exists("nothing_here")
    store.delete("nothing_here")  # not an error
    assert store.local_path("nothing_here") is None
    with pytest.raises(ValueError):
        store.exists("../escape")  # keys are server-generated; anything else is refused, never sent


def test_delete_removes_the_object(store, s3_server, s3_bucket):
    store.put_chunks("doomed", [b"x" * 1000])
    assert s3_server.object_keys(s3_bucket) == ["team-a/blobs/doomed"]
    store.delete("doomed")
    assert not store.exists("doomed")
    assert s3_server.object_keys(s3_bucket) == []


def test_a_failing_stream_leaves_no_object_and_no_parts(store, s3_server, s3_bucket):
    def stream():
        for i in range(30):  # two parts are already uploaded when the stream breaks
            yield _chunk(i)
        raise ConnectionResetError("client went away")

    parts = _calls(store, "UploadPart")
    with pytest.raises(ConnectionResetError):
        store.put_chunks("broken", stream())
    assert len(parts) == 1  # a multipart upload was under way
    assert not store.exists("broken")
    assert s3_server.object_keys(s3_bucket) == []
    assert s3_server.pending_uploads(s3_bucket) == []  # aborted: its parts are gone too


def test_a_failing_part_request_aborts_the_upload(store, s3_server, s3_bucket):
    def refuse_second_part(params, **_):
        if params["PartNumber"] == 2:
            raise ConnectionError("store unreachable")

    store._client.meta.events.register("before-parameter-build.s3.UploadPart", refuse_second_part)
    with pytest.raises(ConnectionError):
        store.put_chunks("half", (_chunk(i) for i in range(45)))
    assert s3_server.object_keys(s3_bucket) == []
    assert s3_server.pending_uploads(s3_bucket) == []


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_):
        yield self._body


def test_throttling_and_5xx_answers_are_retried(store, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)  # botocore's backoff sleeps; the count is what matters here
    attempts: list[int] = []

    def flaky(request, **_):
        attempts.append(1)
        if len(attempts) == 1:
            return AWSResponse(request.url, 503, {}, _Raw(b"<Error><Code>SlowDown</Code></Error>"))
        if len(attempts) == 2:
            return AWSResponse(request.url, 500, {}, _Raw(b"<Error><Code>InternalError</Code></Error>"))
        return None  # the real request goes out

    store._client.meta.events.register("before-send.s3.PutObject", flaky)
    assert store.put_chunks("retried", [b"payload"]) == 7
    assert len(attempts) == 3
    assert store.open("retried").read() == b"payload"


def test_temp_paths_live_in_the_scratch_dir_and_are_purged(store, tmp_path):
    path = store.temp_path(".mp4")
    assert path.parent == tmp_path / "scratch" and path.suffix == ".mp4"
    assert store.purge_temp(older_than_s=3600) == 0  # fresh: may belong to a live render
    assert store.purge_temp() == 1 and not path.exists()


def test_check_bucket_explains_a_missing_bucket_without_echoing_credentials(s3_server, s3_bucket, tmp_path):
    present = S3BlobStore(s3_bucket, scratch_dir=tmp_path, endpoint_url=s3_server.endpoint_url)
    present.check_bucket()
    absent = S3BlobStore("no-such-bucket", scratch_dir=tmp_path, endpoint_url=s3_server.endpoint_url)
    with pytest.raises(BucketUnreachable) as info:
        absent.check_bucket()
    message = str(info.value)
    assert "'no-such-bucket'" in message and "does not exist" in message
    assert S3_TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in message
    assert S3_TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"] not in message


def test_check_bucket_fails_fast_when_the_endpoint_is_down(s3_bucket, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens here once the socket closes
    store = S3BlobStore("anything", scratch_dir=tmp_path, endpoint_url=dead)
    started = time.monotonic()
    with pytest.raises(BucketUnreachable) as info:
        store.check_bucket()
    assert time.monotonic() - started < 5  # no minutes of backoff before telling the operator
    assert "could not be reached" in str(info.value)


def test_check_bucket_message_drops_credentials_written_into_the_endpoint(s3_server, tmp_path):
    endpoint = s3_server.endpoint_url.replace("http://", "http://someone:hunter2@")
    store = S3BlobStore("no-such-bucket", scratch_dir=tmp_path, endpoint_url=endpoint)
    with pytest.raises(BucketUnreachable) as info:
        store.check_bucket()
    assert "hunter2" not in str(info.value) and "someone" not in str(info.value)
    assert s3_server.endpoint_url in str(info.value)


def test_a_read_resumes_where_a_dropped_connection_left_off(store):
    data = random.Random(9).randbytes(3 * 1024 * 1024)
    store.put_chunks("resumed", [data])
    gets = _calls(store, "GetObject")
    with store.open("resumed") as f:
        head = f.read(1000)
        f.raw._body._raw_stream.close()  # the connection to S3 drops mid-object
        rest = f.read()
    assert head + rest == data
    # One more GET, for the remainder only (the reader had buffered its first MiB before the drop).
    assert len(gets) == 2 and gets[1]["Range"] == f"bytes={1024 * 1024}-"


def test_a_failed_put_file_leaves_no_object_and_keeps_the_source(store, s3_server, s3_bucket, tmp_path):
    source = tmp_path / "render.mp4"
    source.write_bytes(random.Random(8).randbytes(2 * PART + 1))

    def refuse_second_part(params, **_):
        if params["PartNumber"] == 2:
            raise ConnectionError("store unreachable")

    store._client.meta.events.register("before-parameter-build.s3.UploadPart", refuse_second_part)
    with pytest.raises(ConnectionError):
        store.put_file("gen_failed", source)
    assert source.exists()  # the caller can retry from it
    assert s3_server.object_keys(s3_bucket) == []
    assert s3_server.pending_uploads(s3_bucket) == []
