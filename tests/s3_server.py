"""A real S3 endpoint for tests: moto's server speaking the S3 HTTP protocol on a free loopback port (session).

Every test gets its own bucket (fresh_s3_bucket), so tests never see each other's objects. The credentials are
dummies that moto accepts; tests hand them to the code under test through the standard AWS_* variables, the way a
deployment would, so boto3's credential chain is what gets exercised.
"""

from __future__ import annotations

import itertools
import socket
from dataclasses import dataclass

import pytest

S3_TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing-access-key",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-key-not-a-real-one",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_bucket_numbers = itertools.count(1)


@dataclass
class S3Server:
    endpoint_url: str

    @property
    def env(self) -> dict[str, str]:
        """Credentials for code that reads the AWS_* variables (a server subprocess, boto3's default chain)."""
        return dict(S3_TEST_CREDENTIALS)

    def client(self):
        """A plain boto3 client, independent of the code under test, for checking what is in the bucket."""
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1",
                            aws_access_key_id=S3_TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=S3_TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def create_bucket(self) -> str:
        name = f"omnireel-test-{next(_bucket_numbers)}"
        self.client().create_bucket(Bucket=name)
        return name

    def object_keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def pending_uploads(self, bucket: str) -> list[dict]:
        return self.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield S3Server(endpoint_url=f"http://127.0.0.1:{port}")
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch) -> str:
    """A new, empty bucket, with the test credentials in the environment for boto3's chain."""
    for name, value in S3_TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    # A developer's own ~/.aws profile must not leak into (or be needed by) the tests.
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return s3_server.create_bucket()
