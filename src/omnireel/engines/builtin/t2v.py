"""text_to_video: motion design from a prompt alone. A procedural backdrop matched to the prompt's look, a camera
move, the prompt's exact quoted text as crisp kinetic titles, and a music bed."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest
from omnireel.engines.builtin import common
from omnireel.media.audio.music import mood_for, render_bed
from omnireel.media.ops.composite import blend, center_position
from omnireel.media.palette import palette_for
from omnireel.media.procedural import Backdrop, Camera
from omnireel.media.prompt.quotes import quoted_text
from omnireel.media.text import text_sprite_for_frame

FADE_S = 0.4


def _text_schedule(texts: list[str], duration_s: float) -> list[tuple[str, float, float]]:
    """(text, start_s, end_s) per quoted string: equal consecutive slots; the last stays to the end."""
    if not texts:
        return []
    # Leave a short lead-in so the first title animates in over the moving backdrop.
    lead = min(0.3, duration_s * 0.05)
    slot = (duration_s - lead) / len(texts)
    return [(t, lead + i * slot, lead + (i + 1) * slot) for i, t in enumerate(texts)]


def _camera_at(t: float, duration: float) -> Camera:
    p = common.ease_in_out(t / duration)
    return Camera(cx=-0.12 + 0.24 * p, cy=0.03 - 0.06 * p, zoom=1.0 + 0.25 * p)


def frames(request: EngineRequest, rng: np.random.Generator) -> Iterator[np.ndarray]:
    width, height = request.size
    duration = request.frame_count / request.fps
    backdrop = Backdrop(palette_for(request.prompt, rng), rng)
    schedule = _text_schedule(quoted_text(request.prompt), duration)
    sprites = {text: text_sprite_for_frame(text, width, height) for text, _, _ in schedule}
    for i in range(request.frame_count):
        t = i / request.fps
        frame = backdrop.render(width, height, t, _camera_at(t, duration))
        for text, start, end in schedule:
            if not start <= t < end and not (end >= duration - 1e-9 and t >= start):
                continue
            fade_in = common.ease_out((t - start) / FADE_S)
            fade_out = 1.0 if end >= duration - 1e-9 else min(1.0, (end - t) / (FADE_S * 0.75))
            sprite = sprites[text]
            x, y = center_position(width, height, sprite)
            # Titles rise a few pixels into place while fading in, then hold perfectly still (crisp for reading).
            y += int(round((1 - fade_in) * height * 0.04))
            blend(frame, sprite, x, y, opacity=min(fade_in, fade_out))
        yield frame


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    rng = common.request_rng(request)
    duration = request.frame_count / request.fps
    texts = quoted_text(request.prompt)
    mood = mood_for(request.prompt)
    cues = tuple(start for _, start, _ in _text_schedule(texts, duration))
    audio = render_bed(duration, mood, common.request_rng(request, "audio"), cues=cues)
    common.encode(request, ctx, output_path, frames(request, rng), audio)
    width, height = request.size
    palette = palette_for(request.prompt, common.request_rng(request))
    lines = [
        "Builtin engine: text_to_video (procedural motion graphics).",
        f"Look: {palette.name} palette; camera: slow push-in with a gentle pan.",
        "On-screen text (exact): " + ("; ".join(f'"{t}"' for t in texts) if texts else "none requested."),
        f"Audio: {mood.name} music bed at {mood.tempo:.0f} BPM.",
        f"Output: {width}x{height}, {request.fps} fps, {duration:g} s.",
    ]
    return EngineOutput(
        video_path=output_path, text="\n".join(lines), width=width, height=height, duration_s=duration, fps=request.fps
    )
