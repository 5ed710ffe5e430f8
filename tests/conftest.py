"""Shared fixtures: a real `omnireel serve` subprocess on loopback, API keys, and the official SDK client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

# A real, throwaway PostgreSQL cluster (session) with a database per module, for the PostgreSQL and worker tests.
from tests.postgres_server import fresh_postgres_url, postgres_server, postgres_url  # noqa: F401
# A real S3 endpoint (moto's server over HTTP) with a bucket per test, for the S3 blob store tests.
from tests.s3_server import s3_bucket, s3_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
OMNIREEL = [sys.executable, "-m", "omnireel.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, data_dir: Path, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "OMNIREEL_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run([*OMNIREEL, *args], capture_output=True, text=True, env=full_env, check=check, timeout=120)


def create_key(data_dir: Path, tenant: str) -> str:
    return run_cli("keys", "create", tenant, data_dir=data_dir).stdout.strip().splitlines()[-1]


@dataclass
class Server:
    data_dir: Path
    port: int
    env: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    keys: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "Server":
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        log = open(self.log_path, "ab")
        env = {
            **os.environ,
            "OMNIREEL_DATA_DIR": str(self.data_dir),
            "OMNIREEL_PORT": str(self.port),
            "OMNIREEL_ENABLE_FAKE_ENGINE": "1",
            **self.env,
        }
        self.proc = subprocess.Popen([*OMNIREEL, "serve", "--log-level", "warning"], stdout=log, stderr=log, env=env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def key(self, tenant: str = "alice") -> str:
        if tenant not in self.keys:
            self.keys[tenant] = create_key(self.data_dir, tenant)
        return self.keys[tenant]

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """One shared server for the e2e tests (each test uses its own tenant or resources)."""
    srv = Server(data_dir=tmp_path_factory.mktemp("srv") / "data", port=free_port(), env={"OMNIREEL_WORKERS": "2"})
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Start dedicated servers (crash tests, special settings); all are stopped at the end of the test."""
    started: list[Server] = []

    def make(env: dict | None = None, data_dir: Path | None = None) -> Server:
        srv = Server(data_dir=data_dir or tmp_path / f"data{len(started)}", port=free_port(), env=env or {})
        started.append(srv)
        return srv.start()

    yield make
    for srv in started:
        srv.stop()


def sdk_client(server: Server, key: str | None = None, **http_options):
    from google import genai

    return genai.Client(api_key=key or server.key(), http_options={"base_url": server.base_url, **http_options})


@pytest.fixture
def client(server):
    return sdk_client(server)
