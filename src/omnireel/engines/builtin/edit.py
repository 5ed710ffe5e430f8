"""edit: not built yet; refused plainly."""

from __future__ import annotations

from pathlib import Path

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.errors import CapabilityMissing


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    raise CapabilityMissing("The builtin engine cannot edit videos yet. Use a diffusers or upstream engine for edits.")
