"""DiffusersEngine: text and image to video with an open-weight model (Wan 2.x, LTX-Video) kept loaded between jobs.

Wan and LTX-Video make silent clips, so every output's soundtrack comes from omnireel's own synthesis (music and
ambience matched to the prompt, voice-over for quoted lines), exactly as long as the picture.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from omnireel.engines.base import EngineContext, EngineOutput, EngineRequest, request_rng
from omnireel.engines.diffusers import frames, generation
from omnireel.engines.diffusers.loading import LoadedModel, ModelLoader, ModelSpec
from omnireel.errors import CapabilityMissing, EngineFailure

_FAMILY_NAMES = {"wan": "Wan", "ltx": "LTX-Video"}


class DiffusersEngine:
    """Engine over one diffusers checkpoint. `tasks()` is known from the checkpoint's index at construction; the
    weights load on the first run (or `warm_up()`) and stay on the device; renders take turns on the model."""

    name = "diffusers"

    def __init__(self, spec: ModelSpec, *, device: str = "auto", dtype: str = "auto", steps: int = 0,
                 guidance_scale: float = 0.0, max_short_side: int = 720, fps: int = 0, max_frames: int = 0,
                 cpu_offload: bool = False):
        self.spec = spec
        self._loader = ModelLoader(spec, device=device, dtype=dtype, cpu_offload=cpu_offload)
        self._steps, self._guidance = steps, guidance_scale
        self._max_short_side, self._fps, self._max_frames = max_short_side, fps, max_frames

    @classmethod
    def from_settings(cls, settings) -> "DiffusersEngine":
        from omnireel.engines.diffusers.loading import read_spec

        return cls(read_spec(settings.diffusers_model, settings.diffusers_pipeline),
                   device=settings.diffusers_device, dtype=settings.diffusers_dtype, steps=settings.diffusers_steps,
                   guidance_scale=settings.diffusers_guidance_scale,
                   max_short_side=settings.diffusers_max_resolution, fps=settings.diffusers_fps,
                   max_frames=settings.diffusers_max_frames, cpu_offload=settings.diffusers_cpu_offload)

    def tasks(self) -> tuple[str, ...]:
        return self.spec.tasks()

    def warm_up(self) -> None:
        """Load the model now rather than on the first job."""
        self._loader.get()

    def run(self, request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
        """Generate with the model, retime and fit to the request's exact size and frame count, add a soundtrack
        and write the MP4. JobCancelled from ctx stops the pipeline at the next step boundary."""
        if request.task not in self.tasks():
            raise CapabilityMissing(self._unsupported(request.task))
        from omnireel.media.audio.soundtrack import soundtrack
        from omnireel.media.prompt.parse import parse

        ctx.progress("load", 0.0)
        model = self._loader.get()
        ctx.progress("load", 1.0)
        pipe = model.image if request.task == "image_to_video" else model.text
        shape = generation.shape_for(request, self.spec.family, pipe, max_short_side=self._max_short_side,
                                     fps=self._fps, max_frames=self._max_frames, ti2v=self.spec.expand_timesteps)
        duration = request.frame_count / request.fps
        plan = parse(request.prompt, duration_s=duration)
        kwargs = generation.pipeline_kwargs(request, shape, steps=self._steps, guidance_scale=self._guidance,
                                            excluded=plan.exclude, ctx=ctx)
        if self.spec.family == "ltx":
            kwargs["frame_rate"] = shape.fps  # LTX scales its positional encoding in time by the frame rate
            if getattr(pipe.vae.config, "timestep_conditioning", False):
                # LTX-Video 0.9.1+ VAEs denoise while decoding; these are the values its authors publish.
                kwargs.update(decode_timestep=0.05, decode_noise_scale=0.025)
        if request.task == "image_to_video":
            kwargs.update(self._image_inputs(request, shape))
        clip = self._generate(model, pipe, kwargs)
        audio = functools.partial(soundtrack, plan, duration, request_rng(request, "audio"))
        written = frames.write_mp4(clip, output_path, request.size, request.frame_count, request.fps, audio, ctx)
        width, height = request.size
        return EngineOutput(video_path=output_path, text=self._describe(request, shape, plan), width=width,
                            height=height, duration_s=written / request.fps, fps=request.fps, has_audio=True)

    def _generate(self, model: LoadedModel, pipe, kwargs: dict) -> np.ndarray:
        import torch

        with model.render_lock:
            try:
                video = pipe(**kwargs).frames
            except torch.OutOfMemoryError as exc:
                raise EngineFailure(
                    "The GPU ran out of memory for this render. Ask for a shorter or smaller video, or the operator "
                    "can lower OMNIREEL_DIFFUSERS_MAX_RESOLUTION or turn on OMNIREEL_DIFFUSERS_CPU_OFFLOAD.",
                    code="resource_exhausted") from exc
            finally:
                if model.device.startswith("cuda"):
                    # Hand the activations' memory back between jobs (and after a cancel), not at the next OOM.
                    torch.cuda.empty_cache()
        return frames.to_uint8(video)

    def _image_inputs(self, request: EngineRequest, shape: generation.GenerationShape) -> dict:
        from PIL import Image

        from omnireel.media.decode import read_image, split_alpha

        images = [m for m in request.media if m.kind == "image"]
        if not images:
            raise CapabilityMissing("image_to_video needs an image to start from; the request has none.")
        by_role = {m.role: m for m in images if m.role}
        first = by_role.get("first_frame", images[0])
        last = by_role.get("last_frame") or (images[1] if len(images) > 1 else None)
        max_pixels = int(request.options.get("max_image_pixels", 40_000_000))
        size = (shape.width, shape.height)

        def fitted(media) -> "Image.Image":
            # Cropped to the generation's aspect here: the pipeline would otherwise stretch the image to fit.
            rgb, _alpha = split_alpha(read_image(media.path, max_pixels, cover=size))
            return Image.fromarray(frames.cover_crop(rgb, size))

        out = {"image": fitted(first)}
        if last is not None and last is not first:
            if self.spec.family != "wan":
                raise CapabilityMissing(
                    f"This server's {_FAMILY_NAMES[self.spec.family]} model starts from one image; it cannot also "
                    "end on a given last frame. Send one image, or use a Wan image-to-video model for first and "
                    "last frames.")
            out["last_image"] = fitted(last)
        return out

    def _unsupported(self, task: str) -> str:
        offered = ", ".join(self.tasks()) or "nothing"
        return (f"The diffusers engine on this server ({_FAMILY_NAMES[self.spec.family]}) does not do {task}; it "
                f"does {offered}. Use a model served by the builtin engine (omnireel-builtin) for edit, extend and "
                "upscale.")

    def _describe(self, request: EngineRequest, shape: generation.GenerationShape, plan) -> str:
        width, height = request.size
        lines = [
            f"Generated by {_FAMILY_NAMES[self.spec.family]} ({self.spec.class_name or self.spec.family}) at "
            f"{shape.width}x{shape.height}, {shape.num_frames} frames at {shape.fps} fps; scaled and centre-cropped "
            f"to {width}x{height} and retimed to {request.frame_count} frames at {request.fps} fps by blending "
            "neighbouring frames.",
            "Soundtrack: synthesised by omnireel to match the prompt (the model makes no audio).",
        ]
        ratio = generation.playback_ratio(shape, request)
        if abs(ratio - 1.0) > 0.05:
            lines.append(f"The model makes at most {shape.duration_s:.2f} s here; its frames were spread over "
                         f"{request.frame_count / request.fps:g} s (plays {ratio:.2f}x slower than generated).")
        if plan.exclude:
            lines.append("Negative prompt: " + ", ".join(plan.exclude) + ".")
        return "\n".join(lines)
