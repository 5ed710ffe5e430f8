"""Upload sessions: the resumable upload protocol (start, chunk, query, cancel, finalize) behind /upload/{v}/files.

Chunk bytes are appended to `<data_dir>/uploads/<session>.part` and fsynced before `committed_size` moves in the
DB, so the size we report never runs ahead of durable bytes. Finalize checks the declared length, sniffs the type
from the bytes, hashes and probes them, moves the part into the blob store under a server-generated key, and then
commits the file row: that row is the commit point, so a crash before it leaves nothing visible.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import hashlib
import logging
import os
import re
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator

import anyio
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from omnireel import clock, ids, media_types
from omnireel.errors import (
    AlreadyExists,
    FailedPrecondition,
    InsufficientStorage,
    InvalidArgument,
    NotFound,
    PayloadTooLarge,
    QuotaExceeded,
    UnsupportedMedia,
    UploadConflict,
)
from omnireel.services import files as files_service
from omnireel.services.request_parsing import clip
from omnireel.storage.tables import files, upload_sessions

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

log = logging.getLogger("omnireel.uploads")

CHUNK_GRANULARITY = 8 * 1024 * 1024  # what Google advertises and the SDK sends; we accept any chunk size
MAX_DISPLAY_NAME = 512
EMPTY_FILE_MIME = "application/octet-stream"
_SESSION_ID = re.compile(r"[a-z0-9]{16,64}")  # not an exact length: ids may grow, stored ones must keep working
_WRITE_BATCH = 1 << 20  # bytes gathered in memory before one write; bounds memory per request
_MAX_LIVE = 512


@dataclasses.dataclass
class Answer:
    """What a chunk/query/cancel request answers: the X-Goog-Upload-Status, bytes received, and the file if final."""

    status: str  # active | final | cancelled
    size_received: int
    file: dict | None = None


# ---------------------------------------------------------------------------------------------------- start


def start(runtime: "Runtime", tenant_id: str, version: str, body: dict, header_size: str | None,
          header_mime: str | None) -> str:
    """Open an upload session for the tenant and return its absolute upload URL (the session id is its credential)."""
    settings = runtime.settings
    spec = body.get("file") if isinstance(body, dict) else None
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidArgument("file must be an object.", field="file")
    file_name = _chosen_name(spec.get("name"))
    display_name = _display_name(_pick(spec, "display_name", "displayName"))
    declared_size = _declared_size(header_size, _pick(spec, "size_bytes", "sizeBytes"), settings.max_upload_bytes)
    declared_mime = _declared_mime(header_mime, _pick(spec, "mime_type", "mimeType"))
    check_quota(runtime, tenant_id, declared_size or 0)
    if file_name is not None and not files_service.free_name(runtime, tenant_id, file_name):
        raise _name_taken(file_name)

    session_id = ids.new_id(32)
    now = clock.now()
    part = part_path(settings, session_id)
    part.parent.mkdir(parents=True, exist_ok=True)
    # Row first, then the part file: a crash in between leaves a row whose missing part means "nothing received".
    with runtime.db.begin() as conn:
        conn.execute(insert(upload_sessions).values(
            id=session_id, tenant_id=tenant_id, file_id=ids.file_id(), file_name=file_name, display_name=display_name,
            declared_mime=declared_mime, declared_size=declared_size, committed_size=0, state="active",
            created_at=now, expires_at=now + settings.upload_session_ttl_s,
        ))
    _guard_disk(lambda: part.touch(mode=0o600))
    return f"{settings.base_url}/upload/{version}/files?upload_id={session_id}&upload_protocol=resumable"


def stored_bytes(runtime: "Runtime", tenant_id: str) -> int:
    """What the tenant keeps stored now: its files (not yet deleted or expired) and its open upload sessions."""
    now = clock.now()
    with runtime.db.connect() as conn:
        kept = conn.execute(select(func.coalesce(func.sum(files.c.size_bytes), 0)).where(
            files.c.tenant_id == tenant_id, or_(files.c.expires_at.is_(None), files.c.expires_at > now))).scalar()
        pending = conn.execute(select(func.coalesce(func.sum(upload_sessions.c.committed_size), 0)).where(
            upload_sessions.c.tenant_id == tenant_id, upload_sessions.c.state == "active")).scalar()
    return int(kept) + int(pending)


def check_quota(runtime: "Runtime", tenant_id: str, adding: int) -> None:
    """429 (RESOURCE_EXHAUSTED) when `adding` more bytes would take the tenant past its storage quota."""
    quota = runtime.settings.tenant_storage_quota_bytes
    used = stored_bytes(runtime, tenant_id)
    if used + adding > quota:
        raise QuotaExceeded(
            f"Storage quota exceeded: this project stores {_gb(used)} of at most {_gb(quota)}"
            + (f", and the upload adds {_gb(adding)}" if adding else "")
            + ". Delete files (client.files.delete) or wait for them to expire (48 h after upload)."
        )


def _gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e7 else f"{n / 1e6:.1f} MB"


def _pick(spec: dict, snake: str, camel: str):
    return spec.get(snake) if spec.get(snake) is not None else spec.get(camel)


def _chosen_name(value) -> str | None:
    """A client-chosen file name (`files/<name>`, as the SDK sends it, or bare), by Google's rule: lowercase
    alphanumerics and dashes, at most 40 characters, not starting or ending with a dash. Names are per tenant: the
    file keeps a server id of its own (blob keys never hold a client's string)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgument("file.name must be a string like files/my-clip.", field="file.name")
    name = value[len("files/"):] if value.startswith("files/") else value
    if not files_service.is_file_name(name):
        raise InvalidArgument(
            f"file.name {clip(repr(value))} is not a valid file name: use files/ followed by 1 to 40 lowercase "
            "letters, digits or dashes, not starting or ending with a dash.", field="file.name")
    return name


def _name_taken(name: str) -> AlreadyExists:
    return AlreadyExists(f"A file named files/{name} already exists; delete it first or choose another name.")


def _display_name(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgument("file.display_name must be a string.", field="file.display_name")
    if len(value) > MAX_DISPLAY_NAME:
        raise InvalidArgument(f"file.display_name is longer than {MAX_DISPLAY_NAME} characters.",
                              field="file.display_name")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        raise InvalidArgument("file.display_name contains control characters.", field="file.display_name")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        # json.loads accepts a lone "\ud800" escape, but no UTF-8 response could carry the name back.
        raise InvalidArgument("file.display_name contains an unpaired UTF-16 surrogate; it must be valid Unicode.",
                              field="file.display_name")
    return value


def _declared_size(header: str | None, body_value, limit: int) -> int | None:
    sizes = []
    for where, raw in (("X-Goog-Upload-Header-Content-Length", header), ("file.size_bytes", body_value)):
        if raw is None or raw == "":
            continue
        text = str(raw).strip() if not isinstance(raw, bool) else "x"
        if not text.isdigit() or len(text) > 19:
            raise InvalidArgument(f"{where} must be a non-negative integer.", field=where)
        sizes.append((where, int(text)))
    if not sizes:
        return None
    if len(sizes) == 2 and sizes[0][1] != sizes[1][1]:
        raise InvalidArgument(
            f"X-Goog-Upload-Header-Content-Length ({sizes[0][1]}) and file.size_bytes ({sizes[1][1]}) disagree.")
    size = sizes[0][1]
    if size > limit:
        raise PayloadTooLarge(f"The file is {size} bytes; this server accepts uploads up to {limit} bytes.")
    return size


def _declared_mime(header: str | None, body_value) -> str | None:
    declared = media_types.normalize(body_value if isinstance(body_value, str) and body_value else header)
    if declared in (None, "application/octet-stream"):
        return None
    if declared not in media_types.ALLOWED_TYPES:
        raise UnsupportedMedia(
            f"mime_type {declared[:100]} is not supported (allowed: {', '.join(media_types.ALLOWED_TYPES)}).")
    return declared


# ---------------------------------------------------------------------------------------------------- chunks


class _Live:
    """In-process companion of a session: a lock serialising its requests and a running sha256 of its bytes."""

    def __init__(self):
        self.lock = asyncio.Lock()
        self.users = 0
        self.hasher = hashlib.sha256()
        self.hashed = 0  # the hasher covers bytes [0, hashed) of the part file


# Bounded: evicting an idle entry only costs a re-hash at finalize, never correctness.
_LIVE: "OrderedDict[str, _Live]" = OrderedDict()


@contextlib.asynccontextmanager
async def _locked(session_id: str):
    live = _LIVE.get(session_id)
    if live is None:
        live = _LIVE[session_id] = _Live()
    _LIVE.move_to_end(session_id)
    live.users += 1  # before evicting, so the entry in use is never the one dropped
    if len(_LIVE) > _MAX_LIVE:
        for sid in [s for s, v in _LIVE.items() if v.users == 0][: len(_LIVE) - _MAX_LIVE]:
            del _LIVE[sid]
    try:
        async with live.lock:
            yield live
    finally:
        live.users -= 1


async def handle(runtime: "Runtime", session_id: str, commands: set[str], offset: int | None,
                 content_length: int | None, body: AsyncIterator[bytes]) -> Answer:
    """Serve one request on an upload URL. `commands` is the parsed X-Goog-Upload-Command."""
    if not _SESSION_ID.fullmatch(session_id or ""):
        raise NotFound("Upload session not found or expired.")
    async with _locked(session_id) as live:
        row = await anyio.to_thread.run_sync(_load, runtime, session_id)
        if commands == {"query"}:
            return await anyio.to_thread.run_sync(_query_answer, runtime, row)
        if commands == {"cancel"}:
            await anyio.to_thread.run_sync(discard, runtime, row.id)
            _LIVE.pop(session_id, None)
            return Answer("cancelled", row.committed_size)
        if row.state == "final":
            return await _replay_final(runtime, row, commands, offset, body)
        if "upload" in commands:
            if offset is None:
                raise InvalidArgument("X-Goog-Upload-Offset is required with the upload command.")
            row = await _receive(runtime, row, live, offset, content_length, body)
        elif offset is not None and offset != row.committed_size:
            raise UploadConflict(_offset_message(offset, row.committed_size))
        if "finalize" not in commands:
            return Answer("active", row.committed_size)
        resource = await anyio.to_thread.run_sync(_finalize, runtime, row, live)
        _LIVE.pop(session_id, None)
        return Answer("final", row.committed_size, resource)


def _offset_message(offset: int, committed: int) -> str:
    return (f"X-Goog-Upload-Offset {offset} does not match the {committed} bytes received; "
            f"query the session and resume from {committed}.")


async def _receive(runtime, row, live: _Live, offset: int, content_length: int | None, body) -> object:
    """Store one chunk. Bytes below the committed size must equal those stored (an idempotent re-send)."""
    settings = runtime.settings
    committed = row.committed_size
    if offset > committed:
        raise UploadConflict(_offset_message(offset, committed))
    if content_length is not None:
        _check_limits(row, offset + content_length, settings.max_upload_bytes)
    part = part_path(settings, row.id)
    handle = await anyio.to_thread.run_sync(_open_part, part, committed)
    # Hash on a copy, adopted only once the new size is committed, so a rejected chunk never pollutes it.
    hasher = live.hasher.copy() if live.hashed == committed else None
    pos, buf, received = offset, bytearray(), 0
    try:
        async for piece in body:
            received += len(piece)
            if pos < committed:
                n = min(len(piece), committed - pos)
                stored = await anyio.to_thread.run_sync(os.pread, handle.fileno(), n, pos)
                if stored != piece[:n]:
                    raise UploadConflict(
                        f"The chunk at offset {offset} differs from the bytes already received at offset {pos}; "
                        "committed data cannot be changed.")
                pos += n
                piece = piece[n:]
                if not piece:
                    continue
            _check_limits(row, pos + len(piece), settings.max_upload_bytes)
            buf += piece
            pos += len(piece)
            if len(buf) >= _WRITE_BATCH:
                await anyio.to_thread.run_sync(_append, handle, bytes(buf), hasher)
                buf = bytearray()
        if buf:
            await anyio.to_thread.run_sync(_append, handle, bytes(buf), hasher)
        new_size = max(committed, pos)
        # fsync before the DB moves: a reported size must never exceed durable bytes.
        await anyio.to_thread.run_sync(_sync, handle)
    except BaseException:
        # Synchronous on purpose: under cancellation an await here might never run. The next chunk truncates
        # to the committed size anyway, so this is tidiness, not correctness.
        _rollback(handle, committed)
        raise
    finally:
        handle.close()
    if new_size != committed:
        row = await anyio.to_thread.run_sync(_commit_size, runtime, row.id, committed, new_size)
        if hasher is not None:
            live.hasher, live.hashed = hasher, new_size
    if content_length is not None and received != content_length:
        # The client went away mid-chunk; what arrived is kept (resume with query), but nothing is finalized.
        raise InvalidArgument(f"The chunk ended after {received} of {content_length} bytes.")
    return row


def _check_limits(row, end: int, max_bytes: int) -> None:
    if end > max_bytes:
        raise PayloadTooLarge(f"The upload would exceed {max_bytes} bytes, the largest file this server accepts.")
    if row.declared_size is not None and end > row.declared_size:
        raise InvalidArgument(
            f"The chunk ends at byte {end}, past the {row.declared_size} bytes declared in "
            "X-Goog-Upload-Header-Content-Length.")


def _open_part(part: Path, committed: int):
    if committed > 0 and not part.exists():
        raise FailedPrecondition("The bytes of this upload session were lost; start a new upload.")
    fd = _guard_disk(lambda: os.open(part, os.O_RDWR | os.O_CREAT, 0o600))
    handle = os.fdopen(fd, "r+b", buffering=0)
    size = os.fstat(fd).st_size
    if size < committed:
        handle.close()
        raise FailedPrecondition("The bytes of this upload session were lost; start a new upload.")
    if size > committed:
        handle.truncate(committed)  # bytes of a chunk whose commit never happened (crash mid-chunk)
    handle.seek(committed)
    return handle


def _append(handle, data: bytes, hasher) -> None:
    view = memoryview(data)
    while view:  # a raw write may be short (e.g. a signal); loop until every byte is written
        view = view[_guard_disk(lambda: handle.write(view)):]
    if hasher is not None:
        hasher.update(data)


def _sync(handle) -> None:
    _guard_disk(lambda: os.fsync(handle.fileno()))


def _rollback(handle, committed: int) -> None:
    with contextlib.suppress(OSError):
        handle.truncate(committed)


def _guard_disk(fn):
    try:
        return fn()
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InsufficientStorage() from exc
        raise


def _commit_size(runtime, session_id: str, old: int, new: int):
    with runtime.db.begin() as conn:
        changed = conn.execute(
            update(upload_sessions)
            .where(upload_sessions.c.id == session_id, upload_sessions.c.committed_size == old)
            .values(committed_size=new)
        ).rowcount
        if changed != 1:
            raise UploadConflict("The upload session changed while this chunk was stored; query it and resume.")
        return conn.execute(select(upload_sessions).where(upload_sessions.c.id == session_id)).first()


async def _replay_final(runtime, row, commands: set[str], offset: int | None, body) -> Answer:
    """A finalized session answers a re-sent last chunk (identical bytes) with the same final answer."""
    if "upload" in commands:
        if offset is None:
            raise InvalidArgument("X-Goog-Upload-Offset is required with the upload command.")
        blob = await anyio.to_thread.run_sync(_open_blob, runtime, row)
        try:
            pos = offset
            async for piece in body:
                stored = await anyio.to_thread.run_sync(_read_at, blob, pos, len(piece))
                if stored != piece:
                    raise FailedPrecondition("This upload is already finalized; start a new upload to send more.")
                pos += len(piece)
        finally:
            await anyio.to_thread.run_sync(blob.close)
        if pos != row.committed_size:
            raise FailedPrecondition("This upload is already finalized; start a new upload to send more.")
    return await anyio.to_thread.run_sync(_query_answer, runtime, row)


def _open_blob(runtime, row):
    try:
        return runtime.blobs.open(_blob_key(row.file_id))
    except FileNotFoundError:
        raise NotFound("Upload session not found or expired.")


def _read_at(blob, pos: int, n: int) -> bytes:
    blob.seek(pos)
    return blob.read(n)


def _query_answer(runtime, row) -> Answer:
    if row.state != "final":
        return Answer("active", row.committed_size)
    file_row = files_service.get_row(runtime, row.tenant_id, row.file_id)
    return Answer("final", row.committed_size, files_service.resource(file_row, runtime.settings))


# ---------------------------------------------------------------------------------------------------- finalize


def _finalize(runtime: "Runtime", row, live: _Live) -> dict:
    scratch_copies: list[Path] = []
    try:
        return _finalize_from(runtime, row, live, scratch_copies)
    finally:
        for copy in scratch_copies:
            copy.unlink(missing_ok=True)


def _finalize_from(runtime: "Runtime", row, live: _Live, scratch_copies: list[Path]) -> dict:
    settings = runtime.settings
    size = row.committed_size
    if row.declared_size is not None and size != row.declared_size:
        raise InvalidArgument(
            f"Received {size} bytes but X-Goog-Upload-Header-Content-Length declared {row.declared_size}.")
    key = _blob_key(row.file_id)
    part = part_path(settings, row.id)
    try:
        check_quota(runtime, row.tenant_id, 0)  # this session's bytes already count
    except QuotaExceeded:
        discard(runtime, row.id)
        raise
    if row.file_name is not None and not files_service.free_name(runtime, row.tenant_id, row.file_name):
        discard(runtime, row.id)  # another upload took the name since this one started
        runtime.blobs.delete(key)
        raise _name_taken(row.file_name)
    if part.exists():
        source = part
    elif runtime.blobs.exists(key):
        # A crash after the move but before the row: finish the job. Probing needs a real file, so a store without
        # local paths (S3) lends a scratch copy.
        source = runtime.blobs.local_path(key) or _scratch_copy(runtime, key, scratch_copies)
    else:
        discard(runtime, row.id)
        raise FailedPrecondition("The bytes of this upload session were lost; start a new upload.")
    with open(source, "rb") as f:
        head = f.read(media_types.SNIFF_BYTES)
    # An empty file round-trips (the test plan's T3.1 uploads 0 bytes too): there is nothing to sniff or probe, so
    # it keeps the declared type; using it as media input is refused at create (services/media_inputs.py).
    sniffed = media_types.sniff(head) if size else (row.declared_mime or EMPTY_FILE_MIME)
    if sniffed is None:
        discard(runtime, row.id)
        raise UnsupportedMedia(
            f"The uploaded content is not a supported media type (allowed: {', '.join(media_types.ALLOWED_TYPES)}).")
    if not media_types.compatible(row.declared_mime, sniffed):
        discard(runtime, row.id)
        raise InvalidArgument(f"The declared mime type is {row.declared_mime} but the content is {sniffed}.",
                              field="mime_type")
    sha256 = live.hasher.hexdigest() if live.hashed == size and source == part else _sha256_of(source)
    video_metadata, error = (None, None)
    if size and media_types.kind_of(sniffed) in ("video", "image"):
        video_metadata, error = _probe_video(source, sniffed, settings.max_image_pixels)
    if source == part:
        _guard_disk(lambda: runtime.blobs.put_file(key, part))
    try:
        with runtime.db.begin() as conn:
            files_service.insert_row(
                conn, settings, tenant_id=row.tenant_id, mime_type=sniffed, size_bytes=size, sha256=sha256,
                source="UPLOADED", blob_key=key, state="FAILED" if error else "ACTIVE", display_name=row.display_name,
                video_metadata=video_metadata, file_id=row.file_id, name=row.file_name,
            )
            if error:
                files_service.touch(conn, row.file_id, error=error)
            conn.execute(update(upload_sessions).where(upload_sessions.c.id == row.id).values(state="final"))
            file_row = files_service.get_row(runtime, row.tenant_id, row.file_id, conn)
    except IntegrityError:
        if row.file_name is None:
            raise
        # Lost a race for the name against a concurrent finalize (the unique index decides).
        discard(runtime, row.id)
        runtime.blobs.delete(key)
        raise _name_taken(row.file_name)
    return files_service.resource(file_row, settings)


def _scratch_copy(runtime: "Runtime", key: str, scratch_copies: list[Path]) -> Path:
    copy = runtime.blobs.temp_path()
    scratch_copies.append(copy)
    with open(copy, "wb") as out:
        for chunk in runtime.blobs.iter_range(key):
            _guard_disk(lambda: out.write(chunk))
    return copy


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


# The container families we open, by sniffed type; FFmpeg never guesses a demuxer for uploaded bytes.
def _probe_video(path: Path, mime: str, max_pixels: int) -> tuple[dict | None, dict | None]:
    """(videoMetadata, error): the duration of a decodable video (None for an image), or a google.rpc.Status
    saying why the media is not usable. The decoding happens in a sandboxed child process (media/upload_probe.py)."""
    from omnireel.media.upload_probe import probe_upload

    seconds, error = probe_upload(path, mime, max_pixels)
    if error is not None:
        log.info("uploaded media did not pass the probe: %s", error)
        return None, _rpc_error(error)
    return ({"videoDuration": f"{round(seconds, 3)}s"} if seconds else None), None


def _rpc_error(message: str) -> dict:
    return {"code": 3, "message": message, "status": "INVALID_ARGUMENT"}


# ---------------------------------------------------------------------------------------------------- housekeeping


def part_path(settings, session_id: str) -> Path:
    return Path(settings.data_dir) / "uploads" / f"{session_id}.part"


def _blob_key(file_id: str) -> str:
    # Derived from the server-chosen file id so a finalize interrupted after the move can find its blob again.
    return "up" + file_id


def _load(runtime, session_id: str):
    with runtime.db.connect().execution_options(readonly=True) as conn:
        row = conn.execute(select(upload_sessions).where(upload_sessions.c.id == session_id)).first()
    if row is None or row.expires_at <= clock.now():
        raise NotFound("Upload session not found or expired.")
    return row


def discard(runtime: "Runtime", session_id: str) -> None:
    """Forget a session and its received bytes (cancel, or a finalize that can never succeed)."""
    with runtime.db.begin() as conn:
        conn.execute(delete(upload_sessions).where(upload_sessions.c.id == session_id))
    part_path(runtime.settings, session_id).unlink(missing_ok=True)


def expire_sessions(runtime: "Runtime", limit: int = 500) -> int:
    """Delete upload sessions past their expiry with their part files, and part files no session owns.

    Safe to call from the reaper thread at any interval; returns how many sessions and orphan parts it removed.
    """
    now = clock.now()
    with runtime.db.connect().execution_options(readonly=True) as conn:
        expired = conn.execute(
            select(upload_sessions.c.id).where(upload_sessions.c.expires_at <= now).limit(limit)
        ).scalars().all()
    for session_id in expired:
        with runtime.db.begin() as conn:
            conn.execute(delete(upload_sessions).where(
                upload_sessions.c.id == session_id, upload_sessions.c.expires_at <= now))
        part_path(runtime.settings, session_id).unlink(missing_ok=True)
    removed = len(expired)
    # A part whose row is gone (crash during start or discard) is garbage once it is older than one sweep.
    folder = Path(runtime.settings.data_dir) / "uploads"
    if folder.is_dir():
        cutoff = now - max(runtime.settings.sweep_interval_s, 60.0)
        for part in folder.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if part.stat().st_mtime > cutoff:
                    continue
                with runtime.db.connect().execution_options(readonly=True) as conn:
                    owned = conn.execute(
                        select(upload_sessions.c.id).where(upload_sessions.c.id == part.stem)).first()
                if owned is None:
                    part.unlink()
                    removed += 1
    return removed
