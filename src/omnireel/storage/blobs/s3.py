"""S3 blob store: blobs as objects in a bucket (AWS or any S3-compatible endpoint), visible only once complete.

Writes are single PUTs or multipart uploads, and S3 shows an object only when the PUT or the multipart completion
succeeds, so a crash or an error never leaves a partial blob; a failed multipart upload is aborted so its parts do
not linger. Reads are ranged GETs. The store has no local paths: callers that must hand a decoder a real file
download the blob into their scratch directory (jobs/runner.py). Credentials come from boto3's usual chain
(AWS_* variables, profile, instance role) and are never logged or put in a message.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

log = logging.getLogger("omnireel.blobs")

_KEY = re.compile(r"[a-z0-9_]{4,128}")
_MISSING = {"404", "NoSuchKey", "NotFound"}
MIN_PART_SIZE = 5 * 1024**2  # S3's floor for every multipart part but the last
DEFAULT_PART_SIZE = 8 * 1024**2


class BucketUnreachable(Exception):
    """The configured bucket cannot be used; the message says why in words an operator can act on."""


class S3BlobStore:
    def __init__(self, bucket: str, *, scratch_dir: Path, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, part_size: int = DEFAULT_PART_SIZE, max_attempts: int = 6,
                 upload_concurrency: int = 4):
        if not bucket:
            raise ValueError("an S3 bucket name is required")
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3's minimum part size)")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url or None
        self.part_size = part_size
        self.scratch_dir = Path(scratch_dir)
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        session = boto3.session.Session()  # one session: its loaded service model is shared by both clients
        self._client = _make_client(session, endpoint_url, region, max_attempts)
        # One attempt and short timeouts: a misconfigured store must fail startup fast, not after minutes of backoff.
        self._probe_client = _make_client(session, endpoint_url, region, 1, connect_timeout=5, read_timeout=10)
        # Memory while uploading a file stays near upload_concurrency * part_size: parts are read from the file
        # lazily, and the object appears only when the multipart upload completes.
        self._transfer = TransferConfig(multipart_threshold=part_size, multipart_chunksize=part_size,
                                        max_concurrency=upload_concurrency, use_threads=upload_concurrency > 1)

    # ------------------------------------------------------------------------------------------------ lifecycle

    def check_bucket(self) -> None:
        """Raise BucketUnreachable unless the bucket exists and these credentials can reach it."""
        where = f"S3 bucket {self.bucket!r}" + (f" at {_without_userinfo(self.endpoint_url)}" if self.endpoint_url
                                                 else "")
        try:
            self._probe_client.head_bucket(Bucket=self.bucket)
        except NoCredentialsError:
            raise BucketUnreachable(f"cannot use the {where}: no AWS credentials were found (set AWS_ACCESS_KEY_ID "
                                    "and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)") from None
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            reason = {"404": "the bucket does not exist", "NoSuchBucket": "the bucket does not exist",
                      "403": "access is denied (check the AWS credentials and the bucket policy)",
                      "AccessDenied": "access is denied (check the AWS credentials and the bucket policy)",
                      }.get(code, f"the store answered with error {code or 'unknown'}")
            raise BucketUnreachable(f"cannot use the {where}: {reason}") from None
        except BotoCoreError as exc:
            # The class name ("EndpointConnectionError", "ConnectTimeoutError") says enough; its text could carry
            # a signed URL, so it stays out of the message.
            raise BucketUnreachable(f"cannot use the {where}: the endpoint could not be reached "
                                    f"({type(exc).__name__})") from None

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh local scratch file for engines to write into before put_file."""
        fd, name = tempfile.mkstemp(dir=self.scratch_dir, suffix=suffix)
        os.close(fd)
        return Path(name)

    def purge_temp(self, older_than_s: float | None = None) -> int:
        """Delete scratch files left by renders that died: all (None) or those untouched for `older_than_s`.

        Unfinished multipart uploads are not touched here: with workers on several hosts one of them may be
        uploading right now. A bucket lifecycle rule (AbortIncompleteMultipartUpload) removes the parts of uploads
        whose writer died."""
        limit = None if older_than_s is None else time.time() - older_than_s
        removed = 0
        for entry in os.scandir(self.scratch_dir):
            try:
                if entry.is_file(follow_symlinks=False) and (limit is None or entry.stat().st_mtime < limit):
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                pass
        return removed

    # ---------------------------------------------------------------------------------------------------- writes

    def put_file(self, key: str, source: Path) -> int:
        """Upload the file at `source` (multipart above one part size) and then remove it, as the disk store moves
        it; returns the size. The object is visible only once the upload has completed."""
        object_key = self._object_key(key)
        source = Path(source)
        size = source.stat().st_size
        # s3transfer aborts the multipart upload itself when a part or the completion fails.
        self._client.upload_file(str(source), self.bucket, object_key, Config=self._transfer)
        source.unlink(missing_ok=True)
        return size

    def put_chunks(self, key: str, chunks: Iterable[bytes]) -> int:
        """Upload streamed bytes holding at most about one part in memory; returns the size.

        A stream that fits in one part is a single PUT; a longer one is a multipart upload that is aborted if the
        stream or any request fails, so no partial object is ever visible."""
        object_key = self._object_key(key)
        pending = bytearray()
        total = 0
        upload_id: str | None = None
        parts: list[dict] = []
        try:
            for chunk in chunks:
                pending += chunk
                total += len(chunk)
                while len(pending) >= self.part_size:
                    if upload_id is None:
                        upload_id = self._client.create_multipart_upload(Bucket=self.bucket, Key=object_key)["UploadId"]
                    body = bytes(pending[: self.part_size])
                    del pending[: self.part_size]
                    parts.append(self._upload_part(object_key, upload_id, len(parts) + 1, body))
                    del body
            if upload_id is None:
                self._client.put_object(Bucket=self.bucket, Key=object_key, Body=bytes(pending))
                return total
            if pending:
                parts.append(self._upload_part(object_key, upload_id, len(parts) + 1, bytes(pending)))
                pending.clear()
            self._client.complete_multipart_upload(Bucket=self.bucket, Key=object_key, UploadId=upload_id,
                                                   MultipartUpload={"Parts": parts})
            upload_id = None
            return total
        finally:
            if upload_id is not None:
                self._abort(object_key, upload_id)

    def _upload_part(self, object_key: str, upload_id: str, number: int, body: bytes) -> dict:
        answer = self._client.upload_part(Bucket=self.bucket, Key=object_key, UploadId=upload_id, PartNumber=number,
                                          Body=body)
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, object_key: str, upload_id: str) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=object_key, UploadId=upload_id)
        except (ClientError, BotoCoreError) as exc:
            # The object never became visible either way; the lifecycle rule collects the parts.
            log.warning("could not abort a failed multipart upload (%s); its parts stay until the bucket's "
                        "lifecycle rule removes them", type(exc).__name__)

    # ----------------------------------------------------------------------------------------------------- reads

    def open(self, key: str) -> BinaryIO:
        """A seekable read-only file over ranged GETs. The first GET is sent now, so a missing blob raises
        FileNotFoundError here and a read from the start streams from a response that was already under way."""
        return io.BufferedReader(_ObjectReader(self._client, self.bucket, self._object_key(key)), 1 << 20)

    def iter_range(self, key: str, start: int = 0, end: int | None = None, chunk: int = 1 << 20) -> Iterator[bytes]:
        if end is not None and end <= start:
            return
        wanted = f"bytes={start}-" + ("" if end is None else str(end - 1))
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self._object_key(key), Range=wanted)
        except ClientError as exc:
            if _code(exc) == "InvalidRange":  # the range starts at or after the end: nothing to send
                return
            _raise_missing(exc, key)
            raise
        body = answer["Body"]
        try:
            yield from body.iter_chunks(chunk)
        finally:
            body.close()

    def size(self, key: str) -> int:
        try:
            return self._client.head_object(Bucket=self.bucket, Key=self._object_key(key))["ContentLength"]
        except ClientError as exc:
            _raise_missing(exc, key)
            raise

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._object_key(key))
            return True
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success, which is the protocol's contract too.
        self._client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def local_path(self, key: str) -> Path | None:
        return None

    def _object_key(self, key: str) -> str:
        if not _KEY.fullmatch(key):
            raise ValueError("bad blob key")
        return self.prefix + key


class _ObjectReader(io.RawIOBase):
    """Reads an object through one streaming GET at a time: sequential reads continue the current response, a
    seek elsewhere starts a new ranged GET on the next read. The ETag pins the object's content across GETs."""

    def __init__(self, client, bucket: str, object_key: str):
        self._client, self._bucket, self._object_key = client, bucket, object_key
        try:
            answer = client.get_object(Bucket=bucket, Key=object_key)
        except ClientError as exc:
            _raise_missing(exc, object_key)
            raise
        self._size = answer["ContentLength"]
        self._etag = answer.get("ETag")
        self._body = answer["Body"]
        self._body_pos = 0
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer) -> int:
        if self.closed:
            raise ValueError("read from a closed blob")
        wanted = min(len(buffer), self._size - self._pos)
        if wanted <= 0:
            return 0
        for attempt in range(2):
            if self._body is None or self._body_pos != self._pos:
                self._start_stream()
            try:
                data = self._body.read(wanted)
            except BotoCoreError:
                data = b""
            if data:
                buffer[: len(data)] = data
                self._pos += len(data)
                self._body_pos = self._pos
                return len(data)
            # The response ended early (a dropped connection): resume once with a fresh ranged GET.
            self._drop_stream()
        raise OSError("the blob's stream from S3 ended before its last byte")

    def _start_stream(self) -> None:
        self._drop_stream()
        extra = {"IfMatch": self._etag} if self._etag else {}
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=self._object_key, Range=f"bytes={self._pos}-",
                                             **extra)
        except ClientError as exc:
            _raise_missing(exc, self._object_key)
            raise
        self._body = answer["Body"]
        self._body_pos = self._pos

    def _drop_stream(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        if not self.closed:
            self._drop_stream()
        super().close()


def _make_client(session, endpoint_url: str | None, region: str | None, max_attempts: int, *,
                 connect_timeout: float = 10, read_timeout: float = 60):
    config = Config(
        # "standard" retries 5xx, throttling and dropped connections with jittered exponential backoff.
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=connect_timeout, read_timeout=read_timeout, max_pool_connections=32,
        # S3-compatible stores (MinIO, Ceph, moto) commonly serve only path-style URLs; AWS itself takes both.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    return session.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                          config=config)


def _without_userinfo(url: str) -> str:
    """The endpoint as shown in messages: a user:password@ someone put in the URL is not repeated."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _raise_missing(exc: ClientError, key: str) -> None:
    if _code(exc) in _MISSING:
        raise FileNotFoundError(f"no blob {key}") from None
