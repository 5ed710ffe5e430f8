"""UpstreamEngine: one job as one background interaction on the upstream, from upload to a probed MP4 on disk."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from omnireel.config import Settings, is_loopback
from omnireel.engines.base import TASKS, EngineContext, EngineOutput, EngineRequest
from omnireel.engines.upstream import mapping
from omnireel.engines.upstream.failures import (
    UpstreamBadOutput,
    UpstreamTimeout,
    from_failed_interaction,
)
from omnireel.engines.upstream.transport import UpstreamClient, checked_id
from omnireel.errors import InvalidMedia

log = logging.getLogger("omnireel.engines.upstream")

# Shares of the progress bar: uploading sources, waiting on the upstream, downloading the result.
_UPLOAD, _GENERATE = 0.10, 0.85


class UpstreamEngine:
    name = "upstream"

    def __init__(self, settings: Settings):
        self._settings = settings
        parts = urlsplit(settings.upstream_base_url)
        if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
            log.warning("OMNIREEL_UPSTREAM_BASE_URL is not https: the upstream API key will cross the network "
                        "unencrypted")

    def tasks(self) -> tuple[str, ...]:
        return TASKS

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        """Forward `request` to the upstream and write the video it makes to `output_path`. Failures are
        EngineFailure subclasses with our own messages (failures.py); a cancel or a job timeout while the upstream
        works cancels the upstream interaction too."""
        settings = self._settings
        client = UpstreamClient(settings, ctx)
        uploaded_names: list[str] = []
        try:
            deadline = time.monotonic() + settings.upstream_timeout_s
            uploaded = self._upload_media(client, request, ctx, deadline, uploaded_names)
            body = mapping.build_create_body(request, mapping.upstream_model(request, settings.upstream_model),
                                             uploaded)
            created = client.create(body, uuid.uuid4().hex)
            interaction_id = checked_id(created.get("id"), "interaction")
            log.info("upstream interaction %s created for task %s", interaction_id, request.task)
            try:
                finished = self._wait(client, interaction_id, created, ctx, deadline)
            except Exception:
                # Cancelled, timed out, or the upstream stopped answering: nobody will collect this render, so
                # stop paying for it (a retried job starts a new one).
                client.cancel(interaction_id)
                raise
            if finished.get("status") != "completed":
                raise from_failed_interaction(finished)
            self._fetch(client, finished, ctx, output_path)
        finally:
            for name in uploaded_names:
                client.delete_file(name)
            client.close()
        return _probed_output(output_path, mapping.output_text(finished))

    def _upload_media(self, client: UpstreamClient, request: EngineRequest, ctx: EngineContext, deadline: float,
                      uploaded_names: list[str]) -> dict[Path, dict]:
        """Upload the source video and any other non-image media through the Files API (images go inline)."""
        items = [(request.source_video, _sniffed_video_type(request.source_video))] if request.source_video else []
        items += [(m.path, m.mime_type) for m in request.media if m.kind != "image"]
        total = sum(path.stat().st_size for path, _ in items) or 1
        done = 0
        blocks: dict[Path, dict] = {}
        for path, mime_type in items:
            if path in blocks:
                continue
            kind = mime_type.split("/", 1)[0] if mime_type.split("/", 1)[0] in ("video", "audio") else "video"

            def on_bytes(sent: int, base=done) -> None:
                ctx.progress("upload", _UPLOAD * (base + sent) / total)

            file = client.upload(path, mime_type, on_bytes)
            uploaded_names.append(str(file.get("name", "")))
            file = client.wait_until_active(file, deadline, self._settings.upstream_poll_interval_s)
            uri = file.get("uri") or file.get("name")
            if not isinstance(uri, str) or not uri:
                raise UpstreamBadOutput("The upstream service accepted an upload but gave no URI for it.")
            blocks[path] = {"type": kind, "uri": uri, "mime_type": file.get("mimeType") or mime_type}
            done += path.stat().st_size
        return blocks

    def _wait(self, client: UpstreamClient, interaction_id: str, interaction: dict, ctx: EngineContext,
              deadline: float) -> dict:
        """Poll until the upstream interaction is terminal, reporting progress (also our cancellation point)."""
        started = time.monotonic()
        poll_s = self._settings.upstream_poll_interval_s
        shown = 0.0
        while interaction.get("status") not in mapping.TERMINAL_STATUSES:
            # The upstream's percent can restart with each of its stages; our bar only moves forward.
            shown = max(shown, mapping.progress_fraction(interaction, time.monotonic() - started))
            ctx.progress("generate", _UPLOAD + _GENERATE * shown)
            if time.monotonic() > deadline:  # run() cancels the upstream interaction on the way out
                raise UpstreamTimeout(f"The upstream service did not finish the video within "
                                      f"{self._settings.upstream_timeout_s:g} s, so it was cancelled.")
            wake = time.monotonic() + poll_s
            while time.monotonic() < wake:
                ctx.check_cancelled()
                time.sleep(min(0.1, max(0.0, wake - time.monotonic())))
            interaction = client.get(interaction_id)
        log.info("upstream interaction %s ended %s", interaction_id, interaction.get("status"))
        return interaction

    def _fetch(self, client: UpstreamClient, interaction: dict, ctx: EngineContext, output_path: Path) -> None:
        block = mapping.output_video_block(interaction)
        if block is None:
            raise UpstreamBadOutput("The upstream service finished without returning a video.")
        if block.get("data"):
            try:
                mapping.decode_inline(block["data"], output_path)
            except ValueError as exc:
                raise UpstreamBadOutput("The upstream service returned video data that is not base64.") from exc
        else:
            file_id = mapping.file_id_from_uri(str(block.get("uri") or ""))
            if file_id is None:
                raise UpstreamBadOutput("The upstream service returned a video URI that is not a Files API URI.")

            def on_bytes(received: int) -> None:
                ctx.check_cancelled()

            client.download(file_id, output_path, on_bytes)
        ctx.progress("download", 1.0)


def _sniffed_video_type(path: Path) -> str:
    """The source video's type from its bytes (the request gives only a path); MP4 when unsure."""
    from omnireel import media_types

    with open(path, "rb") as f:
        sniffed = media_types.sniff(f.read(media_types.SNIFF_BYTES))
    return sniffed if sniffed in media_types.VIDEO_TYPES else "video/mp4"


def _probed_output(path: Path, text: str) -> EngineOutput:
    """Check the file is an MP4 with a video stream (the upstream's word is not enough) and describe it."""
    from omnireel.media.probe import probe

    with open(path, "rb") as f:
        head = f.read(12)
    if len(head) < 12 or head[4:8] != b"ftyp":
        raise UpstreamBadOutput("The upstream service returned a file that is not an MP4 video.")
    try:
        info = probe(path)
    except InvalidMedia as exc:
        raise UpstreamBadOutput("The upstream service returned an MP4 that cannot be read.") from exc
    if not info.video_codec or info.width <= 0 or info.height <= 0 or info.duration_s <= 0:
        raise UpstreamBadOutput("The upstream service returned an MP4 without a playable video stream.")
    return EngineOutput(video_path=path, text=text, width=info.width, height=info.height,
                        duration_s=info.duration_s, fps=info.fps or 24.0, has_audio=info.has_audio)
