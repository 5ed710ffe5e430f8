"""The job queue on the database: enqueue, claim with a lease and fencing token, heartbeat, settle, cancel, reap.

Every transition of a job also moves its interaction and appends the matching stream events in the same
transaction, so what a client polls or streams never disagrees with the queue. Settling a job requires the lease
token it was claimed with: a worker that lost its lease (paused, partitioned, presumed dead) cannot commit.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection, Engine

from omnireel import clock, ids
from omnireel.jobs import events, webhooks
from omnireel.storage.tables import interactions, jobs

TERMINAL = ("completed", "failed", "cancelled")


@dataclasses.dataclass(frozen=True)
class ClaimedJob:
    id: str
    interaction_id: str
    tenant_id: str
    payload: dict
    attempt: int
    max_attempts: int
    lease_token: str


class LeaseLost(Exception):
    """The job was reclaimed, cancelled or finished by someone else; this worker must drop its result."""


def enqueue(conn: Connection, *, interaction_id: str, tenant_id: str, payload: dict, max_attempts: int) -> str:
    job_id = "job" + ids.new_id(16)
    now = clock.now()
    conn.execute(
        insert(jobs).values(
            id=job_id, interaction_id=interaction_id, tenant_id=tenant_id, status="queued", payload=payload,
            attempts=0, max_attempts=max_attempts, cancel_requested=False, created_at=now, updated_at=now,
        )
    )
    return job_id


def _set_interaction(conn: Connection, interaction_id: str, **values) -> None:
    conn.execute(update(interactions).where(interactions.c.id == interaction_id).values(updated_at=clock.now(), **values))


def claim(db: Engine, owner: str, lease_ttl_s: float) -> ClaimedJob | None:
    """Take the oldest queued job, or None. SQLite serialises this with BEGIN IMMEDIATE; PostgreSQL skips locked rows."""
    now = clock.now()
    with db.begin() as conn:
        query = select(jobs).where(jobs.c.status == "queued").order_by(jobs.c.created_at).limit(1)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = conn.execute(query).first()
        if row is None:
            return None
        token = ids.token(16)
        result = conn.execute(
            update(jobs)
            .where(jobs.c.id == row.id, jobs.c.status == "queued")
            .values(status="running", lease_owner=owner, lease_token=token, lease_expires_at=now + lease_ttl_s,
                    heartbeat_at=now, attempts=row.attempts + 1, updated_at=now)
        )
        if result.rowcount != 1:
            return None
        _set_interaction(conn, row.interaction_id, status="in_progress")
        events.append(conn, row.interaction_id, row.tenant_id, {
            "event_type": "interaction.status_update", "interaction_id": row.interaction_id, "status": "in_progress",
        })
        return ClaimedJob(row.id, row.interaction_id, row.tenant_id, row.payload, row.attempts + 1, row.max_attempts, token)


def heartbeat(db: Engine, job: ClaimedJob, lease_ttl_s: float) -> bool:
    """Extend the lease; False means the lease is gone (cancelled or reclaimed) and the worker should stop."""
    now = clock.now()
    with db.begin() as conn:
        result = conn.execute(
            update(jobs)
            .where(jobs.c.id == job.id, jobs.c.lease_token == job.lease_token, jobs.c.status == "running")
            .values(lease_expires_at=now + lease_ttl_s, heartbeat_at=now)
        )
    return result.rowcount == 1


def still_owned(conn: Connection, job: ClaimedJob) -> bool:
    # FOR UPDATE (PostgreSQL; SQLite's writers are already serialised): the answer stays true until the caller's
    # transaction ends, so a cancel or reap on another host cannot slip in between this check and the write.
    row = conn.execute(
        select(jobs.c.status, jobs.c.lease_token).where(jobs.c.id == job.id).with_for_update()
    ).first()
    return row is not None and row.status == "running" and row.lease_token == job.lease_token


def settle(conn: Connection, job: ClaimedJob, status: str) -> None:
    """Finish the job inside the caller's transaction, or raise LeaseLost (the caller rolls back)."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.id == job.id, jobs.c.lease_token == job.lease_token, jobs.c.status == "running")
        .values(status=status, lease_token=None, lease_owner=None, lease_expires_at=None, updated_at=clock.now())
    )
    if result.rowcount != 1:
        raise LeaseLost(job.id)


def record_progress(db: Engine, job: ClaimedJob, progress: dict) -> bool:
    """Store progress on the interaction and stream it; False if the lease is gone."""
    with db.begin() as conn:
        if not still_owned(conn, job):
            return False
        _set_interaction(conn, job.interaction_id, progress=progress)
        events.append(conn, job.interaction_id, job.tenant_id, {
            "event_type": "interaction.status_update", "interaction_id": job.interaction_id, "status": "in_progress",
            "progress": progress,
        })
    return True


def fail_interaction(conn: Connection, interaction_id: str, tenant_id: str, code: str, message: str, rpc_code: int = 13) -> None:
    """Mark an interaction failed with a specific error and close its stream."""
    errors = [{"code": code, "message": message}]
    outputs = [{"type": "model_output", "content": [], "error": {"code": rpc_code, "message": message}}]
    _set_interaction(conn, interaction_id, status="failed", errors=errors, outputs=outputs, progress=None)
    events.append(conn, interaction_id, tenant_id, {"event_type": "error", "error": {"code": code, "message": message}})
    close(conn, interaction_id)


def close(conn: Connection, interaction_id: str) -> None:
    """Finish a terminal transition: the stream's closing event and the webhook outbox, in the same transaction."""
    row = conn.execute(select(interactions).where(interactions.c.id == interaction_id)).first()
    events.append(conn, interaction_id, row.tenant_id, completed_event(row))
    webhooks.enqueue_for(conn, row)


def completed_event(row) -> dict:
    interaction = {
        "id": row.id, "object": "interaction", "status": row.status, "model": row.model,
        "created": clock.rfc3339(row.created_at), "updated": clock.rfc3339(row.updated_at),
    }
    if row.usage:
        interaction["usage"] = row.usage
    return {"event_type": "interaction.completed", "interaction": interaction}


def release_for_retry(conn: Connection, job_id: str, *, refund_attempt: bool = False) -> None:
    """Put a job back in the queue. A graceful shutdown refunds the attempt: the job did nothing wrong."""
    values = dict(status="queued", lease_token=None, lease_owner=None, lease_expires_at=None, updated_at=clock.now())
    if refund_attempt:
        values["attempts"] = jobs.c.attempts - 1
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def mark_requeued(conn: Connection, interaction_id: str, tenant_id: str) -> None:
    _set_interaction(conn, interaction_id, status="queued", progress=None)
    events.append(conn, interaction_id, tenant_id, {
        "event_type": "interaction.status_update", "interaction_id": interaction_id, "status": "queued",
    })


def cancel(conn: Connection, interaction_id: str, tenant_id: str) -> bool:
    """Cancel a queued or running job now: the interaction is final at once; a running worker stops at its next
    step boundary because its lease token no longer matches. Returns False if it was already terminal."""
    row = conn.execute(select(jobs).where(jobs.c.interaction_id == interaction_id, jobs.c.tenant_id == tenant_id)).first()
    if row is None or row.status not in ("queued", "running"):
        return False
    # Conditional: on PostgreSQL a worker may settle the job between the read above and this write; then the job
    # is finished and stays finished.
    result = conn.execute(
        update(jobs).where(jobs.c.id == row.id, jobs.c.status.in_(("queued", "running")))
        .values(status="cancelled", cancel_requested=True, lease_token=None, lease_owner=None, lease_expires_at=None,
                updated_at=clock.now())
    )
    if result.rowcount != 1:
        return False
    _set_interaction(conn, interaction_id, status="cancelled", progress=None)
    events.append(conn, interaction_id, tenant_id, {
        "event_type": "interaction.status_update", "interaction_id": interaction_id, "status": "cancelled",
    })
    close(conn, interaction_id)
    return True


def reap_expired(db: Engine, now: float | None = None) -> tuple[int, int]:
    """Requeue running jobs whose lease expired; fail those on their last attempt. Returns (requeued, failed)."""
    now = clock.now() if now is None else now
    with db.begin() as conn:
        query = select(jobs).where(jobs.c.status == "running", jobs.c.lease_expires_at < now)
        if conn.dialect.name == "postgresql":
            # Several reapers (API server and workers) sweep at once: each expired job is recovered by one of them,
            # and a heartbeat that commits first takes the job out of this sweep.
            query = query.with_for_update(skip_locked=True)
        rows = conn.execute(query).fetchall()
        return _recover(conn, rows)


def recover_all_running(db: Engine) -> tuple[int, int]:
    """At start-up of the single process owning a SQLite data dir, every running job's worker is dead."""
    with db.begin() as conn:
        rows = conn.execute(select(jobs).where(jobs.c.status == "running")).fetchall()
        return _recover(conn, rows)


def _recover(conn: Connection, rows) -> tuple[int, int]:
    requeued = failed = 0
    for row in rows:
        if row.attempts >= row.max_attempts:
            conn.execute(
                update(jobs).where(and_(jobs.c.id == row.id, jobs.c.status == "running"))
                .values(status="failed", lease_token=None, lease_owner=None, lease_expires_at=None, updated_at=clock.now())
            )
            fail_interaction(
                conn, row.interaction_id, row.tenant_id, "worker_lost",
                f"The render worker stopped before finishing, {row.attempts} times; giving up after "
                f"{row.max_attempts} attempts.",
            )
            failed += 1
        else:
            release_for_retry(conn, row.id)
            mark_requeued(conn, row.interaction_id, row.tenant_id)
            requeued += 1
    return requeued, failed
