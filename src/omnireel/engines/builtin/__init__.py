"""The builtin engine: deterministic CPU video synthesis with classical media techniques.

Exact where generative models are unreliable (on-screen text, frame size, duration, frame rate, untouched subject
pixels) and explicit where it lacks understanding: such requests fail with CapabilityMissing, never a fake.
"""

from __future__ import annotations

from pathlib import Path

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.errors import CapabilityMissing

_UNSUPPORTED = {
    "edit": "The builtin engine cannot edit videos yet. Use a diffusers or upstream engine for edits.",
    "extend": "The builtin engine cannot extend videos yet. Use a diffusers or upstream engine to extend a clip.",
    "upscale": "The builtin engine cannot upscale videos yet. Use a diffusers or upstream engine to upscale.",
}


class BuiltinEngine:
    """Engine protocol implementation; stateless, safe to share between worker threads."""

    name = "builtin"

    def tasks(self) -> tuple[str, ...]:
        return ("text_to_video", "image_to_video", "reference_to_video")

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        """Render `request` to `output_path` (H.264 + AAC MP4, exactly request.size and request.frame_count
        frames at 24 fps) and return the output with a text block describing what was understood."""
        if request.task == "text_to_video":
            from omnireel.engines.builtin import t2v

            return t2v.run(request, ctx, Path(output_path))
        if request.task == "image_to_video":
            from omnireel.engines.builtin import i2v

            return i2v.run(request, ctx, Path(output_path))
        if request.task == "reference_to_video":
            from omnireel.engines.builtin import r2v

            return r2v.run(request, ctx, Path(output_path))
        message = _UNSUPPORTED.get(
            request.task, f"The builtin engine does not support the task '{request.task}'."
        )
        raise CapabilityMissing(message)
