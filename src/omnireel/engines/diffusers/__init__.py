"""The diffusers engine: open-weight video models (Wan 2.x, LTX-Video) on a GPU (or, slowly, a CPU).

Optional: needs the `diffusers` extra (`pip install 'omnireel[diffusers]'`) and OMNIREEL_DIFFUSERS_MODEL.
"""

from __future__ import annotations


def available() -> bool:
    """True when diffusers and torch import (the extra is installed)."""
    try:
        import diffusers  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def __getattr__(name: str):
    # The engine module imports nothing heavy itself, but keep `omnireel.engines.diffusers` cheap to import.
    if name == "DiffusersEngine":
        from omnireel.engines.diffusers.engine import DiffusersEngine

        return DiffusersEngine
    raise AttributeError(name)
