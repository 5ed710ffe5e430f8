"""Shared plumbing of the builtin renderers: seeded randomness, easing, and the frames+audio → MP4 loop with
progress reporting (which is also the cancellation point)."""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from omnireel.engines.base import EngineContext, EngineRequest, request_rng  # noqa: F401 - renderers call common.request_rng
from omnireel.media.encode import VideoWriter
from omnireel.media.opencv_threads import SingleThreaded

ZOOM_ROOM = 2.0  # above the closest camera over a still (crash zoom 1.68x, a fast push 1.6x) with room to spare
PROGRESS_EVERY = 6  # frames; ~4 reports per second of video, cheap and responsive to cancel


def ease_in_out(x: float) -> float:
    """Smoothstep-like cubic ease: camera moves start and stop without a jolt."""
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def ease_out(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return 1 - (1 - x) ** 3


def encode(
    request: EngineRequest,
    ctx: EngineContext,
    output_path: Path,
    frames: Iterable[np.ndarray],
    audio: np.ndarray | Callable[[], np.ndarray],
    *,
    stage: str = "render",
    opencv_pool: bool = True,
    size: tuple[int, int] | None = None,
    crf: int | None = None,
) -> int:
    """Write the clip's frames (RGB, or already I420: 2-D (height * 3 / 2, width) arrays) and soundtrack as an
    H.264 + AAC MP4 at request.size and request.fps, reporting progress; exactly request.frame_count frames (a
    short generator is an error: the duration is a promise). `audio` is the samples, or a function returning
    them (e.g. `functools.partial(soundtrack, plan, duration, rng, cues=cues)`) so synthesis runs off the
    critical path too.

    Three things overlap: frames render (and convert to I420) on a worker thread, the soundtrack is synthesised
    and AAC-encoded on another, and x264 encodes on this one (with its own threads). Renderers much lighter than
    the encoder pass `opencv_pool=False`: x264's threads fill the cores already, so OpenCV runs single-threaded
    meanwhile (see `opencv_threads`); heavy renderers keep OpenCV's pool, which then shortens the clip.

    `size` overrides request.size (an edit keeps its source's exact pixel size, which no aspect ratio and
    resolution pair may name); `crf` overrides the encoder's default quality (an edit re-encodes pixels it
    promises to keep, so it asks for less loss)."""
    width, height = size or request.size
    total = request.frame_count
    ctx.progress(stage, 0.0)
    quality = {} if crf is None else {"crf": crf}
    with (contextlib.nullcontext() if opencv_pool else SingleThreaded()), VideoWriter(output_path, width, height, fps=request.fps, **quality) as writer:
        writer.write_audio_async(audio)
        i420 = (f if f.ndim == 2 else writer.to_i420(f) for f in frames)
        for i, yuv in enumerate(_prefetch(i420, total)):
            if i >= total:
                break
            writer.write_i420(yuv)
            if (i + 1) % PROGRESS_EVERY == 0:
                ctx.progress(stage, (i + 1) / total)
        if writer.frames_written != total:
            raise RuntimeError(f"renderer produced {writer.frames_written} of {total} frames")
    ctx.progress(stage, 1.0)
    return total


def _prefetch(frames: Iterable[np.ndarray], total: int, depth: int = 3):
    """Render the next frames on a worker thread while the caller encodes: OpenCV, numpy and x264 release the
    GIL, so rendering and encoding overlap. The bounded queue keeps memory flat (at most `depth` frames ahead)."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def work():
        try:
            for i, f in enumerate(frames):
                if stop.is_set() or i >= total:
                    break
                q.put(f)
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            q.put(exc)

    t = threading.Thread(target=work, name="omnireel-render", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # Unblock a producer waiting on a full queue, then let it finish.
        while t.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                t.join(0.05)


def load_images(request: EngineRequest) -> list[np.ndarray]:
    """The request's images as RGB arrays, in order. Transparent images are laid over a soft neutral backdrop
    (their opaque pixels are kept as they are)."""
    from omnireel.media.decode import read_image, split_alpha

    max_pixels = int(request.options.get("max_image_pixels", 40_000_000))
    # No camera over a still goes closer than ZOOM_ROOM times the framing that covers the frame, so more pixels
    # than that are never shown: bigger photos are reduced on load (memory and time scale with them).
    width, height = request.size
    cover = (width * ZOOM_ROOM, height * ZOOM_ROOM)
    out = []
    for m in request.media:
        if m.kind != "image":
            continue
        rgb, alpha = split_alpha(read_image(m.path, max_pixels, cover=cover))
        if alpha is not None:
            a = alpha[..., None].astype(np.float32) / 255.0
            h = rgb.shape[0]
            grad = np.linspace(70, 30, h, dtype=np.float32)[:, None, None] * np.ones((1, 1, 3), np.float32)
            rgb = np.clip(rgb * a + grad * (1 - a) + 0.5, 0, 255).astype(np.uint8)
        out.append(rgb)
    return out


def image_roles(request: EngineRequest, plan_roles: dict[str, int]) -> dict[str, int]:
    """role -> image index: explicit MediaInput.role wins, then the prompt's tags."""
    roles = dict(plan_roles)
    images = [m for m in request.media if m.kind == "image"]
    for i, m in enumerate(images):
        if m.role:
            roles[m.role] = i
    return {r: i for r, i in roles.items() if i < len(images)}
