"""`omnireel generate`: create a video through the HTTP API, with a progress bar fed by the event stream."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def generate(prompt: str = typer.Argument(...)):
    """(being written)"""
    raise typer.Exit(1)
