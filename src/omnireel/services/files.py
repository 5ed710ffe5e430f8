"""Files: the one store of media (uploads, inline request media, generated outputs); rows are tenant-scoped."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from omnireel import clock, ids, media_types
from omnireel.errors import FileExpired, InvalidArgument, NotFound
from omnireel.services.request_parsing import clip
from omnireel.storage.tables import files

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

# A public file name: a server id (lowercase alphanumerics) or a client-chosen name, which Google allows to hold
# dashes too: up to 40 characters, not starting or ending with a dash.
NAME_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?"
_NAME = re.compile(NAME_PATTERN)
_URI_ID = re.compile(rf"(?:^|/)files/({NAME_PATTERN})(?:[:/?#]|$)")
_BARE_ID = re.compile(r"[a-z0-9]{1,40}")
# How long the row of an expired file is kept (without its media), to answer 'expired' rather than 'not found'.
EXPIRED_KEPT_S = 7 * 24 * 3600.0


def parse_file_ref(ref: str) -> str | None:
    """The file name in `files/<name>`, `<name>`, or any URI containing `/files/<name>` (whatever its host or
    scheme)."""
    ref = ref.strip()
    match = _URI_ID.search(ref)
    if match:
        return match.group(1)
    if _NAME.fullmatch(ref):
        return ref
    return None


def is_file_name(value: str) -> bool:
    return _NAME.fullmatch(value) is not None


def public_name(row) -> str:
    """The name a client sees and uses (`files/<it>`): its own choice, else the server id."""
    return row.name or row.id


def file_uri(settings, file_id: str) -> str:
    # https:// so that files.download(file=uri) in the SDK can parse it; the SDK ignores the host anyway.
    base = settings.base_url
    if base.startswith("http://"):
        base = "https://" + base[len("http://") :]
    return f"{base}/v1beta/files/{file_id}"


def resource(row, settings) -> dict:
    """A File as the Files API returns it (Google proto-JSON camelCase)."""
    name = public_name(row)
    out = {
        "name": f"files/{name}",
        "mimeType": row.mime_type,
        "sizeBytes": str(row.size_bytes or 0),
        "createTime": clock.rfc3339(row.created_at),
        "updateTime": clock.rfc3339(row.updated_at),
        "state": row.state,
        "source": "GENERATED" if row.source == "GENERATED" else "UPLOADED",
        "uri": file_uri(settings, name),
    }
    if row.display_name:
        out["displayName"] = row.display_name
    if row.expires_at:
        out["expirationTime"] = clock.rfc3339(row.expires_at)
    if row.sha256:
        out["sha256Hash"] = base64.b64encode(row.sha256.encode()).decode()
    if row.state == "ACTIVE":
        out["downloadUri"] = f"{settings.base_url}/v1beta/files/{name}:download?alt=media"
    if row.video_metadata:
        out["videoMetadata"] = row.video_metadata
    if row.error:
        out["error"] = row.error
    return out


def get_row(runtime: "Runtime", tenant_id: str, file_id: str, conn: Connection | None = None):
    """The tenant's live file row by server id; another tenant's or an expired file is simply not found."""
    return _live_row(runtime, select(files).where(files.c.id == file_id, files.c.tenant_id == tenant_id), file_id,
                     conn)


def get_by_name(runtime: "Runtime", tenant_id: str, name: str, conn: Connection | None = None):
    """The tenant's live file row by the name clients use (`files/<name>`): a chosen name, or the server id of a
    file without one. The id of a file with a chosen name is never shown, so it does not resolve."""
    return _live_row(runtime, select(files).where(files.c.tenant_id == tenant_id, _named(name)), name, conn)


def _named(name: str):
    return or_(files.c.name == name, and_(files.c.name.is_(None), files.c.id == name))


def _live_row(runtime: "Runtime", query, shown: str, conn: Connection | None):
    if conn is None:
        with runtime.db.connect().execution_options(readonly=True) as c:
            row = c.execute(query).first()
    else:
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"File files/{shown} not found.")
    if row.expires_at is not None and row.expires_at <= clock.now():
        hours = runtime.settings.file_ttl_s / 3600
        raise FileExpired(f"File files/{shown} expired at {clock.rfc3339(row.expires_at)} (files are kept "
                          f"{hours:g} hours after upload); upload it again.")
    return row


def free_name(runtime: "Runtime", tenant_id: str, name: str) -> bool:
    """Whether the tenant can give a new file this name. An expired file that the reaper has not removed yet is
    removed now (blob first, as the reaper does), so it does not hold the name."""
    with runtime.db.connect().execution_options(readonly=True) as conn:
        taken = conn.execute(select(files.c.id, files.c.blob_key, files.c.expires_at)
                             .where(files.c.tenant_id == tenant_id, _named(name))).fetchall()
    for row in taken:
        if row.expires_at is None or row.expires_at > clock.now():
            return False
        if row.blob_key:
            runtime.blobs.delete(row.blob_key)
        with runtime.db.begin() as conn:
            conn.execute(delete(files).where(files.c.id == row.id))
    return True


def insert_row(conn: Connection, settings, *, tenant_id: str, mime_type: str, size_bytes: int, sha256: str | None,
               source: str, blob_key: str | None, state: str = "ACTIVE", display_name: str | None = None,
               video_metadata: dict | None = None, file_id: str | None = None, name: str | None = None) -> str:
    """Insert a file row inside the caller's transaction (outputs commit together with their job)."""
    now = clock.now()
    file_id = file_id or ids.file_id()
    conn.execute(
        insert(files).values(
            id=file_id, tenant_id=tenant_id, name=name, display_name=display_name, mime_type=mime_type, size_bytes=size_bytes,
            sha256=sha256, state=state, source=source, blob_key=blob_key, video_metadata=video_metadata,
            created_at=now, updated_at=now, expires_at=now + settings.file_ttl_s,
        )
    )
    return file_id


def decode_inline_media(settings, b64: str, declared_mime: str | None, field: str) -> tuple[bytes, str]:
    """Decode a base64 `data` block of a request and check its type against the allowlist: (bytes, sniffed type)."""
    # Bad inline data is a 400 INVALID_ARGUMENT, as the hosted API answers ("Request payload size exceeds the
    # limit", "Unsupported MIME type"): the SDK raises BadRequestError for it, but a bare APIStatusError for 413/415.
    if len(b64) > settings.max_inline_input_bytes * 4 // 3 + 4:
        raise InvalidArgument(
            f"{field}: inline data is larger than {settings.max_inline_input_bytes // (1024 * 1024)} MB; "
            "upload it with the Files API and pass its uri instead.", field=field, code="inline_data_too_large")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError):
        raise InvalidArgument(f"{field}: 'data' is not valid base64.", field=field)
    sniffed = media_types.sniff(raw[: media_types.SNIFF_BYTES])
    if sniffed is None:
        raise InvalidArgument(
            f"{field}: the data is not a supported media type (allowed: {', '.join(media_types.ALLOWED_TYPES)}).",
            field=field, code="unsupported_media_type")
    if not media_types.compatible(declared_mime, sniffed):
        raise InvalidArgument(f"{field}: mime_type is {clip(declared_mime)} but the data is {sniffed}.",
                              field=field)
    return raw, sniffed


def store_inline_blob(runtime: "Runtime", raw: bytes) -> str:
    """Write inline request media to a fresh blob; the caller commits its file row (INLINE, hidden from lists)."""
    blob_key = "in" + ids.new_id(24)
    runtime.blobs.put_chunks(blob_key, [raw])
    return blob_key


def mark_deleted(runtime: "Runtime", tenant_id: str, name: str) -> None:
    with runtime.db.begin() as conn:
        row = get_by_name(runtime, tenant_id, name, conn)
        conn.execute(delete(files).where(files.c.id == row.id, files.c.tenant_id == tenant_id))
    if row.blob_key:
        runtime.blobs.delete(row.blob_key)


def expire(runtime: "Runtime", limit: int = 500) -> int:
    """Delete the media of files past their expiry (blobs first, so a crash leaves a row pointing at nothing
    rather than an orphan). The row stays EXPIRED_KEPT_S longer, without its media, so asking for the file says it
    expired rather than that it never existed; then it is deleted too. Returns how many files lost their media."""
    now = clock.now()
    with runtime.db.connect().execution_options(readonly=True) as conn:
        rows = conn.execute(
            select(files.c.id, files.c.blob_key).where(files.c.expires_at <= now, files.c.blob_key.is_not(None))
            .limit(limit)
        ).fetchall()
    for row in rows:
        runtime.blobs.delete(row.blob_key)
        with runtime.db.begin() as conn:
            conn.execute(update(files).where(files.c.id == row.id).values(blob_key=None, size_bytes=0))
    with runtime.db.begin() as conn:
        conn.execute(delete(files).where(files.c.expires_at <= now - EXPIRED_KEPT_S))
    return len(rows)


def touch(conn: Connection, file_id: str, **values) -> None:
    conn.execute(update(files).where(files.c.id == file_id).values(updated_at=clock.now(), **values))


def _encode_page_token(created_at: float, file_id: str) -> str:
    raw = json.dumps([created_at, file_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_page_token(token: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        created_at, file_id = json.loads(raw)
        if not isinstance(created_at, (int, float)) or isinstance(created_at, bool) or not _BARE_ID.fullmatch(file_id):
            raise ValueError
        return float(created_at), file_id
    except (ValueError, TypeError, binascii.Error):
        raise InvalidArgument("pageToken is not a token returned by a previous files.list call.", field="pageToken")


def list_page(runtime: "Runtime", tenant_id: str, page_size: int, page_token: str | None = None):
    """One page of the tenant's listable files, newest first, and the token of the next page (None on the last).

    Paging is by keyset (created_at, id) rather than offset, so files created or deleted between calls neither
    repeat nor vanish from later pages. Request media (source INLINE) and expired files are never listed.
    """
    now = clock.now()
    query = select(files).where(
        files.c.tenant_id == tenant_id,
        files.c.source != "INLINE",
        or_(files.c.expires_at.is_(None), files.c.expires_at > now),
    )
    if page_token:
        created_at, file_id = _decode_page_token(page_token)
        query = query.where(
            or_(files.c.created_at < created_at, and_(files.c.created_at == created_at, files.c.id < file_id))
        )
    # One extra row tells us whether another page exists without a COUNT query.
    query = query.order_by(files.c.created_at.desc(), files.c.id.desc()).limit(page_size + 1)
    with runtime.db.connect().execution_options(readonly=True) as conn:
        rows = conn.execute(query).fetchall()
    if len(rows) <= page_size:
        return rows, None
    rows = rows[:page_size]
    return rows, _encode_page_token(rows[-1].created_at, rows[-1].id)
