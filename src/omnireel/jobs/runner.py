"""Run one claimed job: resolve its media to local files, call the engine, store the output as a File and commit
the result with the job's fencing token (so a result is visible exactly once, or not at all)."""

from __future__ import annotations

import errno
import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from omnireel import clock, ids
from omnireel.engines.base import EngineOutput, EngineRequest, MediaInput
from omnireel.errors import EngineFailure, JobCancelled
from omnireel.jobs import events, queue
from omnireel.jobs.progress import JobContext
from omnireel.safety import SafetyPolicy, check_request
from omnireel.services import files as files_service
from omnireel.services.interactions import inline_note_block, over_cap_note
from omnireel.storage.tables import files, interactions

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

log = logging.getLogger("omnireel.jobs")


def _local_media(runtime: "Runtime", tenant_id: str, file_id: str, scratch: Path) -> Path:
    with runtime.db.connect().execution_options(readonly=True) as conn:
        row = conn.execute(select(files).where(files.c.id == file_id, files.c.tenant_id == tenant_id)).first()
    if row is None or row.blob_key is None or not runtime.blobs.exists(row.blob_key):
        raise EngineFailure(f"Input file files/{file_id} is no longer available (it may have expired or been deleted).",
                            code="file_unavailable")
    local = runtime.blobs.local_path(row.blob_key)
    if local is not None:
        return local
    dest = scratch / f"in_{file_id}"
    with open(dest, "wb") as out:
        for chunk in runtime.blobs.iter_range(row.blob_key):
            out.write(chunk)
    return dest


def build_request(runtime: "Runtime", job: queue.ClaimedJob, scratch: Path) -> EngineRequest:
    p = job.payload
    media = tuple(
        MediaInput(kind=m["kind"], path=_local_media(runtime, job.tenant_id, m["file_id"], scratch),
                   mime_type=m["mime_type"], role=m.get("role"), name=m.get("name"))
        for m in p.get("media", [])
    )
    source = p.get("source_file_id")
    return EngineRequest(
        task=p["task"], prompt=p.get("prompt", ""), aspect_ratio=p["aspect_ratio"], resolution=p["resolution"],
        duration_s=p["duration_s"], seed=p.get("seed", 0), media=media,
        source_video=_local_media(runtime, job.tenant_id, source, scratch) if source else None,
        system_instruction=p.get("system_instruction"),
        options={**p.get("options", {}), "max_image_pixels": runtime.settings.max_image_pixels,
                 # For engines that forward the request (upstream): the model asked for and the user's filters.
                 "model": p.get("model"), "safety_settings": p.get("safety_settings") or []},
    )


def check_safety(job: queue.ClaimedJob) -> None:
    """Raise SafetyBlocked if the job's text must not be rendered. Runs in the job, before any engine, so every
    engine gets the same policy and a block reaches the user as a failed interaction (wire spec §24), like the
    hosted API's, through the same path as any other engine failure."""
    p = job.payload
    check_request(p.get("prompt"), p.get("system_instruction"), _policy(p.get("safety_settings")))


def _policy(stored) -> SafetyPolicy:
    try:
        return SafetyPolicy.from_settings(stored)
    except (KeyError, TypeError, AttributeError):
        # Settings are validated at create, so this is a payload from elsewhere (an older or edited row): fall
        # back to the defaults rather than to no filter.
        log.warning("job payload has unreadable safety_settings; using the default thresholds")
        return SafetyPolicy.default()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run_job(runtime: "Runtime", job: queue.ClaimedJob, ctx_holder: dict) -> None:
    """Execute the job to a terminal state (or leave it to the reaper if this process dies)."""
    scratch = Path(tempfile.mkdtemp(prefix=f"omnireel-{job.id}-"))
    ctx = JobContext(runtime.db, job, scratch, runtime.settings.job_timeout_s)
    ctx_holder["ctx"] = ctx
    output_path = runtime.blobs.temp_path(".mp4")
    blob_key = None
    try:
        check_safety(job)  # first: a blocked request fetches no media and renders nothing
        request = build_request(runtime, job, scratch)
        engine_name = job.payload.get("engine", "builtin")
        _, engine = runtime.engines.resolve(job.payload["model"])
        ctx.progress("prepare", 0.0)
        output = engine.run(request, ctx, output_path)
        # Where the format came from when the prompt set it, or lost to response_format: said for every engine.
        notes = (job.payload.get("options") or {}).get("format_notes") or []
        if notes:
            output.text = "\n\n".join(t for t in (output.text, "\n".join(notes)) if t)
        ctx.check_cancelled()
        blob_key = "gen" + ids.new_id(24)
        size = output_path.stat().st_size
        sha = _sha256(output_path)
        runtime.blobs.put_file(blob_key, output_path)
        _commit_success(runtime, job, request, output, blob_key, size, sha, engine_name)
        blob_key = None  # committed: no longer ours to clean up
    except JobCancelled:
        log.info("job %s stopped: cancelled or lease lost", job.id)
    except queue.LeaseLost:
        log.warning("job %s finished after losing its lease; result dropped", job.id)
    except EngineFailure as exc:
        _commit_failure(runtime, job, exc.code, exc.message, exc.rpc_code, retry=exc.retryable)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            log.exception("job %s crashed in the engine", job.id)
            _commit_failure(runtime, job, "internal", "The render failed because of an internal error.", 13, retry=True)
        else:
            log.error("job %s: disk full", job.id)
            _commit_failure(runtime, job, "insufficient_storage", "The server ran out of disk space while rendering.",
                            8, retry=True)
    except Exception:
        log.exception("job %s crashed in the engine", job.id)
        _commit_failure(runtime, job, "internal", "The render failed because of an internal error.", 13, retry=True)
    finally:
        if blob_key is not None:
            runtime.blobs.delete(blob_key)
        output_path.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)


def _usage(request: EngineRequest, output: EngineOutput) -> dict:
    # We count prompt words as input tokens and one token per output frame; documented in docs/api.md.
    input_tokens = len(request.prompt.split())
    frames = round(output.duration_s * output.fps)
    return {
        "total_input_tokens": input_tokens, "total_output_tokens": frames, "total_tokens": input_tokens + frames,
        "output_tokens_by_modality": [{"modality": "video", "tokens": frames}],
    }


def _commit_success(runtime, job, request, output: EngineOutput, blob_key, size, sha, engine_name) -> None:
    settings = runtime.settings
    delivery = job.payload.get("delivery", "inline")
    video_meta = {
        "videoDuration": f"{output.duration_s:.3f}s".replace(".000s", "s"),
        "width": output.width, "height": output.height, "fps": output.fps,
    }
    with runtime.db.begin() as conn:
        queue.settle(conn, job, "done")
        file_id = files_service.insert_row(
            conn, settings, tenant_id=job.tenant_id, mime_type="video/mp4", size_bytes=size, sha256=sha,
            source="GENERATED", blob_key=blob_key, display_name=f"{job.interaction_id}.mp4", video_metadata=video_meta,
        )
        video_block = {"type": "video", "mime_type": "video/mp4", "uri": files_service.file_uri(settings, file_id),
                       "_file_id": file_id, "_delivery": delivery}
        content = [video_block]
        if output.text:
            content.append({"type": "text", "text": output.text})
        outputs = [{"type": "model_output", "content": content}]
        usage = _usage(request, output)
        conn.execute(
            interactions.update().where(interactions.c.id == job.interaction_id)
            .values(status="completed", outputs=outputs, usage=usage, progress=None, updated_at=clock.now())
        )
        tid, iid = job.tenant_id, job.interaction_id
        events.append(conn, iid, tid, {"event_type": "step.start", "index": 0, "step": {"type": "model_output"}})
        events.append(conn, iid, tid, {"event_type": "step.delta", "index": 0, "delta": {
            k: v for k, v in video_block.items() if k != "type"} | {"type": "video"}})
        if output.text:
            events.append(conn, iid, tid, {"event_type": "step.delta", "index": 0,
                                           "delta": {"type": "text", "text": output.text}})
        note = over_cap_note(size, settings.inline_output_cap_bytes) if delivery == "inline" else None
        if note:
            # Stored in the log (not added when streamed) so event ids stay dense and a resume replays it too.
            events.append(conn, iid, tid, {"event_type": "step.delta", "index": 0, "delta": inline_note_block(note)})
        events.append(conn, iid, tid, {"event_type": "step.stop", "index": 0})
        queue.close(conn, iid)


def _commit_failure(runtime, job, code, message, rpc_code, *, retry: bool) -> None:
    try:
        with runtime.db.begin() as conn:
            if retry and job.attempt < job.max_attempts:
                queue.settle(conn, job, "running")  # fencing check only
                queue.release_for_retry(conn, job.id)
                queue.mark_requeued(conn, job.interaction_id, job.tenant_id)
                return
            queue.settle(conn, job, "failed")
            if retry:
                message = f"{message} Gave up after {job.max_attempts} attempts."
            queue.fail_interaction(conn, job.interaction_id, job.tenant_id, code, message, rpc_code)
    except queue.LeaseLost:
        log.warning("job %s failed after losing its lease; outcome dropped", job.id)
