"""FakeEngine: a fast, scriptable engine for tests (model id `omnireel-fake`, enabled only by settings).

It writes a real, decodable MP4 of the requested size and duration (flat colour frames and a tone) and obeys
directives in the prompt so tests can drive the job system: `[sleep=SECONDS]` renders slowly (with progress and
cancellation points), `[fail=CODE]` fails with that error code, `[crash]` raises an unexpected error every attempt.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

from omnireel.engines.base import TASKS, EngineContext, EngineOutput, EngineRequest
from omnireel.errors import CapabilityMissing, EngineFailure, SafetyBlocked

_SLEEP = re.compile(r"\[sleep=(\d+(?:\.\d+)?)\]")
_FAIL = re.compile(r"\[fail=([a-z_]+)\]")


class FakeEngine:
    name = "fake"

    def tasks(self) -> tuple[str, ...]:
        return TASKS

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        from omnireel.media.encode import VideoWriter

        prompt = request.prompt
        if "[crash]" in prompt:
            raise RuntimeError("fake engine crash requested")
        fail = _FAIL.search(prompt)
        if fail:
            code = fail.group(1)
            if code == "safety_blocked":
                raise SafetyBlocked("The prompt was blocked by the safety filter (fake engine).")
            if code == "capability_missing":
                raise CapabilityMissing("The fake engine was asked to fail for lack of a capability.")
            raise EngineFailure(f"The fake engine failed with {code} as asked.", code=code)
        sleep = float(_SLEEP.search(prompt).group(1)) if _SLEEP.search(prompt) else 0.0
        width, height = request.size
        frames = request.frame_count
        started = time.monotonic()
        rng = np.random.default_rng(request.seed)
        base = rng.integers(0, 256, size=3).astype(np.int64)
        with VideoWriter(output_path, width, height, fps=request.fps) as writer:
            t = np.arange(48000 * frames // request.fps, dtype=np.float32) / 48000
            tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            writer.write_audio(np.stack([tone, tone]))
            frame = np.empty((height, width, 3), dtype=np.uint8)
            for i in range(frames):
                frame[:] = ((base + i) % 256).astype(np.uint8)
                writer.write_frame(frame)
                if sleep:
                    # Spread the requested render time over the frames, staying responsive to cancellation.
                    target = started + sleep * (i + 1) / frames
                    while time.monotonic() < target:
                        ctx.check_cancelled()
                        time.sleep(min(0.05, max(0.0, target - time.monotonic())))
                ctx.progress("render", (i + 1) / frames)
        return EngineOutput(video_path=output_path, text=f"fake render of {frames} frames", width=width,
                            height=height, duration_s=frames / request.fps, fps=request.fps)
