"""Loading an open-weight video checkpoint (Wan 2.x, LTX-Video) from a local directory or hub id, once, lazily.

The checkpoint's model_index.json says which pipeline class saved it; from that we know, before loading any weights,
which family it is and which of our tasks it can run, so the registry can describe the model at startup.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from pathlib import Path

from omnireel.errors import EngineFailure

log = logging.getLogger(__name__)

FAMILIES = ("wan", "ltx")

# Pipeline classes a checkpoint may have been saved with -> (family, saved for image to video).
_KNOWN_CLASSES = {
    "WanPipeline": ("wan", False),
    "WanImageToVideoPipeline": ("wan", True),
    "LTXPipeline": ("ltx", False),
    "LTXImageToVideoPipeline": ("ltx", False),
    "LTXConditionPipeline": ("ltx", False),
}


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """What a checkpoint is, read from its model_index.json without loading weights."""

    source: str  # local directory or hub id, as configured
    family: str  # wan | ltx
    class_name: str  # the pipeline class in model_index.json ("" when the index could not be read)
    text_to_video: bool
    image_to_video: bool
    expand_timesteps: bool = False  # Wan 2.2 TI2V: one model for text and image to video

    def tasks(self) -> tuple[str, ...]:
        return tuple(t for t, ok in (("text_to_video", self.text_to_video), ("image_to_video", self.image_to_video)) if ok)


def read_spec(source: str, family: str = "auto") -> ModelSpec:
    """The ModelSpec of `source`. `family` "wan" or "ltx" overrides what the index says; "auto" reads it from the
    index. Raises ValueError (a configuration error, shown at startup) for a checkpoint we cannot run."""
    if family not in ("auto", *FAMILIES):
        raise ValueError(f"OMNIREEL_DIFFUSERS_PIPELINE must be auto, wan or ltx; got {family!r}")
    index = _read_index(source)
    class_name = str(index.get("_class_name", ""))
    known_family, saved_for_i2v = _KNOWN_CLASSES.get(class_name, (None, False))
    if family == "auto":
        if known_family is None:
            what = f"pipeline class {class_name}" if class_name else "no readable model_index.json"
            raise ValueError(f"OMNIREEL_DIFFUSERS_MODEL {source!r} has {what}; the diffusers engine runs Wan 2.x and "
                             "LTX-Video checkpoints (set OMNIREEL_DIFFUSERS_PIPELINE=wan or ltx to force one).")
        family = known_family
    expand = bool(index.get("expand_timesteps", False))
    if family == "ltx":
        # LTX's text and image pipelines share one set of components: every LTX checkpoint does both.
        return ModelSpec(source, "ltx", class_name, True, True)
    if saved_for_i2v:
        # A Wan I2V transformer takes the image latents as extra input channels: it cannot start from noise alone.
        return ModelSpec(source, "wan", class_name, False, True, expand)
    # Wan T2V checkpoints; Wan 2.2 TI2V-5B (expand_timesteps) also conditions on a first frame.
    return ModelSpec(source, "wan", class_name, True, expand, expand)


def _read_index(source: str) -> dict:
    local = Path(source).expanduser()
    try:
        if local.is_dir():
            return json.loads((local / "model_index.json").read_text())
        from diffusers import DiffusionPipeline

        return dict(DiffusionPipeline.load_config(source))  # a hub id: fetches only the index
    except Exception:  # noqa: BLE001 - unreadable or offline: the caller decides what that means
        return {}


def resolve_device(setting: str) -> str:
    import torch

    if setting and setting != "auto":
        return setting
    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_dtype(setting: str, device: str):
    import torch

    if not setting or setting == "auto":
        # bfloat16 is what Wan and LTX are trained and published in; CPUs are slow and lossy at it.
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    names = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
             "float16": torch.float16, "fp16": torch.float16}
    if setting not in names:
        raise ValueError(f"OMNIREEL_DIFFUSERS_DTYPE must be auto, float32, bfloat16 or float16; got {setting!r}")
    return names[setting]


@dataclasses.dataclass
class LoadedModel:
    """The pipelines of one checkpoint on one device: `text` and/or `image` (sharing components), and the lock
    that lets one render at a time use them (a pipeline keeps per-call state on itself)."""

    spec: ModelSpec
    device: str
    text: object | None
    image: object | None
    render_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


class ModelLoader:
    """Loads the checkpoint on first use and keeps it loaded for every later job (thread-safe)."""

    def __init__(self, spec: ModelSpec, device: str = "auto", dtype: str = "auto", cpu_offload: bool = False):
        self.spec = spec
        self._device_setting, self._dtype_setting, self._cpu_offload = device, dtype, cpu_offload
        self._lock = threading.Lock()
        self._model: LoadedModel | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self) -> LoadedModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> LoadedModel:
        device = resolve_device(self._device_setting)
        dtype = resolve_dtype(self._dtype_setting, device)
        try:
            text, image = (_load_wan if self.spec.family == "wan" else _load_ltx)(self.spec, dtype)
        except Exception as exc:  # noqa: BLE001 - the user sees our message; the cause goes to the server log
            # Not cached: the next job tries again (a hub outage or a checkpoint still being copied may pass).
            log.exception("could not load the diffusers model %s", self.spec.source)
            raise EngineFailure("The diffusers engine could not load its model; the server log says why.",
                                code="model_unavailable") from exc
        for pipe in {id(p): p for p in (text, image) if p is not None}.values():
            pipe.set_progress_bar_config(disable=True)
            if self._cpu_offload and device.startswith("cuda"):
                pipe.enable_model_cpu_offload()
            else:
                pipe.to(device)
            if device.startswith("cuda") and hasattr(pipe.vae, "enable_tiling"):
                # Decoding a whole clip's latents at once is where long or large renders run out of memory.
                pipe.vae.enable_tiling()
        return LoadedModel(self.spec, device, text, image)


def _load_wan(spec: ModelSpec, dtype):
    import torch
    from diffusers import AutoencoderKLWan, WanImageToVideoPipeline, WanPipeline

    # The Wan VAE loses visible detail in half precision; its authors run it in float32 beside a bf16 transformer.
    vae = AutoencoderKLWan.from_pretrained(spec.source, subfolder="vae", **_dtype_argument(torch.float32))
    if spec.class_name == "WanImageToVideoPipeline":
        return None, WanImageToVideoPipeline.from_pretrained(spec.source, vae=vae, **_dtype_argument(dtype))
    text = WanPipeline.from_pretrained(spec.source, vae=vae, **_dtype_argument(dtype))
    image = None
    if spec.image_to_video:
        image = _sibling(WanImageToVideoPipeline, text, boundary_ratio=text.config.boundary_ratio,
                         expand_timesteps=spec.expand_timesteps)
    return text, image


def _load_ltx(spec: ModelSpec, dtype):
    from diffusers import LTXImageToVideoPipeline, LTXPipeline

    text = LTXPipeline.from_pretrained(spec.source, **_dtype_argument(dtype))
    return text, _sibling(LTXImageToVideoPipeline, text)


def _sibling(cls, pipe, **config):
    """A `cls` pipeline over `pipe`'s very modules (no second copy in memory). Not `from_pipe`: it casts every
    shared module to its dtype argument (float32 unless given), which would undo bfloat16 weights and the Wan
    VAE's deliberate float32 alike."""
    import inspect

    accepted = set(inspect.signature(cls.__init__).parameters)
    modules = {name: module for name, module in pipe.components.items() if name in accepted}
    return cls(**modules, **{k: v for k, v in config.items() if k in accepted})


def _dtype_argument(dtype) -> dict:
    """from_pretrained's dtype keyword: `dtype` in newer diffusers, which deprecate the older `torch_dtype`."""
    from diffusers.utils import deprecation_utils

    return {"dtype" if hasattr(deprecation_utils, "_TORCH_DTYPE_DEPRECATION_MESSAGE") else "torch_dtype": dtype}
