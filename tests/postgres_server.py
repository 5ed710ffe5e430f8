"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temp dir, one database per test module.

PostgreSQL refuses to run as root, and CI runs as root, so the cluster's directory is owned by the `postgres` user
and the server tools run through `runuser`. The cluster lives outside pytest's tmp dirs because those are private
to the user running pytest (0700), which `postgres` could not enter. Missing binaries fail the tests instead of
skipping them: `scripts/test.sh` installs them, and a silently skipped PostgreSQL suite would prove nothing.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

SERVER_USER = "postgres"


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian keeps them versioned, off PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.sub(r"\D", "", p) or 0))
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One cluster on 127.0.0.1:<free port>, trust authentication, fsync off (test data is disposable)."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="omnireel-pg-"))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        self._databases = 0

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def start(self) -> "PostgresServer":
        self.socket_dir.mkdir()
        if self._as_root:
            shutil.chown(self.root, SERVER_USER, SERVER_USER)
            shutil.chown(self.socket_dir, SERVER_USER, SERVER_USER)
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(self.root / "server.log"),
                      "-w", "-t", "60", "start", timeout=90)
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"postgres did not start: {exc.stderr}\n{self.log()}") from exc
        return self

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def create_database(self, hint: str) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        self._databases += 1
        name = re.sub(r"[^a-z0-9_]", "_", hint.lower())[-40:].strip("_") + f"_{self._databases}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1]
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL cluster, started on first use and removed at the end of the session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are not installed: run scripts/test.sh, which "
                    "installs them, or `apt-get install -y postgresql`.")
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_url(postgres_server, request):
    """A SQLAlchemy URL of an empty database of its own for the requesting test module."""
    url = postgres_server.create_database(request.module.__name__.rsplit(".", 1)[-1])
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def fresh_postgres_url(postgres_server, request):
    """An empty database for one test (schema-creation tests that need a blank slate)."""
    url = postgres_server.create_database(request.node.name)
    yield url
    postgres_server.drop_database(url)

