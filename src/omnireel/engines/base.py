"""The Engine protocol and the request/output types every engine shares.

An engine knows nothing of HTTP, tenants or SQL: it gets a resolved request (local media paths, validated options)
and a context (progress, cancellation, scratch space) and writes one MP4 to the path it is given.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Callable, Protocol

TASKS = ("text_to_video", "image_to_video", "reference_to_video", "edit", "extend", "upscale")
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
RESOLUTIONS = ("360p", "720p", "1080p", "4k")
FPS = 24
MIN_DURATION_S = 3
MAX_DURATION_S = 15
DEFAULT_DURATION_S = 8

# Short side in pixels for each resolution; the long side follows the aspect ratio (16:9 720p = 1280x720).
_SHORT_SIDE = {"360p": 360, "720p": 720, "1080p": 1080, "4k": 2160}


def frame_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """(width, height) in pixels for an aspect ratio and resolution; both even, as yuv420p requires."""
    short = _SHORT_SIDE[resolution]
    if aspect_ratio == "1:1":
        return short, short
    long = short * 16 // 9
    long += long % 2
    return (long, short) if aspect_ratio == "16:9" else (short, long)


@dataclasses.dataclass(frozen=True)
class MediaInput:
    """One media item of the request, already stored locally. `role` comes from prompt tags or position."""

    kind: str  # image | video | audio
    path: Path
    mime_type: str
    role: str | None = None  # first_frame | last_frame | ref_1..ref_6 | source
    name: str | None = None  # user label (video blocks)


@dataclasses.dataclass(frozen=True)
class EngineRequest:
    task: str
    prompt: str
    aspect_ratio: str = "16:9"
    resolution: str = "720p"
    duration_s: float = DEFAULT_DURATION_S
    fps: int = FPS
    seed: int = 0
    media: tuple[MediaInput, ...] = ()
    # The video a stateful edit / extend / upscale starts from (previous turn's output or an uploaded file).
    source_video: Path | None = None
    system_instruction: str | None = None
    options: dict = dataclasses.field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.aspect_ratio, self.resolution)

    @property
    def frame_count(self) -> int:
        return round(self.duration_s * self.fps)


def request_rng(request: EngineRequest, salt: str = ""):
    """A numpy generator seeded by the request's seed, prompt and shape: same request + seed, same output. hashlib
    rather than hash(), which is salted per process."""
    import numpy as np

    key = f"{request.seed}|{request.task}|{request.prompt}|{request.aspect_ratio}|{request.resolution}|{salt}"
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little"))


@dataclasses.dataclass
class EngineOutput:
    video_path: Path  # the MP4 the engine wrote (the path it was given)
    text: str = ""  # shown to the user as output text: the shot/edit plan, notes, what was understood
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    fps: float = FPS
    has_audio: bool = True


class EngineContext(Protocol):
    def progress(self, stage: str, fraction: float) -> None:
        """Report progress in [0, 1] for the current stage; also a cancellation point (raises JobCancelled)."""

    def check_cancelled(self) -> None:
        """Raise errors.JobCancelled if the user cancelled; call between steps."""

    @property
    def scratch_dir(self) -> Path:
        """A private temp directory for this run, removed afterwards."""


class Engine(Protocol):
    name: str

    def tasks(self) -> tuple[str, ...]:
        """The tasks this engine can run."""

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        """Render the request to `output_path` (H.264 + AAC MP4). Raise errors.EngineFailure subclasses for
        failures the user should see; anything else is reported as an internal error."""


@dataclasses.dataclass
class SimpleContext:
    """A context for running an engine outside the job system (tests, CLI tools, benchmarks)."""

    scratch_dir: Path
    on_progress: Callable[[str, float], None] | None = None
    cancelled: Callable[[], bool] | None = None

    def progress(self, stage: str, fraction: float) -> None:
        if self.on_progress:
            self.on_progress(stage, fraction)
        self.check_cancelled()

    def check_cancelled(self) -> None:
        from omnireel.errors import JobCancelled

        if self.cancelled and self.cancelled():
            raise JobCancelled()
