"""The output format of a create, and the checks of edit, extend and upscale that can run before any job does.

Where each format field comes from, in order: response_format (always wins), an unambiguous phrase of the prompt
(new videos: aspect ratio, duration, resolution; upscale: the target resolution), the previous turn, the default.
What came from the prompt, and any conflict between the prompt and response_format, is said in the output text
(options["format_notes"], appended by the job runner), never silently dropped.

Source tasks know their source at create (a previous turn's output row carries its size and duration, an upload
its probed duration), so what the engines would refuse about it anyway is a 400 naming the field here, with the
engines' own words, rather than a job that fails a moment later.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from omnireel.engines.base import DEFAULT_DURATION_S, FPS, MIN_DURATION_S
from omnireel.engines.registry import check_model_limits, max_duration_s, roomier_model
from omnireel.errors import CapabilityMissing, InvalidArgument, NotFound
from omnireel.services import files as files_service
from omnireel.services import prompt_format
from omnireel.services.request_parsing import VideoFormat

if TYPE_CHECKING:
    from omnireel.runtime import Runtime

NEW_VIDEO_TASKS = ("text_to_video", "image_to_video", "reference_to_video")
_NAMES = {"aspect_ratio": "aspect_ratio", "resolution": "resolution", "duration_s": "duration"}


@dataclasses.dataclass
class Chosen:
    fmt: dict  # aspect_ratio, resolution, duration_s, delivery: what the job renders
    from_prompt: dict  # field -> the prompt's phrase, for the fields the prompt set
    notes: list[str]  # for the output text


def _shown(field: str, value) -> str:
    return f"{value:g} s" if field == "duration_s" else str(value)


def choose(video: VideoFormat, task: str, prompt: str, inherited: dict, model: str) -> Chosen:
    """The format to render, validated: a duration read from the prompt gets response_format.duration's range and
    the model's limit. An explicit response_format duration is checked against the model by the caller."""
    read = (prompt_format.read_format(prompt, upscale=task == "upscale")
            if task in NEW_VIDEO_TASKS or task == "upscale" else None)
    candidates: dict[str, prompt_format.Asked] = {}
    notes: list[str] = []
    if read is not None and task in NEW_VIDEO_TASKS:
        candidates = read.fields()
        notes.extend(read.ambiguous)
    elif read is not None and read.resolution is not None:  # upscale: the target tier only
        candidates = {"resolution": read.resolution}
    from_prompt: dict[str, prompt_format.Asked] = {}
    for field, asked in candidates.items():
        set_value = getattr(video, field)
        if set_value is None:
            from_prompt[field] = asked
        elif set_value != asked.value:
            notes.append(f"response_format.{_NAMES[field]} ({_shown(field, set_value)}) was used, not the prompt's "
                         f"'{asked.phrase}' ({_shown(field, asked.value)}): response_format wins.")
    if "duration_s" in from_prompt:
        # A length the model cannot make, said in the prompt ("a 30 second commercial"), is not taken: the video is
        # made at the default length and the output says why (a 400 for words in a prompt would refuse a brief
        # that only describes the ad it is for). response_format.duration out of range stays a 400.
        asked = from_prompt["duration_s"]
        try:
            prompt_format.check_duration(asked, MIN_DURATION_S, max_duration_s(model), model,
                                         roomier_model(asked.value))
        except InvalidArgument as exc:
            del from_prompt["duration_s"]
            notes.append(f"{exc.message} It was made at the default length instead.")
    if task in NEW_VIDEO_TASKS and from_prompt:
        said = ", ".join(f"{_shown(f, a.value)} ('{a.phrase}')" for f, a in from_prompt.items())
        notes.insert(0, f"Format from the prompt, as response_format did not set it: {said}.")

    def pick(field: str, default):
        explicit = getattr(video, field)
        if explicit is not None:
            return explicit
        if field in from_prompt:
            return from_prompt[field].value
        return inherited.get(field) or default

    fmt = {"aspect_ratio": pick("aspect_ratio", "16:9"), "resolution": pick("resolution", "720p"),
           "duration_s": float(pick("duration_s", DEFAULT_DURATION_S)), "delivery": video.delivery}
    return Chosen(fmt, {f: a.phrase for f, a in from_prompt.items()}, notes)


def check_asked_duration(model: str, task: str, video: VideoFormat, reference_images: int) -> None:
    """The model's duration limit for a response_format.duration the user set. extend reads it as the length added
    and upscale keeps its source's length, so neither is a video length to check here (their own rules are in
    check_source)."""
    if video.duration_s is not None and task not in ("extend", "upscale"):
        check_model_limits(model, task, video.duration_s, reference_images)


# ------------------------------------------------------------------------------------------------ source tasks


@dataclasses.dataclass(frozen=True)
class SourceFacts:
    """What create knows of a source video: a previous turn's output has all three, an upload its probed duration
    (and size where the probe records one), inline video nothing yet."""

    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


def source_facts(runtime: "Runtime", tenant_id: str, file_id: str | None) -> SourceFacts:
    if not file_id:
        return SourceFacts()
    try:
        row = files_service.get_row(runtime, tenant_id, file_id)
    except NotFound:
        return SourceFacts()  # inline media, stored only once the request is accepted
    meta = row.video_metadata or {}
    duration = None
    raw = meta.get("videoDuration")
    if isinstance(raw, str):
        try:
            duration = float(raw.strip().removesuffix("s"))
        except ValueError:
            duration = None
    width, height = meta.get("width"), meta.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        width = height = None
    return SourceFacts(width, height, duration)


def check_source(facts: SourceFacts, *, model: str, task: str, prompt: str, video: VideoFormat, fmt: dict,
                 from_prompt: dict, inferred: bool) -> None:
    if task == "extend":
        _check_extend(facts, prompt, video)
    elif task == "upscale":
        _check_upscale(facts, prompt, video, fmt, from_prompt, inferred)
    elif task == "edit":
        _check_edit(facts, model, prompt, video)


def _refused(exc: CapabilityMissing, field: str) -> InvalidArgument:
    return InvalidArgument(exc.message, field=field)


def _check_extend(facts: SourceFacts, prompt: str, video: VideoFormat) -> None:
    from omnireel.engines.builtin import extend

    field = "response_format.duration" if video.duration_s is not None else "input"
    try:
        seconds = extend.asked_extension(prompt, video.duration_s)
        if facts.duration_s is not None:
            extend.check_total(facts.duration_s, seconds)
    except CapabilityMissing as exc:
        raise _refused(exc, field) from None


def _check_upscale(facts: SourceFacts, prompt: str, video: VideoFormat, fmt: dict, from_prompt: dict,
                   inferred: bool) -> None:
    from omnireel.engines.builtin import upscale

    read = prompt_format.read_format(prompt, upscale=True)
    if video.resolution is None and read.unsupported_resolution:
        raise InvalidArgument(
            f"The prompt asks to upscale to {read.unsupported_resolution}; upscale makes 720p, 1080p or 4k (360p -> "
            "720p or 1080p, 720p -> 1080p or 4k). Name one of those, or set response_format.resolution.",
            field="input")
    if inferred:
        _refuse_edit_in_upscale(prompt)
    try:
        upscale.check_source(facts.width, facts.height, facts.duration_s, video.aspect_ratio)
    except CapabilityMissing as exc:
        field = "response_format.aspect_ratio" if "aspect ratio" in exc.message else "input"
        raise _refused(exc, field) from None
    asked = video.resolution or (fmt["resolution"] if "resolution" in from_prompt else None)
    if asked is None or facts.width is None:
        return  # the next tier up, or a source whose size is known only once it is decoded
    try:
        upscale.target_for(facts.width, facts.height, asked)
    except CapabilityMissing as exc:
        raise _refused(exc, "response_format.resolution" if video.resolution else "input") from None


def _refuse_edit_in_upscale(prompt: str) -> None:
    """An instruction read as upscale that also asks for an edit ("Upscale to 1080p and make it black and white")
    would have its edit dropped by the upscale: refused, naming the part, rather than half done."""
    from omnireel.media.prompt.edit_plan import parse_edit

    for clause in prompt_format.edit_clauses(prompt):
        try:
            parse_edit(clause)
        except CapabilityMissing:
            continue  # not an edit the builtin reader knows: words around the upscale
        raise InvalidArgument(
            f"The instruction asks to upscale and also to edit ('{clause}'); an upscale turn only changes the "
            "resolution. Ask for the edit in its own turn (before or after upscaling), or set "
            "generation_config.video_config.task to say which one this turn is.",
            field="input")


def edit_length(prompt: str, source_s: float) -> float | None:
    """The length the builtin edit's plan gives a source of `source_s` (trims, speed), or None when the plan is not
    read here (an instruction the builtin reader refuses, or one the engine will refuse by name at render)."""
    from omnireel.media.ops import timing
    from omnireel.media.prompt.edit_plan import parse_edit

    try:
        plan = parse_edit(prompt)
        keeps, cuts = [], []
        for op in plan.of("trim"):
            if op.span.kind in ("first", "last", "for") and op.span.a > source_s + 0.5 / FPS:
                return None  # asks for more than there is: the engine says so at render
            (keeps if op.mode == "keep" else cuts).append(op.span.resolve(source_s, what="the trim"))
        kept = timing.kept_ranges(round(source_s * FPS), keeps, cuts)
    except CapabilityMissing:
        return None
    if not kept:
        return None
    return timing.Timeline(tuple(kept), plan.speed, plan.reverse).frames / FPS


def _check_edit(facts: SourceFacts, model: str, prompt: str, video: VideoFormat) -> None:
    if facts.duration_s is None:
        return  # known at render: the engine checks the plan's length there
    natural = edit_length(prompt, facts.duration_s)
    if video.duration_s is not None:
        longest = natural if natural is not None else facts.duration_s
        if video.duration_s * FPS > round(longest * FPS) + 1:
            what = (f"the edited clip is {longest:g} s long (the source is {facts.duration_s:g} s)"
                    if natural is not None and abs(natural - facts.duration_s) > 1 / FPS
                    else f"the source is {facts.duration_s:g} s long")
            raise InvalidArgument(
                f"response_format.duration asks for {video.duration_s:g} s, but {what}. An edit cannot make a clip "
                "longer; use generation_config.video_config.task \"extend\" to add time.",
                field="response_format.duration")
        return  # an explicit length within the clip: checked against the model with the request
    if natural is None:
        return
    limit = max_duration_s(model)
    if natural > limit + 0.5 / FPS:
        other = roomier_model(natural)
        more = f", or use {other}, which makes up to {max_duration_s(other):g} s" if other and other != model else ""
        raise InvalidArgument(
            f"This edit of a {facts.duration_s:g} s source would be {natural:.3g} s long; model '{model}' makes "
            f"videos of up to {limit:g} s. Cut it in the instruction (e.g. 'keep only the first {limit:g} seconds') "
            f"or set response_format.duration{more}.",
            field="input")
