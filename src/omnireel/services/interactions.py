"""Interactions: validate and accept a create (interaction + job + first event in ONE transaction), read, cancel,
delete, and render the wire resource. Task inference follows the hosted model's rules."""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select

from omnireel import clock, ids
from omnireel.engines.registry import check_model_limits, max_duration_s
from omnireel.errors import FailedPrecondition, InvalidArgument, NotFound, RateLimited
from omnireel.jobs import events, queue
from omnireel.services import region
from omnireel.services import files as files_service
from omnireel.services import idempotency as idempotency_service
from omnireel.services import output_format, prompt_format
from omnireel.services.media_inputs import ResolvedMedia, check_inline_media, persist_inline, resolve_block
from omnireel.services.request_parsing import CreateSpec, clip, echo_input
from omnireel.storage.tables import files, interactions, jobs
from omnireel.storage.tables import events as events_table

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

log = logging.getLogger("omnireel.interactions")

MAX_REFERENCE_IMAGES = 6
SOURCE_TASKS = ("edit", "extend", "upscale")


def infer_task(explicit: str | None, images: int, videos: int, has_previous: bool, prompt: str = "") -> str:
    """The hosted model's rules: no media → t2v; 1-2 images → i2v; more → reference; a video or previous → edit,
    or extend / upscale when the instruction plainly asks for that ("Extend the clip by 4 seconds", "Upscale it to
    720p"): the wire spec lets the model pick the task from the prompt when video_config.task is omitted. An
    explicit task is never second-guessed."""
    if explicit:
        return explicit
    if has_previous or videos:
        if images == 0 and videos + (1 if has_previous else 0) == 1:
            return prompt_format.asked_task(prompt) or "edit"
        return "edit"
    if images == 0:
        return "text_to_video"
    if images <= 2:
        return "image_to_video"
    return "reference_to_video"


def _check_engine_task(model: str, engine, task: str) -> None:
    """400 at create when the engine behind `model` cannot run `task` at all (the diffusers engine does no edit,
    extend or upscale): a clear refusal now rather than a failed job later."""
    offered = engine.tasks()
    if task not in offered:
        raise InvalidArgument(
            f"Model '{model}' runs on this server's {engine.name} engine, which does not do {task}; it does "
            f"{', '.join(offered) or 'nothing'}. Use omnireel-builtin (or a model routed to it) for {task}.",
            field="generation_config.video_config.task", code="unsupported_task",
        )


def _check_task(task: str, images: int, videos: int, has_previous: bool, prompt: str) -> None:
    if task == "text_to_video" and (images or videos):
        raise InvalidArgument("Task text_to_video takes no media inputs; use image_to_video or reference_to_video "
                              "for images, or edit for a video.", field="generation_config.video_config.task")
    if task == "image_to_video" and not 1 <= images <= 2:
        raise InvalidArgument(f"Task image_to_video needs one image (start frame) or two (first and last frame); got "
                              f"{images}.", field="input")
    if task == "reference_to_video" and not 1 <= images <= MAX_REFERENCE_IMAGES:
        raise InvalidArgument(f"Task reference_to_video needs 1 to {MAX_REFERENCE_IMAGES} reference images; got "
                              f"{images}.", field="input")
    if task in ("text_to_video", "image_to_video", "reference_to_video") and videos:
        raise InvalidArgument(f"Task {task} does not take a video input.", field="input")
    if task in SOURCE_TASKS:
        sources = videos + (1 if has_previous else 0)
        if sources == 0:
            raise InvalidArgument(f"Task {task} needs a source video: pass previous_interaction_id or a video input.",
                                  field="input")
        if sources > 1:
            raise InvalidArgument(f"Task {task} takes exactly one source video (got {sources}: pass either "
                                  "previous_interaction_id or one video input).", field="input")
    if task == "text_to_video" and not prompt.strip():
        raise InvalidArgument("Text-to-video needs a text prompt in 'input'.", field="input")
    if task == "edit" and not prompt.strip():
        raise InvalidArgument("An edit needs a text instruction saying what to change (and what to keep).",
                              field="input")
    if task in ("image_to_video", "reference_to_video") and images:
        # A tag naming an image that was not given (<IMAGE_REF_5> with 3 images) is the request's mistake: 400
        # now, rather than a failed job later.
        from omnireel.media.prompt.parse import check_image_tags

        check_image_tags(prompt, images)


def _previous(runtime: "Runtime", tenant_id: str, interaction_id: str):
    row = _get_row(runtime, tenant_id, interaction_id)
    interaction_id = row.id  # the stored id, not the client's string: safe to name in the messages below
    if row.status != "completed":
        if row.status in ("queued", "in_progress"):
            raise FailedPrecondition(f"previous_interaction_id {interaction_id} is still {row.status}; wait until it "
                                     "completes.", field="previous_interaction_id", code="previous_not_ready")
        raise FailedPrecondition(f"previous_interaction_id {interaction_id} is {row.status} and has no video to "
                                 "continue from.", field="previous_interaction_id", code="previous_has_no_output")
    video = _output_video(row)
    if video is None:
        raise FailedPrecondition(f"previous_interaction_id {interaction_id} has no video output.",
                                 field="previous_interaction_id")
    try:
        files_service.get_row(runtime, tenant_id, video["_file_id"])
    except NotFound:
        raise FailedPrecondition(f"The video of previous_interaction_id {interaction_id} has expired or was deleted.",
                                 field="previous_interaction_id", code="previous_output_expired")
    return row, video


def _output_video(row) -> dict | None:
    for step in row.outputs or []:
        for block in step.get("content", []):
            if block.get("type") == "video" and block.get("_file_id"):
                return block
    return None


def _check_backlog(runtime: "Runtime", tenant_id: str) -> None:
    """Backpressure: one tenant cannot queue unbounded work; the SDK waits and retries on 429 + Retry-After."""
    limit = runtime.settings.max_unfinished_per_tenant
    with runtime.db.connect().execution_options(readonly=True) as conn:
        unfinished = conn.execute(select(func.count()).select_from(jobs).where(
            jobs.c.tenant_id == tenant_id, jobs.c.status.in_(("queued", "running")))).scalar()
    if unfinished >= limit:
        error = RateLimited(f"This API key already has {unfinished} unfinished interactions (the limit is {limit}); "
                            "wait for some to finish, then retry.")
        error.headers = {"Retry-After": "5"}
        raise error


def _check_webhook_targets(runtime: "Runtime", spec: CreateSpec) -> None:
    """Refuse webhook targets on private networks up front (they are checked again, resolved, at delivery)."""
    from urllib.parse import urlsplit

    from omnireel.jobs.webhooks import blocked_host

    for uri in (spec.echo.get("webhook_config") or {}).get("uris", []):
        if blocked_host(urlsplit(uri).hostname or "", runtime.settings.webhook_allow_private):
            raise InvalidArgument(
                f"webhook_config.uris: {clip(repr(uri))} points to a private, loopback or unresolvable address, which "
                "this server does not call (an operator can allow it with OMNIREEL_WEBHOOK_ALLOW_PRIVATE).",
                field="webhook_config.uris")


def _check_text_limits(runtime: "Runtime", spec: CreateSpec) -> None:
    """A prompt past OMNIREEL_MAX_PROMPT_CHARS is refused up front: no engine reads that much, and it would be stored
    and echoed on every get."""
    limit = runtime.settings.max_prompt_chars
    prompt_chars = sum(len(b["text"]) for b in spec.blocks if b["type"] == "text")
    if prompt_chars > limit:
        raise InvalidArgument(f"The prompt in 'input' is {prompt_chars} characters long; this server accepts at most "
                              f"{limit} (OMNIREEL_MAX_PROMPT_CHARS).", field="input", code="prompt_too_long")
    if spec.system_instruction is not None and len(spec.system_instruction) > limit:
        raise InvalidArgument(f"system_instruction is {len(spec.system_instruction)} characters long; this server "
                              f"accepts at most {limit} (OMNIREEL_MAX_PROMPT_CHARS).", field="system_instruction",
                              code="prompt_too_long")


def create(runtime: "Runtime", tenant_id: str, spec: CreateSpec, idempotency: tuple[str, str] | None = None) -> str:
    """Validate the request, then commit the interaction, its job and its first event together; returns its id.
    With `idempotency` (key, body fingerprint), a repeat of an earlier create returns the earlier interaction."""
    _check_text_limits(runtime, spec)
    if idempotency is not None:
        with runtime.db.begin() as conn:
            earlier = idempotency_service.existing(conn, tenant_id, *idempotency)
        if earlier is not None:
            return earlier
    model, engine = runtime.engines.resolve(spec.model)
    _check_webhook_targets(runtime, spec)
    _check_backlog(runtime, tenant_id)
    prompt = "\n".join(b["text"] for b in spec.blocks if b["type"] == "text").strip()
    media_blocks = [(i, b) for i, b in enumerate(spec.blocks) if b["type"] != "text"]
    if not spec.blocks and not spec.previous_interaction_id:
        raise InvalidArgument("Field 'input' is required: give a text prompt and/or media.", field="input")
    previous_row, previous_video = (None, None)
    if spec.previous_interaction_id:
        previous_row, previous_video = _previous(runtime, tenant_id, spec.previous_interaction_id)
    resolved: list[ResolvedMedia] = [resolve_block(runtime, tenant_id, b, f"input[{i}]") for i, b in media_blocks]
    images = [m for m in resolved if m.kind == "image"]
    videos = [m for m in resolved if m.kind == "video"]
    task = infer_task(spec.task, len(images), len(videos), previous_row is not None, prompt)
    check_model_limits(model, task, None, len(images))  # what the model cannot do at all comes first
    _check_engine_task(model, engine, task)
    _check_task(task, len(images), len(videos), previous_row is not None, prompt)
    region.check(region.region_of(runtime.db, tenant_id, runtime.settings.region), task=task,
                 uploaded_videos=len(videos), images=len(images), text=prompt)

    inherited = (previous_row.request.get("format") if previous_row is not None else None) or {}
    chosen = output_format.choose(spec.video, task, prompt, inherited, model)
    fmt = chosen.fmt
    # Only lengths the user asked for are checked against the model: an inherited or default one is not a request.
    output_format.check_asked_duration(model, task, spec.video, len(images))
    media_payload = []
    image_roles = ["first_frame", "last_frame"] if task == "image_to_video" else [
        f"ref_{n}" for n in range(1, MAX_REFERENCE_IMAGES + 1)]
    image_index = 0
    for m in resolved:
        role = None
        if m.kind == "image" and image_index < len(image_roles):
            role = image_roles[image_index]
            image_index += 1
        media_payload.append({"kind": m.kind, "file_id": m.file_id, "mime_type": m.mime_type, "role": role,
                              "name": m.name})
    source_file_id = previous_video["_file_id"] if previous_video else (videos[0].file_id if videos and task in SOURCE_TASKS else None)
    if source_file_id and videos and task in SOURCE_TASKS:
        media_payload = [m for m in media_payload if m["file_id"] != source_file_id]
    if task in SOURCE_TASKS:
        output_format.check_source(output_format.source_facts(runtime, tenant_id, source_file_id), model=model,
                                   task=task, prompt=prompt, video=spec.video, fmt=fmt,
                                   from_prompt=chosen.from_prompt, inferred=spec.task is None)
    payload = {
        "task": task, "model": model, "prompt": prompt, "seed": spec.seed, "media": media_payload,
        "source_file_id": source_file_id, "system_instruction": spec.system_instruction, **fmt,
        # What the user set, as opposed to inherited or defaulted: edit, extend and upscale keep the source's own
        # size and duration for whatever is not named here.
        "options": {"explicit_format": [k for k in ("aspect_ratio", "resolution", "duration_s")
                                        if getattr(spec.video, k) is not None],
                    # Fields read from the prompt (field -> its phrase) and what the output text says about them.
                    "prompt_format": chosen.from_prompt, "format_notes": chosen.notes,
                    # The model's longest output, for engines whose output length is known only from their plan.
                    "max_duration_s": max_duration_s(model)},
        # The job checks the text against these before any engine renders it (jobs/runner.py).
        "safety_settings": spec.safety_settings,
    }
    display_blocks = []
    media_iter = iter(resolved)
    for b in spec.blocks:
        display_blocks.append(b if b["type"] == "text" else next(media_iter).display)
    check_inline_media(runtime, resolved)  # last: the one check that starts a process
    # Inline media is stored only now that the whole request is valid: a rejected request leaves nothing behind.
    inline_blobs = [(m, files_service.store_inline_blob(runtime, m.inline_bytes)) for m in resolved
                    if m.inline_bytes is not None]
    interaction_id = ids.interaction_id()
    now = clock.now()
    request_doc = {"input": display_blocks, "input_sent": echo_input(spec.raw_input, display_blocks), "format": fmt,
                   "echo": spec.echo, "task": task}
    with runtime.db.begin() as conn:
        if idempotency is not None:
            # Re-check inside the write transaction: a concurrent retry may have won the race.
            earlier = idempotency_service.existing(conn, tenant_id, *idempotency)
            if earlier is not None:
                for _media, blob_key in inline_blobs:
                    runtime.blobs.delete(blob_key)
                return earlier
            idempotency_service.remember(conn, tenant_id, *idempotency, interaction_id)
        for media, blob_key in inline_blobs:
            persist_inline(runtime, conn, tenant_id, media, blob_key)
        conn.execute(insert(interactions).values(
            id=interaction_id, tenant_id=tenant_id, model=model, status="queued", task=task,
            previous_interaction_id=spec.previous_interaction_id, request=request_doc, store=spec.store,
            created_at=now, updated_at=now,
        ))
        queue.enqueue(conn, interaction_id=interaction_id, tenant_id=tenant_id, payload=payload,
                      max_attempts=runtime.settings.max_attempts)
        # The stream's first event says in_progress, as the hosted API's does (the wire spec's status table), even
        # while the job waits for a worker; polling shows the finer `queued`.
        events.append(conn, interaction_id, tenant_id, {"event_type": "interaction.created", "interaction": {
            "id": interaction_id, "status": "in_progress", "object": "interaction", "model": model,
            "created": clock.rfc3339(now), "updated": clock.rfc3339(now),
        }})
    if runtime.workers is not None:
        runtime.workers.notify()
    log.info("accepted %s task=%s tenant=%s", interaction_id, task, tenant_id)
    return interaction_id


def _get_row(runtime: "Runtime", tenant_id: str, interaction_id: str, conn=None):
    query = select(interactions).where(interactions.c.id == interaction_id, interactions.c.tenant_id == tenant_id)
    if conn is not None:
        row = conn.execute(query).first()
    else:
        with runtime.db.connect().execution_options(readonly=True) as c:
            row = c.execute(query).first()
    if row is None:
        raise NotFound(f"Interaction {clip(interaction_id)} not found.")
    return row


def get_row(runtime: "Runtime", tenant_id: str, interaction_id: str):
    return _get_row(runtime, tenant_id, interaction_id)


def status_of(runtime: "Runtime", tenant_id: str, interaction_id: str) -> str:
    with runtime.db.connect().execution_options(readonly=True) as c:
        status = c.execute(select(interactions.c.status).where(
            interactions.c.id == interaction_id, interactions.c.tenant_id == tenant_id)).scalar()
    if status is None:
        raise NotFound(f"Interaction {clip(interaction_id)} not found.")
    return status


def read_stream(runtime: "Runtime", tenant_id: str, interaction_id: str, after_seq: int):
    """For a stream: the interaction's summary row (None once deleted) and its stored events after `after_seq`.

    The row is read first: a terminal status commits together with its closing events, so when the row says
    terminal, the events read after it include everything the stream will ever get.
    """
    with runtime.db.connect().execution_options(readonly=True) as conn:
        row = conn.execute(select(
            interactions.c.id, interactions.c.status, interactions.c.model, interactions.c.created_at,
            interactions.c.updated_at, interactions.c.usage,
        ).where(interactions.c.id == interaction_id, interactions.c.tenant_id == tenant_id)).first()
        batch = events.after(conn, interaction_id, tenant_id, after_seq)
    return row, batch


def cancel(runtime: "Runtime", tenant_id: str, interaction_id: str):
    with runtime.db.begin() as conn:
        _get_row(runtime, tenant_id, interaction_id, conn)
        queue.cancel(conn, interaction_id, tenant_id)
    return _get_row(runtime, tenant_id, interaction_id)


def remove(runtime: "Runtime", tenant_id: str, interaction_id: str) -> None:
    """Delete the interaction, its job and its events (a running render is cancelled first). Output files stay
    until they expire or are deleted through the Files API."""
    with runtime.db.begin() as conn:
        _get_row(runtime, tenant_id, interaction_id, conn)
        queue.cancel(conn, interaction_id, tenant_id)
        conn.execute(delete(events_table).where(events_table.c.interaction_id == interaction_id))
        conn.execute(delete(jobs).where(jobs.c.interaction_id == interaction_id))
        conn.execute(delete(interactions).where(interactions.c.id == interaction_id,
                                                interactions.c.tenant_id == tenant_id))


def inline_video_data(runtime: "Runtime", tenant_id: str, file_id: str) -> tuple[str | None, int]:
    """Base64 of an output video if it fits the inline cap, else (None, size)."""
    with runtime.db.connect().execution_options(readonly=True) as conn:
        row = conn.execute(select(files.c.blob_key, files.c.size_bytes)
                           .where(files.c.id == file_id, files.c.tenant_id == tenant_id)).first()
    if row is None or not row.blob_key or not runtime.blobs.exists(row.blob_key):
        return None, 0
    if row.size_bytes > runtime.settings.inline_output_cap_bytes:
        return None, row.size_bytes
    raw = b"".join(runtime.blobs.iter_range(row.blob_key))
    return base64.b64encode(raw).decode(), row.size_bytes


def _size_text(n: int) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(n / 1e3))} kB"


def over_cap_note(size: int, cap: int) -> str | None:
    """What the output text says when an inline video is too large to inline (None when it fits). Streams store it
    as a text delta when the result is committed, so streamed and polled clients read the same text."""
    if size <= cap:
        return None
    return (f"The video is {_size_text(size)}, above the {_size_text(cap)} inline limit, so it is delivered by uri "
            "only: fetch it with client.files.download(file=<uri>).")


def inline_note_block(note: str) -> dict:
    # Its own paragraph: the SDK's output_text joins text blocks with no separator (and a stream client joins the
    # text deltas the same way).
    return {"type": "text", "text": "\n\n" + note}


def render_video_block(runtime: "Runtime", tenant_id: str, block: dict) -> tuple[dict, str | None]:
    """The public form of an output video block, and a note when inline delivery fell back to the uri."""
    public = {k: v for k, v in block.items() if not k.startswith("_")}
    if block.get("_delivery", "inline") != "inline":
        return public, None
    data, size = inline_video_data(runtime, tenant_id, block["_file_id"])
    if data is None:
        if size == 0:
            return public, "The output video is no longer available (expired or deleted)."
        return public, over_cap_note(size, runtime.settings.inline_output_cap_bytes)
    public["data"] = data
    public.pop("uri", None)
    return public, None


def render(runtime: "Runtime", row, *, include_input: bool = False) -> dict:
    """The Interaction resource as the SDK expects it (snake_case), with inline video data filled in."""
    req = row.request or {}
    out = {
        "id": row.id, "object": "interaction", "model": row.model, "status": row.status,
        "created": clock.rfc3339(row.created_at), "updated": clock.rfc3339(row.updated_at),
    }
    if row.previous_interaction_id:
        out["previous_interaction_id"] = row.previous_interaction_id
    steps = [{"type": "user_input", "content": req.get("input", [])}]
    for step in row.outputs or []:
        content, notes = [], []
        for block in step.get("content", []):
            if block.get("type") == "video":
                public, note = render_video_block(runtime, row.tenant_id, block)
                content.append(public)
                if note:
                    notes.append(note)
            else:
                content.append(block)
        if notes:
            content.append(inline_note_block(" ".join(notes)))
        rendered = {k: v for k, v in step.items() if k != "content"}
        rendered["content"] = content
        steps.append(rendered)
    out["steps"] = steps
    out["usage"] = row.usage or {}
    if row.errors:
        out["errors"] = row.errors
    if row.progress and row.status in ("queued", "in_progress"):
        out["progress"] = row.progress
    out["task"] = row.task
    out.update(req.get("echo", {}))
    if include_input:
        # Echoed as sent (a string stays a string); rows stored before input_sent existed have the block list.
        sent = req["input_sent"] if "input_sent" in req else req.get("input", [])
        if sent is not None:
            out["input"] = sent
    return out
