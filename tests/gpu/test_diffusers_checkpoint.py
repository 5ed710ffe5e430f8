"""A real Wan or LTX-Video checkpoint on a CUDA GPU (skipped elsewhere): set OMNIREEL_TEST_DIFFUSERS_MODEL to a local
directory or hub id, e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers, and run `pytest -m gpu tests/gpu`."""

from __future__ import annotations

import os
import time

import pytest

from omnireel.engines.base import EngineRequest, SimpleContext
from omnireel.engines.diffusers.engine import DiffusersEngine
from omnireel.engines.diffusers.loading import read_spec
from tests.media_checks import assert_video

pytestmark = pytest.mark.gpu

CHECKPOINT = os.environ.get("OMNIREEL_TEST_DIFFUSERS_MODEL", "")


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.skipif(not CHECKPOINT, reason="OMNIREEL_TEST_DIFFUSERS_MODEL names no checkpoint")
@pytest.mark.skipif(not _cuda(), reason="needs CUDA")
def test_real_checkpoint_makes_an_exact_clip_and_cancels_within_a_step(tmp_path):
    engine = DiffusersEngine(read_spec(CHECKPOINT), steps=int(os.environ.get("OMNIREEL_TEST_DIFFUSERS_STEPS", "20")),
                             max_short_side=480)
    steps: list[float] = []
    ctx = SimpleContext(tmp_path, on_progress=lambda stage, f: steps.append(f) if stage == "denoise" else None)
    request = EngineRequest(task="text_to_video", prompt="A red vintage car drives along a coastal road at sunset, "
                            "slow camera pan, no people", aspect_ratio="16:9", resolution="720p", duration_s=4, seed=3)
    started = time.monotonic()
    out = engine.run(request, ctx, tmp_path / "real.mp4")
    print(f"{CHECKPOINT}: {time.monotonic() - started:.1f} s for 4 s at 720p\n{out.text}")
    decoded = assert_video(out.video_path, 1280, 720, duration_s=4.0)
    assert decoded.frames == 96 and steps[-1] == 1.0

    # A cancel after the second step ends the render at once and leaves the model usable.
    from omnireel.errors import JobCancelled

    steps.clear()
    cancelling = SimpleContext(tmp_path, on_progress=lambda stage, f: steps.append(f) if stage == "denoise" else None,
                               cancelled=lambda: len(steps) >= 2)
    with pytest.raises(JobCancelled):
        engine.run(request, cancelling, tmp_path / "cancelled.mp4")
    assert len(steps) == 2
