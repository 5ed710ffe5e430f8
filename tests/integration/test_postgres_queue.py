"""The metadata store and job queue on a real PostgreSQL server: migrations, the lease lifecycle, and the races that
only exist once several processes on several hosts share one database (SQLite serialises all of them)."""

from __future__ import annotations

from pathlib import Path

import subprocess
import sys
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, text

from omnireel import clock, ids
from omnireel.config import Settings
from omnireel.jobs import events, queue
from omnireel.runtime import Runtime
from omnireel.services import idempotency
from omnireel.storage import db as dbmod
from omnireel.storage.tables import events as events_table
from omnireel.storage.tables import interactions, jobs, metadata

LEASE_S = 30.0


@pytest.fixture(scope="module")
def database(postgres_url):
    dbmod.migrate(postgres_url)
    database = dbmod.make_database(postgres_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def empty_tables(request):
    if "database" in request.fixturenames:
        database = request.getfixturevalue("database")
        with database.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in metadata.sorted_tables)))
    yield


def submit(database, n: int = 1, max_attempts: int = 3, tenant: str = "acme") -> list[str]:
    """Commit n interactions with their jobs and first events, as an API create does; returns interaction ids."""
    created = []
    for _ in range(n):
        interaction_id = ids.interaction_id()
        now = clock.now()
        with database.begin() as conn:
            conn.execute(insert(interactions).values(
                id=interaction_id, tenant_id=tenant, model="omnireel-fake", status="queued", task="text_to_video",
                request={"input": []}, store=True, created_at=now, updated_at=now))
            queue.enqueue(conn, interaction_id=interaction_id, tenant_id=tenant, payload={"model": "omnireel-fake"},
                          max_attempts=max_attempts)
            events.append(conn, interaction_id, tenant, {"event_type": "interaction.created"})
        created.append(interaction_id)
    return created


def finish(database, job: queue.ClaimedJob) -> None:
    """Settle a claimed job as a worker's success commit does (job, interaction and closing event together)."""
    with database.begin() as conn:
        queue.settle(conn, job, "done")
        conn.execute(interactions.update().where(interactions.c.id == job.interaction_id)
                     .values(status="completed", updated_at=clock.now()))
        queue.close(conn, job.interaction_id)


def job_row(database, interaction_id: str):
    with database.connect() as conn:
        return conn.execute(select(jobs).where(jobs.c.interaction_id == interaction_id)).first()


def event_types(database, interaction_id: str) -> list[str]:
    with database.connect() as conn:
        bodies = conn.execute(select(events_table.c.body).where(events_table.c.interaction_id == interaction_id)
                              .order_by(events_table.c.seq)).scalars().all()
    return [b["event_type"] for b in bodies]


def test_migrations_build_the_tables_schema_on_postgres(fresh_postgres_url):
    dbmod.migrate(fresh_postgres_url)
    dbmod.migrate(fresh_postgres_url)  # a second start finds the schema current and changes nothing
    database = dbmod.make_database(fresh_postgres_url)
    try:
        with database.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            created_type = conn.execute(text(
                "SELECT data_type FROM information_schema.columns WHERE table_name='jobs' AND column_name='created_at'"
            )).scalar()
        assert diff == [], f"tables.py and the migrations differ on PostgreSQL: {diff}"
        # The newest migration (the highest-numbered file) is the one recorded.
        versions = Path(dbmod.__file__).parent / "migrations" / "versions"
        assert version == max(f.name.split("_")[0] for f in versions.glob("0*.py"))
        # Timestamps are epoch seconds: single precision would round them to minutes and break lease expiry.
        assert created_type == "double precision"
        assert set(metadata.tables) <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_servers_and_workers_starting_together_all_migrate(fresh_postgres_url):
    # Several processes meet an empty database at the same instant; each must come up, none may crash on a
    # half-created schema (without the migration lock most of them fail with a duplicate alembic_version).
    start_at = time.time() + 3
    code = (f"import time; from omnireel.storage import db; time.sleep(max(0, {start_at} - time.time())); "
            f"db.migrate({fresh_postgres_url!r})")
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(5)]
    results = [(p.wait(timeout=60), p.stderr.read()[-600:]) for p in procs]
    assert [rc for rc, _ in results] == [0] * 5, results


def test_claim_heartbeat_settle_lifecycle(database):
    (interaction_id,) = submit(database)
    job = queue.claim(database, "worker-a", LEASE_S)
    assert job is not None and job.interaction_id == interaction_id and job.attempt == 1
    row = job_row(database, interaction_id)
    assert (row.status, row.lease_owner, row.lease_token) == ("running", "worker-a", job.lease_token)
    assert queue.claim(database, "worker-b", LEASE_S) is None  # the only job is taken

    before = row.lease_expires_at
    time.sleep(0.01)
    assert queue.heartbeat(database, job, LEASE_S)
    assert job_row(database, interaction_id).lease_expires_at > before

    assert queue.record_progress(database, job, {"stage": "render", "percent": 50.0})
    finish(database, job)
    row = job_row(database, interaction_id)
    assert (row.status, row.lease_token, row.lease_owner) == ("done", None, None)
    assert event_types(database, interaction_id) == [
        "interaction.created", "interaction.status_update", "interaction.status_update", "interaction.completed"]
    assert not queue.heartbeat(database, job, LEASE_S)  # a settled job has no lease to extend


def test_reaper_requeues_an_expired_lease_and_fences_the_old_owner(database):
    (interaction_id,) = submit(database, max_attempts=2)
    stale = queue.claim(database, "worker-dead", LEASE_S)
    assert queue.reap_expired(database) == (0, 0)  # lease still valid
    assert queue.reap_expired(database, now=clock.now() + LEASE_S + 1) == (1, 0)
    assert job_row(database, interaction_id).status == "queued"

    fresh = queue.claim(database, "worker-live", LEASE_S)
    assert fresh.attempt == 2 and fresh.lease_token != stale.lease_token
    # The presumed-dead worker wakes up: it can neither extend the lease nor report nor commit its result.
    assert not queue.heartbeat(database, stale, LEASE_S)
    assert not queue.record_progress(database, stale, {"stage": "render", "percent": 99.0})
    with pytest.raises(queue.LeaseLost):
        finish(database, stale)
    finish(database, fresh)
    assert job_row(database, interaction_id).status == "done"
    assert event_types(database, interaction_id).count("interaction.completed") == 1

    # On its last attempt a lost job fails with a code instead of running forever.
    (doomed,) = submit(database, max_attempts=1)
    queue.claim(database, "worker-dead", LEASE_S)
    assert queue.reap_expired(database, now=clock.now() + LEASE_S + 1) == (0, 1)
    with database.connect() as conn:
        errors = conn.execute(select(interactions.c.errors).where(interactions.c.id == doomed)).scalar()
    assert job_row(database, doomed).status == "failed" and errors[0]["code"] == "worker_lost"


def test_concurrent_claimers_never_share_a_job(database):
    total = 200
    submit(database, total)
    claimed: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()
    go = threading.Barrier(4)

    def claimer(name: str) -> None:
        try:
            go.wait()
            while (job := queue.claim(database, name, LEASE_S)) is not None:
                with lock:
                    claimed.setdefault(job.id, []).append(name)
                finish(database, job)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"worker-{i}",)) for i in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert len(claimed) == total and all(len(owners) == 1 for owners in claimed.values())
    assert len({owners[0] for owners in claimed.values()}) > 1, "the claimers did not actually run concurrently"
    with database.connect() as conn:
        assert conn.execute(select(func.count()).select_from(jobs).where(jobs.c.status == "done")).scalar() == total
        completions = conn.execute(text(
            "SELECT count(*) FROM events WHERE body->>'event_type' = 'interaction.completed'")).scalar()
    assert completions == total
    print(f"\n4 claimers drained {total} jobs (claim + settle) in {elapsed:.2f} s: {total / elapsed:.0f} jobs/s")


def test_cancel_racing_a_commit_leaves_the_job_finished(database):
    # A worker's success commit holds the job row; an API cancel that read the row as running must not turn the
    # finished job into a cancelled one once the commit lands.
    (interaction_id,) = submit(database)
    job = queue.claim(database, "worker-a", LEASE_S)
    outcome = {}
    with database.begin() as worker_conn:
        queue.settle(worker_conn, job, "done")
        worker_conn.execute(interactions.update().where(interactions.c.id == interaction_id)
                            .values(status="completed", updated_at=clock.now()))
        queue.close(worker_conn, interaction_id)

        def cancel() -> None:
            with database.begin() as conn:
                outcome["cancelled"] = queue.cancel(conn, interaction_id, "acme")

        canceller = threading.Thread(target=cancel)
        canceller.start()
        canceller.join(1.0)
        assert canceller.is_alive(), "the cancel should wait for the worker's transaction"
    canceller.join(10)
    assert outcome == {"cancelled": False}
    assert job_row(database, interaction_id).status == "done"
    with database.connect() as conn:
        assert conn.execute(select(interactions.c.status).where(interactions.c.id == interaction_id)).scalar() == \
            "completed"
    assert event_types(database, interaction_id)[-1] == "interaction.completed"


def test_events_appended_from_many_connections_stay_dense(database):
    # Progress from a worker and a cancel from an API server append to one interaction at the same moment.
    (interaction_id,) = submit(database)
    go = threading.Barrier(8)
    errors = []

    def append_some() -> None:
        try:
            go.wait()
            for _ in range(10):
                with database.begin() as conn:
                    events.append(conn, interaction_id, "acme", {"event_type": "interaction.status_update"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append_some) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors[:1]
    with database.connect() as conn:
        seqs = conn.execute(select(events_table.c.seq).where(events_table.c.interaction_id == interaction_id)
                            .order_by(events_table.c.seq)).scalars().all()
    assert seqs == list(range(1, 82))  # the created event and 80 more: no gap, no duplicate


def test_one_idempotency_key_used_concurrently_creates_one_interaction(database):
    go = threading.Barrier(6)
    winners, errors = [], []

    def create() -> None:
        try:
            go.wait()
            with database.begin() as conn:
                earlier = idempotency.existing(conn, "acme", "retry-1", "fp")
                if earlier is None:
                    (new_id,) = submit(database)
                    idempotency.remember(conn, "acme", "retry-1", "fp", new_id)
                    earlier = new_id
                    time.sleep(0.2)  # hold the key while the others arrive
            winners.append(earlier)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors[:1]
    assert len(winners) == 6 and len(set(winners)) == 1


def test_runtime_on_postgres_shares_the_data_dir(postgres_url, tmp_path):
    # The data-dir lock and the start-up temp purge exist for SQLite's single process; on PostgreSQL an API server
    # and workers share the data dir, and a temp file may be a live render of another host.
    data_dir = tmp_path / "shared"
    settings = Settings(data_dir=data_dir, database_url=postgres_url)
    first = Runtime(settings, start_workers=False)
    first.start()
    live_render = first.blobs.temp_path(".mp4")
    live_render.write_bytes(b"frames being written by another host")
    second = Runtime(settings, start_workers=False)
    try:
        second.start()  # would raise SystemExit("another omnireel server ...") under the SQLite rules
        assert live_render.exists()
        assert not (data_dir / "server.lock").exists()
        assert second.db.dialect.name == "postgresql"
    finally:
        second.stop()
        first.stop()
