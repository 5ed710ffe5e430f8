"""Fixtures for builtin engine tests: a context that records progress, and a one-call runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnireel.engines.base import EngineRequest, SimpleContext
from omnireel.engines.builtin import BuiltinEngine


@pytest.fixture
def run_engine(tmp_path):
    counter = {"n": 0}

    def _run(**kw):
        counter["n"] += 1
        kw.setdefault("resolution", "360p")
        kw.setdefault("duration_s", 3)
        req = EngineRequest(**kw)
        seen: list[tuple[str, float]] = []
        ctx = SimpleContext(scratch_dir=tmp_path, on_progress=lambda s, f: seen.append((s, f)))
        out_path = tmp_path / f"out{counter['n']}.mp4"
        out = BuiltinEngine().run(req, ctx, out_path)
        return req, out, seen

    return _run


@pytest.fixture
def engine() -> BuiltinEngine:
    return BuiltinEngine()


def image_path(tmp_path: Path, arr, name: str = "img.png") -> Path:
    from PIL import Image

    p = tmp_path / name
    Image.fromarray(arr).save(p)
    return p
