"""EngineRequest -> the pipeline call: generation size and frame count the model can make, prompt, negative
prompt, seed, and the step callback that carries progress and cancellation.

Models only generate some shapes: width and height multiples of their latent grid (Wan /16, LTX /32) and frame
counts of the form k * temporal_compression + 1 (Wan 4k+1, LTX 8k+1) at their own frame rate. We pick the shape
nearest the request within the configured maximum and leave exact size and timing to `frames`.
"""

from __future__ import annotations

import dataclasses
import math
import re

from omnireel.engines.base import EngineContext, EngineRequest

# Each family's published frame rate and longest clip (Wan 2.1: 81 frames at 16 fps; LTX-Video: 257 at 24 fps,
# 161 being its documented default). Wan 2.2 TI2V-5B renders at 24 fps.
NATIVE_FPS = {"wan": 16, "ltx": 24}
WAN_TI2V_FPS = 24
MAX_FRAMES = {"wan": 81, "ltx": 161}


@dataclasses.dataclass(frozen=True)
class GenerationShape:
    width: int
    height: int
    num_frames: int
    fps: int  # the rate the model's frames are meant to play at

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.fps


def spatial_multiple(pipe) -> int:
    """The pixel multiple a pipeline's latent grid needs: VAE downscale times the transformer's patch size."""
    if hasattr(pipe, "vae_scale_factor_spatial"):  # Wan
        patch = pipe.transformer.config.patch_size
        return int(pipe.vae_scale_factor_spatial) * int(patch[1] if isinstance(patch, (list, tuple)) else patch)
    # LTX's pipelines check for /32 whatever the VAE's own ratio (32 in every published checkpoint).
    return max(32, int(pipe.vae_spatial_compression_ratio) * int(getattr(pipe, "transformer_spatial_patch_size", 1)))


def temporal_multiple(pipe) -> int:
    if hasattr(pipe, "vae_scale_factor_temporal"):  # Wan
        return int(pipe.vae_scale_factor_temporal)
    return int(pipe.vae_temporal_compression_ratio)


def generation_size(request_size: tuple[int, int], max_short_side: int, multiple: int) -> tuple[int, int]:
    """(width, height) multiples of `multiple`, aspect as near the request's as the grid allows, short side at
    most min(request, max_short_side): never generated larger than delivered."""
    width, height = request_size
    # The short side is rounded down (the cap is a memory budget); the long side to the nearest multiple.
    short = max(multiple, min(min(width, height), max_short_side) // multiple * multiple)
    scale = short / min(width, height)

    def snap(pixels: float) -> int:
        return max(multiple, int(round(pixels / multiple)) * multiple)

    return (short, snap(height * scale)) if width <= height else (snap(width * scale), short)


def frame_count(duration_s: float, fps: int, step: int, max_frames: int) -> int:
    """The valid count (k * step + 1) whose clip at `fps` is nearest `duration_s`, at most `max_frames`."""
    largest = max(1, (max_frames - 1) // step)
    k = min(largest, max(1, int(round((duration_s * fps - 1) / step))))
    return k * step + 1


def shape_for(request: EngineRequest, family: str, pipe, *, max_short_side: int, fps: int = 0, max_frames: int = 0,
              ti2v: bool = False) -> GenerationShape:
    native = fps or (WAN_TI2V_FPS if ti2v else NATIVE_FPS[family])
    width, height = generation_size(request.size, max_short_side, spatial_multiple(pipe))
    count = frame_count(request.frame_count / request.fps, native, temporal_multiple(pipe),
                        max_frames or MAX_FRAMES[family])
    return GenerationShape(width, height, count, native)


# Image role tags bind the request's images to roles (<FIRST_FRAME>, <IMAGE_REF_2>); the images reach the pipeline
# as images, and the tags would only be noise tokens to its text encoder.
_ROLE_TAG = re.compile(r"<\s*(?:FIRST_FRAME|LAST_FRAME|IMAGE_REF_\d+)\s*>", re.IGNORECASE)


def text_prompt(request: EngineRequest) -> str:
    """The words the text encoder reads: the system instruction (a standing style or brief) before the prompt."""
    parts = (re.sub(r"[ \t]{2,}", " ", _ROLE_TAG.sub("", p or "")).strip()
             for p in (request.system_instruction, request.prompt))
    return "\n".join(p for p in parts if p)


def negative_prompt(excluded: tuple[str, ...]) -> str | None:
    """What the prompt asked to leave out ("no text", "without people"), as the negative prompt guidance steers
    away from. None when nothing was excluded (the pipeline's own default applies)."""
    words = [e.strip() for e in excluded if e and e.strip()]
    return ", ".join(dict.fromkeys(words)) or None


def generator_for(seed: int):
    """A CPU torch.Generator: CPU random streams are the same on every machine and device, so a seed names the
    same initial noise whether the model runs on a GPU or not."""
    import torch

    return torch.Generator(device="cpu").manual_seed(int(seed) % (2**63))


def step_callback(ctx: EngineContext, stage: str = "denoise"):
    """A `callback_on_step_end` reporting each finished denoising step as progress. ctx.progress is also the
    cancellation point: the JobCancelled it raises propagates out of the pipeline and stops it before the next
    step."""

    def on_step_end(pipe, step: int, timestep, callback_kwargs: dict) -> dict:
        total = getattr(pipe, "num_timesteps", None) or (step + 1)
        ctx.progress(stage, min(1.0, (step + 1) / total))
        return {}

    return on_step_end


def pipeline_kwargs(request: EngineRequest, shape: GenerationShape, *, steps: int, guidance_scale: float,
                    excluded: tuple[str, ...], ctx: EngineContext) -> dict:
    """Keyword arguments common to the text and image pipelines of both families."""
    kwargs = {
        "prompt": text_prompt(request),
        "negative_prompt": negative_prompt(excluded),
        "width": shape.width,
        "height": shape.height,
        "num_frames": shape.num_frames,
        "generator": generator_for(request.seed),
        "output_type": "np",
        "callback_on_step_end": step_callback(ctx),
    }
    if steps > 0:
        kwargs["num_inference_steps"] = steps
    if guidance_scale > 0:
        kwargs["guidance_scale"] = guidance_scale
    if kwargs["negative_prompt"] is None:
        del kwargs["negative_prompt"]
    return kwargs


def playback_ratio(shape: GenerationShape, request: EngineRequest) -> float:
    """How much slower (>1) or faster (<1) than generated the frames play once spread over the request's
    duration; 1.0 within rounding to a valid frame count."""
    wanted = request.frame_count / request.fps
    return wanted / shape.duration_s if shape.duration_s and not math.isclose(wanted, shape.duration_s) else 1.0
