"""kill -9 the server with jobs queued and running; after a restart every job is terminal with exactly one output."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.conftest import Server, free_port, sdk_client

pytestmark = pytest.mark.chaos

FMT = {"type": "video", "resolution": "360p", "duration": "3s", "delivery": "uri"}


def _wait_terminal(client, ids, timeout=120):
    deadline = time.time() + timeout
    pending = set(ids)
    results = {}
    while pending:
        assert time.time() < deadline, f"not terminal: {pending}"
        for iid in list(pending):
            got = client.interactions.get(iid)
            if got.status not in ("queued", "in_progress"):
                results[iid] = got
                pending.discard(iid)
        time.sleep(0.3)
    return results


def _db(server: Server):
    return sqlite3.connect(server.data_dir / "omnireel.db")


@pytest.mark.timeout(400)
def test_kill9_with_queued_and_running_jobs(tmp_path):
    data_dir = tmp_path / "data"
    env = {"OMNIREEL_WORKERS": "2"}
    server = Server(data_dir=data_dir, port=free_port(), env=env).start()
    client = sdk_client(server)
    ids = [client.interactions.create(model="omnireel-fake", input=f"job {i} [sleep=2]", background=True,
                                      response_format=FMT).id for i in range(8)]
    for round_ in range(3):
        # Let some jobs start (and maybe finish), then pull the plug at a different moment each round.
        time.sleep(0.7 + round_ * 0.9)
        server.kill9()
        server = Server(data_dir=data_dir, port=free_port(), env=env, keys=server.keys).start()
        client = sdk_client(server)
    results = _wait_terminal(client, ids)
    server.stop()
    assert all(r.status == "completed" for r in results.values()), {i: (r.status, r.errors) for i, r in results.items()}
    for r in results.values():
        videos = [c for s in r.steps if s.type == "model_output" for c in s.content if c.type == "video"]
        assert len(videos) == 1
    with _db(server) as db:
        generated = db.execute("select count(*) from files where source='GENERATED'").fetchone()[0]
        assert generated == len(ids), "every job has exactly one visible output file"
        assert db.execute("select count(*) from jobs where status != 'done'").fetchone()[0] == 0
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        # The half-written outputs of the killed renders were swept at restart: no temp debris is left.
        assert list((data_dir / "blobs" / "tmp").iterdir()) == []
        for (iid,) in db.execute("select id from interactions"):
            completions = db.execute(
                "select count(*) from events where interaction_id=? and json_extract(body,'$.event_type')="
                "'interaction.completed'", (iid,)).fetchone()[0]
            assert completions == 1


def test_poison_job_fails_after_max_attempts_and_queue_keeps_flowing(server_factory):
    server = server_factory(env={"OMNIREEL_WORKERS": "1", "OMNIREEL_MAX_ATTEMPTS": "3"})
    client = sdk_client(server)
    poison = client.interactions.create(model="omnireel-fake", input="[crash]", background=True, response_format=FMT)
    healthy = client.interactions.create(model="omnireel-fake", input="fine", background=True, response_format=FMT)
    results = _wait_terminal(client, [poison.id, healthy.id], timeout=60)
    assert results[healthy.id].status == "completed"
    failed = results[poison.id]
    assert failed.status == "failed"
    assert failed.errors[0].code == "internal"
    assert "3 attempts" in failed.errors[0].message
    with _db(server) as db:
        assert db.execute("select attempts from jobs where interaction_id=?", (poison.id,)).fetchone()[0] == 3


def test_expired_lease_is_requeued_by_the_reaper(server_factory):
    """A worker that stops heartbeating (SIGSTOP) loses its lease; its job is requeued and finished once."""
    import os
    import signal

    env = {"OMNIREEL_WORKERS": "1", "OMNIREEL_LEASE_TTL_S": "1.5", "OMNIREEL_SWEEP_INTERVAL_S": "0.3"}
    server = server_factory(env=env)
    client = sdk_client(server)
    created = client.interactions.create(model="omnireel-fake", input="[sleep=1]", background=True,
                                         response_format=FMT)
    deadline = time.time() + 20
    while client.interactions.get(created.id).status != "in_progress":
        assert time.time() < deadline
        time.sleep(0.05)
    os.kill(server.proc.pid, signal.SIGSTOP)
    time.sleep(3)  # past the lease TTL: on resume the reaper and the stale heartbeat race; fencing decides
    os.kill(server.proc.pid, signal.SIGCONT)
    result = _wait_terminal(client, [created.id], timeout=60)[created.id]
    assert result.status == "completed"
    with _db(server) as db:
        assert db.execute("select count(*) from files where source='GENERATED'").fetchone()[0] == 1


def test_sigterm_releases_running_jobs_which_finish_after_restart(tmp_path):
    data_dir = tmp_path / "data"
    env = {"OMNIREEL_WORKERS": "2", "OMNIREEL_SHUTDOWN_GRACE_S": "1"}
    server = Server(data_dir=data_dir, port=free_port(), env=env).start()
    client = sdk_client(server)
    ids = [client.interactions.create(model="omnireel-fake", input=f"[sleep=20] {i}", background=True,
                                      response_format=FMT).id for i in range(2)]
    deadline = time.time() + 20
    while any(client.interactions.get(i).status != "in_progress" for i in ids):
        assert time.time() < deadline
        time.sleep(0.1)
    started = time.time()
    server.proc.terminate()
    server.proc.wait(30)
    assert time.time() - started < 15, "shutdown must not wait for 20 s renders beyond the grace period"
    with _db(server) as db:
        rows = db.execute("select status, attempts from jobs").fetchall()
    assert rows and all(status == "queued" and attempts == 0 for status, attempts in rows), rows
    env["OMNIREEL_WORKERS"] = "2"
    server = Server(data_dir=data_dir, port=free_port(), env=env, keys=server.keys).start()
    client = sdk_client(server)
    for iid in ids:
        client.interactions.cancel(iid)  # no need to wait 20 s: the point was the clean release
    server.stop()


def test_kill9_mid_upload_resumes_from_the_reported_offset(tmp_path):
    """T3.3: after kill -9 the server reports no more than it durably stored, and the upload resumes intact."""
    import hashlib

    import httpx

    from tests.integration.test_uploads_protocol import chunk, noise_png, query, session

    data_dir = tmp_path / "data"
    server = Server(data_dir=data_dir, port=free_port()).start()
    payload = noise_png(1400, 1300, seed=3)  # > 5 MB of incompressible PNG
    half = len(payload) // 2
    url = session(server, payload)
    assert chunk(url, payload[:half], 0).status_code == 200
    server.kill9()
    server = Server(data_dir=data_dir, port=server.port, keys=server.keys).start()
    received = int(query(url).headers["x-goog-upload-size-received"])
    assert received == half  # acknowledged bytes were fsynced before the answer
    final = chunk(url, payload[received:], received, "upload, finalize")
    assert final.status_code == 200 and final.headers["x-goog-upload-status"] == "final"
    file_id = final.json()["file"]["name"].split("/")[1]
    got = httpx.get(f"{server.base_url}/v1beta/files/{file_id}:download", params={"alt": "media"},
                    headers={"x-goog-api-key": server.key()})
    assert hashlib.sha256(got.content).hexdigest() == hashlib.sha256(payload).hexdigest()
    server.stop()
