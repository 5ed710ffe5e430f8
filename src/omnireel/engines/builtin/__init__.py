"""The builtin engine: deterministic CPU video synthesis with classical media techniques.

Exact where generative models are unreliable (on-screen text, frame size, duration, frame rate, untouched subject
pixels) and explicit where it lacks understanding: such requests fail with CapabilityMissing, never a fake.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.errors import CapabilityMissing

# Tasks whose prompt is read as a shot plan: there a system instruction is standing direction for the plan.
_GENERATION = ("text_to_video", "image_to_video", "reference_to_video")

# The tasks and the module that renders each (imported on first use: the engine stays cheap to construct).
_RENDERERS = {
    "text_to_video": "t2v",
    "image_to_video": "i2v",
    "reference_to_video": "r2v",
    "edit": "edit",
    "extend": "extend",
    "upscale": "upscale",
}


class BuiltinEngine:
    """Engine protocol implementation; stateless, safe to share between worker threads."""

    name = "builtin"

    def tasks(self) -> tuple[str, ...]:
        return tuple(_RENDERERS)

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        """Render `request` to `output_path` (H.264 + AAC MP4 at 24 fps, exactly the size and frame count the
        output reports) and return the output with a text block describing what was understood."""
        module = _RENDERERS.get(request.task)
        if module is None:
            raise CapabilityMissing(f"The builtin engine does not support the task '{request.task}'.")
        renderer = importlib.import_module(f"omnireel.engines.builtin.{module}")
        instruction = (request.system_instruction or "").strip()
        if not instruction:
            return renderer.run(request, ctx, Path(output_path))
        if request.task in _GENERATION:
            # Read after the prompt, so the prompt's own choices (its camera, its subject) come first and the
            # instruction adds what the prompt leaves open (look, lighting, text, sound).
            out = renderer.run(dataclasses.replace(request, prompt=f"{request.prompt}\n\n{instruction}"), ctx,
                               Path(output_path))
            note = ("System instruction: read as standing direction after the prompt (the plan above includes it; "
                    "where the two differ, the prompt's choice is used).")
        else:
            out = renderer.run(request, ctx, Path(output_path))
            note = (f"System instruction: not applied; builtin {request.task.replace('_', ' ')}s follow the "
                    "instruction in the input only (put the direction there).")
        out.text = f"{out.text}\n{note}" if out.text else note
        return out
