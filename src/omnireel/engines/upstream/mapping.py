"""Pure mapping between our EngineRequest and the hosted Interactions wire format (see the wire spec, §2)."""

from __future__ import annotations

import base64
import binascii
import math
import re
from pathlib import Path

from omnireel.engines.base import EngineRequest
from omnireel.engines.registry import PUBLIC_MODELS

# What a request on our own `omnireel-upstream` id (not a hosted model) asks the upstream for.
FALLBACK_MODEL = "gemini-omni-flash-preview"
SOURCE_TASKS = ("edit", "extend", "upscale")
TERMINAL_STATUSES = ("completed", "failed", "cancelled", "incomplete")
# The hosted API (wire spec §2.3) reports no progress; a generation takes about this long, so the progress bar
# approaches 95 % along 1 - exp(-t / T) instead of jumping from 0 to 100.
TYPICAL_GENERATION_S = 30.0
_FILE_ID = re.compile(r"/files/([A-Za-z0-9_-]{1,128})")
_B64_STEP = 4 * 65536  # base64 characters decoded at a time: a whole number of 4-character groups


def upstream_model(request: EngineRequest, configured: str) -> str:
    """The model id to ask the upstream for: the configured one, else the id the client asked us for."""
    if configured:
        return configured
    asked = request.options.get("model") or ""
    return asked if asked in PUBLIC_MODELS else FALLBACK_MODEL


def _inferred_task(images: int, videos: int) -> str:
    """What the hosted API infers without `video_config.task` (wire spec §2.1, and our own create service)."""
    if videos:
        return "edit"
    if images == 0:
        return "text_to_video"
    return "image_to_video" if images <= 2 else "reference_to_video"


def response_format(request: EngineRequest) -> dict:
    """The video response_format. For edit, extend and upscale only what the user set explicitly is sent, so the
    upstream keeps its source's size and duration the way we would; a new video gets every field."""
    fmt: dict = {"type": "video", "delivery": "uri"}  # uri: the video is streamed to disk, never a JSON string
    explicit = set(request.options.get("explicit_format") or ())
    every = request.task not in SOURCE_TASKS
    if every or "aspect_ratio" in explicit:
        fmt["aspect_ratio"] = request.aspect_ratio
    if every or "resolution" in explicit:
        fmt["resolution"] = request.resolution
    if every or "duration_s" in explicit:
        fmt["duration"] = f"{request.duration_s:g}s"
    return fmt


def inline_image_block(path: Path, mime_type: str) -> dict:
    return {"type": "image", "mime_type": mime_type, "data": base64.b64encode(path.read_bytes()).decode("ascii")}


def build_create_body(request: EngineRequest, model: str, uploaded: dict[Path, dict]) -> dict:
    """The create body for `request`. `uploaded` maps each local video/audio path (the source video included) to
    the block that references its upstream Files API copy; images travel inline."""
    blocks: list[dict] = []
    videos = images = 0
    if request.source_video is not None:
        blocks.append(dict(uploaded[request.source_video]))
        videos += 1
    for media in request.media:
        if media.kind == "image":
            blocks.append(inline_image_block(media.path, media.mime_type))
            images += 1
        else:
            block = dict(uploaded[media.path])
            if media.name:
                block["name"] = media.name
            blocks.append(block)
            videos += media.kind == "video"
    body: dict = {"model": model, "background": True, "response_format": response_format(request)}
    if blocks:
        if request.prompt:
            blocks.append({"type": "text", "text": request.prompt})
        body["input"] = [{"type": "user_input", "content": blocks}]
    else:
        body["input"] = request.prompt
    generation_config: dict = {}
    # The task is sent only where the upstream would infer another one; a plain request stays plain.
    if request.task != _inferred_task(images, videos):
        generation_config["video_config"] = {"task": request.task}
    if request.seed:  # 0 is what our parser stores when no seed was given
        generation_config["seed"] = int(request.seed)
    if generation_config:
        body["generation_config"] = generation_config
    if request.system_instruction:
        body["system_instruction"] = request.system_instruction
    safety = request.options.get("safety_settings")
    if safety:
        body["safety_settings"] = [dict(s) for s in safety]
    return body


def _after_last_input(interaction: dict) -> list[dict]:
    steps = [s for s in interaction.get("steps") or [] if isinstance(s, dict)]
    for i in range(len(steps) - 1, -1, -1):
        if steps[i].get("type") == "user_input":
            return steps[i + 1:]
    return steps


def _output_blocks(interaction: dict) -> list[dict]:
    return [b for s in _after_last_input(interaction) if s.get("type") == "model_output"
            for b in s.get("content") or [] if isinstance(b, dict)]


def output_video_block(interaction: dict) -> dict | None:
    """The last video block of this turn's output, as the SDK's `output_video` picks it."""
    videos = [b for b in _output_blocks(interaction) if b.get("type") == "video" and (b.get("data") or b.get("uri"))]
    return videos[-1] if videos else None


def output_text(interaction: dict) -> str:
    return "\n".join(b["text"] for b in _output_blocks(interaction)
                     if b.get("type") == "text" and isinstance(b.get("text"), str)).strip()


def progress_fraction(interaction: dict, elapsed_s: float) -> float:
    """Progress in [0, 0.95]: the upstream's own percent when it reports one (omnireel servers do), else an
    estimate from the time spent."""
    progress = interaction.get("progress")
    if isinstance(progress, dict) and isinstance(progress.get("percent"), (int, float)):
        return min(0.95, max(0.0, float(progress["percent"]) / 100))
    return 0.95 * (1 - math.exp(-max(0.0, elapsed_s) / TYPICAL_GENERATION_S))


def file_id_from_uri(uri: str) -> str | None:
    """The Files API id in an output URI (`https://host/v1beta/files/abc`, `files/abc`, `…/files/abc:download`)."""
    if uri.startswith("files/"):
        uri = "/" + uri
    match = _FILE_ID.search(uri)
    return match.group(1) if match else None


def decode_inline(data: str, path: Path) -> int:
    """Decode base64 `data` into `path` a slice at a time (no second whole copy in memory); returns the bytes
    written. Raises ValueError if the data is not base64."""
    data = "".join(data.split()) if any(c.isspace() for c in data[:1024]) else data
    written = 0
    with open(path, "wb") as out:
        for start in range(0, len(data), _B64_STEP):
            try:
                chunk = base64.b64decode(data[start:start + _B64_STEP], validate=True)
            except binascii.Error as exc:
                raise ValueError("not base64") from exc
            out.write(chunk)
            written += len(chunk)
    return written
