"""Resolve the media blocks of a request to stored files of the tenant (inline data is stored as a hidden file)."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from omnireel import ids, media_types
from omnireel.errors import FailedPrecondition, InvalidArgument
from omnireel.services import files as files_service
from omnireel.services.request_parsing import clip

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

_YOUTUBE = re.compile(r"^(https?://)?([a-z0-9-]+\.)?(youtube\.com|youtu\.be|youtube-nocookie\.com)(/|$)", re.I)


@dataclasses.dataclass(frozen=True)
class ResolvedMedia:
    kind: str  # image | video | audio
    file_id: str
    mime_type: str
    name: str | None
    display: dict  # the block as shown back to the user (uri instead of inline data)
    inline_bytes: bytes | None = None  # inline data, stored only once the whole request is valid
    field: str = ""  # where the block was in the request, for messages


def resolve_block(runtime: "Runtime", tenant_id: str, block: dict, field: str) -> ResolvedMedia:
    if "data" in block:
        if block.get("type") == "audio":
            # Said before decoding: audio is not on the allowlist, and a generic "not a supported media type"
            # would not tell the client that the block's kind, not its bytes, is the problem.
            raise InvalidArgument(f"{field}: audio inputs are not supported; give images or videos (every output "
                                  "gets its own soundtrack).", field=field, code="unsupported_media_type")
        raw, mime = files_service.decode_inline_media(runtime.settings, block["data"], block.get("mime_type"), field)
        return _resolved(runtime, ids.file_id(), mime, block, field, inline_bytes=raw)
    else:
        uri = block["uri"]
        if _YOUTUBE.match(uri.strip()):
            raise InvalidArgument(f"{field}: YouTube videos are not supported as media sources; upload the file with "
                                  "the Files API instead.", field=field, code="unsupported_source")
        file_id = files_service.parse_file_ref(uri)
        if file_id is None:
            raise InvalidArgument(
                f"{field}: uri {clip(repr(uri))} is not a Files API uri of this server; upload the media with the "
                "Files API (client.files.upload) and pass the returned file's uri.", field=field)
        row = files_service.get_by_name(runtime, tenant_id, file_id)
        if row.state == "PROCESSING":
            raise FailedPrecondition(f"{field}: file files/{file_id} is still PROCESSING; wait until it is ACTIVE.",
                                     field=field, code="file_not_ready")
        if row.state != "ACTIVE":
            raise InvalidArgument(f"{field}: file files/{file_id} is {row.state} and cannot be used.", field=field,
                                  code="file_failed")
        if row.size_bytes == 0:
            raise InvalidArgument(f"{field}: file files/{file_id} is empty (0 bytes), so it cannot be used as media "
                                  "input; upload the image or video again.", field=field, code="empty_media")
        declared = block.get("mime_type")
        if declared and not media_types.compatible(declared, row.mime_type):
            raise InvalidArgument(f"{field}: mime_type is {clip(declared)} but files/{file_id} is {row.mime_type}.",
                                  field=field)
    return _resolved(runtime, row.id, row.mime_type, block, field, shown_name=files_service.public_name(row))


def _resolved(runtime: "Runtime", file_id: str, mime: str, block: dict, field: str,
              inline_bytes: bytes | None = None, shown_name: str | None = None) -> ResolvedMedia:
    kind = media_types.kind_of(mime)
    if kind not in ("image", "video"):
        raise InvalidArgument(f"{field}: {mime} inputs are not supported yet; give images or videos.",
                              field=field, code="unsupported_media_type")
    display = {"type": kind, "mime_type": mime,
               "uri": files_service.file_uri(runtime.settings, shown_name or file_id)}
    if block.get("name"):
        display["name"] = block["name"]
    return ResolvedMedia(kind, file_id, mime, block.get("name"), display, inline_bytes, field)


def check_inline_media(runtime: "Runtime", resolved: list[ResolvedMedia]) -> None:
    """Refuse inline images and videos that an upload of the same bytes would leave FAILED: an image over the pixel
    cap (read from the header, before decoding) or one that does not decode; a video that does not open, has no
    decodable first frame, uses a codec outside the allowlist, is over the pixel cap per frame or is cut off
    after its index. Without this a broken inline video was only found by the render, as a failed job.

    The checks run in the sandboxed probe child (media/upload_probe.py: memory, CPU and wall-clock limits), never
    in this process, where hostile media could take memory from every request. The work is bounded: a video is
    demuxed (not decoded) to its end and only its first frame is decoded, and inline data is capped at
    max_inline_input_bytes. One child checks all of a request's inline media; a request without any starts none."""
    from omnireel.media.upload_probe import probe_files

    inline = [m for m in resolved if m.inline_bytes is not None and m.kind in ("image", "video")]
    if not inline:
        return
    with tempfile.TemporaryDirectory(prefix="omnireel-inline-") as folder:
        paths = []
        for n, media in enumerate(inline):
            path = Path(folder) / f"{n}"
            path.write_bytes(media.inline_bytes)
            paths.append((path, media.mime_type))
        results = probe_files(paths, runtime.settings.max_image_pixels)
    for media, (_seconds, error) in zip(inline, results):
        if error is not None:
            # The probe's messages are ours (upload_probe never passes decoder text on).
            raise InvalidArgument(f"{media.field}: {error}", field=media.field, code="invalid_media")



def persist_inline(runtime: "Runtime", conn, tenant_id: str, media: ResolvedMedia, blob_key: str) -> None:
    """Insert the hidden file row of inline media inside the create transaction."""
    import hashlib

    files_service.insert_row(
        conn, runtime.settings, tenant_id=tenant_id, mime_type=media.mime_type, size_bytes=len(media.inline_bytes),
        sha256=hashlib.sha256(media.inline_bytes).hexdigest(), source="INLINE", blob_key=blob_key,
        file_id=media.file_id)
