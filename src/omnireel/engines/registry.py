"""Engine registry: maps public model ids to engines, and describes models for GET /models."""

from __future__ import annotations

import dataclasses

from omnireel.config import Settings
from omnireel.engines.base import ASPECT_RATIOS, MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS, Engine
from omnireel.errors import InvalidArgument

# The hosted model ids; all route to the configured default engine.
PUBLIC_MODELS = {
    "gemini-omni-flash-preview": "Gemini Omni Flash (preview)",
    "gemini-omni-1.1-flash": "Gemini Omni 1.1 Flash",
    "gemini-omni-1.2-flash": "Gemini Omni 1.2 Flash",
}
FAKE_MODEL = "omnireel-fake"


@dataclasses.dataclass(frozen=True)
class ModelLimits:
    """What a hosted model id accepts (omni-behaviour: 1.1 takes 3-10 s and 5 reference images; upscale came
    with 1.2). Requests beyond them get a 400 at create, not a failed job later."""

    max_duration_s: float = MAX_DURATION_S
    max_reference_images: int = 6
    upscale: bool = True


MODEL_LIMITS = {
    "gemini-omni-flash-preview": ModelLimits(upscale=False),
    "gemini-omni-1.1-flash": ModelLimits(max_duration_s=10, max_reference_images=5, upscale=False),
    "gemini-omni-1.2-flash": ModelLimits(),
}


def max_duration_s(model: str) -> float:
    """The longest video `model` makes (ids without listed limits: the service's maximum)."""
    return MODEL_LIMITS.get(model, ModelLimits()).max_duration_s


def roomier_model(seconds: float) -> str | None:
    """A listed model that makes videos of `seconds`, to name in a refusal (the newest wins)."""
    fits = [name for name, limits in MODEL_LIMITS.items() if limits.max_duration_s + 1e-9 >= seconds]
    return fits[-1] if fits else None


def check_model_limits(model: str, task: str, duration_s: float | None, reference_images: int,
                       asked: str = "response_format.duration", field: str = "response_format.duration") -> None:
    """400 when the request asks more of `model` than it offers (ids without listed limits take everything the
    engine does). `duration_s` is a length the user asked for (None: nothing asked, nothing checked): never a
    default or the length a source or previous turn happens to have. `asked` names where it was asked for."""
    limits = MODEL_LIMITS.get(model)
    if limits is None:
        return
    if duration_s is not None and duration_s > limits.max_duration_s + 1e-9:
        other = roomier_model(duration_s)
        advice = f" Use {other} for up to {max_duration_s(other):g} s." if other and other != model else ""
        raise InvalidArgument(
            f"Model '{model}' makes videos of {MIN_DURATION_S:g} to {limits.max_duration_s:g} seconds; "
            f"{asked} asked for {duration_s:g} s.{advice}",
            field=field,
        )
    if task == "reference_to_video" and reference_images > limits.max_reference_images:
        # Name the limit of the model in use and what to do; point at another model only when one takes more.
        most, roomier = 0, ""
        for name, other in MODEL_LIMITS.items():  # the newest listed model wins a tie
            if other.max_reference_images >= most:
                most, roomier = other.max_reference_images, name
        extra = reference_images - limits.max_reference_images
        advice = f"Pass at most {limits.max_reference_images} (remove {extra})"
        if reference_images <= most and most > limits.max_reference_images:
            advice += f", or use {roomier}, which takes up to {most}"
        raise InvalidArgument(
            f"Model '{model}' takes up to {limits.max_reference_images} reference images per request; this request "
            f"has {reference_images}. {advice}.",
            field="input",
        )
    if task == "upscale" and not limits.upscale:
        raise InvalidArgument(
            f"Model '{model}' does not upscale; upscale is available on gemini-omni-1.2-flash.",
            field="generation_config.video_config.task", code="unsupported_task",
        )


class EngineRegistry:
    def __init__(self, engines: dict[str, Engine], routes: dict[str, str]):
        self._engines = engines
        self._routes = routes  # model id -> engine name

    @classmethod
    def from_settings(cls, settings: Settings) -> "EngineRegistry":
        from omnireel.engines.builtin import BuiltinEngine

        engines: dict[str, Engine] = {"builtin": BuiltinEngine()}
        routes = {}
        if settings.upstream_api_key:  # without a key the hosted API could only refuse every job
            from omnireel.engines.upstream import UpstreamEngine

            engines["upstream"] = UpstreamEngine(settings)
        if settings.diffusers_model:
            from omnireel.engines import diffusers as diffusers_engine

            # Without the extra installed the engine is simply absent; a default_engine naming it fails below.
            if diffusers_engine.available():
                engines["diffusers"] = diffusers_engine.DiffusersEngine.from_settings(settings)
        default = settings.default_engine
        if default not in engines:
            raise ValueError(f"default engine {default!r} is not available (known: {', '.join(sorted(engines))})")
        for model_id in PUBLIC_MODELS:
            routes[model_id] = default
        routes["omnireel-builtin"] = "builtin"
        if "upstream" in engines:
            routes["omnireel-upstream"] = "upstream"
        if "diffusers" in engines:
            routes["omnireel-diffusers"] = "diffusers"
        if settings.enable_fake_engine:
            from omnireel.engines.fake import FakeEngine

            engines["fake"] = FakeEngine()
            routes[FAKE_MODEL] = "fake"
        return cls(engines, routes)

    def model_ids(self) -> list[str]:
        return list(self._routes)

    def resolve(self, model: str | None) -> tuple[str, Engine]:
        """The engine serving `model`, or a 400 naming the models that exist."""
        if not model:
            raise InvalidArgument("Field 'model' is required. Available models: " + ", ".join(self._routes) + ".")
        name = model.removeprefix("models/")
        if name not in self._routes:
            raise InvalidArgument(
                f"Unknown model '{model}'. Available models: {', '.join(self._routes)}.", code="unknown_model"
            )
        return name, self._engines[self._routes[name]]

    def describe(self) -> list[dict]:
        out = []
        for model_id, engine_name in self._routes.items():
            engine = self._engines[engine_name]
            out.append(
                {
                    "name": f"models/{model_id}",
                    "id": model_id,
                    "displayName": PUBLIC_MODELS.get(model_id, model_id),
                    "engine": engine_name,
                    # What this model id accepts: upscale only where the hosted model offers it.
                    "tasks": [t for t in engine.tasks()
                              if t != "upscale" or MODEL_LIMITS.get(model_id, ModelLimits()).upscale],
                    "aspectRatios": list(ASPECT_RATIOS),
                    "resolutions": list(RESOLUTIONS),
                    "durationSeconds": {"min": MIN_DURATION_S, "max": MODEL_LIMITS.get(model_id, ModelLimits()).max_duration_s},
                    "fps": 24,
                    "supportedGenerationMethods": ["createInteraction"],
                    "description": f"Video generation and editing on the {engine_name} engine (24 fps MP4 with audio).",
                    "version": "omnireel",
                }
            )
        return out
