"""Scale-out end to end: an API-only `omnireel serve --workers 0` and separate `omnireel worker` processes sharing a
real PostgreSQL database and a data directory, driven through the official SDK. Jobs spread over the workers and
complete exactly once; a worker killed mid-render costs a retry, not the job; SIGTERM hands leases back at once."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from omnireel.storage.tables import files, jobs
from tests.conftest import OMNIREEL, Server, free_port, run_cli, sdk_client
from tests.media_checks import assert_video

FAKE = "omnireel-fake"
FMT = {"type": "video", "aspect_ratio": "16:9", "resolution": "360p", "duration": "3s", "delivery": "uri"}
LEASE_TTL_S = 3.0


def wait_for(predicate, timeout: float, interval: float = 0.1, message: str = "condition not met"):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


class Cluster:
    """The API server, the shared database and data dir, and the worker processes started by the current test."""

    def __init__(self, server: Server, env: dict, database_url: str, tmp_dir: Path):
        self.server = server
        self.env = env
        self.database = create_engine(database_url)
        self.tmp_dir = tmp_dir
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, **env: str) -> subprocess.Popen:
        log = open(self.tmp_dir / f"worker-{len(self.workers)}-{time.monotonic_ns()}.log", "w+b")
        proc = subprocess.Popen([*OMNIREEL, "worker", "--workers", "1"], stdout=log, stderr=log,
                                env={**os.environ, **self.env, **env})
        proc.log = log
        self.workers.append(proc)
        return proc

    def wait_ready(self, *procs: subprocess.Popen) -> None:
        for proc in procs:
            def ready(proc=proc):
                assert proc.poll() is None, f"worker exited early:\n{self.worker_log(proc)}"
                return "render slots" in self.worker_log(proc)
            wait_for(ready, 30, message="worker did not start")

    @staticmethod
    def worker_log(proc) -> str:
        proc.log.flush()
        return Path(proc.log.name).read_text(errors="replace")

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.workers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            proc.log.close()
        self.workers = []

    def job(self, interaction_id: str):
        with self.database.connect() as conn:
            return conn.execute(select(jobs).where(jobs.c.interaction_id == interaction_id)).first()

    def owner_pid(self, interaction_id: str) -> int | None:
        row = self.job(interaction_id)
        if row is None or row.status != "running" or not row.lease_owner:
            return None
        return int(row.lease_owner.split(":")[1])  # host:pid:nonce

    def outputs_of(self, interaction_id: str) -> int:
        with self.database.connect() as conn:
            return len(conn.execute(select(files.c.id).where(
                files.c.source == "GENERATED", files.c.display_name == f"{interaction_id}.mp4")).fetchall())

    def event_types(self, interaction_id: str) -> list[str]:
        with self.database.connect() as conn:
            return conn.execute(text("SELECT body->>'event_type' FROM events WHERE interaction_id = :i ORDER BY seq"),
                                {"i": interaction_id}).scalars().all()


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):
    root = tmp_path_factory.mktemp("scaleout")
    data_dir = root / "shared-data"  # stands for a filesystem every host mounts
    env = {
        "OMNIREEL_DATABASE_URL": postgres_url,
        "OMNIREEL_DATA_DIR": str(data_dir),
        "OMNIREEL_ENABLE_FAKE_ENGINE": "1",
        "OMNIREEL_LEASE_TTL_S": str(LEASE_TTL_S),
        "OMNIREEL_SWEEP_INTERVAL_S": "0.5",
        "OMNIREEL_SHUTDOWN_GRACE_S": "1",
    }
    server = Server(data_dir=data_dir, port=free_port(), env={**env, "OMNIREEL_WORKERS": "0"})
    server.start()
    server.keys["alice"] = run_cli("keys", "create", "alice", data_dir=data_dir,
                                   env=env).stdout.strip().splitlines()[-1]
    cluster = Cluster(server, env, postgres_url, root)
    yield cluster
    cluster.stop_workers()
    server.stop()
    cluster.database.dispose()


@pytest.fixture
def fleet(cluster):
    yield cluster
    cluster.stop_workers()


def wait_terminal(client, ids, timeout: float, on_poll=None) -> dict:
    deadline = time.time() + timeout
    results, pending = {}, set(ids)
    while pending:
        assert time.time() < deadline, f"not terminal in {timeout} s: {pending}"
        for iid in list(pending):
            got = client.interactions.get(id=iid)
            if got.status not in ("queued", "in_progress"):
                results[iid] = got
                pending.discard(iid)
        if on_poll:
            on_poll()
        time.sleep(0.2)
    return results


def test_worker_refuses_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "OMNIREEL_DATABASE_URL"}
    done = subprocess.run([*OMNIREEL, "worker"], env={**env, "OMNIREEL_DATA_DIR": str(tmp_path / "d")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr and "single writer" in done.stderr
    assert not (tmp_path / "d" / "omnireel.db").exists(), "the refusal must come before touching a database"


def test_api_only_server_queues_without_rendering(fleet):
    client = sdk_client(fleet.server, fleet.server.key("alice"))
    created = client.interactions.create(model=FAKE, input="waits for a worker", background=True,
                                         response_format=FMT)
    time.sleep(1.5)
    assert client.interactions.get(id=created.id).status == "queued"  # --workers 0: nobody renders in the API
    # Concurrent retries of one create, as the SDK sends after a dropped connection, make one interaction.
    body = {"model": FAKE, "input": "retried create", "background": True, "response_format": FMT}
    headers = {"x-goog-api-key": fleet.server.key("alice"), "Idempotency-Key": "scaleout-retry-1"}
    go = threading.Barrier(6)
    answers = []

    def post():
        go.wait()
        answers.append(httpx.post(fleet.server.base_url + "/v1beta/interactions", json=body, headers=headers,
                                  timeout=30))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.status_code for r in answers) == [200] * 6, [r.text[:200] for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    for iid in (created.id, answers[0].json()["id"]):
        client.interactions.cancel(id=iid)  # leave the queue empty for the next tests


def test_two_workers_complete_every_job_exactly_once(fleet, tmp_path):
    workers = [fleet.start_worker(), fleet.start_worker()]
    fleet.wait_ready(*workers)
    client = sdk_client(fleet.server, fleet.server.key("alice"))
    started = time.monotonic()
    ids = [client.interactions.create(model=FAKE, input=f"[sleep=1] shot {i}", background=True,
                                      response_format=FMT).id for i in range(5)]
    ids.append(client.interactions.create(
        model="gemini-omni-flash-preview", input='Kinetic title that reads "SCALE OUT", neon city at night, push in',
        background=True, response_format=FMT).id)
    owners: set[int] = set()

    def note_owners():
        owners.update(pid for pid in map(fleet.owner_pid, ids) if pid)

    results = wait_terminal(client, ids, timeout=90, on_poll=note_owners)
    elapsed = time.monotonic() - started
    assert {iid: r.status for iid, r in results.items()} == {iid: "completed" for iid in ids}, \
        {iid: r.errors for iid, r in results.items()}
    assert owners == {w.pid for w in workers}, "both workers should have rendered"
    for n, iid in enumerate(ids):
        video = results[iid].output_video
        path = tmp_path / f"{n}.mp4"
        path.write_bytes(client.files.download(file=video.uri))
        assert_video(path, 640, 360, duration_s=3.0)
        row = fleet.job(iid)
        assert (row.status, row.attempts) == ("done", 1)
        assert fleet.outputs_of(iid) == 1
        assert fleet.event_types(iid).count("interaction.completed") == 1
    print(f"\n2 workers finished 6 jobs (5 fake x 1 s, 1 builtin 360p 3 s) in {elapsed:.1f} s")


@pytest.mark.chaos
def test_worker_killed_mid_render_job_completes_once_elsewhere(fleet):
    workers = [fleet.start_worker(), fleet.start_worker()]
    fleet.wait_ready(*workers)
    client = sdk_client(fleet.server, fleet.server.key("alice"))
    iid = client.interactions.create(model=FAKE, input="[sleep=3] survives its worker", background=True,
                                     response_format=FMT).id
    victim_pid = wait_for(lambda: fleet.owner_pid(iid), 20, message="job was not claimed")
    time.sleep(0.8)  # well into the render
    victim = next(w for w in workers if w.pid == victim_pid)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    killed_at = time.monotonic()
    survivor = next(w for w in workers if w is not victim)
    # The row names the dead worker until its lease expires and a reaper requeues the job.
    rescuer = wait_for(lambda: (pid := fleet.owner_pid(iid)) != victim_pid and pid, LEASE_TTL_S + 10,
                       message="job was not reclaimed")
    recovered_in = time.monotonic() - killed_at
    assert rescuer == survivor.pid
    result = wait_terminal(client, [iid], timeout=30)[iid]
    assert result.status == "completed", result.errors
    assert fleet.job(iid).attempts == 2
    assert fleet.outputs_of(iid) == 1
    types = fleet.event_types(iid)
    assert types.count("interaction.completed") == 1 and types[-1] == "interaction.completed"
    assert recovered_in <= LEASE_TTL_S + 0.5 + 2.0, f"reclaimed after {recovered_in:.1f} s"
    print(f"\nkilled worker's job reclaimed after {recovered_in:.1f} s (lease {LEASE_TTL_S} s + sweep 0.5 s)")


def test_sigterm_hands_the_lease_back_at_once(fleet):
    first = fleet.start_worker()
    fleet.wait_ready(first)
    client = sdk_client(fleet.server, fleet.server.key("alice"))
    iid = client.interactions.create(model=FAKE, input="[sleep=8] longer than the grace period", background=True,
                                     response_format=FMT).id
    wait_for(lambda: fleet.owner_pid(iid) == first.pid, 20, message="job was not claimed")
    first.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    assert first.wait(15) == 0
    stopped_in = time.monotonic() - sent
    row = fleet.job(iid)
    # Released, not abandoned: queued again with no lease and the attempt refunded, without waiting for expiry.
    assert (row.status, row.lease_token, row.attempts) == ("queued", None, 0)
    assert stopped_in < LEASE_TTL_S + 1.5, f"stopped after {stopped_in:.1f} s"
    second = fleet.start_worker()
    result = wait_terminal(client, [iid], timeout=40)[iid]
    assert result.status == "completed", result.errors
    assert fleet.job(iid).attempts == 1
    assert fleet.outputs_of(iid) == 1
    assert second.poll() is None


def test_sigterm_lets_a_render_finish_within_grace_longer_than_its_lease(fleet):
    # The grace period (6 s) outlasts the lease (3 s): the worker must keep its lease alive while it finishes, or
    # the reaper would requeue a job that is about to complete and fence off its result.
    worker = fleet.start_worker(OMNIREEL_SHUTDOWN_GRACE_S="6")
    fleet.wait_ready(worker)
    client = sdk_client(fleet.server, fleet.server.key("alice"))
    iid = client.interactions.create(model=FAKE, input="[sleep=4] finishes during shutdown", background=True,
                                     response_format=FMT).id
    wait_for(lambda: fleet.owner_pid(iid) == worker.pid, 20, message="job was not claimed")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(15) == 0
    result = client.interactions.get(id=iid)
    assert result.status == "completed", (result.status, result.errors)
    assert fleet.job(iid).attempts == 1 and fleet.outputs_of(iid) == 1
