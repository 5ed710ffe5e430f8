"""Resolve the media blocks of a request to stored files of the tenant (inline data is stored as a hidden file)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from omnireel import media_types
from omnireel.errors import FailedPrecondition, InvalidArgument
from omnireel.services import files as files_service

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


def resolve_block(runtime: "Runtime", tenant_id: str, block: dict, field: str) -> ResolvedMedia:
    if "data" in block:
        row = files_service.store_inline_media(runtime, tenant_id, block["data"], block.get("mime_type"), field)
    else:
        uri = block["uri"]
        if _YOUTUBE.match(uri.strip()):
            raise InvalidArgument(f"{field}: YouTube videos are not supported as media sources; upload the file with "
                                  "the Files API instead.", field=field, code="unsupported_source")
        file_id = files_service.parse_file_ref(uri)
        if file_id is None:
            raise InvalidArgument(
                f"{field}: uri {uri!r} is not a Files API uri of this server; upload the media with the Files API "
                "(client.files.upload) and pass the returned file's uri.", field=field)
        row = files_service.get_row(runtime, tenant_id, file_id)
        if row.state == "PROCESSING":
            raise FailedPrecondition(f"{field}: file files/{file_id} is still PROCESSING; wait until it is ACTIVE.",
                                     field=field, code="file_not_ready")
        if row.state != "ACTIVE":
            raise InvalidArgument(f"{field}: file files/{file_id} is {row.state} and cannot be used.", field=field,
                                  code="file_failed")
        declared = block.get("mime_type")
        if declared and not media_types.compatible(declared, row.mime_type):
            raise InvalidArgument(f"{field}: mime_type is {declared} but files/{file_id} is {row.mime_type}.",
                                  field=field)
    kind = media_types.kind_of(row.mime_type)
    if kind not in ("image", "video"):
        raise InvalidArgument(f"{field}: {row.mime_type} inputs are not supported yet; give images or videos.",
                              field=field, code="unsupported_media_type")
    display = {"type": kind, "mime_type": row.mime_type, "uri": files_service.file_uri(runtime.settings, row.id)}
    if block.get("name"):
        display["name"] = block["name"]
    return ResolvedMedia(kind, row.id, row.mime_type, block.get("name"), display)
